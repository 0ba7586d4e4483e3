#!/usr/bin/env node
// npm run bench:peers: what users of the self-hosted peers (MeTube, Pinchflat, Tube Archivist,
// yt-dlp-web-ui: yt-dlp with its defaults) wait for, next to this system, on sources that throttle
// every connection as video sites and CDNs do. A source process of its own serves on 127.0.0.1
// (a) a progressive mp4 (256 MiB) that accepts ranges and (b) a 2-minute HLS stream of 2 s
// segments (about 9 Mbit/s), each response throttled on its own (8 MiB/s) after a per-request
// latency (20 ms). Each is downloaded by plain `yt-dlp` and through the system (submit ->
// completed), alternating, for 3 rounds; the same bytes are checked every time; medians are
// reported. The test media are made once with ffmpeg and cached in $TMPDIR/mda-bench-peers-cache.
// Last line:
// RESULT ours_progressive_mib_s=<n> plain_progressive_mib_s=<n> ours_hls_mib_s=<n> plain_hls_mib_s=<n> speedup=<smaller ratio>
// Flags: --rate-mib N (per connection, 8), --latency-ms N (20), --size-mib N (256), --hls-seconds N (120),
//        --rounds N (3), --connections N and --fragments N (the worker's DOWNLOAD_CONNECTIONS /
//        DOWNLOAD_FRAGMENTS; default: the worker's defaults). Env: TEST_AMQP_BASE, RABBITMQ_MGMT_URL.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import {
  checkPrerequisites,
  createVhost,
  ffmpeg,
  finalEvents,
  freePort,
  makeLoopedMp4,
  median,
  sleep,
  startApp,
  systemEnv,
  waitFor,
} from './bench-support.mjs';

const { values: flags } = parseArgs({
  options: {
    'rate-mib': { type: 'string', default: '8' },
    'latency-ms': { type: 'string', default: '20' },
    'size-mib': { type: 'string', default: '256' },
    'hls-seconds': { type: 'string', default: '120' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string' },
    fragments: { type: 'string' },
  },
});
const RATE = Number(flags['rate-mib']) * 1048576;
const LATENCY_MS = Number(flags['latency-ms']);
const SIZE_MIB = Number(flags['size-mib']);
const HLS_SECONDS = Number(flags['hls-seconds']);
const ROUNDS = Number(flags.rounds);
const AMQP = process.env.TEST_AMQP_BASE ?? 'amqp://guest:guest@127.0.0.1:5672';
const API_KEY = 'bench-' + randomBytes(8).toString('hex');
const run = promisify(execFile);
// yt-dlp's defaults (the peers') write no tags; this system's jobs embed title and source URL unless
// told not to, which rewrites the file: off here, so both do the same work and write the same bytes
const NO_TAGS = { embed_metadata: false };

await checkPrerequisites({ management: true, tools: ['ffmpeg', 'ffprobe', 'yt-dlp', 'aria2c'], apps: ['gateway', 'downloader-worker'] });

const dir = mkdtempSync(join(tmpdir(), 'mda-bench-peers-'));
const children = [];
let vhost;
async function cleanup({ keepFiles = false } = {}) {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await vhost?.remove();
  if (!keepFiles) rmSync(dir, { recursive: true, force: true });
}
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
process.on('SIGTERM', () => void cleanup().then(() => process.exit(143)));

const sha256 = (path) =>
  new Promise((resolveHash, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => h.update(c))
      .on('end', () => resolveHash(h.digest('hex')))
      .on('error', reject);
  });

