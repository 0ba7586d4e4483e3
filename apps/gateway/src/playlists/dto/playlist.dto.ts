import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min } from 'class-validator';
import { BatchControlDto } from '../../batches/dto/batch-control.dto';
import { HTTP_URL } from '../../submissions/dto/download-options.dto';

export class PlaylistPreviewQuery {
  @ApiProperty({ example: 'https://www.youtube.com/playlist?list=PL123' })
  @IsString({ message: 'url is required' })
  @MaxLength(4096)
  @IsUrl(HTTP_URL, { message: 'url must be an http or https URL' })
  url!: string;

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
  limit?: number;

  @ApiPropertyOptional({ description: 'The id of cookies uploaded with POST /api/v1/cookies (ck_…), sent when reading the URL' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cookies_id?: string;
}

export class PlaylistDownloadDto extends BatchControlDto {
  @ApiProperty({ example: 'https://www.youtube.com/playlist?list=PL123' })
  @IsString({ message: 'url is required' })
  @MaxLength(4096)
  @IsUrl(HTTP_URL, { message: 'url must be an http or https URL' })
  url!: string;

  @ApiPropertyOptional({ example: '1-10,15', description: 'Positions to download, from 1' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  @Matches(/^\s*\d+(-\d+)?(\s*,\s*\d+(-\d+)?)*\s*$/, { message: 'items must look like "1-10,15"' })
  items?: string;

  @ApiPropertyOptional({ minimum: 1, description: 'First position to download' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  start?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'Last position to download' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  end?: number;

  @ApiPropertyOptional({ default: false, description: 'Download from the last selected item to the first' })
  @IsOptional()
  @IsBoolean()
  reverse?: boolean;

  @ApiPropertyOptional({ deprecated: true, default: false, description: "The original service's name for reverse" })
  @IsOptional()
  @IsBoolean()
  reverse_playlist?: boolean;

  @ApiPropertyOptional({ default: true, description: 'Skip videos this API key has already downloaded' })
  @IsOptional()
  @IsBoolean()
  skip_downloaded?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  max_downloads?: number;
}
