// Bundles the extension host, the CLI and every webview app with esbuild. `--dev` keeps source maps and skips minifying.
import * as esbuild from 'esbuild';
import { cp, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const dev = process.argv.includes('--dev');
const common = { bundle: true, minify: !dev, sourcemap: dev ? 'linked' : false, logLevel: 'warning', legalComments: 'none' };

async function webviewEntries() {
  const out = {};
  for (const name of await readdir('webview').catch(() => [])) {
    const main = join('webview', name, 'main.ts');
    if (await stat(main).then(() => true, () => false)) out[name] = main;
  }
  return out;
}

await mkdir('dist', { recursive: true });
await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  }),
  esbuild.build({
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  }),
  webviewEntries().then((entryPoints) =>
    Object.keys(entryPoints).length === 0
      ? undefined
      : esbuild.build({
          ...common,
          entryPoints,
          outdir: 'dist/webview',
          platform: 'browser',
          format: 'iife',
          target: 'es2022',
          loader: { '.css': 'css', '.ttf': 'file' },
        }),
  ),
  cp('node_modules/sql.js/dist/sql-wasm.wasm', 'dist/sql-wasm.wasm'),
]);
