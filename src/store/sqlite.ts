// Loads sql.js once per process. The wasm file is looked for where the caller says, then next to the bundle
// (dist/sql-wasm.wasm, which the build copies), then in node_modules.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;

function findWasm(explicit?: string): string {
  if (explicit !== undefined) return explicit;
  const beside = join(__dirname, 'sql-wasm.wasm');
  if (existsSync(beside)) return beside;
  return createRequire(__filename).resolve('sql.js/dist/sql-wasm.wasm');
}

export function loadSqlJs(wasmPath?: string): Promise<SqlJsStatic> {
  loading ??= (async () => {
    const wasmBinary = readFileSync(findWasm(wasmPath));
    return initSqlJs({ wasmBinary: wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength) as ArrayBuffer });
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}
