// Shared by the bench scripts: checks what a bench needs before it starts (and says how to get
// it), and starts the system (a fresh vhost, the gateway, the worker) on loopback.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createServer, get as httpGet } from 'node:http';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = resolve(new URL('..', import.meta.url).pathname);
export const MGMT = process.env.RABBITMQ_MGMT_URL ?? 'http://127.0.0.1:15672';
export const MGMT_AUTH = 'Basic ' + Buffer.from('guest:guest').toString('base64');

const TOOL_FIX = {
  rabbitmqctl: 'apt-get install -y rabbitmq-server',
  'yt-dlp': 'apt-get install -y yt-dlp',
  ffmpeg: 'apt-get install -y ffmpeg',
  ffprobe: 'apt-get install -y ffmpeg',
  aria2c: 'apt-get install -y aria2',
  curl: 'apt-get install -y curl',
};

/**
 * Exits with a list of what is missing and the command that fixes each: the RabbitMQ management
 * API (queues and vhosts are made through it), tools on PATH, built apps.
 */
export async function checkPrerequisites({ management = true, tools = [], apps = [] } = {}) {
  const missing = [];
  if (management) {
    const res = await fetch(`${MGMT}/api/overview`, { headers: { authorization: MGMT_AUTH }, signal: AbortSignal.timeout(5000) }).catch((err) => err);
    if (res instanceof Error) {
      missing.push(
        `the RabbitMQ management API at ${MGMT} does not answer (${res.cause?.code ?? res.cause?.message ?? res.message}). Fix: rabbitmq-plugins enable rabbitmq_management (and start RabbitMQ: rabbitmq-server -detached)`,
      );
    } else if (!res.ok) {
      missing.push(
        `the RabbitMQ management API at ${MGMT} answered ${res.status} for guest/guest. Fix: use a broker where guest may log in from loopback, or set RABBITMQ_MGMT_URL`,
      );
    }
  }
  for (const tool of tools) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      missing.push(`${tool} is not on PATH. Fix: ${TOOL_FIX[tool] ?? `install ${tool}`}`);
    }
  }
  for (const app of apps) {
    if (!existsSync(appMain(app))) missing.push(`${app} is not built. Fix: npm run build (or npx nx run ${app}:build)`);
  }
  if (missing.length === 0) return;
  console.error(`cannot run this benchmark:\n${missing.map((m) => `  - ${m}`).join('\n')}`);
  process.exit(1);
}

export function appMain(app) {
  return join(ROOT, `dist/${app}/apps/${app}/src/main.js`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export function freePort() {
  return new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => r(port));
    });
  });
}

/** Follows the gateway's SSE stream; calls onJob with the job of every `job` event. */
export function openEventStream(url, apiKey, onJob) {
  return new Promise((resolveStream, reject) => {
    const req = httpGet(url, { headers: { 'x-api-key': apiKey, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`event stream answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffered = '';
      res.on('data', (text) => {
        buffered += text;
        let end;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const lines = block.split('\n');
          const data = lines.find((l) => l.startsWith('data: '));
          if (lines.includes('event: job') && data) onJob(JSON.parse(data.slice(6)));
        }
      });
      resolveStream({ close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

/** A vhost of its own on the broker, removed by `remove()`. */
export async function createVhost(prefix) {
  const name = `${prefix}-${Date.now().toString(36)}`;
  const put = await fetch(`${MGMT}/api/vhosts/${encodeURIComponent(name)}`, { method: 'PUT', headers: { authorization: MGMT_AUTH } });
  if (!put.ok) throw new Error(`cannot create vhost (management API ${put.status})`);
  await fetch(`${MGMT}/api/permissions/${encodeURIComponent(name)}/guest`, {
    method: 'PUT',
    headers: { authorization: MGMT_AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ configure: '.*', write: '.*', read: '.*' }),
  });
  return {
    name,
    remove: () => fetch(`${MGMT}/api/vhosts/${encodeURIComponent(name)}`, { method: 'DELETE', headers: { authorization: MGMT_AUTH } }).catch(() => undefined),
  };
}

/** Starts a built app with `env`; its stdout is dropped, stderr shown. */
export function startApp(app, env, cwd, nodeArgs = []) {
  return spawn(process.execPath, [...nodeArgs, appMain(app)], { env, cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** ffmpeg, quiet but for errors, overwriting its output. */
export const ffmpeg = (args) => promisify(execFile)('ffmpeg', ['-v', 'error', '-y', ...args], { maxBuffer: 1 << 20 });

/**
 * A real H.264/AAC mp4 of about `sizeMib` at `target`, its index first (+faststart, as web video is
 * served): a 10 s lossless clip (written to `clip`) looped with stream copy, so making it takes seconds.
 */
export async function makeLoopedMp4({ clip, target, sizeMib, title }) {
  const source = ['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '10'];
  await ffmpeg([...source, '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-c:a', 'aac', '-metadata', `title=${title}`, clip]);
  const loops = Math.max(1, Math.round((sizeMib * 1048576) / statSync(clip).size));
  await ffmpeg(['-stream_loop', String(loops - 1), '-i', clip, '-c', 'copy', '-movflags', '+faststart', target]);
}

/**
 * Each job's final event (completed or failed), from the gateway's event stream (SSE) rather than
 * polling: a poll every few ms would take CPU from the download a bench measures.
 */
export async function finalEvents(base, apiKey, timeoutMs) {
  const finals = new Map();
  const waiters = new Map();
  const events = await openEventStream(`${base}/api/v1/events`, apiKey, (job) => {
    if (job.status !== 'completed' && job.status !== 'failed') return;
    finals.set(job.request_id, job);
    waiters.get(job.request_id)?.(job);
  });
  const finalOf = (id) =>
    new Promise((resolveJob, reject) => {
      if (finals.has(id)) return resolveJob(finals.get(id));
      const timer = setTimeout(() => reject(new Error(`no final event for ${id} within ${timeoutMs / 1000} s`)), timeoutMs);
      // a timer must not keep the bench alive once its work is done
      timer.unref();
      waiters.set(id, (job) => {
        clearTimeout(timer);
        resolveJob(job);
      });
    });
  return { events, finalOf };
}

/** The environment a bench's gateway and worker share: on loopback, one worker slot, its store and files under `dir`. */
export function systemEnv({ apiKey, amqpUrl, port, dir, maxFileSizeMb }) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? '/tmp',
    API_KEY: apiKey,
    AMQP_URL: amqpUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    STORAGE_DIR: join(dir, 'storage'),
    SQLITE_PATH: join(dir, 'jobs.sqlite'),
    ALLOW_PRIVATE_NETWORKS: 'true',
    MAX_FILE_SIZE_MB: String(maxFileSizeMb),
    WORKER_CONCURRENCY: '1',
    LOG_LEVEL: 'warn',
  };
}
