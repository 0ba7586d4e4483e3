import { readFileSync } from 'node:fs';
import { LocalServer, makeClip, makeRssFeed, startLocalServer, waitFor } from '@mda/testing';
import { TestSystem } from '../support/system';

const KEY = 'c0ffee'.repeat(10) + 'abcd';
const SECRET = 'sid-reads-5e1b2d';
const NETSCAPE = `# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\t${SECRET}\n`;

/**
 * A source that records the Cookie header of every request and refuses (403) the feed and the clip
 * without the cookie: the reads that carry it succeed, the others fail.
 */
async function startCookieSource(clip: Buffer): Promise<LocalServer & { seen: Array<{ path: string; cookie: string }> }> {
  const seen: Array<{ path: string; cookie: string }> = [];
  const server: LocalServer = await startLocalServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const cookie = req.headers.cookie ?? '';
    seen.push({ path, cookie });
    if (!cookie.includes(`sid=${SECRET}`)) return void res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden');
    if (path === '/feed.xml') {
      const feed = makeRssFeed(
        ['one', 'two'].map((n) => ({ title: `Clip ${n}`, url: `${server.url}/${n}.mp4`, length: clip.length })),
        { title: 'Private Feed' },
      );
      return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed);
    }
    if (!/^\/\w+\.mp4$/.test(path)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': clip.length }).end(req.method === 'HEAD' ? undefined : clip);
  });
  return Object.assign(server, { seen });
}

describe('cookies_id on metadata, playlist preview, channel info and feed listings (built apps, real broker, yt-dlp)', () => {
  let sys: TestSystem;
  let source: Awaited<ReturnType<typeof startCookieSource>>;
  let cookiesId: string;

  beforeAll(async () => {
    sys = await TestSystem.start({
      env: { COOKIE_ENCRYPTION_KEY: KEY, RATE_LIMIT_RPS: '1000', RATE_LIMIT_BURST: '1000' },
      apps: ['gateway', 'downloader-worker'],
    });
    source = await startCookieSource(readFileSync(await makeClip({ seconds: 1 })));
    const created = await sys.api('POST', '/api/v1/cookies', { name: 'private feed', cookies: NETSCAPE });
    expect(created.status).toBe(201);
    cookiesId = created.body.id;
  }, 90_000);

  afterAll(async () => {
    await source?.close();
    await sys?.stop();
  });

  const withCookie = (path: string) => source.seen.filter((s) => s.path === path && s.cookie.includes(`sid=${SECRET}`)).length;
  const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

  it('GET /metadata sends the cookie with cookies_id; without it the source refuses', async () => {
    const url = `${source.url}/meta.mp4`;
    const r = await sys.api('GET', `/api/v1/metadata?${q({ url, cookies_id: cookiesId })}`);
    expect(r.status).toBe(200);
    expect(r.body.formats.length).toBeGreaterThan(0);
    expect(withCookie('/meta.mp4')).toBeGreaterThan(0);
    const without = await sys.api('GET', `/api/v1/metadata?${q({ url })}`);
    expect(without.status).toBe(400);
    expect(JSON.stringify(without.body)).not.toContain(SECRET);
  }, 60_000);

  it('GET /playlist/preview and /channel/info send the cookie with the feed request', async () => {
    const url = `${source.url}/feed.xml`;
    const before = withCookie('/feed.xml');
    const preview = await sys.api('GET', `/api/v1/playlist/preview?${q({ url, cookies_id: cookiesId })}`);
    expect([preview.status, preview.body.title, preview.body.total]).toEqual([200, 'Private Feed', 2]);
    const info = await sys.api('GET', `/api/v1/channel/info?${q({ url, cookies_id: cookiesId })}`);
    expect([info.status, info.body.total]).toEqual([200, 2]);
    expect(withCookie('/feed.xml')).toBeGreaterThanOrEqual(before + 2);
    expect((await sys.api('GET', `/api/v1/playlist/preview?${q({ url })}`)).status).toBe(400);
  }, 60_000);

  it('a playlist download reads its feed with the cookie, and its children download with it', async () => {
    const before = withCookie('/feed.xml');
    const r = await sys.api('POST', '/api/v1/playlist/download', { url: `${source.url}/feed.xml`, cookies_id: cookiesId });
    expect(r.status).toBe(202);
    expect(withCookie('/feed.xml')).toBeGreaterThan(before);
    const batch = await waitFor(
      async () => {
        const b = await sys.api('GET', `/api/v1/batch/${r.body.batch_id}`);
        return b.body.status === 'completed' ? b.body : undefined;
      },
      { timeoutMs: 45_000, what: 'playlist batch completed' },
    );
    expect(batch.counts.completed).toBe(2);
    expect(withCookie('/one.mp4')).toBeGreaterThan(0);
  }, 60_000);

  it('a channel download reads its feed with the cookie; without it the feed refuses', async () => {
    const before = withCookie('/feed.xml');
    const r = await sys.api('POST', '/api/v1/channel/download', {
      url: `${source.url}/feed.xml`,
      cookies_id: cookiesId,
      max_downloads: 1,
      skip_downloaded: false,
    });
    expect(r.status).toBe(202);
    expect(withCookie('/feed.xml')).toBeGreaterThan(before);
    expect((await sys.api('POST', '/api/v1/channel/download', { url: `${source.url}/feed.xml`, max_downloads: 1 })).status).toBe(400);
  }, 60_000);

  it('refuses a malformed cookies_id (400) and an unknown one (404) before asking a worker; no secret in logs', async () => {
    const url = `${source.url}/feed.xml`;
    const n = source.seen.length;
    const bad = await sys.api('GET', `/api/v1/channel/info?${q({ url, cookies_id: 'nope' })}`);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'validation_error']);
    const unknown = await sys.api('GET', `/api/v1/metadata?${q({ url: `${source.url}/x.mp4`, cookies_id: 'ck_000000000000' })}`);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    expect(source.seen.length).toBe(n);
    expect([...sys.logsOf('gateway'), ...sys.logsOf('downloader-worker')].join('\n')).not.toContain(SECRET);
  });
});
