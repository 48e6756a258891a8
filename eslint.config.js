// Flat ESLint config. The `no-restricted-imports` blocks below are the dependency rules of the
// layout (README "Dependency rules"): they are errors, so a layering mistake fails `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'release/**',
      'data/**',
      'playwright-report/**',
      'test-results/**',
      '**/migrations/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-expect-error': 'allow-with-description' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['scripts/**', 'bench/**', 'e2e/**', '**/*.config.*', 'server/src/main.ts', 'server/src/demo/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  // ---- dependency rules (STYLE.md habit 8) ----
  {
    files: ['contract/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!zod(/|$)|#contract/|\\.{1,2}/)',
              message: 'contract/ is the contract: it imports zod and itself only',
            },
            {
              regex: '(^|/)(core|main|preload|renderer|server)(/|$)',
              message: 'contract/ is the contract: it imports zod and itself only',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**'],
    rules: restrict(
      ['electron', '**/main/**', '**/preload/**', '**/renderer/**', '**/server/**'],
      'src/core must run in plain Node: no electron, main, preload, renderer or server imports',
    ),
  },
  {
    files: ['src/main/**'],
    rules: restrict(['**/renderer/**', '**/server/**'], 'src/main may import the contract and core only'),
  },
  {
    files: ['src/preload/**'],
    rules: restrict(
      ['node:*', '**/core/**', '**/main/**', '**/renderer/**', '**/server/**'],
      'the preload exposes contract channels only: electron renderer APIs and #contract/ipc',
    ),
  },
  {
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'node:*', 'better-sqlite3'],
              message: 'the renderer reaches the app only through window.parley (src/renderer/src/api)',
            },
            {
              // Relative paths into other runtimes' folders (package names such as @mantine/core are fine).
              regex: '^(\\.{1,2}/)+(.*/)?(core|main|server)(/|$)|^(\\.{1,2}/)+(.*/)?preload/index',
              message: 'the renderer reaches the app only through window.parley (src/renderer/src/api)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/**'],
    rules: restrict(
      [
        '**/src/core/**',
        '**/src/main/**',
        '**/src/preload/**',
        '**/src/renderer/**',
        'electron',
        'better-sqlite3',
      ],
      'server/ may import #contract/* and its own folders only',
    ),
  },
  prettier,
);
