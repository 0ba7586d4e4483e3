#!/usr/bin/env node
// npm run bench:download: one large file served on 127.0.0.1, downloaded to disk by curl and
// through the system (submit -> completed) on the direct path and through yt-dlp, alternating.
// Prints as its last line:
// RESULT worker_mib_s=<n> curl_mib_s=<n> ratio=<n> worker_peak_rss_mib=<n>
// Env: BENCH_SIZE_MIB (default 1024), BENCH_ROUNDS (default 5), BENCH_NODE_ARGS (for the worker, e.g.
// --cpu-prof), AMQP base and management as in tests.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPrerequisites, createVhost, finalEvents, freePort, makeLoopedMp4, sleep, startApp, systemEnv, waitFor } from './bench-support.mjs';

const SIZE_MIB = Number(process.env.BENCH_SIZE_MIB ?? 1024);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const AMQP = process.env.TEST_AMQP_BASE ?? 'amqp://guest:guest@127.0.0.1:5672';
const API_KEY = 'bench-' + randomBytes(8).toString('hex');

await checkPrerequisites({ management: true, tools: ['curl', 'ffmpeg', 'ffprobe', 'yt-dlp', 'aria2c'], apps: ['gateway', 'downloader-worker'] });

const dir = mkdtempSync(join(tmpdir(), 'mda-bench-'));
const children = [];
let server;
let vhost;

async function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  if (server && server.exitCode === null) server.kill('SIGTERM');
  if (vhost) await vhost.remove();
  rmSync(dir, { recursive: true, force: true });
}
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

