// Prints the built dashboard's size (raw and gzipped, per file and in all) and fails when its
// JavaScript passes the budget: `node apps/dashboard/scripts/bundle-size.mjs [dist dir]`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_JS_GZIP = 150 * 1024;
const dir = resolve(process.argv[2] ?? fileURLToPath(new URL('../../../dist/dashboard', import.meta.url)));
const files = [];
const walk = (d) => {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else files.push(p);
  }
};
walk(dir);
let jsGzip = 0;
let allGzip = 0;
for (const f of files.sort()) {
  const body = readFileSync(f);
  const gz = gzipSync(body, { level: 9 }).length;
  allGzip += gz;
  if (f.endsWith('.js')) jsGzip += gz;
  console.log(`${f.slice(dir.length + 1).padEnd(32)} ${String(body.length).padStart(8)} B  ${String(gz).padStart(7)} B gzip`);
}
const kb = (n) => (n / 1024).toFixed(1);
console.log(`dashboard JS: ${kb(jsGzip)} KB gzipped (budget ${kb(BUDGET_JS_GZIP)} KB); everything: ${kb(allGzip)} KB gzipped`);
if (jsGzip > BUDGET_JS_GZIP) {
  console.error(`dashboard JS is over budget by ${kb(jsGzip - BUDGET_JS_GZIP)} KB`);
  process.exit(1);
}
