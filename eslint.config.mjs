import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.cache/', 'test-results/', 'bench/.work/', 'logger/', '**/*.js', '!eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    // The store is the pure core: parsing, tailing, indexing, queries. It must run without VS Code
    // (CLI, benchmarks, plain unit tests), so the editor API stays out by rule.
    files: ['src/store/**/*.ts', 'src/cli/**/*.ts', 'webview/**/*.ts', 'src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'This layer must not depend on the VS Code API.' }] }],
    },
  },
  {
    // Synchronous file I/O in the extension host blocks every extension (microsoft/vscode#16382).
    files: ['src/**/*.ts'],
    ignores: ['src/store/**', 'src/cli/**', '**/*.test.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "CallExpression[callee.property.name=/Sync$/]",
        message: 'No synchronous I/O in the extension host; use the async API.',
      }],
    },
  },
);
