import amqplib from 'amqplib';
import { QUEUES, TOPOLOGY } from '@mda/contracts';
import { MediaServer, makeClip, mediaRoot, serveMedia, waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';
import { submit, waitFinal } from '../downloads/support/jobs';

const ADMIN_KEY = 'admin-key-' + Math.random().toString(36).slice(2, 14).padEnd(12, '0');

/**
 * A job stranded in downloader.jobs.dead (dead-lettered by the broker while no worker ran):
 * an operator lists it with its reason, replays it, and a worker completes it.
 */
describe('operations: dead letters listed and replayed', () => {
  let sys: TestSystem;
  let media: MediaServer;
  let clip: string;

  beforeAll(async () => {
    sys = await TestSystem.start({ apps: ['gateway'], env: { ADMIN_API_KEYS: ADMIN_KEY } });
    media = await serveMedia(mediaRoot());
    clip = await makeClip({ seconds: 1, title: 'Dead Letter Clip' });
  }, 60_000);

  afterAll(async () => {
    await media?.close();
    await sys?.stop();
  }, 60_000);

  const admin = (method: string, path: string, body?: unknown) => sys.api(method, `/api/v1/admin/dead-letters${path}`, body, { 'x-api-key': ADMIN_KEY });

  it('needs an operator key: a client key or none is refused', async () => {
    expect((await sys.api('GET', '/api/v1/admin/dead-letters')).status).toBe(401);
    const none = await fetch(`${sys.baseUrl}/api/v1/admin/dead-letters`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('lists a stranded job with its reason, replays it, and a worker completes it', async () => {
    const id = await submit(sys, { url: media.urlFor(clip) });
    // the broker dead-letters the queued command (as when a job exhausts its delivery limit)
    const conn = await amqplib.connect(sys.vhost.amqpUrl);
    try {
      const ch = await conn.createChannel();
      const msg = await waitFor(async () => (await ch.get(QUEUES.downloaderJobs, { noAck: false })) || undefined, {
        timeoutMs: 10_000,
        what: 'the queued command',
      });
      ch.nack(msg, false, false);
      await ch.close();
    } finally {
      await conn.close();
    }

    const listed = await waitFor(
      async () => {
        const r = await admin('GET', '');
        return r.body.queues?.find((q: any) => q.queue === 'downloader.jobs.dead')?.messages === 1 ? r : undefined;
      },
      { timeoutMs: 10_000, what: 'the dead letter listed' },
    );
    expect(listed.status).toBe(200);
    const deadQueues = TOPOLOGY.queues.map((q) => q.name).filter((q) => q.endsWith('.dead'));
    expect(listed.body.queues.map((q: any) => q.queue).sort()).toEqual(deadQueues.sort());
    expect(listed.body.total).toBe(1);
    const jobs = listed.body.queues.find((q: any) => q.queue === 'downloader.jobs.dead');
    expect(jobs).toEqual({
      queue: 'downloader.jobs.dead',
      replays_to: 'downloader.jobs',
      messages: 1,
      sample: [expect.objectContaining({ request_id: id, reason: 'rejected', from_queue: 'downloader.jobs', type: 'download.requested' })],
    });
    // listing reads without taking
    expect((await admin('GET', '')).body.total).toBe(1);
    expect((await sys.api('GET', `/api/v1/download/${id}`)).body.status).toBe('queued');

    const bad = await admin('POST', '/replay', { queue: 'downloader.jobs' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_error');
    expect((await admin('GET', '')).body.total).toBe(1);

    const replayed = await admin('POST', '/replay', { queue: 'downloader.jobs.dead' });
    expect(replayed).toEqual(expect.objectContaining({ status: 200, body: { queue: 'downloader.jobs.dead', replayed: 1 } }));
    expect((await admin('GET', '')).body.total).toBe(0);

    await sys.startApp('downloader-worker');
    const job = await waitFinal(sys, id, 60_000);
    expect(job.status).toBe('completed');
  }, 120_000);
});
