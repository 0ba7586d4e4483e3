import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { Kysely } from 'kysely';
import { SystemClock, apiKeyFingerprint } from '@mda/contracts';
import { waitFor } from '@mda/testing';
import type { JobView } from '../jobs/job-view';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { openClientAddressLimits } from '../rate-limit/client-address.limits.fake';
import { ApiKeyRegistry } from '../common/api-keys';
import { ErrorFilter } from '../common/error.filter';
import { GATEWAY_LOGGER } from '../common/tokens';
import { EVENT_STREAMS_OPTIONS, EventStreams } from './event-streams.service';
import { EventsController } from './events.controller';
import { createDatabase, migrateToLatest } from '../store/database';
import { JobEventsRepository } from '../store/job-events.repository';
import type { Database } from '../store/schema';
import { JobEventsBus } from './job-events.bus';
import { JobChangeAnnouncer } from './ports/job-change-announcer';

class QuietAnnouncer extends JobChangeAnnouncer {
  async announce(): Promise<void> {
    // one replica: its own bus reads the store after recording
  }
}

const KEY_A = 'key-a-0123456789';
const KEY_B = 'key-b-0123456789';
const view = (request_id: string, percent: number) => ({ request_id, status: 'running', progress: { percent } }) as unknown as JobView;

interface Sse {
  id?: string;
  event: string;
  data: any;
}

/** Reads a text/event-stream body as events and comments, as a browser's fetch() reader would. */
function readStream(res: Response) {
  const events: Sse[] = [];
  const comments: string[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const done = (async () => {
    for (;;) {
      const { value, done: end } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (end) return;
      buf += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const e: Partial<Sse> = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) comments.push(line);
          else if (line.startsWith('id: ')) e.id = line.slice(4);
          else if (line.startsWith('event: ')) e.event = line.slice(7);
          else if (line.startsWith('data: ')) e.data = JSON.parse(line.slice(6));
        }
        if (e.event) events.push(e as Sse);
      }
    }
  })();
  return { events, comments, done, cancel: () => reader.cancel() };
}