/** The test media, made once per size/length and kept for later runs. */
async function media() {
  const cache = join(tmpdir(), 'mda-bench-peers-cache');
  mkdirSync(cache, { recursive: true });
  const progressive = join(cache, `progressive-${SIZE_MIB}mib.mp4`);
  if (!existsSync(progressive)) {
    console.log(`making a ${SIZE_MIB} MiB progressive mp4 (once, cached in ${cache})`);
    const clip = join(dir, 'clip.mp4');
    await makeLoopedMp4({ clip, target: `${progressive}.tmp.mp4`, sizeMib: SIZE_MIB, title: 'Peer Bench' });
    renameSync(`${progressive}.tmp.mp4`, progressive);
  }
  const hlsDir = join(cache, `hls-${HLS_SECONDS}s`);
  if (!existsSync(join(hlsDir, 'index.m3u8'))) {
    console.log(`making a ${HLS_SECONDS} s HLS stream of 2 s segments at about 9 Mbit/s (once, cached in ${cache})`);
    const tmp = `${hlsDir}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    // constant bit rate with filler (nal-hrd=cbr), so the segments weigh what a real 9 Mbit/s stream does
    await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', String(HLS_SECONDS)],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '60', '-keyint_min', '60', '-sc_threshold', '0'],
      ...['-b:v', '9M', '-minrate', '9M', '-maxrate', '9M', '-bufsize', '4.5M', '-x264-params', 'nal-hrd=cbr', '-c:a', 'aac', '-b:a', '128k'],
      ...['-f', 'hls', '-hls_time', '2', '-hls_playlist_type', 'vod', '-hls_segment_filename', join(tmp, 'seg%03d.ts'), join(tmp, 'index.m3u8')],
    ]);
    rmSync(hlsDir, { recursive: true, force: true });
    renameSync(tmp, hlsDir);
  }
  const hlsBytes = readdirSync(hlsDir).reduce((sum, f) => sum + statSync(join(hlsDir, f)).size, 0);
  return { cache, progressive, progressiveBytes: statSync(progressive).size, hlsDir, hlsBytes };
}

// The source, in a process of its own: every response waits LATENCY, then is paced to RATE on its
// own (what arrived must not run ahead of elapsed time x rate), with ranges. `?via=ytdlp` serves
// the mp4 as binary/octet-stream, which the system hands to yt-dlp (and so aria2c) instead of
// fetching it itself.
const SOURCE_SERVER = `
const { createServer } = require('node:http');
const { open } = require('node:fs/promises');
const { statSync } = require('node:fs');
const { join, normalize, extname } = require('node:path');
const [root, rate, latency, port] = [process.env.ROOT, Number(process.env.RATE), Number(process.env.LATENCY), Number(process.env.PORT)];
const TYPES = { '.mp4': 'video/mp4', '.m3u8': 'application/vnd.apple.mpegurl', '.ts': 'video/mp2t' };
const CHUNK = 64 * 1024;
// until the client has taken what was written, or has gone (checked first: a closed response never closes again)
const drained = (res) => new Promise((resolve) => {
  const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
  res.on('drain', done);
  res.on('close', done);
  if (res.destroyed) done();
});
createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const file = join(root, normalize(url.pathname).replace(/^([/\\\\.]+)/, ''));
  let size;
  try { size = statSync(file).size; } catch { return void res.writeHead(404).end(); }
  let start = 0, end = size - 1;
  const m = /^bytes=(\\d*)-(\\d*)$/.exec(req.headers.range || '');
  if (m) {
    start = m[1] ? Number(m[1]) : Math.max(0, size - Number(m[2]));
    end = m[1] && m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
    if (start > end) return void res.writeHead(416, { 'content-range': 'bytes */' + size }).end();
    res.statusCode = 206;
    res.setHeader('content-range', 'bytes ' + start + '-' + end + '/' + size);
  }
  res.setHeader('accept-ranges', 'bytes');
  res.setHeader('content-type', url.searchParams.get('via') === 'ytdlp' ? 'binary/octet-stream' : TYPES[extname(file)] || 'application/octet-stream');
  res.setHeader('content-length', end - start + 1);
  setTimeout(async () => {
    if (req.method === 'HEAD') return void res.end();
    const fh = await open(file);
    const begun = Date.now();
    let sent = 0;
    const total = end - start + 1;
    const buf = Buffer.alloc(CHUNK);
    try {
      while (sent < total && !res.destroyed) {
        const ahead = sent - ((Date.now() - begun) / 1000) * rate;
        if (ahead > 0) { await new Promise((r) => setTimeout(r, Math.max(1, (ahead / rate) * 1000))); continue; }
        const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, total - sent), start + sent);
        if (bytesRead === 0) break;
        sent += bytesRead;
        if (!res.write(Buffer.from(buf.subarray(0, bytesRead)))) await drained(res);
      }
      res.end();
    } finally { await fh.close(); }
  }, latency);
}).listen(port, '127.0.0.1', () => console.log('serving'));`;

async function startSource(root) {
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', SOURCE_SERVER], {
    env: { ROOT: root, RATE: String(RATE), LATENCY: String(LATENCY_MS), PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise((resolveUp, reject) => {
    child.stdout.once('data', resolveUp);
    child.once('exit', (code) => reject(new Error(`source server exited (${code})`)));
  });
  return `http://127.0.0.1:${port}`;
}

