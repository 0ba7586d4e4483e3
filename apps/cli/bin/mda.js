#!/usr/bin/env node
// The `mda` command: runs the built CLI (npx nx run cli:build builds it into dist/cli).
const { run } = require('../../../dist/cli/apps/cli/src/main.js');
run(process.argv.slice(2), process.env).then((code) => {
  process.exitCode = code;
});