describe('GET /api/v1/events', () => {
  let app: NestFastifyApplication;
  let base: string;
  let bus: JobEventsBus;
  let db: Kysely<Database>;
  const dir = mkdtempSync(join(tmpdir(), 'mda-events-'));
  const open: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    db = createDatabase({ sqlitePath: join(dir, 'jobs.sqlite') });
    await migrateToLatest(db, 'sqlite');
    const repo = new JobEventsRepository(db, 'sqlite');
    bus = new JobEventsBus(repo, new QuietAnnouncer(), new SystemClock(), pino({ level: 'silent' }), { replayLimit: 3, pageSize: 100 });
    @Module({
      controllers: [EventsController],
      providers: [
        { provide: JobEventsBus, useValue: bus },
        { provide: EVENT_STREAMS_OPTIONS, useValue: { heartbeatMs: 100, maxPerKey: 3, retryMs: 1000, catchUpMs: 1000 } },
        { provide: GATEWAY_LOGGER, useValue: pino({ level: 'silent' }) },
        { provide: ApiKeyRegistry, useValue: new ApiKeyRegistry([KEY_A, KEY_B]) },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        openClientAddressLimits(),
        openClientAddressLimits(),
        EventStreams,
      ],
    })
    class TestModule {}
    app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new ErrorFilter(pino({ level: 'silent' })));
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c()));
    await waitFor(() => app.get(EventStreams).openCount === 0, { what: 'streams closed' });
  });

  afterAll(async () => {
    await app.close();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  async function connect(key: string, lastEventId?: string) {
    const res = await fetch(`${base}/api/v1/events`, { headers: { 'x-api-key': key, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) } });
    const s = readStream(res);
    open.push(() => s.cancel());
    return { res, ...s };
  }

  it('needs the API key in the header', async () => {
    const none = await fetch(`${base}/api/v1/events`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as any).error.code).toBe('unauthorized');
    const wrong = await fetch(`${base}/api/v1/events`, { headers: { 'x-api-key': 'nope' } });
    expect(wrong.status).toBe(401);
  });

  it('streams a key its own job changes with ids, and heartbeats', async () => {
    const a = await connect(KEY_A);
    const b = await connect(KEY_B);
    expect(a.res.status).toBe(200);
    expect(a.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(a.res.headers.get('cache-control')).toContain('no-cache');
    await waitFor(() => a.events.some((e) => e.event === 'hello') && b.events.some((e) => e.event === 'hello'), { what: 'hello' });
    expect(a.events[0]).toEqual({ event: 'hello', data: { resumed: false } });

    await bus.publish(apiKeyFingerprint(KEY_A), view('req_aaaaaaaaaaaa', 10));
    await bus.publish(apiKeyFingerprint(KEY_B), view('req_bbbbbbbbbbbb', 20));
    await bus.publish(apiKeyFingerprint(KEY_A), view('req_aaaaaaaaaaaa', 60));
    await waitFor(() => a.events.filter((e) => e.event === 'job').length === 2, { what: 'two job events for A' });
    await waitFor(() => b.events.filter((e) => e.event === 'job').length === 1, { what: 'one job event for B' });
    const jobsA = a.events.filter((e) => e.event === 'job');
    expect(jobsA.map((e) => e.data.progress.percent)).toEqual([10, 60]);
    // the job store's ids: the same on every replica, increasing
    expect(jobsA.every((e) => /^\d+$/.test(e.id!))).toBe(true);
    expect(Number(jobsA[1].id)).toBeGreaterThan(Number(jobsA[0].id));
    expect(b.events.filter((e) => e.event === 'job').map((e) => e.data.request_id)).toEqual(['req_bbbbbbbbbbbb']);
    await waitFor(() => a.comments.filter((c) => c.startsWith(': heartbeat')).length >= 2, { what: 'heartbeats' });
  });

  it('resumes after Last-Event-ID with what was missed, and asks for a resync when it cannot', async () => {
    const fp = apiKeyFingerprint(KEY_A);
    const seen = await bus.publish(fp, view('req_cccccccccccc', 5));
    await bus.publish(fp, view('req_cccccccccccc', 40));
    await bus.publish(fp, view('req_cccccccccccc', 80));
    const resumed = await connect(KEY_A, seen.id);
    await waitFor(() => resumed.events.filter((e) => e.event === 'job').length === 2, { what: 'replayed events' });
    expect(resumed.events[0]).toEqual({ event: 'hello', data: { resumed: true } });
    expect(resumed.events.slice(1).map((e) => e.data.progress.percent)).toEqual([40, 80]);

    // a resumption sends at most 3 events: after 3 more, `seen` is too far behind to resume from
    for (const p of [81, 82, 83]) await bus.publish(fp, view('req_cccccccccccc', p));
    const stale = await connect(KEY_A, seen.id);
    await waitFor(() => stale.events.length > 0, { what: 'first event' });
    expect(stale.events[0].event).toBe('resync');
    const foreign = await connect(KEY_A, 'ffffffff-1');
    await waitFor(() => foreign.events.length > 0, { what: 'first event' });
    expect(foreign.events[0].event).toBe('resync');
  });

  it('limits open streams per key with a 429', async () => {
    await connect(KEY_B);
    await connect(KEY_B);
    await connect(KEY_B);
    await waitFor(() => app.get(EventStreams).openCount === 3, { what: 'three open' });
    const fourth = await fetch(`${base}/api/v1/events`, { headers: { 'x-api-key': KEY_B } });
    expect(fourth.status).toBe(429);
    expect(fourth.headers.get('retry-after')).toBe('1');
    const otherKey = await connect(KEY_A);
    expect(otherKey.res.status).toBe(200);
  });

  it('ends open streams when the app shuts down, so close() does not hang', async () => {
    const s = await connect(KEY_A);
    await waitFor(() => s.events.length > 0, { what: 'hello' });
    app.get(EventStreams).beforeApplicationShutdown();
    await s.done;
    expect(app.get(EventStreams).openCount).toBe(0);
  });
});
