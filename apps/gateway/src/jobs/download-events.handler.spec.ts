import { MessageInput, ROUTING_KEYS, SUBSCRIPTIONS, parseMessage } from '@mda/contracts';
import { OWNER, ServiceKit, serviceKit, silentLogger } from '../../test/support/service-kit';
import { DownloadEventsHandler } from './download-events.handler';
import { JobFinished } from './job-lifecycle';

type EventKey = (typeof SUBSCRIPTIONS.gatewayDownloadEvents.keys)[number];

const FILE = { filename: 'v.mp4', filepath: 'videos/v.mp4', size_bytes: 2048, download_url: '/files/videos/v.mp4', mime_type: 'video/mp4' };

describe('DownloadEventsHandler', () => {
  let kit: ServiceKit;
  let handler: DownloadEventsHandler;
  let changed: string[];
  let finished: JobFinished[];
  let id: string;

  /** The event as the transport hands it over: enveloped, serialised, parsed with its schema. */
  async function deliver<K extends EventKey>(type: K, data: Omit<MessageInput<K>, 'request_id' | 'url' | 'webhook'>) {
    const env = kit.events.envelope(type, { request_id: id, url: 'https://media.example/v', webhook: null, ...data } as MessageInput<K>, id);
    const parsed = parseMessage(JSON.stringify(env), SUBSCRIPTIONS.gatewayDownloadEvents.keys);
    if (!parsed.ok) throw new Error(parsed.error);
    return handler.handle(parsed.value);
  }
  const at = () => kit.clock.now().toISOString();

  beforeEach(async () => {
    kit = await serviceKit();
    handler = new DownloadEventsHandler(kit.jobs, silentLogger, kit.files, kit.lifecycle, null);
    changed = [];
    finished = [];
    kit.lifecycle.onChanged((requestId) => void changed.push(requestId));
    kit.lifecycle.onFinished((e) => void finished.push(e));
    id = (await kit.submit.submit({ url: 'https://media.example/v' }, OWNER)).request_id;
  });
  afterEach(() => kit.close());

  it('runs a job through started, progress and completed, announcing each change and the finish once per delivery', async () => {
    expect(await deliver(ROUTING_KEYS.downloadStarted, { started_at: at() })).toBe('ack');
    expect(await kit.jobs.find(id)).toMatchObject({ status: 'running' });
    await deliver(ROUTING_KEYS.downloadProgress, { progress: { percent: 40, downloaded_bytes: 800, total_bytes: 2048, speed: 10, eta: 5 } });
    expect((await kit.jobs.find(id))?.progress).toMatchObject({ percent: 40 });
    await deliver(ROUTING_KEYS.downloadCompleted, {
      completed_at: at(),
      file_info: FILE,
      metadata: { title: 'V', uploader: null, duration: 3 },
      logs: ['[download] 100%'],
    });
    expect(await kit.jobs.find(id)).toMatchObject({ status: 'completed', file_info: { filepath: 'videos/v.mp4' }, progress: { percent: 100 } });
    expect(await kit.files.ownerOf('videos/v.mp4')).toBe(OWNER.fingerprint);
    expect((await kit.jobs.logs(id)).map((l) => l.line)).toEqual(['[download] 100%']);
    expect(changed).toEqual([id, id, id]);
    expect(finished).toEqual([{ request_id: id, status: 'completed', batch_id: null }]);
  });

  it("sets a completed job's expires_at in the completing write: its retention_hours, else FILE_RETENTION_HOURS, else none", async () => {
    const completedAt = at();
    await deliver(ROUTING_KEYS.downloadCompleted, { completed_at: completedAt, file_info: FILE, metadata: { title: null, uploader: null, duration: null } });
    expect((await kit.jobs.find(id))?.expires_at).toBeNull();

    handler = new DownloadEventsHandler(kit.jobs, silentLogger, kit.files, kit.lifecycle, 24);
    const byDefault = (await kit.submit.submit({ url: 'https://media.example/d' }, OWNER)).request_id;
    const own = (await kit.submit.submit({ url: 'https://media.example/o', retention_hours: 2 }, OWNER)).request_id;
    for (const requestId of [byDefault, own]) {
      id = requestId;
      await deliver(ROUTING_KEYS.downloadCompleted, {
        completed_at: completedAt,
        file_info: { ...FILE, filepath: `videos/${requestId}.mp4` },
        metadata: { title: null, uploader: null, duration: null },
      });
    }
    expect((await kit.jobs.find(byDefault))?.expires_at).toBe(new Date(Date.parse(completedAt) + 24 * 3_600_000).toISOString());
    expect((await kit.jobs.find(own))?.expires_at).toBe(new Date(Date.parse(completedAt) + 2 * 3_600_000).toISOString());
  });

  it('a duplicate final event changes nothing but is followed up again (the follow-ups are idempotent)', async () => {
    await deliver(ROUTING_KEYS.downloadFailed, { completed_at: at(), error: 'HTTP 404', error_code: 'not_found', batch_id: 'batch_1' });
    await deliver(ROUTING_KEYS.downloadFailed, { completed_at: at(), error: 'HTTP 404', error_code: 'not_found', batch_id: 'batch_1' });
    expect(await kit.jobs.find(id)).toMatchObject({ status: 'failed', error_code: 'not_found' });
    expect(changed).toEqual([id]);
    expect(finished).toEqual([
      { request_id: id, status: 'failed', batch_id: 'batch_1' },
      { request_id: id, status: 'failed', batch_id: 'batch_1' },
    ]);
  });

  it('ignores progress that arrives after the final event (no change, no announcement)', async () => {
    await deliver(ROUTING_KEYS.downloadCompleted, { completed_at: at(), file_info: FILE, metadata: { title: null, uploader: null, duration: null } });
    changed = [];
    await deliver(ROUTING_KEYS.downloadProgress, { progress: { percent: 10, downloaded_bytes: 1, total_bytes: 2048, speed: null, eta: null }, logs: ['late'] });
    await deliver(ROUTING_KEYS.downloadStarted, { started_at: at() });
    expect(await kit.jobs.find(id)).toMatchObject({ status: 'completed', progress: { percent: 100 } });
    expect(changed).toEqual([]);
  });

  it('cancel vs complete: a job cancelled first stays cancelled when the completion arrives', async () => {
    expect(await kit.jobs.cancelQueued(id, at())).toBe(true);
    await deliver(ROUTING_KEYS.downloadCompleted, { completed_at: at(), file_info: FILE, metadata: { title: null, uploader: null, duration: null } });
    expect(await kit.jobs.find(id)).toMatchObject({ status: 'cancelled' });
    expect(changed).toEqual([]);
    // the listeners read the store (the archive records only a completed job)
    expect(finished).toEqual([{ request_id: id, status: 'completed', batch_id: null }]);
  });

  it('complete vs cancel: a cancelled event after the completion changes nothing', async () => {
    await deliver(ROUTING_KEYS.downloadCompleted, { completed_at: at(), file_info: FILE, metadata: { title: null, uploader: null, duration: null } });
    await deliver(ROUTING_KEYS.downloadCancelled, { completed_at: at() });
    expect(await kit.jobs.find(id)).toMatchObject({ status: 'completed' });
    expect(changed).toEqual([id]);
  });

  it('a failing follow-up fails the delivery (redelivered), a failing stream announcement does not', async () => {
    kit.lifecycle.onChanged(() => {
      throw new Error('stream down');
    });
    expect(await deliver(ROUTING_KEYS.downloadStarted, { started_at: at() })).toBe('ack');
    kit.lifecycle.onFinished(() => {
      throw new Error('store down');
    });
    await expect(deliver(ROUTING_KEYS.downloadCancelled, { completed_at: at() })).rejects.toThrow('store down');
    // the store has the change; the redelivery finds nothing to change and follows up again
    expect(await kit.jobs.find(id)).toMatchObject({ status: 'cancelled' });
  });

  it("acks the gateway's own download.expired without touching the job", async () => {
    const env = kit.events.envelope(
      ROUTING_KEYS.downloadExpired,
      { request_id: id, url: 'https://media.example/v', filepath: null, files_removed: 0, bytes_freed: 0, retention_hours: 1, expired_at: at(), webhook: null },
      id,
    );
    const parsed = parseMessage(JSON.stringify(env), SUBSCRIPTIONS.gatewayDownloadEvents.keys);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(await handler.handle(parsed.value)).toBe('ack');
    expect(await kit.jobs.find(id)).toMatchObject({ status: 'queued' });
    expect(changed).toEqual([]);
  });
});
