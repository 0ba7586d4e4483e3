import { randomBytes } from 'node:crypto';
import { Controller, Get, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import pino from 'pino';
import { Clock, SystemClock } from '@mda/contracts';
import { freePort } from '@mda/testing';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { ApiKeyRegistry } from '../common/api-keys';
import { ErrorFilter } from '../common/error.filter';
import { GATEWAY_LOGGER } from '../common/tokens';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway-config';
import { ClientAddressLimits } from './client-address.limits';
import { RateLimiters } from './ports/rate-limiters';
import { RateLimitGuard } from './rate-limit.guard';
import { rateLimitersFor } from './rate-limit.module';

const REDIS = 'redis://127.0.0.1:6379';
const KEY = 'key-0123456789abcdef';

@Controller('api/v1')
class PingController {
  @Get('ping')
  ping() {
    return { ok: true };
  }
}

interface Replica {
  app: NestFastifyApplication;
  base: string;
  warnings: string[];
}

/** One gateway replica's guards (API key, per-key and per-address limits) as AppModule mounts them, on a real Redis. */
async function replica(env: { redisUrl?: string; redisKeyPrefix: string }): Promise<Replica> {
  const config = {
    rateLimitRps: 0.01,
    rateLimitBurst: 4,
    authFailureRps: 0.01,
    authFailureBurst: 2,
    filesRps: 1,
    filesBurst: 1,
    ...env,
  } as GatewayConfig;
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line).msg as string) });
  @Module({
    controllers: [PingController],
    providers: [
      { provide: GATEWAY_CONFIG, useValue: config },
      { provide: GATEWAY_LOGGER, useValue: logger },
      { provide: Clock, useClass: SystemClock },
      { provide: RateLimiters, inject: [GATEWAY_CONFIG, Clock, GATEWAY_LOGGER], useFactory: rateLimitersFor },
      { provide: ApiKeyRegistry, useValue: new ApiKeyRegistry([KEY]) },
      ClientAddressLimits,
      { provide: APP_GUARD, useClass: ApiKeyGuard },
      { provide: APP_GUARD, useClass: RateLimitGuard },
    ],
  })
  class ReplicaModule {}
  const app = await NestFactory.create<NestFastifyApplication>(ReplicaModule, new FastifyAdapter(), { logger: false });
  app.useGlobalFilters(new ErrorFilter(pino({ level: 'silent' })));
  await app.listen(0, '127.0.0.1');
  return { app, base: await app.getUrl(), warnings };
}

const ping = async (r: Replica, key = KEY) => (await fetch(`${r.base}/api/v1/ping`, { headers: { 'x-api-key': key } })).status;

describe('rate limits across gateway replicas', () => {
  const prefix = `mda-test-${randomBytes(4).toString('hex')}:`;
  const open: Replica[] = [];
  const start = async (env: { redisUrl?: string; redisKeyPrefix: string }) => {
    const r = await replica(env);
    open.push(r);
    return r;
  };

  afterEach(async () => {
    await Promise.all(open.splice(0).map((r) => r.app.close()));
  });

  afterAll(async () => {
    const redis = new Redis(REDIS);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('with REDIS_URL, two replicas share one budget per key (and per address), kept under REDIS_KEY_PREFIX', async () => {
    const env = { redisUrl: REDIS, redisKeyPrefix: `${prefix}shared:` };
    const [a, b] = [await start(env), await start(env)];
    expect([await ping(a), await ping(b), await ping(a), await ping(b)]).toEqual([200, 200, 200, 200]);
    // the burst of 4 is spent across both: the fifth request is refused wherever it goes
    expect(await ping(a)).toBe(429);
    expect(await ping(b)).toBe(429);
    const refused = await fetch(`${b.base}/api/v1/ping`, { headers: { 'x-api-key': KEY } });
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    // failed key checks from one address count on every replica: two on A, then B refuses even the right key
    const redis = new Redis(REDIS);
    try {
      expect((await redis.keys(`${prefix}shared:rl:api_key*`)).length).toBe(1);
    } finally {
      await redis.quit();
    }
    expect([await ping(a, 'wrong-key-000000'), await ping(a, 'wrong-key-000000')]).toEqual([401, 401]);
    expect(await ping(b, 'another-wrong-key')).toBe(429);
    expect(a.warnings).toEqual([]);
  });

  it('without REDIS_URL, each replica has a budget of its own', async () => {
    const env = { redisKeyPrefix: `${prefix}none:` };
    const [a, b] = [await start(env), await start(env)];
    for (let i = 0; i < 4; i++) expect([await ping(a), await ping(b)]).toEqual([200, 200]);
    expect([await ping(a), await ping(b)]).toEqual([429, 429]);
  });

  it('with Redis unreachable, requests are still served under per-replica limits, with a warning', async () => {
    const env = { redisUrl: `redis://127.0.0.1:${await freePort()}`, redisKeyPrefix: `${prefix}down:` };
    const [a, b] = [await start(env), await start(env)];
    expect([await ping(a), await ping(a), await ping(a), await ping(a)]).toEqual([200, 200, 200, 200]);
    // the insurance limiter of A is spent; B's is its own
    expect(await ping(a)).toBe(429);
    expect(await ping(b)).toBe(200);
    expect(a.warnings).toContain('Redis unavailable: rate limits are per replica until it is back');
    expect(a.warnings.filter((w) => w.startsWith('Redis unavailable'))).toHaveLength(1);
  });
});
