import nx from '@nx/eslint-plugin';

// The test kit's typed fakes extend the real EventPublisher and MediaStore, and those libs' own
// integration specs use the kit (vhosts, an S3 server): a cycle through test files only, never
// in what ships (no production file imports @mda/testing: see no-restricted-imports below)
const TEST_ONLY_CYCLES = [
  ['testing', 'messaging'],
  ['testing', 'media-store'],
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/tmp', '**/.nx'] },
  // a disable comment that silences nothing is an error: it hides the next real finding
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          ignoredCircularDependencies: TEST_ONLY_CYCLES,
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:testing'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:testing'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // tests of any project may use the shared test helpers
    files: ['**/*.spec.ts', '**/*.spec.tsx', '**/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          ignoredCircularDependencies: TEST_ONLY_CYCLES,
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: '*', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:testing'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // I/O packages only in adapters and infrastructure (STYLE.md: services never import them, so
    // unit tests swap the adapter for a fake): apps reach files, processes, the broker, HTTP and
    // the database through a port whose adapter lives in an `adapters/` folder or an infra lib
    files: ['apps/*/src/**/*.ts', 'apps/*/src/**/*.tsx'],
    ignores: ['**/*.spec.ts', '**/*.spec.tsx', '**/adapters/**', 'apps/*/src/main.ts', 'apps/gateway/src/store/**', 'apps/cli/**', 'apps/dashboard/scripts/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'fs',
            'fs/promises',
            'node:fs',
            'node:fs/promises',
            'child_process',
            'node:child_process',
            'amqplib',
            'amqp-connection-manager',
            'undici',
            'pg',
            'better-sqlite3',
          ].map((name) => ({
            name,
            message: 'I/O belongs in an adapter (an adapters/ folder or an infrastructure lib), behind a port the service injects.',
          })),
          patterns: [{ group: ['@mda/testing', '@mda/testing/*'], message: 'Test kits are for tests only.' }],
        },
      ],
    },
  },
];