/** VmHWM of a process: its peak resident set, in MiB. */
function peakRssMib(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function main() {
  // the source: a real H.264/AAC mp4 of about SIZE_MIB (see makeLoopedMp4)
  const source = join(dir, 'big.mp4');
  const clip = join(dir, 'clip.mp4');
  await makeLoopedMp4({ clip, target: source, sizeMib: SIZE_MIB, title: 'Bench Clip' });
  rmSync(clip);
  const size = statSync(source).size;
  // the source server runs in a process of its own, so nothing this script does (polling the
  // API) shares its event loop. `?via=ytdlp` serves the same bytes as `binary/octet-stream` (as
  // some S3 buckets do): not a media type, so the worker hands the URL to yt-dlp, whose generic
  // extractor downloads it as a file
  const sourcePort = await freePort();
  const sourceServer = `
    const { createServer } = require('node:http');
    const { createReadStream } = require('node:fs');
    const [source, size, port] = [process.env.SOURCE, Number(process.env.SIZE), Number(process.env.PORT)];
    createServer((req, res) => {
      const type = req.url.includes('via=ytdlp') ? 'binary/octet-stream' : 'video/mp4';
      res.writeHead(200, { 'content-type': type, 'content-length': size });
      if (req.method === 'HEAD') return void res.end();
      createReadStream(source, { highWaterMark: 1 << 20 }).pipe(res);
    }).listen(port, '127.0.0.1', () => console.log('serving'));`;
  server = spawn(process.execPath, ['-e', sourceServer], {
    env: { SOURCE: source, SIZE: String(size), PORT: String(sourcePort) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolveUp, reject) => {
    server.stdout.once('data', resolveUp);
    server.once('exit', (code) => reject(new Error(`source server exited (${code})`)));
  });
  const sourceUrl = `http://127.0.0.1:${sourcePort}/big.mp4`;

  vhost = await createVhost('bench');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = systemEnv({ apiKey: API_KEY, amqpUrl: `${AMQP}/${encodeURIComponent(vhost.name)}`, port, dir, maxFileSizeMb: SIZE_MIB * 2 });
  const start = (app, extra = {}, nodeArgs = []) => {
    const c = startApp(app, { ...env, ...extra }, dir, nodeArgs);
    children.push(c);
    return c;
  };
  const metricsPort = await freePort();
  start('gateway');
  const worker = start('downloader-worker', { METRICS_PORT: String(metricsPort) }, (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean));
  await waitFor(async () => (await fetch(`${base}/health/ready`)).ok, 30_000, 'gateway ready');
  await waitFor(async () => (await fetch(`http://127.0.0.1:${metricsPort}/health/ready`)).ok, 30_000, 'worker ready');
  await sleep(1000); // consumers attach after readiness

  const api = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'x-api-key': API_KEY, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body && JSON.stringify(body),
    });
    return res.json();
  };
  const mib = size / 1048576;
  const syncDisk = () => promisify(execFile)('sync');
  // the end of a job comes from the gateway's event stream (see finalEvents); curl's turn has no such load
  const { events, finalOf } = await finalEvents(base, API_KEY, 600_000);
  /** Submit to completed, through the whole system; returns seconds. */
  const throughWorker = async (url, round, label, options = {}) => {
    // each download starts with no dirty pages of the one before still being written back
    await syncDisk();
    const t = process.hrtime.bigint();
    const { request_id: id } = await api('POST', '/api/v1/download', { url, ...options });
    const job = await finalOf(id);
    const sec = Number(process.hrtime.bigint() - t) / 1e9;
    if (job.status !== 'completed') throw new Error(`${label}: download failed: ${job.error}`);
    if (job.file_info.size_bytes !== size) throw new Error(`${label}: stored ${job.file_info.size_bytes} bytes, expected ${size}`);
    if (!(job.metadata?.duration > 0)) throw new Error(`${label}: no duration in the metadata: ${JSON.stringify(job.metadata)}`);
    if (round === 1)
      console.log(
        `${label}: ${mib.toFixed(0)} MiB mp4, ${job.metadata.duration} s, ${job.metadata.width}x${job.metadata.height}, extractor ${job.metadata.extractor}`,
      );
    rmSync(join(env.STORAGE_DIR, job.file_info.filepath), { force: true });
    return sec;
  };
  // the worker and its children (yt-dlp, ffprobe): resident set summed, sampled every 50 ms
  let treePeakMib = 0;
  const treeSampler = setInterval(() => {
    try {
      const pids = [
        worker.pid,
        ...execFileSync('pgrep', ['-P', String(worker.pid)])
          .toString()
          .split('\n')
          .filter(Boolean)
          .map(Number),
      ];
      let kb = 0;
      for (const pid of pids) kb += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      treePeakMib = Math.max(treePeakMib, kb / 1024);
    } catch {
      /* no children right now */
    }
  }, 50);
  const curlRates = [];
  const workerRates = [];
  const ytdlpRates = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const out = join(dir, 'curl.out');
    await syncDisk();
    const t = process.hrtime.bigint();
    await promisify(execFile)('curl', ['-s', '-f', '-o', out, sourceUrl]);
    const curlSec = Number(process.hrtime.bigint() - t) / 1e9;
    rmSync(out, { force: true });
    curlRates.push(mib / curlSec);
    const workerSec = await throughWorker(sourceUrl, round, 'direct path');
    workerRates.push(mib / workerSec);
    // jobs embed title and source URL by default, a rewrite of the file curl does not do (and the
    // stored size would differ): off, so the yt-dlp path stores the bytes as served
    const ytdlpSec = await throughWorker(`${sourceUrl}?via=ytdlp`, round, 'yt-dlp path', { embed_metadata: false });
    ytdlpRates.push(mib / ytdlpSec);
    console.log(
      `round ${round}: curl ${curlSec.toFixed(2)} s (${(mib / curlSec).toFixed(0)} MiB/s), worker direct ${workerSec.toFixed(2)} s (${(mib / workerSec).toFixed(0)} MiB/s), ` +
        `worker via yt-dlp ${ytdlpSec.toFixed(2)} s (${(mib / ytdlpSec).toFixed(0)} MiB/s)`,
    );
  }
  clearInterval(treeSampler);
  events.close();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const w = median(workerRates);
  const y = median(ytdlpRates);
  const c = median(curlRates);
  const rss = peakRssMib(worker.pid);
  await cleanup();
  console.log(`yt-dlp path: worker_mib_s=${y.toFixed(1)} ratio=${(y / c).toFixed(3)} (goal >= 0.8); worker + children peak RSS ${treePeakMib.toFixed(1)} MiB`);
  console.log(`goals: direct ratio >= 0.9 (${(w / c).toFixed(3)}), worker peak RSS < 200 MiB (${rss.toFixed(1)})`);
  console.log(`RESULT worker_mib_s=${w.toFixed(1)} curl_mib_s=${c.toFixed(1)} ratio=${(w / c).toFixed(3)} worker_peak_rss_mib=${rss.toFixed(1)}`);
}

main().catch(async (err) => {
  console.error(err.message);
  await cleanup();
  process.exit(1);
});