/** yt-dlp as the peers run it: its defaults (one connection, one fragment at a time). */
async function plainYtDlp(url, outDir) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const t = process.hrtime.bigint();
  await run('yt-dlp', ['--ignore-config', '--no-cache-dir', '-q', '--no-warnings', '-P', outDir, '-o', 'out.%(ext)s', '--', url], { maxBuffer: 1 << 24 });
  const sec = Number(process.hrtime.bigint() - t) / 1e9;
  const [file] = readdirSync(outDir).filter((f) => !f.endsWith('.part'));
  return { sec, path: join(outDir, file) };
}

async function main() {
  const m = await media();
  const base = await startSource(m.cache);
  const progressiveUrl = `${base}/${m.progressive.split('/').pop()}`;
  const hlsUrl = `${base}/${m.hlsDir.split('/').pop()}/index.m3u8`;
  const progressiveSha = await sha256(m.progressive);

  vhost = await createVhost('bench-peers');
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const env = {
    ...systemEnv({ apiKey: API_KEY, amqpUrl: `${AMQP}/${encodeURIComponent(vhost.name)}`, port, dir, maxFileSizeMb: SIZE_MIB * 4 }),
    ...(flags.connections ? { DOWNLOAD_CONNECTIONS: flags.connections } : {}),
    ...(flags.fragments ? { DOWNLOAD_FRAGMENTS: flags.fragments } : {}),
  };
  const metricsPort = await freePort();
  children.push(startApp('gateway', env, dir));
  children.push(startApp('downloader-worker', { ...env, METRICS_PORT: String(metricsPort) }, dir));
  // generous: on a loaded machine the apps take tens of seconds to start
  await waitFor(async () => (await fetch(`${api}/health/ready`)).ok, 180_000, 'gateway ready');
  await waitFor(async () => (await fetch(`http://127.0.0.1:${metricsPort}/health/ready`)).ok, 180_000, 'worker ready');
  await sleep(1000); // consumers attach after readiness

  const { events, finalOf } = await finalEvents(api, API_KEY, 900_000);
  /** Submit -> completed through the system; returns seconds and the stored file. */
  const ours = async (url, label, options = {}) => {
    const t = process.hrtime.bigint();
    const res = await fetch(`${api}/api/v1/download`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ url, ...options }),
    });
    const { request_id: id } = await res.json();
    const job = await finalOf(id);
    const sec = Number(process.hrtime.bigint() - t) / 1e9;
    if (job.status !== 'completed') throw new Error(`${label}: download failed: ${job.error}`);
    return { sec, path: join(env.STORAGE_DIR, job.file_info.filepath) };
  };
  const mib = (bytes, sec) => bytes / 1048576 / sec;
  const rates = { oursProgressive: [], plainProgressive: [], oursHls: [], plainHls: [], oursAria2c: [] };
  console.log(
    `source: ${(m.progressiveBytes / 1048576).toFixed(0)} MiB mp4 and ${HLS_SECONDS} s of HLS (${(m.hlsBytes / 1048576).toFixed(0)} MiB), ` +
      `each connection throttled to ${(RATE / 1048576).toFixed(1)} MiB/s after ${LATENCY_MS} ms`,
  );
  const step = async (label, fn) => {
    const out = await fn();
    console.error(`  ${label}: ${out.sec.toFixed(1)} s`);
    return out;
  };
  for (let round = 1; round <= ROUNDS; round++) {
    // progressive: the same bytes as the source, both ways
    const plainP = await step('plain yt-dlp, progressive', () => plainYtDlp(progressiveUrl, join(dir, 'plain-p')));
    if ((await sha256(plainP.path)) !== progressiveSha) throw new Error('plain yt-dlp: the mp4 differs from the source');
    rmSync(plainP.path);
    const oursP = await step('this system, progressive', () => ours(progressiveUrl, 'progressive'));
    if ((await sha256(oursP.path)) !== progressiveSha)
      throw new Error(`this system: the mp4 (${oursP.path}, ${statSync(oursP.path).size} bytes) differs from the source`);
    rmSync(oursP.path);
    // the same file through the system's yt-dlp path (aria2c), for information
    const oursA = await step('this system, progressive via yt-dlp', () => ours(`${progressiveUrl}?via=ytdlp`, 'progressive via yt-dlp', NO_TAGS));
    if ((await sha256(oursA.path)) !== progressiveSha)
      throw new Error(`this system via yt-dlp: the mp4 (${oursA.path}, ${statSync(oursA.path).size} bytes) differs from the source`);
    rmSync(oursA.path);
    // HLS: both remux the same segments with the same ffmpeg: the same bytes
    const plainH = await step('plain yt-dlp, HLS', () => plainYtDlp(hlsUrl, join(dir, 'plain-h')));
    const oursH = await step('this system, HLS', () => ours(hlsUrl, 'hls', NO_TAGS));
    const [a, b] = [await sha256(plainH.path), await sha256(oursH.path)];
    if (a !== b)
      throw new Error(`HLS: this system's file (${statSync(oursH.path).size} bytes) differs from plain yt-dlp's (${statSync(plainH.path).size} bytes)`);
    rmSync(plainH.path);
    rmSync(oursH.path);
    rates.plainProgressive.push(mib(m.progressiveBytes, plainP.sec));
    rates.oursProgressive.push(mib(m.progressiveBytes, oursP.sec));
    rates.oursAria2c.push(mib(m.progressiveBytes, oursA.sec));
    rates.plainHls.push(mib(m.hlsBytes, plainH.sec));
    rates.oursHls.push(mib(m.hlsBytes, oursH.sec));
    const f = (x) => x.toFixed(1);
    console.log(
      `round ${round}: progressive plain ${f(plainP.sec)} s, ours ${f(oursP.sec)} s (via yt-dlp + aria2c ${f(oursA.sec)} s); ` +
        `HLS plain ${f(plainH.sec)} s, ours ${f(oursH.sec)} s`,
    );
  }
  events.close();
  const med = Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, median(v)]));
  await cleanup();
  const speedP = med.oursProgressive / med.plainProgressive;
  const speedH = med.oursHls / med.plainHls;
  console.log(`progressive via the yt-dlp path (aria2c): ${med.oursAria2c.toFixed(1)} MiB/s (${(med.oursAria2c / med.plainProgressive).toFixed(2)}x plain)`);
  console.log(`speedup: progressive ${speedP.toFixed(2)}x, HLS ${speedH.toFixed(2)}x (goal >= 3)`);
  console.log(
    `RESULT ours_progressive_mib_s=${med.oursProgressive.toFixed(1)} plain_progressive_mib_s=${med.plainProgressive.toFixed(1)} ` +
      `ours_hls_mib_s=${med.oursHls.toFixed(1)} plain_hls_mib_s=${med.plainHls.toFixed(1)} speedup=${Math.min(speedP, speedH).toFixed(2)}`,
  );
}

main().catch(async (err) => {
  console.error(err.message);
  // BENCH_KEEP=1 keeps the files (the stored downloads) to look at
  if (process.env.BENCH_KEEP) console.error(`kept ${dir}`);
  await cleanup({ keepFiles: !!process.env.BENCH_KEEP });
  process.exit(1);
});
