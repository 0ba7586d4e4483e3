import { DynamicModule, Module } from '@nestjs/common';
import { Clock } from '@mda/contracts';
import { FileLinks, resolveFilesSigningSecret } from '@mda/file-links';
import { createMediaStore } from '@mda/media-store';
import { EventPublisher, MessagingModule } from '@mda/messaging';
import { GuardedHttpClient } from '@mda/net-guard';
import { createLogger } from '@mda/observability';
import type { SenderConfig } from './config/sender-config';
import { AmqpAttemptLog } from './delivery/adapters/amqp-attempt-log';
import { GuardedWebhookClient } from './delivery/adapters/guarded-webhook-client';
import { DeliveryHandler } from './delivery/delivery.handler';
import { DeliveryService } from './delivery/delivery.service';
import { FinalEvents } from './delivery/final-events';
import { AttemptLog } from './delivery/ports/attempt-log';
import { WebhookClient } from './delivery/ports/webhook-client';
import { EventIntakeHandler } from './intake/event-intake.handler';
import { SENDER_CONFIG, SENDER_LOGGER } from './tokens';

@Module({})
export class SenderModule {
  static forRoot(config: SenderConfig): DynamicModule {
    return {
      module: SenderModule,
      imports: [MessagingModule.forRoot({ url: config.amqpUrl, service: 'webhook-sender' })],
      controllers: [EventIntakeHandler, DeliveryHandler],
      providers: [
        { provide: SENDER_CONFIG, useValue: config },
        { provide: SENDER_LOGGER, useFactory: () => createLogger('webhook-sender', config.logLevel) },
        {
          provide: WebhookClient,
          useFactory: () =>
            new GuardedWebhookClient(new GuardedHttpClient({ policy: config.egressPolicy, connectTimeoutMs: config.timeoutSec * 1000, connections: 128 })),
        },
        {
          // download_url is signed here, when the webhook is built (the worker's event carries it unsigned)
          provide: FileLinks,
          useFactory: async (clock: Clock) =>
            new FileLinks(
              await resolveFilesSigningSecret({ explicit: config.filesSigningSecret, databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath }),
              config.filesUrlTtlSec,
              clock,
              // S3 with S3_PUBLIC_DOWNLOADS: the webhook's download_url is a presigned GET on the bucket
              config.mediaStore.backend === 's3' && config.mediaStore.s3.publicDownloads ? await createMediaStore(config.mediaStore) : undefined,
            ),
          inject: [Clock],
        },
        { provide: AttemptLog, useFactory: (events: EventPublisher) => new AmqpAttemptLog(events), inject: [EventPublisher] },
        FinalEvents,
        DeliveryService,
      ],
    };
  }
}
