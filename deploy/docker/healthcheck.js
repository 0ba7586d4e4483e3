#!/usr/bin/env node
/*
 * Container health check for all three apps (the images ship no curl or wget).
 *   node healthcheck.js                       -> GET /health/ready on this app's port
 *   node healthcheck.js /health/live          -> that path on this app's port
 *   node healthcheck.js http://host:port/path -> that URL
 * The gateway serves health on PORT; the worker and the sender on METRICS_PORT.
 * Exit 0 on a 2xx answer, 1 otherwise (the Docker HEALTHCHECK contract).
 */
'use strict';

const METRICS_PORT_DEFAULTS = { 'downloader-worker': 9464, 'webhook-sender': 9465 };
const TIMEOUT_MS = 4000;

function nonEmpty(value) {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

/** Port this app serves its health endpoints on, from the same variables the app reads. */
function healthPort(env) {
  const app = nonEmpty(env.APP) ?? 'gateway';
  if (app === 'gateway') return Number(nonEmpty(env.PORT) ?? 8080);
  const fallback = METRICS_PORT_DEFAULTS[app];
  if (fallback === undefined) throw new Error(`unknown APP '${app}'`);
  return Number(nonEmpty(env.METRICS_PORT) ?? fallback);
}

function healthUrl(arg, env) {
  const target = arg ?? '/health/ready';
  if (/^https?:\/\//.test(target)) return target;
  return `http://127.0.0.1:${healthPort(env)}${target.startsWith('/') ? target : `/${target}`}`;
}

async function main() {
  const url = healthUrl(process.argv[2], process.env);
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual' });
    if (res.ok) return 0;
    process.stderr.write(`${url} answered ${res.status}\n`);
  } catch (err) {
    process.stderr.write(`${url} failed: ${err && err.message ? err.message : err}\n`);
  }
  return 1;
}

module.exports = { healthPort, healthUrl };

if (require.main === module) {
  main().then((code) => process.exit(code));
}
