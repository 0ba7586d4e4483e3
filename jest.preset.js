// Shared jest settings for every project. ts-jest transpiles only (typecheck is its own step).
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@mda/(contracts|messaging|config|observability|net-guard|file-links|media-store|testing|client)$': '<rootDir>/../../libs/$1/src/index.ts',
  },
  testTimeout: 30000,
  reporters: ['default', require('node:path').join(__dirname, 'tools/jest-summary-reporter.js')],
};
