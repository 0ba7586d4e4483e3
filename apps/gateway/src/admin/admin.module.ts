import { Module } from '@nestjs/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { AmqpDeadLetters } from './adapters/amqp-dead-letters';
import { AdminController } from './admin.controller';
import { AdminKeyGuard } from './admin.guard';
import { DeadLetters } from './dead-letters.port';

/** GET /api/v1/admin/dead-letters and POST …/replay, for operator keys (ADMIN_API_KEYS). */
@Module({
  controllers: [AdminController],
  providers: [AdminKeyGuard, { provide: DeadLetters, inject: [GATEWAY_CONFIG], useFactory: (config: GatewayConfig) => new AmqpDeadLetters(config.amqpUrl) }],
})
export class AdminModule {}
