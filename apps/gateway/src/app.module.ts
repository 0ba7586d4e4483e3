import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MessagingModule } from '@mda/messaging';
import { AdminModule } from './admin/admin.module';
import { ApiKeyGuard } from './auth/api-key.guard';
import { BatchesModule } from './batches/batches.module';
import { ChannelsModule } from './channels/channels.module';
import { ApiKeyRegistry } from './common/api-keys';
import { GatewayConfig } from './config/gateway-config';
import { GatewayConfigModule } from './common/gateway-config.module';
import { CookiesModule } from './cookies/cookies.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DownloadsModule } from './downloads/downloads.module';
import { EventsStreamModule } from './events-stream/events-stream.module';
import { FilesModule } from './files/files.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { LibraryModule } from './library/library.module';
import { MetricsModule } from './metrics/metrics.module';
import { PlaylistsModule } from './playlists/playlists.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { DatabaseModule } from './store/database.module';
import { SubmissionsModule } from './submissions/submissions.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WorkerQueriesModule } from './worker-queries/worker-queries.module';

/**
 * The map of the gateway. Infrastructure first (global), then the job store every feature leans
 * on, then the features; a feature imports only the shared modules whose exports it uses, asks
 * another feature only through a port declared in a shared folder, and reacts to jobs through
 * JobsModule's JobLifecycle (the layers: architecture.spec.ts).
 */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // configuration and logger; the job store's connection; RabbitMQ (publisher, clock, ids); questions to workers
        GatewayConfigModule.forRoot(config),
        DatabaseModule.forRoot({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath }),
        MessagingModule.forRoot({ url: config.amqpUrl, service: 'gateway', publishTimeoutMs: 5000 }),
        WorkerQueriesModule.forRoot({ perKey: config.queryConcurrencyPerKey }),
        // per-key and per-address rate limits (its guard runs after ApiKeyGuard below)
        RateLimitModule,
        // the job store and lifecycle: workers' events in, `job changed` / `job finished` out
        JobsModule,
        // liveness, readiness, queue and worker stats; Prometheus metrics
        HealthModule,
        MetricsModule,
        // stored files (/files) and the signer of download_urls
        FilesModule,
        // uploaded cookie files
        CookiesModule,
        // the one submit path every way of asking for a download goes through
        SubmissionsModule,
        // single downloads: submit, status, cancel, logs, list, metadata
        DownloadsModule,
        // batches, and the playlists and channels downloaded as batches
        BatchesModule,
        PlaylistsModule,
        ChannelsModule,
        // the durable scheduler; subscriptions checked on it
        SchedulerModule,
        SubscriptionsModule,
        // finished jobs: delete files, clear, retry, retention
        LibraryModule,
        // the webhook delivery log and redelivery
        WebhooksModule,
        // live job changes as server-sent events
        EventsStreamModule,
        // operator endpoints (dead letters)
        AdminModule,
        // the web dashboard (page routes fall back to it)
        DashboardModule,
      ],
      providers: [
        // every route needs an API key unless marked @Public(); the root module's guard runs first
        { provide: ApiKeyRegistry, useFactory: () => new ApiKeyRegistry(config.apiKeys) },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
    };
  }
}
