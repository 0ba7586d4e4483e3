import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Response shapes of subscriptions (see models.ts for the job view). */

export class SubscriptionCheckView {
  @ApiProperty({ example: 'chk_4k2j5h7g9f1d3s5a' }) check_id!: string;
  @ApiProperty({ example: 'sub_9f8d7s6a5k4j3h2g' }) subscription_id!: string;
  @ApiProperty({ enum: ['create', 'schedule', 'manual'] }) trigger!: string;
  @ApiProperty({ enum: ['ok', 'failed'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) started_at!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) finished_at!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Items listed that pass the filters' }) items_seen!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Items queued for download by this check' }) new_items!: number;
  @ApiProperty({ type: [String], example: ['req_k3j5h2g8f9d1'], description: 'The jobs this check queued' }) request_ids!: string[];
  @ApiProperty({ type: 'string', nullable: true, example: null }) error!: string | null;
}

export class SubscriptionFiltersView {
  @ApiPropertyOptional({ example: '20240101' }) date_after?: string;
  @ApiPropertyOptional({ example: '20241231' }) date_before?: string;
  @ApiPropertyOptional({ type: 'integer' }) min_duration?: number;
  @ApiPropertyOptional({ type: 'integer' }) max_duration?: number;
  @ApiPropertyOptional({ type: 'integer' }) min_views?: number;
  @ApiPropertyOptional({ type: 'integer' }) max_views?: number;
  @ApiPropertyOptional() title_match?: string;
  @ApiPropertyOptional() title_exclude?: string;
}

export class SubscriptionView {
  @ApiProperty({ example: 'sub_9f8d7s6a5k4j3h2g' }) subscription_id!: string;
  @ApiProperty({ example: 'https://example.com/channel/feed.xml' }) url!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'My Channel' }) title!: string | null;
  @ApiProperty({ type: 'integer', description: 'Seconds between checks', example: 3600 }) check_interval!: number;
  @ApiProperty({ oneOf: [{ type: 'string', enum: ['none', 'all'] }, { type: 'integer' }], example: 'none' }) backfill!: string | number;
  @ApiProperty() paused!: boolean;
  @ApiProperty({ type: SubscriptionFiltersView }) filters!: SubscriptionFiltersView;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The download options of its jobs, as given', example: { quality: '720p' } })
  options!: Record<string, unknown>;
  @ApiProperty({ type: 'string', nullable: true }) webhook_url!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'null while paused' }) next_check_at!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Scheduled checks failed in a row (they back off)' }) consecutive_failures!: number;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) last_check_at!: string | null;
  @ApiProperty({ type: 'string', nullable: true, enum: ['ok', 'failed'] }) last_status!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
  @ApiProperty({ type: [SubscriptionCheckView], description: 'The latest checks, newest first (20 here, 1 in the list)' }) checks!: SubscriptionCheckView[];
}

export class SubscriptionList {
  @ApiProperty({ type: [SubscriptionView] }) subscriptions!: SubscriptionView[];
}

export class DeletedSubscription {
  @ApiProperty({ example: 'sub_9f8d7s6a5k4j3h2g' }) subscription_id!: string;
  @ApiProperty({ enum: [true] }) deleted!: boolean;
}
