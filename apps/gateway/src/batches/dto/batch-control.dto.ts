import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { DownloadOptionsDto } from '../../submissions/dto/download-options.dto';

export const DEFAULT_CONCURRENT_LIMIT = 3;

/** Shared options plus how a batch runs (batch, playlist and channel downloads). */
export class BatchControlDto extends DownloadOptionsDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 10, default: DEFAULT_CONCURRENT_LIMIT, description: 'How many of the batch run at once, across all workers' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  concurrent_limit?: number;

  @ApiPropertyOptional({ default: false, description: 'After a failure, start no more downloads of the batch (running ones finish)' })
  @IsOptional()
  @IsBoolean()
  stop_on_error?: boolean;
}
