#!/usr/bin/env node
// Starts gateway, downloader-worker and webhook-sender from dist/ with the embedded defaults
// (SQLite job store, ./storage media folder). Ctrl-C stops all three gracefully.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const apps = ['gateway', 'downloader-worker', 'webhook-sender'];
const missing = apps.filter((a) => !existsSync(`dist/${a}/apps/${a}/src/main.js`));
if (missing.length) {
  console.error(`not built: ${missing.join(', ')}. Run: npm run build`);
  process.exit(1);
}
if (!process.env.API_KEY && !process.env.API_KEYS) {
  console.error('Set API_KEY (or API_KEYS) first, e.g.: API_KEY=change-me-please npm start');
  process.exit(1);
}
const env = { STORAGE_DIR: './storage', SQLITE_PATH: './data/jobs.sqlite', ...process.env };
const children = apps.map((app) => {
  const child = spawn(process.execPath, [`dist/${app}/apps/${app}/src/main.js`], { env, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    console.error(`${app} exited (${signal ?? code})`);
    if (!stopping) stop(code ?? 1);
  });
  return child;
});
let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.on('exit', r))))).then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
