import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { LocalServer, TestDatabase, createTestDatabase, freePort, waitFor } from '@mda/testing';
import { apiKeyFingerprint } from '@mda/contracts';
import { makeTestClip, serveFiles } from '../support/media-source';
import { SseClient, SseEvent, openSse } from '../support/sse-client';
import { TestSystem } from '../support/system';
import { submit, waitAllFinal } from './support/jobs';

const DIST = resolve(__dirname, '../../../../dist/gateway');

/**
 * Gateway A as built, except that its store consumer (gateway.download-events) starts paused,
 * through the transport's own pause(): every job event is applied by gateway B's consumer, so
 * whatever A's stream sends came through job.changed and the job store, not through A's consumer.
 */
const GATEWAY_WITHOUT_STORE_CONSUMER = `
const dist = process.env.MDA_DIST;
const { createGateway } = require(dist + '/apps/gateway/src/main.js');
const { loadGatewayConfig } = require(dist + '/apps/gateway/src/config/gateway-config.js');
const { createLogger, initialiseMetrics } = require(dist + '/libs/observability/src/index.js');
const { SUBSCRIPTIONS } = require(dist + '/libs/contracts/src/index.js');
(async () => {
  const config = loadGatewayConfig(process.env);
  const logger = createLogger('gateway', config.logLevel);
  initialiseMetrics('gateway');
  const { app, transport } = await createGateway(config, logger);
  await transport.pause(SUBSCRIPTIONS.gatewayDownloadEvents.name);
  await app.listen(config.port, config.host);
  await app.startAllMicroservices();
  logger.info('gateway A consuming, store consumer paused');
  process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
})().catch((err) => { console.error(err); process.exit(1); });
`;

interface Row {
  id: string;
  request_id: string;
}

describe('fault: event streams across two gateway replicas on one PostgreSQL store', () => {
  let db: TestDatabase;
  let sys: TestSystem;
  let media: LocalServer;
  let gatewayA: ChildProcess;
  let baseA: string;
  const outputA: string[] = [];
  const clients: SseClient[] = [];
  const clip = makeTestClip(2, 'Replica Stream Clip');

  beforeAll(async () => {
    db = await createTestDatabase('mda_e2e_sse');
    // gateway B is the system's gateway: the only store consumer
    sys = await TestSystem.start({ env: { DATABASE_URL: db.url }, apps: ['gateway', 'downloader-worker'] });
    // about two seconds per download: progress events between started and completed
    media = await serveFiles({ '/clip.mp4': { body: clip, type: 'video/mp4' } }, Math.ceil(clip.length / 2));
    const port = await freePort();
    baseA = `http://127.0.0.1:${port}`;
    gatewayA = spawn(process.execPath, ['-e', GATEWAY_WITHOUT_STORE_CONSUMER], {
      env: { ...sys.env, PORT: String(port), PUBLIC_BASE_URL: baseA, MDA_DIST: DIST },
      cwd: sys.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (b: Buffer) => outputA.push(...b.toString().split('\n').filter(Boolean));
    gatewayA.stdout!.on('data', collect);
    gatewayA.stderr!.on('data', collect);
    await waitFor(
      () => {
        if (gatewayA.exitCode !== null) throw new Error(`gateway A exited: ${outputA.slice(-20).join('\n')}`);
        return outputA.some((l) => l.includes('store consumer paused'));
      },
      { timeoutMs: 60_000, what: 'gateway A consuming', intervalMs: 100 },
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    if (gatewayA && gatewayA.exitCode === null && gatewayA.signalCode === null) gatewayA.kill('SIGKILL');
    await media?.close();
    await sys?.stop();
    await db?.dispose();
  }, 60_000);

  async function rowsAfter(afterId: number): Promise<Row[]> {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      const r = await c.query<Row>('select id, request_id from job_events where api_key_fp = $1 and id > $2 order by id', [
        apiKeyFingerprint(sys.apiKey),
        afterId,
      ]);
      return r.rows.map((row) => ({ id: String(row.id), request_id: row.request_id }));
    } finally {
      await c.end();
    }
  }

  async function runJobs(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await submit(sys, `${media.url}/clip.mp4`);
      expect(r.status).toBe(202);
      ids.push(r.id!);
    }
    const final = await waitAllFinal(sys, ids, 90_000);
    expect([...final.values()]).toEqual(ids.map(() => 'completed'));
    return ids;
  }

  const jobEvents = (events: SseEvent[]) => events.filter((e) => e.event === 'job');
  const completedIn = (events: SseEvent[], ids: string[]) =>
    ids.every((id) => jobEvents(events).some((e) => e.data.request_id === id && e.data.status === 'completed'));

  it("streams on A every event B's store consumer applied, then resumes on B with exactly the missed events", async () => {
    // only B consumes the store queue: A's consumer is paused
    expect(await sys.vhost.consumerCount('gateway.download-events')).toBe(1);

    const onA = await openSse(`${baseA}/api/v1/events`, sys.apiKey);
    clients.push(onA);
    expect(onA.status).toBe(200);
    await waitFor(() => onA.events.some((e) => e.event === 'hello'), { what: 'hello from A' });
    expect(onA.events[0]).toEqual({ event: 'hello', data: { resumed: false } });

    const first = await runJobs(3);
    await waitFor(() => completedIn(onA.events, first), { timeoutMs: 15_000, what: 'A streamed every job to completed' });
    // A sent every row the store holds for this key, in order, each once, with the store's ids
    const rowsA = await rowsAfter(0);
    const seenA = jobEvents(onA.events);
    expect(seenA.map((e) => e.id)).toEqual(rowsA.map((r) => r.id));
    expect(seenA.map((e) => e.data.request_id)).toEqual(rowsA.map((r) => r.request_id));
    for (const id of first) {
      const statuses = seenA.filter((e) => e.data.request_id === id).map((e) => e.data.status);
      expect(statuses[0]).toBe('running');
      expect(statuses.at(-1)).toBe('completed');
    }
    const lastSeen = Number(seenA.at(-1)!.id);

    // A goes away; the client's stream ends; B goes on applying events nobody streams live
    gatewayA.kill('SIGTERM');
    await waitFor(() => onA.ended(), { timeoutMs: 20_000, what: 'the stream on A ended' });
    const second = await runJobs(2);
    const missed = await rowsAfter(lastSeen);
    expect(new Set(missed.map((r) => r.request_id))).toEqual(new Set(second));

    const onB = await openSse(`${sys.baseUrl}/api/v1/events`, sys.apiKey, String(lastSeen));
    clients.push(onB);
    await waitFor(() => jobEvents(onB.events).length >= missed.length, { timeoutMs: 15_000, what: 'the missed events from B' });
    expect(onB.events[0]).toEqual({ event: 'hello', data: { resumed: true } });
    const seenB = jobEvents(onB.events);
    expect(seenB.map((e) => e.id)).toEqual(missed.map((r) => r.id));
    expect(completedIn(onB.events, second)).toBe(true);
    // across both streams: every recorded change once, none twice
    const all = [...seenA, ...seenB].map((e) => e.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual((await rowsAfter(0)).map((r) => r.id));

    // and B's stream goes on live
    const third = await runJobs(1);
    await waitFor(() => completedIn(onB.events, third), { timeoutMs: 15_000, what: 'B streams live after the resume' });
    const ids = jobEvents(onB.events).map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  }, 240_000);
});
