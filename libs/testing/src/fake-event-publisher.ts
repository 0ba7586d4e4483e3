import { Clock, Envelope, MessageKey, PublishKey, RawEnvelope, SystemClock, isMessageKey, parseMessage } from '@mda/contracts';
import { EventPublisher, PublishOptions } from '@mda/messaging';
import { SequentialIds } from './sequential-ids';

/** One message the fake broker confirmed: where it went and its envelope, parsed as a consumer would. */
export interface PublishedMessage {
  exchange: string;
  routingKey: string;
  envelope: Envelope;
}

/** Stands in for the confirming publisher: records, or fails a publish when told to. */
class RecordingBroker {
  readonly published: PublishedMessage[] = [];
  /** Planned refusals, in order; `passes` publishes of the type still go through before one is refused. */
  readonly failures: Array<{ type: MessageKey | undefined; error: Error; passes: number }> = [];

  async publish(exchange: string, routingKey: string, env: RawEnvelope, _opts?: PublishOptions): Promise<void> {
    const i = this.failures.findIndex((f) => f.type === undefined || f.type === env.type);
    if (i >= 0 && this.failures[i].passes > 0) this.failures[i].passes -= 1;
    else if (i >= 0) throw this.failures.splice(i, 1)[0].error;
    // the consumer's own check: a message its schema refuses fails the publish (and the test) here
    if (!isMessageKey(env.type)) throw new Error(`FakeEventPublisher: ${env.type} is not in the MESSAGES catalogue`);
    const parsed = parseMessage(JSON.stringify(env), [env.type]);
    if (!parsed.ok) throw new Error(`FakeEventPublisher: ${env.type} would be dead-lettered by its consumer: ${parsed.error}`);
    this.published.push({ exchange, routingKey, envelope: parsed.value });
  }
}

/**
 * The real EventPublisher (envelopes, exchange lookup from the MESSAGES catalogue) over an
 * in-memory broker: what a service published, typed by routing key, each message checked
 * against its schema as its consumer would check it.
 */
export class FakeEventPublisher extends EventPublisher {
  private readonly broker: RecordingBroker;

  constructor(clock: Clock = new SystemClock(), ids = new SequentialIds()) {
    const broker = new RecordingBroker();
    // the broker has Publisher's one method the EventPublisher calls; its channel is not needed
    super(broker, clock, ids);
    this.broker = broker;
  }

  /** Every message confirmed so far, in order. */
  get published(): readonly PublishedMessage[] {
    return this.broker.published;
  }

  /** The types published, in order (`['download.started', 'download.progress', ...]`). */
  types(): string[] {
    return this.broker.published.map((m) => m.envelope.type);
  }

  /** The envelopes of one type, their data typed by it. */
  ofType<K extends PublishKey>(type: K): Array<Envelope<K>> {
    const out: Array<Envelope<K>> = [];
    for (const m of this.broker.published) {
      if (m.envelope.type !== type) continue;
      // parsed again under its own type: the catalogue ties the data's type to the key
      const parsed = parseMessage(JSON.stringify(m.envelope), [type]);
      if (parsed.ok) out.push(parsed.value);
    }
    return out;
  }

  /** The one envelope of `type`; throws when there is none or more than one. */
  only<K extends PublishKey>(type: K): Envelope<K> {
    const found = this.ofType(type);
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length} (published: ${this.types().join(', ') || 'nothing'})`);
    return found[0];
  }

  /** The data of every message of `type`, in order (`ofType` without the envelopes). */
  dataOf<K extends PublishKey>(type: K): Array<Envelope<K>['data']> {
    return this.ofType(type).map((e) => e.data);
  }

  /** Forgets what was published so far (a test's setup publishes too). */
  clear(): void {
    this.broker.published.length = 0;
  }

  /**
   * The next publish of `type` (any type when omitted) is refused with `error`, as a broker that
   * does not confirm; with `after`, that many such publishes go through first, and with `count`,
   * that many in a row are refused.
   */
  failNext(
    type?: PublishKey,
    error = new Error('broker did not confirm the publish'),
    { after = 0, count = 1 }: { after?: number; count?: number } = {},
  ): void {
    for (let i = 0; i < count; i++) this.broker.failures.push({ type, error, passes: i === 0 ? after : 0 });
  }
}
