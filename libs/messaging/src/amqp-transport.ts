import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { ConsumeMessage } from 'amqplib';
import { Envelope, subscriptionByName } from '@mda/contracts';
import { HANDLER_NAME_EXTRA } from './handler-name';
import { Logger } from '@mda/observability';
import { AmqpConnection } from './amqp-connection';
import { HandlerOutcome, QueueConsumer } from './consumer';

const OUTCOMES: readonly HandlerOutcome[] = ['ack', 'requeue', 'dead'];

/** What a handler receives as its second argument (`@Ctx()`). */
export class AmqpContext {
  constructor(readonly message: ConsumeMessage) {}
  get redelivered(): boolean {
    return this.message.fields.redelivered;
  }
}

export interface AmqpTransportOptions {
  prefetchFor: (subscriptionName: string) => number;
  /** Names of the subscriptions this app consumes: each needs exactly one handler (checked before anything is consumed). */
  subscriptions: readonly string[];
}

/** A start-up refused because the app's handlers do not match the subscriptions it declares. */
export class HandlerRegistrationError extends Error {
  constructor(readonly problems: string[]) {
    super(`message handlers do not match the declared subscriptions: ${problems.join('; ')}`);
    this.name = 'HandlerRegistrationError';
  }
}

/**
 * A `@nestjs/microservices` transport on our own topology and acking: each `@EventPattern(name)`
 * names a subscription of the contracts; its handler returns ack, requeue or dead.
 */
export class AmqpTransport extends Server implements CustomTransportStrategy {
  private readonly consumers: QueueConsumer[] = [];
  private readonly byName = new Map<string, QueueConsumer>();
  private readonly pausedNames = new Set<string>();

  constructor(
    private readonly connection: AmqpConnection,
    private readonly log: Logger,
    private readonly options: AmqpTransportOptions,
  ) {
    super();
  }

  /**
   * Exactly one handler per declared subscription, and none for a subscription not declared or
   * not in the contracts; else throws HandlerRegistrationError naming each problem. (Nest chains a
   * second `@EventPattern` of the same name behind the first, which would never run.)
   */
  assertHandlers(): void {
    const problems: string[] = [];
    const declared = new Set(this.options.subscriptions);
    for (const name of declared) {
      if (!subscriptionByName(name)) problems.push(`"${name}" is declared but names no subscription of @mda/contracts`);
      else if (!this.messageHandlers.has(name)) problems.push(`"${name}" is declared but has no handler`);
    }
    for (const [pattern, head] of this.messageHandlers) {
      const names: string[] = [];
      for (let h: typeof head | undefined = head; h; h = h.next) names.push(String(h.extras?.[HANDLER_NAME_EXTRA] ?? 'an @EventPattern handler'));
      names.sort();
      if (!declared.has(pattern)) problems.push(`${names.join(', ')} handle${names.length === 1 ? 's' : ''} "${pattern}", which this app does not declare`);
      else if (names.length > 1) problems.push(`"${pattern}" has ${names.length} handlers (${names.join(', ')}); only one may handle a subscription`);
    }
    if (problems.length) throw new HandlerRegistrationError(problems);
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      this.assertHandlers();
      for (const [pattern] of this.messageHandlers) {
        const sub = subscriptionByName(pattern);
        if (!sub) throw new Error(`@EventPattern("${pattern}") names no subscription of @mda/contracts`);
        const consumer = new QueueConsumer(
          this.connection,
          { ...sub, prefetch: this.options.prefetchFor(sub.name), handle: (env: Envelope, msg: ConsumeMessage) => this.dispatch(pattern, env, msg) },
          this.log,
        );
        if (this.pausedNames.has(sub.name)) await consumer.pause();
        await consumer.start();
        this.consumers.push(consumer);
        this.byName.set(sub.name, consumer);
      }
      callback();
    } catch (err) {
      callback(err);
    }
  }

  private async dispatch(pattern: string, envelope: Envelope, msg: ConsumeMessage): Promise<HandlerOutcome> {
    const handler = this.messageHandlers.get(pattern);
    if (!handler) throw new Error(`no handler for ${pattern}`);
    const result = await handler(envelope, new AmqpContext(msg));
    const value = isObservable(result) ? await lastValueFrom(result, { defaultValue: undefined }) : result;
    if (!OUTCOMES.includes(value as HandlerOutcome)) {
      throw new Error(`handler for ${pattern} returned ${JSON.stringify(value)} instead of ack, requeue or dead`);
    }
    return value as HandlerOutcome;
  }

  /** Stops delivering messages of one subscription to this process (in-flight ones finish). */
  async pause(subscription: string): Promise<void> {
    this.pausedNames.add(subscription);
    await this.byName.get(subscription)?.pause();
  }

  async resume(subscription: string): Promise<void> {
    this.pausedNames.delete(subscription);
    await this.byName.get(subscription)?.resume();
  }

  /** Stops every consumer, then waits up to graceMs for in-flight handlers. Returns whether all finished. */
  async stopAndDrain(graceMs: number): Promise<boolean> {
    await Promise.all(this.consumers.map((c) => c.stopConsuming()));
    const results = await Promise.all(this.consumers.map((c) => c.drain(graceMs)));
    return results.every(Boolean);
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.splice(0).map((c) => c.close()));
  }

  on(): void {
    throw new Error('AmqpTransport does not emit events');
  }

  unwrap<T>(): T {
    return this.connection.manager as T;
  }
}
