import { LocalServer, startLocalServer, waitFor } from '@mda/testing';
import { makeTestClip } from '../support/media-source';
import { TestSystem } from '../support/system';
import { signatureOk, startReceiver } from './support';

interface FeedItem {
  title: string;
  file: string;
  date: string;
  duration: number;
}

/**
 * An RSS feed with media enclosures, publication dates and itunes:duration: yt-dlp's generic
 * extractor reads it as a playlist (upload_date from pubDate, duration from itunes:duration).
 */
function feed(base: string, items: FeedItem[]): string {
  const entries = items
    .map(
      (it, i) => `<item><title>${it.title}</title><guid isPermaLink="false">item-${i + 1}</guid>
<pubDate>${new Date(`${it.date}T12:00:00Z`).toUTCString()}</pubDate><itunes:duration>${it.duration}</itunes:duration>
<enclosure url="${base}/${it.file}" type="video/mp4" length="1000"/></item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>Local Channel</title><link>${base}/</link><description>test</description>
${entries}
</channel></rss>`;
}

const ITEMS: FeedItem[] = [
  { title: 'Echo', file: 'e.mp4', date: '2024-01-05', duration: 30 },
  { title: 'Alpha', file: 'a.mp4', date: '2024-01-10', duration: 120 },
  { title: 'Delta', file: 'd.mp4', date: '2024-01-01', duration: 60 },
  { title: 'Charlie', file: 'c.mp4', date: '2024-02-01', duration: 600 },
  { title: 'Bravo', file: 'b.mp4', date: '2023-12-20', duration: 15 },
];

describe('playlists and channels from a local RSS feed (built apps, real broker, yt-dlp)', () => {
  let sys: TestSystem;
  let media: LocalServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let feedUrl: string;
  const gets: string[] = [];

  beforeAll(async () => {
    sys = await TestSystem.start({ env: { WORKER_CONCURRENCY: '3', RATE_LIMIT_RPS: '1000', RATE_LIMIT_BURST: '1000' } });
    const clip = makeTestClip(1);
    media = await startLocalServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/feed.xml') return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed(media.url, ITEMS));
      if (!/^\/[a-e]\.mp4$/.test(path)) return void res.writeHead(404).end();
      if (req.method === 'GET') gets.push(path);
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': clip.length }).end(req.method === 'HEAD' ? undefined : clip);
    });
    feedUrl = `${media.url}/feed.xml`;
    receiver = await startReceiver();
  }, 90_000);

  afterAll(async () => {
    await media?.close();
    await receiver?.close();
    await sys?.stop();
  });

  const batchDone = (id: string) =>
    waitFor(
      async () => {
        const r = await sys.api('GET', `/api/v1/batch/${id}`);
        return r.body.status === 'completed' ? r.body : undefined;
      },
      { timeoutMs: 60_000, what: `batch ${id} completed` },
    );

  it('previews a playlist a page at a time, without downloading', async () => {
    const p1 = await sys.api('GET', `/api/v1/playlist/preview?url=${encodeURIComponent(feedUrl)}&page=1&limit=2`);
    expect(p1.status).toBe(200);
    expect(p1.body).toMatchObject({ title: 'Local Channel', total: 5, page: 1, limit: 2 });
    expect(p1.body.entries).toEqual([
      expect.objectContaining({ index: 1, title: 'Echo', url: `${media.url}/e.mp4`, duration: 30, upload_date: '20240105' }),
      expect.objectContaining({ index: 2, title: 'Alpha', url: `${media.url}/a.mp4`, duration: 120, upload_date: '20240110' }),
    ]);
    const p3 = await sys.api('GET', `/api/v1/playlist/preview?url=${encodeURIComponent(feedUrl)}&page=3&limit=2`);
    expect(p3.body.entries.map((e: any) => e.title)).toEqual(['Bravo']);
    expect(gets).toEqual([]);
    for (const q of ['', `url=${encodeURIComponent(feedUrl)}&limit=101`, 'url=ftp%3A%2F%2F127.0.0.1%2Ff', `url=${encodeURIComponent(feedUrl)}&page=0`]) {
      expect((await sys.api('GET', `/api/v1/playlist/preview?${q}`)).status).toBe(400);
    }
  }, 60_000);

  it('downloads the items asked for, reversed, and skip_downloaded never fetches a video twice', async () => {
    const r = await sys.api('POST', '/api/v1/playlist/download', { url: feedUrl, items: '1-2,4', reverse: true, concurrent_limit: 2 });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({
      batch_id: expect.stringMatching(/^batch_/),
      total: 3,
      selected: 3,
      skipped_downloaded: 0,
      playlist: { title: 'Local Channel', entries: 5 },
    });
    const view = await batchDone(r.body.batch_id);
    expect(view.downloads.map((d: any) => d.url)).toEqual(['c.mp4', 'a.mp4', 'e.mp4'].map((f) => `${media.url}/${f}`));
    expect(view.counts.completed).toBe(3);
    const fetchedAC = () => gets.filter((g) => g === '/a.mp4' || g === '/c.mp4').length;
    const before = fetchedAC();
    expect(before).toBeGreaterThanOrEqual(2);

    const again = await sys.api('POST', '/api/v1/playlist/download', { url: feedUrl, start: 2, end: 4, skip_downloaded: true });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ total: 1, selected: 3, skipped_downloaded: 2 });
    const v2 = await batchDone(again.body.batch_id);
    expect(v2.downloads.map((d: any) => d.url)).toEqual([`${media.url}/d.mp4`]);
    expect(fetchedAC()).toBe(before); // a and c were fetched by the first batch only

    const nothing = await sys.api('POST', '/api/v1/playlist/download', {
      url: feedUrl,
      items: '2,4',
      skip_downloaded: true,
      webhook_url: `${receiver.url}/empty`,
    });
    expect(nothing.body).toMatchObject({ total: 0, skipped_downloaded: 2 });
    await waitFor(() => receiver.received.find((w) => w.body.batch_id === nothing.body.batch_id), { what: 'batch.completed of an empty batch' });

    for (const body of [
      { url: feedUrl, items: '1-x' },
      { url: feedUrl, start: 4, end: 2 },
      { url: feedUrl, reverse: 'yes' },
      { url: feedUrl, items: '1', extra: 1 },
    ]) {
      const bad = await sys.api('POST', '/api/v1/playlist/download', body);
      expect([JSON.stringify(body), bad.status, bad.body.error.code]).toEqual([JSON.stringify(body), 400, 'validation_error']);
    }
  }, 90_000);

  it('lists a channel with date and duration filters, sorting and paging', async () => {
    const q = (s: string) => sys.api('GET', `/api/v1/channel/info?url=${encodeURIComponent(feedUrl)}&${s}`);
    const all = await q('sort_by=upload_date&page_size=2');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ title: 'Local Channel', total: 5, page: 1, page_size: 2 });
    expect(all.body.videos.map((v: any) => v.title)).toEqual(['Charlie', 'Alpha']);
    expect((await q('sort_by=upload_date&page_size=2&page=3')).body.videos.map((v: any) => v.title)).toEqual(['Bravo']);
    expect((await q('date_after=20240101&date_before=20240110&sort_by=title')).body.videos.map((v: any) => v.title)).toEqual(['Alpha', 'Delta', 'Echo']);
    expect((await q('min_duration=60&max_duration=600&sort_by=duration')).body.videos.map((v: any) => v.title)).toEqual(['Charlie', 'Alpha', 'Delta']);
    const byDuration = await q('sort_by=duration&max_duration=30');
    expect(byDuration.body.videos.map((v: any) => [v.title, v.duration])).toEqual([
      ['Echo', 30],
      ['Bravo', 15],
    ]);
    for (const bad of [
      'date_after=2024-01-01',
      'date_after=20241301',
      'sort_by=likes',
      'page_size=101',
      'min_duration=-1',
      'date_after=20240201&date_before=20240101',
      'min_duration=100&max_duration=10',
    ]) {
      const r = await q(bad);
      expect([bad, r.status, r.body.error.code]).toEqual([bad, 400, 'validation_error']);
    }
  }, 60_000);

  it('downloads a channel as a batch with filters and max_downloads, and honours webhook_url', async () => {
    const hook = `${receiver.url}/channel`;
    const r = await sys.api('POST', '/api/v1/channel/download', {
      url: feedUrl,
      date_after: '20231201',
      sort_by: 'duration',
      max_downloads: 2,
      webhook_url: hook,
      concurrent_limit: 2,
      skip_downloaded: false,
    });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ total: 2, matched: 5, channel: { title: 'Local Channel' } });
    const view = await batchDone(r.body.batch_id);
    expect(view.downloads.map((d: any) => d.url)).toEqual([`${media.url}/c.mp4`, `${media.url}/a.mp4`]);
    const done = await waitFor(() => receiver.received.find((w) => w.body.event === 'batch.completed' && w.body.batch_id === r.body.batch_id), {
      timeoutMs: 30_000,
      what: 'channel batch.completed',
    });
    expect(done.headers.host).toBe(new URL(hook).host);
    expect(signatureOk(done, sys.apiKey)).toBe(true);
    expect(done.body.data).toMatchObject({ total: 2, completed: 2 });
    // each job's download.completed is a delivery of its own: it may land after batch.completed
    const childHooks = () => receiver.received.filter((w) => r.body.request_ids.includes(w.body.request_id) && w.body.event === 'download.completed');
    await waitFor(() => childHooks().length >= 2, { timeoutMs: 30_000, what: "both children's download.completed" });
    expect(childHooks()).toHaveLength(2);
    for (const bad of [
      { url: feedUrl, max_downloads: 0 },
      { url: feedUrl, max_downloads: 1001 },
      { url: feedUrl, sort_by: 'likes' },
    ]) {
      expect((await sys.api('POST', '/api/v1/channel/download', bad)).status).toBe(400);
    }
  }, 90_000);
});
