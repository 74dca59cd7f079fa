// Loads sql.js once per process. The wasm file is looked for where the caller says, then next to the bundle
// (dist/sql-wasm.wasm, which the build copies), then in node_modules.
//
// Points no longer pass through sql.js (they live in point files, see pointFiles.ts), so its own column access
// is all the index needs.
import { access, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

export interface SqlRuntime {
  SQL: SqlJsStatic;
}

let loading: Promise<SqlRuntime> | undefined;

// Async: the store is loaded in the extension host after activation, where blocking I/O stalls every extension.
async function findWasm(explicit?: string): Promise<string> {
  if (explicit !== undefined) return explicit;
  const beside = join(dirname(__filename), 'sql-wasm.wasm');
  if (await access(beside).then(() => true, () => false)) return beside;
  return createRequire(__filename).resolve('sql.js/dist/sql-wasm.wasm');
}

export function loadSqlJs(wasmPath?: string): Promise<SqlRuntime> {
  loading ??= (async () => {
    const file = await readFile(await findWasm(wasmPath));
    const wasmBinary = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
    return { SQL: await initSqlJs({ wasmBinary }) };
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}
