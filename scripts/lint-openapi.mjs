#!/usr/bin/env node
// Lints an OpenAPI document (a file path, or a URL such as http://127.0.0.1:8080/docs-json) with
// Redocly's recommended rules. Prints the problems as JSON lines; exits 1 when any is an error.
// (ESM only, so the gateway's jest spec runs it as a child process.)
import { readFileSync } from 'node:fs';
import { createConfig, lintFromString } from '@redocly/openapi-core';

const target = process.argv[2];
if (!target) {
  console.error('usage: node scripts/lint-openapi.mjs <file|url>');
  process.exit(2);
}
const source = /^https?:/.test(target) ? await (await fetch(target)).text() : readFileSync(target, 'utf8');
const config = await createConfig({ extends: ['recommended'] });
const problems = await lintFromString({ source, absoluteRef: '/openapi.json', config });
const out = problems.map((p) => ({ severity: p.severity, rule: p.ruleId, message: p.message, at: p.location?.[0]?.pointer }));
process.stdout.write(
  JSON.stringify({ errors: out.filter((p) => p.severity === 'error').length, warnings: out.filter((p) => p.severity === 'warn').length, problems: out }) + '\n',
);
process.exit(out.some((p) => p.severity === 'error') ? 1 : 0);
