export default {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // the OpenAPI contract check of every gateway response and webhook body (test/support/contract.ts)
  setupFilesAfterEnv: ['<rootDir>/test/support/contract-setup.ts'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
