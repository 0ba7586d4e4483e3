import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import {
  Clock,
  IdGenerator,
  Message,
  MessageInput,
  MessageKey,
  OutgoingEnvelope,
  PublishKey,
  REPLY_EXCHANGE,
  RandomIdGenerator,
  ReplyKey,
  SystemClock,
  exchangeOf,
  makeEnvelope,
} from '@mda/contracts';
import { Logger, createLogger } from '@mda/observability';
import { AmqpConnection } from './amqp-connection';
import { PublishOptions, Publisher } from './publisher';

export const MESSAGING_LOGGER = Symbol('MESSAGING_LOGGER');

export interface MessagingModuleOptions {
  url: string;
  service: string;
  publishTimeoutMs?: number;
}

export interface SendOptions extends PublishOptions {
  /**
   * Routing key other than the message type: only for a type the topology routes under other keys
   * (`webhook.deliver` through the retry tiers, `webhook.retry.<n>`).
   */
  routingKey?: string;
  /** Envelope id instead of a fresh one (a deterministic id, as `batch.completed` has). */
  id?: string;
}

/**
 * Builds envelopes (ids and time injected) and publishes them with a confirm. The exchange of a
 * message type comes from the catalogue (MESSAGES): `publish('download.cancel', { request_id }, corr)`;
 * its data is typed by the type.
 */
@Injectable()
export class EventPublisher {
  constructor(
    // only its confirmed publish is used: a test's in-memory broker stands in with that one method
    @Inject(Publisher) private readonly publisher: Pick<Publisher, 'publish'>,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** An envelope of `type` (for a request over RpcClient, which publishes it itself). */
  envelope<K extends MessageKey>(type: K, data: MessageInput<K>, correlationId: string, id?: string): OutgoingEnvelope<K> {
    const env = makeEnvelope({ newId: () => id ?? this.ids.messageId(), now: () => this.clock.now() }, type, data, correlationId);
    return { ...env, type };
  }

  /** Publishes `data` as a message of `type` on that type's exchange, routed by the type; resolves once the broker confirms. */
  async publish<K extends PublishKey>(type: K, data: MessageInput<K>, correlationId: string, opts: SendOptions = {}): Promise<OutgoingEnvelope<K>> {
    const env = this.envelope(type, data, correlationId, opts.id);
    await this.publisher.publish(exchangeOf(type), opts.routingKey ?? type, env, opts);
    return env;
  }

  /** The same for a message whose type is only known as a union (`{ type, data }` correlated, e.g. a job's final event). */
  async send(message: Message<PublishKey>, correlationId: string, opts: SendOptions = {}): Promise<void> {
    const env = makeEnvelope({ newId: () => opts.id ?? this.ids.messageId(), now: () => this.clock.now() }, message.type, message.data, correlationId);
    await this.publisher.publish(exchangeOf(message.type), opts.routingKey ?? message.type, env, opts);
  }

  /** Answers a request on the caller's reply-to (default exchange); `opts.correlationId` is the request's AMQP correlation id. */
  async reply<K extends ReplyKey>(type: K, replyTo: string, data: MessageInput<K>, correlationId: string, opts: PublishOptions = {}): Promise<void> {
    await this.publisher.publish(REPLY_EXCHANGE, replyTo, this.envelope(type, data, correlationId), opts);
  }
}

@Injectable()
class ConnectionCloser implements OnApplicationShutdown {
  constructor(
    private readonly connection: AmqpConnection,
    private readonly publisher: Publisher,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.publisher.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

/** One AMQP connection, a confirming publisher, a clock and an id generator for the app. */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(opts: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGING_LOGGER, useFactory: () => createLogger(opts.service) },
        {
          provide: AmqpConnection,
          useFactory: (logger: Logger) => new AmqpConnection(opts.url, logger),
          inject: [MESSAGING_LOGGER],
        },
        {
          provide: Publisher,
          useFactory: (c: AmqpConnection) => new Publisher(c, opts.publishTimeoutMs),
          inject: [AmqpConnection],
        },
        { provide: Clock, useClass: SystemClock },
        { provide: IdGenerator, useClass: RandomIdGenerator },
        EventPublisher,
        ConnectionCloser,
      ],
      exports: [AmqpConnection, Publisher, EventPublisher, Clock, IdGenerator, MESSAGING_LOGGER],
    };
  }
}

export const InjectMessagingLogger = () => Inject(MESSAGING_LOGGER);
