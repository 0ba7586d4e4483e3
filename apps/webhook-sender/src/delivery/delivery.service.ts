import { Inject, Injectable } from '@nestjs/common';
import {
  METRICS,
  AttemptOutcome,
  Clock,
  ROUTING_KEYS,
  WebhookAttempted,
  WebhookDelivery,
  apiKeyFingerprint,
  retryTierDelaySec,
  retryTierLabel,
  webhookRetryRoutingKey,
} from '@mda/contracts';
import { EventPublisher, HandlerOutcome } from '@mda/messaging';
import { Logger, counterOf, histogramOf } from '@mda/observability';
import type { SenderConfig } from '../config/sender-config';
import { SENDER_CONFIG, SENDER_LOGGER } from '../tokens';
import { FinalEvents } from './final-events';
import { DeferralReason, HostGate, receiverHost } from './host-gate';
import { JobLanes } from './job-lanes';
import { PostSlots } from './post-slots';
import { AttemptLog } from './ports/attempt-log';
import { WebhookClient, WebhookNetworkError } from './ports/webhook-client';
import { AttemptResult, chooseTier, classify, parseRetryAfter } from './retry-policy';
import { webhookHeaders } from './signer';

const attemptsTotal = counterOf(METRICS.webhookAttempts);
const retriesTotal = counterOf(METRICS.webhookRetries);
const deadTotal = counterOf(METRICS.webhookDeadLetters);
const latency = histogramOf(METRICS.webhookLatency);
const deferralsTotal = counterOf(METRICS.webhookDeferrals);
/** Tier a parked delivery waits in: the shortest, so it is back as soon as a slot may be free. */
const DEFERRAL_TIER = 1;
const FINAL_EVENTS = new Set(['download.completed', 'download.failed', 'download.cancelled']);
// SPEC §4: Retry-After is honoured on these two (it means "come back then"), not on any 5xx
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/** A first attempt as the intake hands it over: everything but the body, which is built once the job's turn has come. */
export type FirstDelivery = Omit<WebhookDelivery, 'body' | 'attempt'> & { body: () => Promise<string> };

/** One attempt of one delivery, and what follows it: done, the next retry tier, or the dead letters. */
@Injectable()
export class DeliveryService {
  private readonly keysByFp: Map<string, string>;
  private readonly lanes = new JobLanes();
  private readonly hosts: HostGate;
  private readonly posts: PostSlots;

  constructor(
    private readonly client: WebhookClient,
    private readonly events: EventPublisher,
    private readonly attempts: AttemptLog,
    private readonly finals: FinalEvents,
    private readonly clock: Clock,
    @Inject(SENDER_CONFIG) private readonly config: SenderConfig,
    @Inject(SENDER_LOGGER) private readonly logger: Logger,
  ) {
    this.keysByFp = new Map(config.apiKeys.map((k) => [apiKeyFingerprint(k), k]));
    // counts deliveries held (in a lane or posting), from either queue: not bounded by the POST slots
    this.hosts = new HostGate(config.perHostConcurrency, clock);
    this.posts = new PostSlots(config.deliverPrefetch);
  }

  /** A delivery from `webhooks.deliver`: a retry handed back by its tier, a parked one, or a redelivery. */
  deliver(d: WebhookDelivery): Promise<HandlerOutcome> {
    return this.run(d, () => Promise.resolve(d));
  }

  /**
   * The first attempt of an event, straight from the intake (no queue between). Its body is built
   * inside the job's lane, so a slow build (a signed S3 link) cannot let the job's next event
   * overtake it; every later attempt sends those exact bytes.
   */
  deliverFirst(first: FirstDelivery): Promise<HandlerOutcome> {
    const head = { ...first, attempt: 1 };
    return this.run(head, async () => ({ ...head, body: await first.body() }));
  }

