import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, MaxLength, Min } from 'class-validator';
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
