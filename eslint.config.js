// Flat ESLint config. The dependency rules of the layout come from ONE table, dependency-rules.js
// (README "Dependency rules" is rendered from it too): they are errors, so a layering mistake
// fails `npm test`.
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import boundaries from 'eslint-plugin-boundaries';
import { dependencyLintConfig } from './dependency-rules.js';

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
    // CommonJS on purpose (scripts/import-resolver.cjs is loaded by ESLint's require()).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  // ---- dependency rules (STYLE.md habit 8): generated from dependency-rules.js ----
  ...dependencyLintConfig({
    boundaries,
    resolver: fileURLToPath(new URL('./scripts/import-resolver.cjs', import.meta.url)),
  }),
  prettier,
);
