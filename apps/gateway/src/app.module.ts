import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MessagingModule } from '@mda/messaging';
import { createLogger } from '@mda/observability';
import { ApiKeyGuard } from './common/api-key.guard';
import { ApiKeyRegistry } from './common/api-keys';
import { GATEWAY_LOGGER } from './common/tokens';
import { GATEWAY_CONFIG, GatewayConfig } from './config/gateway-config';
import { DownloadEventsHandler } from './downloads/download-events.handler';
import { DownloadsController } from './downloads/downloads.controller';
import { DownloadsService } from './downloads/downloads.service';
import { UrlPolicy } from './downloads/url-policy';
import { HealthController } from './health/health.controller';
import { DASHBOARD_FEATURE } from './dashboard/dashboard.feature';
import { EVENTS_STREAM_FEATURE } from './events-stream/events-stream.feature';
import { ShutdownState } from './health/shutdown-state';
import { MetricsController } from './metrics/metrics.controller';
import { DatabaseModule } from './store/database.module';
import { JobFilesRepository } from './store/job-files.repository';
import { JobsRepository } from './store/jobs.repository';
import { WorkerQueriesModule } from './worker-queries/worker-queries.module';
import { DOWNLOAD_LIFECYCLE_FEATURE } from './downloads/download-lifecycle.feature';
import { FILES_FEATURE } from './files/files.feature';
import { WEBHOOKS_FEATURE } from './webhooks/webhooks.feature';
import { API_FEATURES } from './batches/api-features';
import { ADMIN_FEATURE } from './admin/admin.feature';
import { HEALTH_FEATURE } from './health/health.feature';
import { SCHEDULER_FEATURE } from './scheduler/scheduler.feature';
import { LIBRARY_FEATURE } from './library/library.feature';
import { SUBSCRIPTIONS_FEATURE } from './subscriptions/subscriptions.feature';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath }),
        MessagingModule.forRoot({ url: config.amqpUrl, service: 'gateway', publishTimeoutMs: 5000 }),
        WorkerQueriesModule.forRoot({ perKey: config.queryConcurrencyPerKey }),
      ],
      controllers: [
        DownloadsController,
        DownloadEventsHandler,
        HealthController,
        MetricsController,
        ...DOWNLOAD_LIFECYCLE_FEATURE.controllers,
        ...FILES_FEATURE.controllers,
        ...WEBHOOKS_FEATURE.controllers,
        ...EVENTS_STREAM_FEATURE.controllers,
        ...DASHBOARD_FEATURE.controllers,
        ...API_FEATURES.controllers,
        ...ADMIN_FEATURE.controllers,
        ...HEALTH_FEATURE.controllers,
        ...LIBRARY_FEATURE.controllers,
        ...SUBSCRIPTIONS_FEATURE.controllers,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: GATEWAY_LOGGER, useFactory: () => createLogger('gateway', config.logLevel) },
        JobsRepository,
        JobFilesRepository,
        { provide: ApiKeyRegistry, useFactory: () => new ApiKeyRegistry(config.apiKeys) },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        // after ApiKeyGuard: the rate limit is per API key
        ...API_FEATURES.guards,
        ShutdownState,
        UrlPolicy,
        DownloadsService,
        ...FILES_FEATURE.providers,
        ...EVENTS_STREAM_FEATURE.providers,
        ...DASHBOARD_FEATURE.providers,
        ...WEBHOOKS_FEATURE.providers,
        ...API_FEATURES.providers,
        ...ADMIN_FEATURE.providers,
        ...HEALTH_FEATURE.providers,
        ...SCHEDULER_FEATURE.providers,
        ...LIBRARY_FEATURE.providers,
        ...SUBSCRIPTIONS_FEATURE.providers,
      ],
    };
  }
}
