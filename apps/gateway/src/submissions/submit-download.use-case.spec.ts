import { ROUTING_KEYS } from '@mda/contracts';
import { OTHER, OWNER, ServiceKit, serviceKit, refusal } from '../../test/support/service-kit';

const NETSCAPE = '# Netscape HTTP Cookie File\n.example.com\tTRUE\t/\tFALSE\t0\tsid\tabc\n';

describe('SubmitDownload', () => {
  let kit: ServiceKit;

  beforeEach(async () => {
    kit = await serviceKit();
  });
  afterEach(() => kit.close());

  it('stores a single job and publishes its command with the normalised options', async () => {
    const job = await kit.submit.submit({ url: 'https://media.example/v/1', audio_only: true, webhook_url: 'https://hooks.example/in' }, OWNER);
    expect(job).toMatchObject({ request_id: 'req_000000000001', status: 'queued', batch_id: null, webhook_url: 'https://hooks.example/in' });
    expect(job.options).toMatchObject({ quality: 'audio', embed_metadata: true });
    expect(await kit.jobs.find('req_000000000001', OWNER.fingerprint)).toMatchObject({ status: 'queued', url: 'https://media.example/v/1' });
    const [command] = kit.events.dataOf(ROUTING_KEYS.downloadRequested);
    expect(command).toEqual({
      request_id: 'req_000000000001',
      url: 'https://media.example/v/1',
      options: job.options,
      webhook: { url: 'https://hooks.example/in', key_fp: OWNER.fingerprint },
      batch_id: null,
      cookies: null,
    });
    expect(kit.events.published.map((m) => m.envelope.correlation_id)).toEqual(['req_000000000001']);
  });

  it('keeps nothing and answers 503 when the broker does not confirm', async () => {
    kit.events.failNext();
    const err = await refusal(kit.submit.submit({ url: 'https://media.example/v/1' }, OWNER));
    expect(err.code).toBe('broker_unavailable');
    expect(err.headers).toEqual({ 'Retry-After': '5' });
    expect(await kit.jobs.find('req_000000000001')).toBeUndefined();
  });

  it.each([
    ['a private address', { url: 'https://nas.internal/v/1' }, 'forbidden_address', 'url'],
    ['a webhook on a private address', { url: 'https://media.example/v', webhook_url: 'http://127.0.0.1:9/h' }, 'forbidden_address', 'webhook_url'],
    ['an impossible combination', { url: 'https://media.example/v', quality: 'audio' as const, embed_subtitles: true }, 'validation_error', 'embed_subtitles'],
    ['audio_only with a video quality', { url: 'https://media.example/v', audio_only: true, quality: '720p' as const }, 'validation_error', 'quality'],
    ['an unknown path token', { url: 'https://media.example/v', path_template: '{nope}.{ext}' }, 'validation_error', 'path_template'],
  ])('refuses %s and changes nothing', async (_what, request, code, field) => {
    const err = await refusal(kit.submit.submit(request, OWNER));
    expect(err.code).toBe(code);
    expect(JSON.stringify(err.details ?? err.message)).toContain(field);
    expect(kit.events.types()).toEqual([]);
    expect(await kit.jobs.list({ ownerFp: OWNER.fingerprint, limit: 10 })).toEqual([]);
  });

  it("uses only the caller's own cookies: another key's id is unknown (404)", async () => {
    const mine = await kit.cookies.create({ name: 'site', cookies: NETSCAPE }, OWNER);
    const err = await refusal(kit.submit.submit({ url: 'https://media.example/v', cookies_id: mine.id }, OTHER));
    expect(err.code).toBe('not_found');
    const job = await kit.submit.submit({ url: 'https://media.example/v', cookies_id: mine.id }, OWNER);
    // sealed for this one request, never the stored text
    const [command] = kit.events.dataOf(ROUTING_KEYS.downloadRequested);
    expect(command.request_id).toBe(job.request_id);
    expect(command.cookies).toEqual(expect.any(String));
    expect(command.cookies).not.toContain('sid');
  });

  it('builds batch rows once checked: fixed request ids kept (idempotent reruns), listing sources per row', async () => {
    const checked = await kit.submit.check([{ url: 'https://media.example/a', field: 'urls[0]' }], { quality: '720p' }, OWNER);
    const fixed = kit.submit.jobRow('https://media.example/a', checked, OWNER, {
      batch_id: 'batch_x',
      request_id: 'req_fixed',
      source: { kind: 'playlist', playlist: 'Feed', playlist_index: 2 },
    });
    const fresh = kit.submit.jobRow('https://media.example/b', checked, OWNER, { batch_id: 'batch_x' });
    expect(fixed).toMatchObject({ request_id: 'req_fixed', batch_id: 'batch_x', options: { quality: '720p', source: { playlist_index: 2 } } });
    expect(fresh).toMatchObject({ request_id: 'req_000000000001', options: { quality: '720p' } });
    expect(fresh.options.source).toBeUndefined();
    // check() only checks
    expect(kit.events.types()).toEqual([]);
  });

  describe('release (a stored batch child)', () => {
    async function storedChild(cookiesId?: string) {
      const checked = await kit.submit.check([], cookiesId ? { cookies_id: cookiesId } : {}, OWNER);
      const row = kit.submit.jobRow('https://media.example/c', checked, OWNER, { batch_id: 'batch_1' });
      await kit.jobs.insert(row);
      return row.request_id;
    }

    it('publishes a queued child once asked, with its batch', async () => {
      const id = await storedChild();
      expect(await kit.submit.release(id)).toBe(true);
      expect(kit.events.dataOf(ROUTING_KEYS.downloadRequested)).toEqual([expect.objectContaining({ request_id: id, batch_id: 'batch_1' })]);
    });

    it('skips a child that is no longer queued (cancelled meanwhile) or unknown', async () => {
      const id = await storedChild();
      await kit.jobs.finish(id, 'cancelled', kit.clock.now().toISOString(), { error: 'Cancelled', error_code: 'cancelled' });
      expect(await kit.submit.release(id)).toBe(false);
      expect(await kit.submit.release('req_unknown')).toBe(false);
      expect(kit.events.types()).toEqual([]);
    });

    it('fails a child whose cookies were deleted before its turn, and does not publish it', async () => {
      const mine = await kit.cookies.create({ name: 'site', cookies: NETSCAPE }, OWNER);
      const id = await storedChild(mine.id);
      await kit.cookies.remove(mine.id, OWNER);
      expect(await kit.submit.release(id)).toBe(false);
      expect(await kit.jobs.find(id)).toMatchObject({ status: 'failed', error_code: 'invalid_request' });
      expect(kit.events.types()).toEqual([]);
    });

    it('lets a publish failure through (the dispatcher republishes later)', async () => {
      const id = await storedChild();
      kit.events.failNext();
      await expect(kit.submit.release(id)).rejects.toThrow('broker did not confirm the publish');
      expect(await kit.jobs.find(id)).toMatchObject({ status: 'queued' });
    });
  });
});
