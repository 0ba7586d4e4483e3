import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export const CLEARABLE_STATUSES = ['completed', 'failed', 'cancelled'] as const;
export type ClearableStatus = (typeof CLEARABLE_STATUSES)[number];

/** POST /api/v1/downloads/clear */
export class ClearDownloadsDto {
  @ApiPropertyOptional({
    type: [String],
    enum: CLEARABLE_STATUSES,
    example: ['completed'],
    description: 'Which finished jobs to remove (default: all three final statuses)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(CLEARABLE_STATUSES, { each: true, message: `status must list only ${CLEARABLE_STATUSES.join(', ')}` })
  status?: ClearableStatus[];

  @ApiPropertyOptional({ default: false, description: "Remove the jobs' stored files (media and sidecars) too; otherwise the files stay" })
  @IsOptional()
  @IsBoolean()
  delete_files?: boolean;

  @ApiPropertyOptional({ example: 'batch_3k5j7h2g9f8d', description: 'Only jobs of this batch' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^batch_[a-z0-9]{12,}$/, { message: 'batch_id must look like batch_ followed by letters and digits' })
  batch_id?: string;
}

/** POST /api/v1/downloads/retry-failed */
export class RetryFailedDto {
  @ApiPropertyOptional({ example: 'batch_3k5j7h2g9f8d', description: 'Only failed jobs of this batch' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^batch_[a-z0-9]{12,}$/, { message: 'batch_id must look like batch_ followed by letters and digits' })
  batch_id?: string;
}
