import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min } from 'class-validator';
import { AUDIO_FORMATS, AUDIO_QUALITY_KBPS, QUALITIES, SUBTITLE_FORMATS, VIDEO_FORMATS } from '@mda/contracts';

export const HTTP_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false, require_host: true, allow_underscores: true };

/** Options shared by single, batch, playlist and channel downloads. */
export class DownloadOptionsDto {
  @ApiPropertyOptional({ enum: QUALITIES, default: 'best', example: '1080p' })
  @IsOptional()
  @IsIn(QUALITIES, { message: `quality must be one of ${QUALITIES.join(', ')}` })
  quality?: (typeof QUALITIES)[number];

  @ApiPropertyOptional({ enum: VIDEO_FORMATS, default: 'mp4' })
  @IsOptional()
  @IsIn(VIDEO_FORMATS, { message: `video_format must be one of ${VIDEO_FORMATS.join(', ')}` })
  video_format?: (typeof VIDEO_FORMATS)[number];

  @ApiPropertyOptional({ enum: AUDIO_FORMATS, default: 'mp3', description: 'Used when quality is audio' })
  @IsOptional()
  @IsIn(AUDIO_FORMATS, { message: `audio_format must be one of ${AUDIO_FORMATS.join(', ')}` })
  audio_format?: (typeof AUDIO_FORMATS)[number];

  @ApiPropertyOptional({ example: 'bestvideo[height<=720]+bestaudio/best', description: 'A yt-dlp format selector (overrides quality)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Matches(/^[^-\s][\x20-\x7e]*$/, { message: 'custom_format must be a yt-dlp format selector (printable, not starting with "-")' })
  custom_format?: string;

  @ApiPropertyOptional({
    example: '{channel}/{upload_date} {title} [{id}].{ext}',
    description:
      'Where the file goes under the media folder: {id} {title} {safe_title} {uploader} {ext} {date} {upload_date} {playlist} {playlist_index} {channel} {channel_id} {uploader_id} {resolution} {duration}, or a preset: jellyfin, plex, kodi ({channel}/{title} [{id}].{ext}); default videos/video-<id>.<ext>',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  path_template?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  download_subtitles?: boolean;

  @ApiPropertyOptional({ type: [String], example: ['en', 'pt-BR'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(20, { each: true })
  @Matches(/^[A-Za-z0-9_.*-]+$/, { each: true, message: 'subtitle_languages entries must be language codes like en or pt-BR' })
  subtitle_languages?: string[];

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  embed_subtitles?: boolean;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  write_thumbnail?: boolean;

  @ApiPropertyOptional({ default: true, description: 'Title, uploader and date written into the file (by yt-dlp; a direct file keeps its own tags)' })
  @IsOptional()
  @IsBoolean()
  embed_metadata?: boolean;

  @ApiPropertyOptional({ default: false, description: "Keep yt-dlp's .info.json beside the media (listed in file_info.files)" })
  @IsOptional()
  @IsBoolean()
  write_info_json?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Keep the description as a .description text file beside the media' })
  @IsOptional()
  @IsBoolean()
  write_description?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Write a Kodi/Jellyfin .nfo beside the media' })
  @IsOptional()
  @IsBoolean()
  write_nfo?: boolean;

  @ApiPropertyOptional({ deprecated: true, default: false, description: 'The original service\'s name for quality: "audio" (true means quality audio)' })
  @IsOptional()
  @IsBoolean()
  audio_only?: boolean;

  @ApiPropertyOptional({
    minimum: AUDIO_QUALITY_KBPS.min,
    maximum: AUDIO_QUALITY_KBPS.max,
    example: 192,
    description: 'Audio bitrate in kbps, for audio downloads',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `audio_quality must be a bitrate in kbps from ${AUDIO_QUALITY_KBPS.min} to ${AUDIO_QUALITY_KBPS.max}` })
  @Min(AUDIO_QUALITY_KBPS.min, { message: `audio_quality must be a bitrate in kbps from ${AUDIO_QUALITY_KBPS.min} to ${AUDIO_QUALITY_KBPS.max}` })
  @Max(AUDIO_QUALITY_KBPS.max, { message: `audio_quality must be a bitrate in kbps from ${AUDIO_QUALITY_KBPS.min} to ${AUDIO_QUALITY_KBPS.max}` })
  audio_quality?: number;

  @ApiPropertyOptional({ enum: SUBTITLE_FORMATS, description: 'Subtitles converted to this format' })
  @IsOptional()
  @IsIn(SUBTITLE_FORMATS, { message: `subtitle_format must be one of ${SUBTITLE_FORMATS.join(', ')}` })
  subtitle_format?: (typeof SUBTITLE_FORMATS)[number];

  @ApiPropertyOptional({ default: false, description: 'Automatic (generated) captions too; implies downloading subtitles' })
  @IsOptional()
  @IsBoolean()
  auto_subtitles?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Thumbnail embedded as cover art (mp4, mkv, m4a, mp3, opus, flac)' })
  @IsOptional()
  @IsBoolean()
  embed_thumbnail?: boolean;

  @ApiPropertyOptional({
    deprecated: true,
    default: true,
    description: "Accepted for the original service's clients: one failed item never stops the others here (see stop_on_error for batches)",
  })
  @IsOptional()
  @IsBoolean()
  ignore_errors?: boolean;

  @ApiPropertyOptional({ description: 'The id of cookies uploaded with POST /api/v1/cookies (ck_…)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cookies_id?: string;

  @ApiPropertyOptional({ minimum: 60, maximum: 7200, default: 1800 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(7200)
  timeout_sec?: number;

  @ApiPropertyOptional({
    minimum: 0.0001,
    maximum: 87600,
    example: 72,
    description:
      'Hours the files are kept after the download completes, then removed (the job stays, flagged file_deleted, and a download.expired webhook is sent). Unset: FILE_RETENTION_HOURS, or kept for ever.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({}, { message: 'retention_hours must be a number of hours' })
  @Min(0.0001)
  @Max(87600)
  retention_hours?: number;

  @ApiPropertyOptional({ example: 'https://your-app.com/webhook', description: 'Receives signed download.* events (see the webhooks guide)' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @IsUrl(HTTP_URL, { message: 'webhook_url must be an http or https URL' })
  webhook_url?: string;
}
