import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min } from 'class-validator';
import { BatchControlDto } from '../../batches/dto/batch-control.dto';
import { HTTP_URL } from '../../submissions/dto/download-options.dto';
import { SORT_KEYS, SortKey } from '../channel-filter';

const YYYYMMDD = /^(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/;

/** The filters of channel info and channel download (query string or body). */
export class ChannelFilterDto {
  @ApiProperty({ example: 'https://www.youtube.com/@channel/videos' })
  @IsString({ message: 'url is required' })
  @MaxLength(4096)
  @IsUrl(HTTP_URL, { message: 'url must be an http or https URL' })
  url!: string;

  @ApiPropertyOptional({ example: '20240101', description: 'Uploaded on or after this day (YYYYMMDD)' })
  @IsOptional()
  @Matches(YYYYMMDD, { message: 'date_after must be a date as YYYYMMDD' })
  date_after?: string;

  @ApiPropertyOptional({ example: '20241231', description: 'Uploaded on or before this day (YYYYMMDD)' })
  @IsOptional()
  @Matches(YYYYMMDD, { message: 'date_before must be a date as YYYYMMDD' })
  date_before?: string;

  @ApiPropertyOptional({ minimum: 0, description: 'Shortest duration, seconds' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  min_duration?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Longest duration, seconds' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  max_duration?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Fewest views' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  min_views?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Most views' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  max_views?: number;

  @ApiPropertyOptional({ enum: SORT_KEYS, description: 'upload_date (newest first), view_count (most first), duration (longest first), title (A–Z)' })
  @IsOptional()
  @IsIn(SORT_KEYS, { message: `sort_by must be one of ${SORT_KEYS.join(', ')}` })
  sort_by?: SortKey;
}

export class ChannelInfoQuery extends ChannelFilterDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  page_size?: number;

  @ApiPropertyOptional({ description: 'The id of cookies uploaded with POST /api/v1/cookies (ck_…), sent when reading the URL' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cookies_id?: string;
}

export class ChannelDownloadDto extends IntersectionType(BatchControlDto, ChannelFilterDto) {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100, description: 'Most videos to download (after filters and sorting)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  max_downloads?: number;

  @ApiPropertyOptional({ default: true, description: 'Skip videos this API key has already downloaded' })
  @IsOptional()
  @IsBoolean()
  skip_downloaded?: boolean;
}
