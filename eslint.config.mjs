import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const noVscode = { name: 'vscode', message: 'This layer must not depend on the VS Code API.' };
const noNode = { group: ['node:*', ...builtinModules], message: 'Webview-safe code runs in a browser: no Node built-ins.' };

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
    // (CLI, benchmarks, plain unit tests), so the editor API stays out by rule; so must the layers the CLI shares
    // with the extension (sweeps, team runs).
    files: ['src/store/**/*.ts', 'src/cli/**/*.ts', 'src/sweep/**/*.ts', 'src/team/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode] }],
    },
  },
  {
    // The webview apps are bundled for the browser and see only their protocol and the webview-safe shared code:
    // anything else under src/ would drag host code (and its assumptions) into the bundle.
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [
          noNode,
          { regex: '(^|/)src/(?!(protocol|shared)/[^/]+$)', message: 'A webview imports only src/protocol and src/shared.' },
          { regex: '^(?!\\.|chart\\.js(/|$)|@vscode-elements/)', message: 'A webview imports its own files, chart.js and @vscode-elements only.' },
        ],
      }],
    },
  },
  {
    // Webview-safe shared code: used by the host, the CLI and the webviews alike, so it imports nothing but itself.
    files: ['src/shared/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode], patterns: [noNode, { group: ['../*'], message: 'src/shared imports only src/shared.' }] }],
    },
  },
  {
    // Each panel's protocol: the messages and their guards, shared by host and webview; built on src/shared only.
    files: ['src/protocol/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [noNode, { regex: '^\\.\\./(?!shared/[^/]+$)', message: 'src/protocol imports only src/protocol and src/shared.' }],
      }],
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
