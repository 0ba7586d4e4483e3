import { LocalServer, startLocalServer } from '@mda/testing';
import { makeTestClip } from '../support/media-source';

export interface FeedSource extends LocalServer {
  feedUrl: string;
  /** Adds an item (served at /<name>.mp4) at the top of the feed, as a new upload. */
  add(name: string, title?: string): void;
  /** GET requests per media path (how often each item was downloaded). */
  gets: Map<string, number>;
  /** Media paths answered with 404 until fixed (a broken source). */
  broken: Set<string>;
  /** Feed reads so far; while `feedDelayMs` is set each feed answer waits that long (a check in progress). */
  feedReads: () => number;
  feedDelayMs: number;
}

/**
 * A changing RSS feed with media enclosures on 127.0.0.1 (yt-dlp's generic extractor reads it as
 * a playlist): new items are added while the test runs, each media GET is counted.
 */
export async function startFeedSource(initial: string[]): Promise<FeedSource> {
  const clip = makeTestClip(1);
  const items = initial.map((name) => ({ name, title: `Item ${name}` }));
  const gets = new Map<string, number>();
  const broken = new Set<string>();
  let reads = 0;
  const server = await startLocalServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/feed.xml') {
      reads += 1;
      const entries = items
        .map(
          (it, i) =>
            `<item><title>${it.title}</title><guid isPermaLink="false">${it.name}</guid><pubDate>${new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toUTCString()}</pubDate><enclosure url="${server.url}/${it.name}.mp4" type="video/mp4" length="1000"/></item>`,
        )
        .join('\n');
      // the listing as it is now, answered after the delay (a check in progress meanwhile)
      const send = (body: string) => setTimeout(() => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body), out.feedDelayMs);
      return void send(
        `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test Feed</title><link>${server.url}/</link><description>t</description>\n${entries}\n</channel></rss>`,
      );
    }
    const m = /^\/([a-z0-9-]+)\.mp4$/.exec(path);
    if (!m || broken.has(path)) return void res.writeHead(404).end();
    if (req.method === 'GET') gets.set(path, (gets.get(path) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': clip.length }).end(req.method === 'HEAD' ? undefined : clip);
  });
  const out: FeedSource = Object.assign(server, {
    feedUrl: `${server.url}/feed.xml`,
    add: (name: string, title = `Item ${name}`) => void items.unshift({ name, title }),
    gets,
    broken,
    feedReads: () => reads,
    feedDelayMs: 0,
  });
  return out;
}
