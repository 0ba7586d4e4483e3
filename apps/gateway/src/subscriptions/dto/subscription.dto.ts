import { ApiPropertyOptional, IntersectionType, OmitType, PartialType } from '@nestjs/swagger';
import { Allow, IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { BatchControlDto } from '../../batches/dto/batch-control.dto';
import { ChannelFilterDto } from '../../batches/dto/channel-filter.dto';

export const DEFAULT_CHECK_INTERVAL_SEC = 3600;
export const MAX_CHECK_INTERVAL_SEC = 30 * 86_400;
export const MAX_BACKFILL_COUNT = 1000;

/** What a subscription keeps of channel download's filters, plus title matches. */
class SubscriptionFilterFields extends OmitType(ChannelFilterDto, ['sort_by'] as const) {
  @ApiPropertyOptional({ example: 'highlights', description: 'Only items whose title contains this text (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title_match?: string;

  @ApiPropertyOptional({ example: 'trailer', description: 'Leave out items whose title contains this text (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title_exclude?: string;
}

/** POST /api/v1/subscriptions */
export class CreateSubscriptionDto extends IntersectionType(SubscriptionFilterFields, BatchControlDto) {
  @ApiPropertyOptional({
    minimum: 300,
    maximum: MAX_CHECK_INTERVAL_SEC,
    default: DEFAULT_CHECK_INTERVAL_SEC,
    description: 'Seconds between checks (at least 5 minutes; SUBSCRIPTION_MIN_INTERVAL_SEC lowers it for tests)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'check_interval must be a whole number of seconds' })
  @Min(1)
  @Max(MAX_CHECK_INTERVAL_SEC)
  check_interval?: number;

  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', enum: ['none', 'all'] },
      { type: 'integer', minimum: 0, maximum: MAX_BACKFILL_COUNT },
    ],
    default: 'none',
    description: 'What of the source as it is now to download: none (only uploads from now on), all, or the first N items as listed',
  })
  @Allow()
  backfill?: 'none' | 'all' | number;

  @ApiPropertyOptional({ default: false, description: 'Create it paused (no scheduled checks until resumed)' })
  @IsOptional()
  @IsBoolean()
  paused?: boolean;
}

/** PATCH /api/v1/subscriptions/{id}: pause/resume, interval, filters, options, webhook (the URL and backfill stay). */
export class UpdateSubscriptionDto extends PartialType(OmitType(CreateSubscriptionDto, ['url', 'backfill'] as const)) {}
