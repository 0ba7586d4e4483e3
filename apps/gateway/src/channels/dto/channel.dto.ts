import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { BatchControlDto } from '../../batches/dto/batch-control.dto';
import { ChannelFilterDto } from '../../batches/dto/channel-filter.dto';

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
