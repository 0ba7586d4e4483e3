import { DynamicModule, Global, Module } from '@nestjs/common';
import { createLogger } from '@mda/observability';
import { GATEWAY_LOGGER } from './tokens';
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
      ],
      exports: [GATEWAY_CONFIG, GATEWAY_LOGGER],
    };
  }
}
