#!/usr/bin/env node
// Starts gateway, downloader-worker and webhook-sender from dist/ with the embedded defaults
// (SQLite job store, ./storage media folder).
// - Reads ./.env when present (KEY=value lines, as in .env.example); variables already set in the
//   environment win over the file. ENV_FILE=path reads another file.
// - Checks yt-dlp and ffmpeg: when missing and not pointed elsewhere (YTDLP_PATH/FFMPEG_PATH), installs
//   them with apt-get when running as root on Debian/Ubuntu, otherwise prints the command to run.
//   A worker without them reports not-ready naming the tool and takes no jobs; jobs wait, queued.
// - Ctrl-C (SIGINT) or SIGTERM stops all three gracefully (each finishes or requeues its work) and
//   exits 0. The apps run in their own process groups, so the terminal's Ctrl-C reaches start-all
//   only, and each app gets exactly one SIGTERM. A second Ctrl-C stops them at once.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

const apps = ['gateway', 'downloader-worker', 'webhook-sender'];
const missing = apps.filter((a) => !existsSync(`dist/${a}/apps/${a}/src/main.js`));
if (missing.length) {
  console.error(`not built: ${missing.join(', ')}. Run: npm run build`);
  process.exit(1);
}

const envFile = process.env.ENV_FILE ?? '.env';
let fromFile = {};
if (existsSync(envFile)) {
  try {
    fromFile = parseEnv(readFileSync(envFile, 'utf8'));
  } catch (err) {
    console.error(`${envFile} cannot be read: ${err.message}`);
    process.exit(1);
  }
  const names = Object.keys(fromFile);
  const overridden = names.filter((k) => process.env[k] !== undefined);
  console.error(`start-all: read ${names.length} variable(s) from ${envFile}${overridden.length ? ` (environment wins for ${overridden.join(', ')})` : ''}`);
} else if (process.env.ENV_FILE) {
  console.error(`ENV_FILE=${envFile} does not exist`);
  process.exit(1);
}
const env = { STORAGE_DIR: './storage', SQLITE_PATH: './data/jobs.sqlite', ...fromFile, ...process.env };
if (!env.API_KEY && !env.API_KEYS) {
  console.error('Set API_KEY (or API_KEYS) first, e.g.: API_KEY=change-me-please npm start (or put it in .env)');
  process.exit(1);
}

ensureTools(env);

const GRACE_MS = (Number(env.SHUTDOWN_GRACE_SEC) || 30) * 1000 + 15_000;
let stopping = false;
let exitCode = 0;
const children = apps.map((app) => {
  // detached: an own process group, so the terminal's Ctrl-C does not also reach the app directly
  const child = spawn(process.execPath, [`dist/${app}/apps/${app}/src/main.js`], { env, stdio: 'inherit', detached: true });
  child.on('exit', (code, signal) => {
    console.error(`${app} exited (${signal ?? code})`);
    if (code !== 0) exitCode = exitCode || code || 1;
    if (!stopping) stop(code === 0 ? 1 : (code ?? 1));
    else if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
  });
  return child;
});

function stop(code) {
  if (stopping) {
    // a second Ctrl-C: stop now
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    process.exit(130);
  }
  stopping = true;
  exitCode = code;
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
  setTimeout(() => {
    console.error('start-all: the apps did not stop in time; killing them');
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    process.exit(1);
  }, GRACE_MS).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
// start-all itself going away (terminal closed) takes the apps with it
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
});

/** yt-dlp and ffmpeg: found, installed (root + apt-get), or the exact command printed. */
function ensureTools(e) {
  const tools = [
    { name: 'yt-dlp', variable: 'YTDLP_PATH', path: e.YTDLP_PATH || 'yt-dlp', args: ['--version'], pkg: 'yt-dlp' },
    { name: 'ffmpeg', variable: 'FFMPEG_PATH', path: e.FFMPEG_PATH || 'ffmpeg', args: ['-version'], pkg: 'ffmpeg' },
  ];
  const runs = (t) => spawnSync(t.path, t.args, { stdio: 'ignore', timeout: 15_000 }).status === 0;
  let absent = tools.filter((t) => !runs(t));
  if (absent.length === 0) return;
  // a path the user chose is theirs to fix; only the default names are installed
  const chosen = absent.filter((t) => e[t.variable]);
  for (const t of chosen) console.error(`start-all: ${t.name} does not run at ${t.variable}=${t.path}; point ${t.variable} at the ${t.name} binary`);
  const installable = absent.filter((t) => !e[t.variable]);
  if (installable.length === 0) return warnWorker(absent);
  const cmd = `apt-get install -y ${installable.map((t) => t.pkg).join(' ')}`;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && existsSync('/usr/bin/apt-get')) {
    console.error(`start-all: ${installable.map((t) => t.name).join(' and ')} missing: running apt-get update && ${cmd}`);
    const ok = spawnSync('sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive ${cmd}`], { stdio: 'inherit' }).status === 0;
    if (!ok) console.error(`start-all: the install failed; run it yourself: sudo apt-get update && sudo ${cmd}`);
    absent = tools.filter((t) => !runs(t));
    if (absent.length === 0) return;
  } else {
    console.error(
      `start-all: ${installable.map((t) => t.name).join(' and ')} missing. Install with:\n  sudo apt-get update && sudo ${cmd}\n(or: pip install yt-dlp; then npm start again)`,
    );
  }
  warnWorker(absent);
}

function warnWorker(absent) {
  if (absent.length === 0) return;
  console.error(
    `start-all: starting anyway; the worker reports not-ready and takes no jobs until ${absent.map((t) => t.name).join(' and ')} run (jobs wait, queued)`,
  );
}
