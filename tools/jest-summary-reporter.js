// Writes each jest run's pass/fail counts to tmp/test-results/, so .ci/run can print one exact
// closing line across all projects (nx's streamed output interleaves the projects' own summaries).
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(_contexts, results) {
    const dir = join(__dirname, '..', 'tmp', 'test-results');
    mkdirSync(dir, { recursive: true });
    const name = `${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.json`;
    writeFileSync(
      join(dir, name),
      JSON.stringify({
        rootDir: this.globalConfig.rootDir,
        passed: results.numPassedTests,
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        total: results.numTotalTests,
      }),
    );
  }
}

module.exports = SummaryReporter;
