import { Kysely } from 'kysely';
import pino from 'pino';
import type { Resolver } from '@mda/net-guard';
import { FakeEventPublisher, ManualClock, SequentialIds } from '@mda/testing';
import { ApiError } from '../../src/common/api-error';
import { CookieVault } from '../../src/cookies/cookie-vault';
import { CookiesRepository } from '../../src/cookies/cookies.repository';
import { CookiesService } from '../../src/cookies/cookies.service';
import { GatewayConfig, loadGatewayConfig } from '../../src/config/gateway-config';
import { JobLifecycle } from '../../src/jobs/job-lifecycle';
import { createDatabase, migrateToLatest } from '../../src/store/database';
import { JobFilesRepository } from '../../src/store/job-files.repository';
import { JobsRepository } from '../../src/store/jobs.repository';
import type { Database } from '../../src/store/schema';
import { SubmitDownload } from '../../src/submissions/submit-download.use-case';
import { UrlPolicy } from '../../src/submissions/url-policy';

export const OWNER = { fingerprint: 'a1b2c3d4e5f60718' };
export const OTHER = { fingerprint: 'ffffeeeeddddcccc' };
export const silentLogger = pino({ level: 'silent' });

/** Hosts under `.internal` resolve to a private address, every other one to a public one. */
export const fakeDns: Resolver = async (host) => [{ address: host.endsWith('.internal') ? '10.0.0.7' : '93.184.216.34', family: 4 }];

export function unitConfig(env: Record<string, string> = {}): GatewayConfig {
  return loadGatewayConfig({
    API_KEY: 'unit-test-key-0123456789',
    AMQP_URL: 'amqp://127.0.0.1:1',
    SQLITE_PATH: ':memory:',
    STORAGE_DIR: '/nonexistent/mda-unit',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    COOKIE_ENCRYPTION_KEY: 'a'.repeat(64),
    ...env,
  });
}

/** The ApiError a call was refused with; any other outcome fails the test. */
export async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(err)}`);
  return err;
}

/** The job store in memory (SQLite, every migration applied), through the real repositories. */
export async function memoryStore(): Promise<Kysely<Database>> {
  const db = createDatabase({ sqlitePath: ':memory:' });
  await migrateToLatest(db, 'sqlite');
  return db;
}

/**
 * The parts most gateway services are made of, real except the broker (a FakeEventPublisher), DNS
 * (fakeDns), time (a ManualClock at 2026-01-01) and ids (sequential).
 */
export async function serviceKit(env: Record<string, string> = {}) {
  const config = unitConfig(env);
  const db = await memoryStore();
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00.000Z'));
  const ids = new SequentialIds();
  const events = new FakeEventPublisher(clock, ids);
  const jobs = new JobsRepository(db);
  const files = new JobFilesRepository(db);
  const cookies = new CookiesService(new CookiesRepository(db), new CookieVault(config), clock, silentLogger);
  const urls = new UrlPolicy(config, clock, fakeDns);
  const submit = new SubmitDownload(jobs, events, clock, ids, urls, cookies, silentLogger);
  const lifecycle = new JobLifecycle(silentLogger);
  return { config, db, clock, ids, events, jobs, files, cookies, urls, submit, lifecycle, close: () => db.destroy() };
}

export type ServiceKit = Awaited<ReturnType<typeof serviceKit>>;
