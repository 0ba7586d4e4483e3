import { DynamicModule, Global, Module } from '@nestjs/common';
import { createLogger } from '@mda/observability';
import { DEFAULT_RETENTION_HOURS, GATEWAY_LOGGER } from './tokens';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';

/** The validated configuration and the gateway's logger, for every module (global: read-only infrastructure). */
@Global()
@Module({})
export class GatewayConfigModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayConfigModule,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: GATEWAY_LOGGER, useFactory: () => createLogger('gateway', config.logLevel) },
        { provide: DEFAULT_RETENTION_HOURS, useValue: config.fileRetentionHours ?? null },
      ],
      exports: [GATEWAY_CONFIG, GATEWAY_LOGGER, DEFAULT_RETENTION_HOURS],
    };
  }
}
