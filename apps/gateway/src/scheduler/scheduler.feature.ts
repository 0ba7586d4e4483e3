import type { Provider } from '@nestjs/common';
import { Kysely } from 'kysely';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { storeKind } from '../store/database';
import type { Database } from '../store/schema';
import { ScheduledTasksRepository } from './scheduled-tasks.repository';
import { DEFAULT_SCHEDULER_OPTIONS, SCHEDULER_OPTIONS, SchedulerService } from './scheduler.service';

/** The durable scheduler (subscription checks, file expiries); spread into AppModule. */
export const SCHEDULER_FEATURE: { providers: Provider[] } = {
  providers: [
    {
      provide: ScheduledTasksRepository,
      inject: ['DB', GATEWAY_CONFIG],
      useFactory: (db: Kysely<Database>, c: GatewayConfig) =>
        new ScheduledTasksRepository(db, storeKind({ databaseUrl: c.databaseUrl, sqlitePath: c.sqlitePath })),
    },
    { provide: SCHEDULER_OPTIONS, useValue: DEFAULT_SCHEDULER_OPTIONS },
    SchedulerService,
  ],
};
