#!/usr/bin/env node
// npm run bench:gateway — accepted downloads per second through the built gateway (SQLite store,
// every job persisted and confirmed by RabbitMQ), then a bare Node HTTP handler driven the same
// way on the same machine. Last line: RESULT accepted_per_s=<n> bare_per_s=<n> ratio=<n> p99_ms=<n>
// Env: BENCH_DURATION_SEC (10), BENCH_CONNECTIONS (32), AMQP_BASE (amqp://guest:guest@127.0.0.1:5672).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import amqplib from 'amqplib';
import autocannon from 'autocannon';
import { checkPrerequisites } from './bench-support.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DURATION = Number(process.env.BENCH_DURATION_SEC ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const AMQP_BASE = process.env.AMQP_BASE ?? 'amqp://guest:guest@127.0.0.1:5672';
const API_KEY = 'bench-key-' + randomBytes(8).toString('hex');
const BODY = JSON.stringify({ url: 'https://example.com/video', quality: '1080p', webhook_url: 'https://your-app.com/webhook' });

const freePort = () =>
  new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => r(port));
    });
  });

async function waitHttp(url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

function drive(url, headers) {
  return new Promise((resolveRun, reject) => {
    autocannon(
      { url, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: BODY, connections: CONNECTIONS, duration: DURATION },
      (err, res) => (err ? reject(err) : resolveRun(res)),
    );
  });
}

function summary(name, r) {
  const okPerSec = r['2xx'] / DURATION;
  console.log(
    `${name}: ${r['2xx']} x 2xx, ${r.non2xx} non-2xx, ${r.errors} errors in ${DURATION} s with ${CONNECTIONS} connections; p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`,
  );
  return okPerSec;
}

const bareHandler = `
const http = require('node:http');
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ request_id: 'req_' + Math.random().toString(36).slice(2, 18), status: 'queued', url: body.url }));
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('bare listening'));
`;

/** What the broker alone confirms: `clients` loops, each one persistent publish to a quorum queue at a time. */
async function brokerCeiling(url, clients, seconds) {
  const conn = await amqplib.connect(url);
  const ch = await conn.createConfirmChannel();
  const queue = 'bench.confirm-ceiling';
  await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  const body = Buffer.from(JSON.stringify({ request_id: 'req_0000000000000000', url: 'https://example.com/video', options: { quality: '1080p' } }));
  const latencies = [];
  const end = Date.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        const t = performance.now();
        await new Promise((resolveConfirm, reject) => ch.publish('', queue, body, { persistent: true }, (err) => (err ? reject(err) : resolveConfirm())));
        latencies.push(performance.now() - t);
      }
    }),
  );
  const perSec = latencies.length / ((performance.now() - t0) / 1000);
  await ch.deleteQueue(queue);
  await conn.close();
  latencies.sort((a, b) => a - b);
  return { perSec, p99: latencies[Math.floor(latencies.length * 0.99)] };
}

async function main() {
  // this bench makes its vhost with rabbitmqctl, not the management API
  await checkPrerequisites({ management: false, tools: ['rabbitmqctl'], apps: ['gateway'] });
  const main = join(ROOT, 'dist/gateway/apps/gateway/src/main.js');
  if (!existsSync(main)) throw new Error('build the gateway first: npx nx run gateway:build');
  const vhost = `bench-${Date.now().toString(36)}`;
  execFileSync('rabbitmqctl', ['-q', 'add_vhost', vhost]);
  execFileSync('rabbitmqctl', ['-q', 'set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
  const dir = mkdtempSync(join(tmpdir(), 'mda-bench-'));
  const children = [];
  try {
    const port = await freePort();
    const gw = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), main], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        API_KEY,
        AMQP_URL: `${AMQP_BASE}/${vhost}`,
        PORT: String(port),
        HOST: '127.0.0.1',
        SQLITE_PATH: join(dir, 'jobs.sqlite'),
        STORAGE_DIR: join(dir, 'storage'),
        LOG_LEVEL: 'warn',
        // the limit must not shape the measurement
        RATE_LIMIT_RPS: '1000000',
        RATE_LIMIT_BURST: '10000000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(gw);
    await waitHttp(`http://127.0.0.1:${port}/health/ready`);
    const url = `http://127.0.0.1:${port}/api/v1/download`;
    await drive(url, { 'x-api-key': API_KEY }); // warm-up (JIT, SQLite pages, channel)
    const gwRun = await drive(url, { 'x-api-key': API_KEY });
    const accepted = summary('gateway POST /api/v1/download', gwRun);
    gw.kill('SIGTERM');
    await new Promise((r) => gw.once('exit', r));

    const barePort = await freePort();
    const bare = spawn(process.execPath, ['-e', bareHandler], { env: { PORT: String(barePort) }, stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(bare);
    await new Promise((r) => setTimeout(r, 300));
    await drive(`http://127.0.0.1:${barePort}/`, {});
    const bareRun = await drive(`http://127.0.0.1:${barePort}/`, {});
    const barePerSec = summary('bare node:http handler', bareRun);
    const broker = await brokerCeiling(`${AMQP_BASE}/${vhost}`, CONNECTIONS, Math.min(DURATION, 5));
    console.log(
      `broker alone: ${CONNECTIONS} clients each publishing a persistent message to a quorum queue and awaiting its confirm: ` +
        `${Math.round(broker.perSec)}/s, p99 ${broker.p99.toFixed(1)} ms (every accepted download waits for one such confirm)`,
    );
    console.log(
      `RESULT accepted_per_s=${Math.round(accepted)} bare_per_s=${Math.round(barePerSec)} ratio=${(accepted / barePerSec).toFixed(3)} p99_ms=${gwRun.latency.p99}`,
    );
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    try {
      execFileSync('rabbitmqctl', ['-q', 'delete_vhost', vhost]);
    } catch {
      /* best effort */
    }
    if (!process.env.BENCH_KEEP_DIR) rmSync(dir, { recursive: true, force: true });
    else console.log('kept', dir);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
