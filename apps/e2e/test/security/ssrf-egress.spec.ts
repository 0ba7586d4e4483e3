/**
 * The SSRF suite: with ALLOW_PRIVATE_NETWORKS=false and NETWORK_ALLOWLIST=127.0.0.2/32, a server on
 * 127.0.0.2 ("public", allowlisted) tries every way to make the service reach a secret server on
 * 127.0.0.1 (redirects, embedded media, HLS and DASH manifests, a name that resolves to it), through
 * every entry point (download, metadata, playlist preview, channel info). Built apps, real broker,
 * real yt-dlp and ffmpeg. The secret server serves real media, so a leak would succeed; it must
 * receive no request at all.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { LocalServer, makeClip, makeHls, startLocalServer } from '@mda/testing';
import { waitFinal } from '../downloads/support/jobs';
import { makeTestClip } from '../support/media-source';
import { TestSystem } from '../support/system';

const REDIRECTS = [301, 302, 303, 307, 308];
const ENDPOINTS = ['/api/v1/metadata', '/api/v1/playlist/preview', '/api/v1/channel/info'];

interface Route {
  status?: number;
  type?: string;
  body?: Buffer | string;
  headers?: Record<string, string>;
}

/** A server that answers from a route table and remembers every request it got. */
async function routedServer(
  host: string,
  routes: () => Map<string, Route>,
): Promise<LocalServer & { hits: Array<{ path: string; headers: Record<string, unknown> }> }> {
  const hits: Array<{ path: string; headers: Record<string, unknown> }> = [];
  const server = await startLocalServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    hits.push({ path, headers: req.headers });
    const r = routes().get(path);
    if (!r) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    const body = typeof r.body === 'string' ? Buffer.from(r.body) : (r.body ?? Buffer.alloc(0));
    res.writeHead(r.status ?? 200, { 'content-type': r.type ?? 'application/octet-stream', 'content-length': String(body.length), ...r.headers });
    res.end(req.method === 'HEAD' ? undefined : body);
  }, host);
  // every connection counts, even one that never sends a complete request
  server.server.on('connection', () => hits.push({ path: '(connection)', headers: {} }));
  return Object.assign(server, { hits });
}

async function inGroups<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

