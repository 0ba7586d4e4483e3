export default {
  displayName: 'deploy',
  preset: '../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  // The preset maps the @mda/* aliases for projects two levels deep; deploy/ is one level deep.
  moduleNameMapper: {
    '^@mda/(contracts|messaging|config|observability|net-guard|testing)$': '<rootDir>/../libs/$1/src/index.ts',
  },
};