  /**
   * One job's deliveries are attempted in the order they arrived; other jobs' run alongside. Must
   * be entered synchronously on receipt (no await before the lane), which is what keeps that order.
   * The lane holds a job's next event only until this one's request is answered: publishing what
   * follows (the attempt record, a retry, a dead letter) and the ack happen outside it, so a
   * broker confirm never delays the job's next POST. A receiver host holds at most
   * WEBHOOK_CONCURRENCY_PER_HOST of the deliveries here (posting or waiting in a lane); beyond that
   * they are parked in the broker, so a hanging receiver cannot take every slot (HostGate).
   */
  private async run(head: Pick<WebhookDelivery, 'url' | 'request_id' | 'event_id'>, resolve: () => Promise<WebhookDelivery>): Promise<HandlerOutcome> {
    const admission = this.hosts.enter(receiverHost(head.url), head.request_id, head.event_id);
    if (!admission.admitted) return this.park(await resolve(), admission.reason);
    let settle: () => Promise<HandlerOutcome>;
    try {
      settle = await this.lanes.run(head.request_id, async () => this.attempt(await resolve()));
    } finally {
      // the host is free once its answer is in: settling is the broker's work, not the receiver's
      admission.release();
    }
    return settle();
  }

  /**
   * Sends a delivery its host cannot take now to the 1 s tier, unchanged: the same attempt number
   * and bytes, no attempt record (nothing was attempted). Acked only once the broker confirmed it.
   */
  private async park(d: WebhookDelivery, reason: DeferralReason): Promise<HandlerOutcome> {
    await this.events.publish(ROUTING_KEYS.webhookDeliver, d, d.request_id ?? d.event_id, { routingKey: webhookRetryRoutingKey(DEFERRAL_TIER) });
    deferralsTotal.inc({ reason });
    if (this.logger.isLevelEnabled('debug'))
      this.logger.debug({ request_id: d.request_id, event: d.event, attempt: d.attempt, webhook_id: d.event_id, reason }, 'webhook delivery parked for 1 s');
    return 'ack';
  }