describe('SSRF: the egress guard at every hop (ALLOW_PRIVATE_NETWORKS=false, NETWORK_ALLOWLIST=127.0.0.2/32)', () => {
  let sys: TestSystem;
  let secret: Awaited<ReturnType<typeof routedServer>>;
  let allowed: Awaited<ReturnType<typeof routedServer>>;
  const secretRoutes = new Map<string, Route>();
  const allowedRoutes = new Map<string, Route>();
  // the machine's own name resolves to loopback through the system resolver (/etc/hosts), no DNS server involved
  const localName = hostname().toLowerCase();
  let clip: Buffer;

  beforeAll(async () => {
    const resolved = await lookup(localName, { all: true });
    expect(resolved.length).toBeGreaterThan(0);
    expect(resolved.every((a) => a.address.startsWith('127.') || a.address === '::1')).toBe(true);

    clip = makeTestClip(1);
    const hlsIndex = await makeHls(await makeClip({ seconds: 2, width: 160, height: 120 }));
    const hlsDir = dirname(hlsIndex);
    secret = await routedServer('127.0.0.1', () => secretRoutes);
    allowed = await routedServer('127.0.0.2', () => allowedRoutes);
    const s = secret.url;

    // the secret side: real media, so that any leak would produce a file
    secretRoutes.set('/clip.mp4', { type: 'video/mp4', body: clip });
    secretRoutes.set('/index.m3u8', { type: 'application/vnd.apple.mpegurl', body: readFileSync(hlsIndex) });
    for (const f of readdirSync(hlsDir).filter((n) => n.endsWith('.ts')))
      secretRoutes.set(`/${f}`, { type: 'video/mp2t', body: readFileSync(join(hlsDir, f)) });

    // the allowed side: every way to point at the secret one
    for (const code of REDIRECTS) allowedRoutes.set(`/redirect-${code}`, { status: code, type: 'text/plain', headers: { location: `${s}/clip.mp4` } });
    allowedRoutes.set('/redirect-name', { status: 302, type: 'text/plain', headers: { location: `http://${localName}:${secret.port}/clip.mp4` } });
    const page = (inner: string) =>
      `<!doctype html><html><head><title>Embedded</title>${inner.startsWith('<meta') ? inner : ''}</head><body>${inner.startsWith('<meta') ? '' : inner}</body></html>`;
    allowedRoutes.set('/video-src.html', { type: 'text/html', body: page(`<video src="${s}/clip.mp4" controls></video>`) });
    allowedRoutes.set('/source.html', { type: 'text/html', body: page(`<video controls><source src="${s}/clip.mp4" type="video/mp4"></video>`) });
    allowedRoutes.set('/og-video.html', {
      type: 'text/html',
      body: page(`<meta property="og:video" content="${s}/clip.mp4"><meta property="og:title" content="Embedded">`),
    });
    allowedRoutes.set('/master.m3u8', {
      type: 'application/vnd.apple.mpegurl',
      body: `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=160x120\n${s}/index.m3u8\n`,
    });
    const segments = readFileSync(hlsIndex, 'utf8').replace(/^(?!#)(\S+\.ts)$/gm, `${s}/$1`);
    expect(segments).toContain(`${s}/`);
    allowedRoutes.set('/media.m3u8', { type: 'application/vnd.apple.mpegurl', body: segments });
    allowedRoutes.set('/manifest.mpd', {
      type: 'application/dash+xml',
      body: `<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT1S" minBufferTime="PT1S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">
  <Period><AdaptationSet mimeType="video/mp4" contentType="video">
    <Representation id="v" bandwidth="300000" codecs="avc1.42c00d,mp4a.40.2" width="320" height="240"><BaseURL>${s}/clip.mp4</BaseURL></Representation>
  </AdaptationSet></Period>
</MPD>`,
    });
    // the positive control
    allowedRoutes.set('/ok.mp4', { type: 'video/mp4', body: clip });

    sys = await TestSystem.start({ env: { ALLOW_PRIVATE_NETWORKS: 'false', NETWORK_ALLOWLIST: '127.0.0.2/32', WORKER_CONCURRENCY: '4' } });
  }, 120_000);

  afterAll(async () => {
    await sys?.stop();
    await secret?.close();
    await allowed?.close();
  });

  const viaAllowed = (path: string) => `${allowed.url}${path}`;
  const CASES: Array<[string, string]> = [
    ...REDIRECTS.map((c): [string, string] => [`a ${c} redirect`, `/redirect-${c}`]),
    ['a redirect to a name that resolves to loopback', '/redirect-name'],
    ['an HTML <video src>', '/video-src.html'],
    ['an HTML <source>', '/source.html'],
    ['an og:video meta tag', '/og-video.html'],
    ['an HLS master whose variant is secret', '/master.m3u8'],
    ['an HLS media playlist whose segments are secret', '/media.m3u8'],
    ['a DASH manifest whose media is secret', '/manifest.mpd'],
  ];

  it('refuses every case for downloads: the job fails with forbidden_address naming the secret host', async () => {
    const submitted = await Promise.all(
      CASES.map(async ([name, path]) => {
        const r = await sys.api('POST', '/api/v1/download', { url: viaAllowed(path) });
        expect({ name, status: r.status, body: r.status === 202 ? null : r.body }).toEqual({ name, status: 202, body: null });
        return { name, path, id: r.body.request_id as string };
      }),
    );
    for (const { name, path, id } of submitted) {
      const job = await waitFinal(sys, id, 60_000);
      const host = path === '/redirect-name' ? localName : '127.0.0.1';
      expect({ name, status: job.status, error_code: job.error_code }).toEqual({ name, status: 'failed', error_code: 'forbidden_address' });
      expect(job.error).toContain(`refusing to connect to ${host}`);
      expect(job.error).toContain('forbidden range (loopback)');
      expect(job.file_info).toBeNull();
    }
    expect(secret.hits).toEqual([]);
  }, 120_000);

  it.each(ENDPOINTS)(
    'refuses every case for %s: 400 forbidden_address',
    async (endpoint) => {
      // four at a time: each answer comes well inside the gateway's 30 s query deadline even on a busy machine
      const answers = await inGroups(CASES, 4, async ([name, path]) => {
        const r = await sys.api('GET', `${endpoint}?url=${encodeURIComponent(viaAllowed(path))}`);
        return { name, status: r.status, code: r.body?.error?.code, message: String(r.body?.error?.message ?? '') };
      });
      for (const a of answers) {
        expect({ name: a.name, status: a.status, code: a.code }).toEqual({ name: a.name, status: 400, code: 'forbidden_address' });
        expect(a.message).toMatch(/refusing to connect to \S+/);
        expect(a.message).toMatch(/NETWORK_ALLOWLIST/);
      }
      expect(secret.hits).toEqual([]);
    },
    120_000,
  );

  it('refuses a name that resolves to loopback at the gateway, for every entry point, naming the host and the fix', async () => {
    const url = `http://${localName}:${secret.port}/clip.mp4`;
    const answers = [
      await sys.api('POST', '/api/v1/download', { url }),
      ...(await Promise.all(ENDPOINTS.map((e) => sys.api('GET', `${e}?url=${encodeURIComponent(url)}`)))),
    ];
    for (const r of answers) {
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('forbidden_address');
      expect(r.body.error.message).toContain(`refusing to connect to ${localName} (resolved to 127.`);
      expect(r.body.error.message).toMatch(/NETWORK_ALLOWLIST.*ALLOW_PRIVATE_NETWORKS/);
    }
    // nothing was stored for the refused download
    expect(JSON.stringify((await sys.api('GET', '/api/v1/downloads')).body)).not.toContain(`${localName}:${secret.port}`);
    expect(secret.hits).toEqual([]);
  });

  it('passes allowed traffic: a file on 127.0.0.2 downloads through the egress proxy, with progress', async () => {
    // write_info_json sends the job through yt-dlp (and so through the proxy), not the direct client
    const r = await sys.api('POST', '/api/v1/download', { url: viaAllowed('/ok.mp4'), write_info_json: true });
    expect(r.status).toBe(202);
    const job = await waitFinal(sys, r.body.request_id, 60_000);
    expect({ status: job.status, error: job.error }).toEqual({ status: 'completed', error: null });
    expect(job.progress.percent).toBe(100);
    expect(job.progress.downloaded_bytes).toBeGreaterThan(0);
    expect(job.file_info.size_bytes).toBeGreaterThan(0);
    // the proxy marks what it forwards (RFC 9110 Via): yt-dlp's requests came through it
    const fetched = allowed.hits.filter((h) => h.path === '/ok.mp4');
    expect(fetched.length).toBeGreaterThan(0);
    expect(fetched.every((h) => String(h.headers['via']).includes('mda-egress'))).toBe(true);
  }, 90_000);

  it('counted the refusals by range, and the secret server never saw a single request or connection', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${sys.apps.get('downloader-worker')?.metricsPort}/metrics`)).text();
    const loopback = /^mda_egress_refused_total\{reason="loopback"\} (\d+)/m.exec(metrics);
    expect(Number(loopback?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(/^mda_egress_refused_total\{reason="private"\} 0/m);
    expect(secret.hits).toHaveLength(0);
  });
});
