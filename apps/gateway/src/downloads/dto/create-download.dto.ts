import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min } from 'class-validator';
import { AUDIO_FORMATS, QUALITIES, VIDEO_FORMATS } from '@mda/contracts';

const HTTP_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false, require_host: true, allow_underscores: true };

/** Options shared by single, batch, playlist and channel downloads. */
export class DownloadOptionsDto {
  @IsOptional() @IsIn(QUALITIES, { message: `quality must be one of ${QUALITIES.join(', ')}` })
  quality?: (typeof QUALITIES)[number];

  @IsOptional() @IsIn(VIDEO_FORMATS, { message: `video_format must be one of ${VIDEO_FORMATS.join(', ')}` })
  video_format?: (typeof VIDEO_FORMATS)[number];

  @IsOptional() @IsIn(AUDIO_FORMATS, { message: `audio_format must be one of ${AUDIO_FORMATS.join(', ')}` })
  audio_format?: (typeof AUDIO_FORMATS)[number];

  @IsOptional() @IsString() @MaxLength(500)
  @Matches(/^[^-\s][\x20-\x7e]*$/, { message: 'custom_format must be a yt-dlp format selector (printable, not starting with "-")' })
  custom_format?: string;

  @IsOptional() @IsString() @MaxLength(500)
  path_template?: string;

  @IsOptional() @IsBoolean()
  download_subtitles?: boolean;

  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(20, { each: true })
  @Matches(/^[A-Za-z0-9_.*-]+$/, { each: true, message: 'subtitle_languages entries must be language codes like en or pt-BR' })
  subtitle_languages?: string[];

  @IsOptional() @IsBoolean()
  embed_subtitles?: boolean;

  @IsOptional() @IsBoolean()
  write_thumbnail?: boolean;

  @IsOptional() @IsBoolean()
  embed_metadata?: boolean;

  @IsOptional() @IsString() @MaxLength(100)
  cookies_id?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(60) @Max(7200)
  timeout_sec?: number;

  @IsOptional() @IsString() @MaxLength(2048) @IsUrl(HTTP_URL, { message: 'webhook_url must be an http or https URL' })
  webhook_url?: string;
}

export class CreateDownloadDto extends DownloadOptionsDto {
  @IsString({ message: 'url is required' }) @MaxLength(4096) @IsUrl(HTTP_URL, { message: 'url must be an http or https URL' })
  url!: string;
}