  /** Makes the attempt; resolves with what remains to do once it is answered. */
  private async attempt(d: WebhookDelivery): Promise<() => Promise<HandlerOutcome>> {
    // built only when something is logged: a successful delivery logs at debug, and this is the hot path
    const log = () => this.logger.child({ request_id: d.request_id, event: d.event, attempt: d.attempt, webhook_id: d.event_id });
    if (d.event === 'download.progress' && d.attempt > 1 && d.request_id && this.finals.isFinal(d.request_id)) {
      return async () => {
        await this.record(d, 'dropped', { statusCode: null, error: 'stale progress: the job already finished', durationMs: 0, body: null, next: null });
        log().info('stale progress retry dropped');
        return 'ack';
      };
    }
    const apiKey = this.keysByFp.get(d.key_fp);
    if (!apiKey) {
      return async () => {
        await Promise.all([
          this.deadLetter(d, 'unknown_api_key'),
          this.record(d, 'dead', {
            statusCode: null,
            error: 'the API key that created the job is no longer configured',
            durationMs: 0,
            body: null,
            next: null,
          }),
        ]);
        log().error('no configured API key matches the delivery: dead-lettered');
        return 'ack';
      };
    }
    const nowMs = this.clock.nowMs();
    const headers = webhookHeaders({
      apiKey,
      eventId: d.event_id,
      event: d.event,
      body: d.body,
      attempt: d.attempt,
      nowSec: Math.floor(nowMs / 1000),
      userAgent: this.config.userAgent,
    });
    let result: AttemptResult;
    let statusCode: number | null = null;
    let error: string | null = null;
    let body: string | null = null;
    let durationMs: number;
    const release = await this.posts.acquire();
    try {
      const r = await this.client.post(d.url, headers, d.body, this.config.timeoutSec * 1000);
      statusCode = r.statusCode;
      body = r.body;
      durationMs = r.durationMs;
      const retryAfterSec = RETRY_AFTER_STATUSES.has(r.statusCode) ? parseRetryAfter(r.headers['retry-after'], this.clock.nowMs()) : null;
      result = { kind: 'response', statusCode: r.statusCode, retryAfterSec };
    } catch (err) {
      const e = err instanceof WebhookNetworkError ? err : new WebhookNetworkError('network_error', String(err), 0);
      error = e.code;
      durationMs = e.durationMs;
      result = { kind: 'network', code: e.code };
    } finally {
      release();
    }
    const verdict = classify(result);
    const retry = d.attempt; // retries already made = attempts so far - 1; this would be retry number `attempt`
    if (verdict.verdict === 'delivered') {
      if (FINAL_EVENTS.has(d.event) && d.request_id) this.finals.markFinal(d.request_id);
      latency.observe({ event: d.event }, Math.max(0, this.clock.nowMs() - Date.parse(d.created_at)) / 1000);
      return async () => {
        await this.record(d, 'delivered', { statusCode, error, durationMs, body, next: null });
        if (this.logger.isLevelEnabled('debug')) log().debug({ status_code: statusCode, duration_ms: Math.round(durationMs) }, 'webhook delivered');
        return 'ack';
      };
    }
    if (verdict.verdict === 'retry' && retry <= this.config.maxRetries) {
      const tier = chooseTier(retry, result.kind === 'response' ? result.retryAfterSec : null);
      return async () => {
        const next: WebhookDelivery = { ...d, attempt: d.attempt + 1 };
        // parked under the tier's routing key, but still a webhook.deliver message when the tier hands it back;
        // both confirmed before the ack, awaited together
        await Promise.all([
          this.events.publish(ROUTING_KEYS.webhookDeliver, next, d.request_id ?? d.event_id, { routingKey: webhookRetryRoutingKey(tier) }),
          this.record(d, 'retrying', { statusCode, error: error ?? verdict.reason, durationMs, body, next: retryTierDelaySec(tier) }),
        ]);
        retriesTotal.inc({ tier: retryTierLabel(tier) });
        log().warn(
          { status_code: statusCode, error: error ?? verdict.reason, retry_in_sec: retryTierDelaySec(tier) },
          'webhook attempt failed; retry scheduled',
        );
        return 'ack';
      };
    }
    const reason = verdict.verdict === 'retry' ? `retries_exhausted:${verdict.reason}` : verdict.reason;
    return async () => {
      await Promise.all([this.deadLetter(d, reason), this.record(d, 'dead', { statusCode, error: error ?? reason, durationMs, body, next: null })]);
      log().warn({ status_code: statusCode, reason }, 'webhook delivery dead-lettered');
      return 'ack';
    };
  }

  private async deadLetter(d: WebhookDelivery, reason: string): Promise<void> {
    deadTotal.inc();
    await this.events.publish(ROUTING_KEYS.webhookDead, d, d.request_id ?? d.event_id, { headers: { 'x-dead-reason': reason } });
  }

  private async record(
    d: WebhookDelivery,
    outcome: AttemptOutcome,
    r: { statusCode: number | null; error: string | null; durationMs: number; body: string | null; next: number | null },
  ): Promise<void> {
    attemptsTotal.inc({ event: d.event, outcome });
    const attempted: WebhookAttempted = {
      event_id: d.event_id,
      event: d.event,
      request_id: d.request_id,
      batch_id: d.batch_id ?? null,
      url: d.url,
      attempt: d.attempt,
      outcome,
      status_code: r.statusCode,
      error: r.error,
      duration_ms: Math.round(r.durationMs * 100) / 100,
      response_body: r.body === null ? null : r.body.slice(0, 1024),
      next_retry_in_sec: r.next,
      attempted_at: this.clock.now().toISOString(),
      redelivery: d.redelivery_seq ?? (d.redelivery ? 1 : 0),
      // on every attempt, so the gateway holds the exact body for a redelivery from the first one on
      delivery: { key_fp: d.key_fp, body: d.body, created_at: d.created_at },
    };
    // batched with other attempts' records; resolves once the broker confirmed the batch
    await this.attempts.record(attempted);
  }
}
