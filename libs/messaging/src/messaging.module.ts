import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Clock, Envelope, IdGenerator, RandomIdGenerator, SystemClock, makeEnvelope } from '@mda/contracts';
import { Logger, createLogger } from '@mda/observability';
import { AmqpConnection } from './amqp-connection';
import { PublishOptions, Publisher } from './publisher';

export const MESSAGING_LOGGER = Symbol('MESSAGING_LOGGER');

export interface MessagingModuleOptions {
  url: string;
  service: string;
  publishTimeoutMs?: number;
}

/** Builds envelopes (ids and time injected) and publishes them with a confirm. */
@Injectable()
export class EventPublisher {
  constructor(
    private readonly publisher: Publisher,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  envelope<T>(type: string, data: T, correlationId: string): Envelope<T> {
    return makeEnvelope({ newId: () => this.ids.messageId(), now: () => this.clock.now() }, type, data, correlationId);
  }

  async publish<T>(exchange: string, routingKey: string, data: T, correlationId: string, opts?: PublishOptions): Promise<Envelope<T>> {
    const env = this.envelope(routingKey, data, correlationId);
    await this.publisher.publish(exchange, routingKey, env, opts);
    return env;
  }

  async publishEnvelope(exchange: string, routingKey: string, env: Envelope, opts?: PublishOptions): Promise<void> {
    await this.publisher.publish(exchange, routingKey, env, opts);
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
