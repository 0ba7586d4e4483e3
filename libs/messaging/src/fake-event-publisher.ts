import type { Clock, IdGenerator, Message, MessageInput, PublishKey, ReplyKey } from '@mda/contracts';
import { EventPublisher, SendOptions } from './messaging.module';
import { Publisher, PublishOptions } from './publisher';

/** One message the code under test handed to the broker. */
export interface SentMessage<K extends PublishKey | ReplyKey = PublishKey | ReplyKey> {
  type: K;
  data: MessageInput<K>;
  correlationId: string;
  /** The envelope id (a derived one when the caller fixed it, e.g. batch.completed). */
  id: string;
  opts: SendOptions;
}

/**
 * For tests (it lives here, not in @mda/testing, because messaging's own tests use @mda/testing:
 * the reverse import would make the two projects a cycle). An EventPublisher that keeps what it is given instead of sending it: real envelopes (ids from the
 * injected IdGenerator, times from the Clock), typed by the MESSAGES catalogue. `failNext` makes
 * the next publishes reject as an unconfirmed publish would.
 */
export class FakeEventPublisher extends EventPublisher {
  readonly sent: SentMessage[] = [];
  /** What the coming publishes do, in order: null goes through, an Error rejects; empty: all go through. */
  private plan: Array<Error | null> = [];

  constructor(clock: Clock, ids: IdGenerator) {
    // never reached: every method that would use the wire is overridden below
    super(Object.create(Publisher.prototype) as Publisher, clock, ids);
  }

  /** After `after` more publishes go through, the next `count` reject with `err` (the broker did not confirm). */
  failNext(count = 1, err = new Error('publish not confirmed'), after = 0): void {
    for (let i = 0; i < after; i++) this.plan.push(null);
    for (let i = 0; i < count; i++) this.plan.push(err);
  }

  /** The data of every message of `type`, in order, typed by its key. */
  ofType<K extends PublishKey | ReplyKey>(type: K): Array<MessageInput<K>> {
    return this.sent.filter((m): m is SentMessage<K> => m.type === type).map((m) => m.data);
  }

  override async publish<K extends PublishKey>(type: K, data: MessageInput<K>, correlationId: string, opts: SendOptions = {}) {
    this.takeFailure();
    const env = this.envelope(type, data, correlationId, opts.id);
    this.sent.push({ type, data, correlationId, id: env.id, opts } as SentMessage);
    return env;
  }

  override async send(message: Message<PublishKey>, correlationId: string, opts: SendOptions = {}): Promise<void> {
    this.takeFailure();
    const env = this.envelope(message.type, message.data, correlationId, opts.id);
    this.sent.push({ type: message.type, data: message.data, correlationId, id: env.id, opts } as SentMessage);
  }

  override async reply<K extends ReplyKey>(type: K, _replyTo: string, data: MessageInput<K>, correlationId: string, _opts: PublishOptions = {}): Promise<void> {
    this.takeFailure();
    const env = this.envelope(type, data, correlationId);
    this.sent.push({ type, data, correlationId, id: env.id, opts: {} } as SentMessage);
  }

  private takeFailure(): void {
    const err = this.plan.shift();
    if (err) throw err;
  }
}
