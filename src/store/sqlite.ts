// Loads sql.js once per process. The wasm file is looked for where the caller says, then next to the bundle
// (dist/sql-wasm.wasm, which the build copies), then in node_modules.
//
// We instantiate the wasm ourselves to keep a handle on its memory: sql.js copies BLOB columns out byte by byte
// in JavaScript, which made reading series ten times slower than the rest of the query. With the memory and
// sqlite's own column functions, a blob is one memcpy (see BlobReader).
import { access, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import initSqlJs, { type SqlJsStatic, type Statement } from 'sql.js';

/** sqlite3 C functions sql.js exports but does not type. */
interface SqliteColumnApi {
  _sqlite3_column_blob(stmt: number, col: number): number;
  _sqlite3_column_bytes(stmt: number, col: number): number;
  _sqlite3_column_double(stmt: number, col: number): number;
  _sqlite3_column_type(stmt: number, col: number): number;
  _sqlite3_column_count(stmt: number): number;
}

/** The little of the WebAssembly API we touch (the project's lib settings do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: abstract new (...args: never[]) => WasmMemory;
  instantiate(bytes: ArrayBuffer, imports: unknown): Promise<{ instance: { exports: unknown }; module: unknown }>;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface SqlRuntime {
  SQL: SqlJsStatic;
  /** Present when direct column access was verified to work. */
  blobs?: BlobReader;
}

const SQLITE_NULL = 5;

/** Reads the current row of a stepped sql.js statement through sqlite's C API. */
export class BlobReader {
  constructor(
    private readonly api: SqliteColumnApi,
    private readonly memory: WasmMemory,
  ) {}

  /** The sqlite3_stmt* of a sql.js statement: the first field its constructor sets. */
  pointer(stmt: Statement): number {
    return Object.values(stmt)[0] as number;
  }

  number(ptr: number, col: number): number {
    return this.api._sqlite3_column_type(ptr, col) === SQLITE_NULL ? NaN : this.api._sqlite3_column_double(ptr, col);
  }

  isNull(ptr: number, col: number): boolean {
    return this.api._sqlite3_column_type(ptr, col) === SQLITE_NULL;
  }

  /** Copies up to `max` bytes of a blob column into `into` at `offset`; returns the bytes copied. */
  copy(ptr: number, col: number, into: Uint8Array, offset: number, max: number): number {
    const at = this.api._sqlite3_column_blob(ptr, col);
    const n = Math.min(this.api._sqlite3_column_bytes(ptr, col), max);
    // Fetch the buffer after the calls above: they may grow (and so replace) the wasm memory.
    if (at !== 0 && n > 0) into.set(new Uint8Array(this.memory.buffer, at, n), offset);
    return at === 0 ? 0 : n;
  }
}

let loading: Promise<SqlRuntime> | undefined;

// Async: the store is loaded in the extension host after activation, where blocking I/O stalls every extension.
async function findWasm(explicit?: string): Promise<string> {
  if (explicit !== undefined) return explicit;
  const beside = join(dirname(__filename), 'sql-wasm.wasm');
  if (await access(beside).then(() => true, () => false)) return beside;
  return createRequire(__filename).resolve('sql.js/dist/sql-wasm.wasm');
}

function findMemory(...places: unknown[]): WasmMemory | undefined {
  for (const place of places) {
    if (place === null || typeof place !== 'object') continue;
    for (const v of Object.values(place)) {
      if (v instanceof wasm.Memory) return v;
      if (v !== null && typeof v === 'object') for (const w of Object.values(v)) if (w instanceof wasm.Memory) return w;
    }
  }
  return undefined;
}

/** Checks the direct path against sql.js's own answer, so an incompatible sql.js falls back instead of misreading. */
function verify(SQL: SqlJsStatic, reader: BlobReader): boolean {
  const db = new SQL.Database();
  try {
    const stmt = db.prepare("SELECT 2.5, x'0102030405', NULL");
    try {
      if (!stmt.step()) return false;
      const ptr = reader.pointer(stmt);
      if (typeof ptr !== 'number' || (SQL as unknown as SqliteColumnApi)._sqlite3_column_count(ptr) !== 3) return false;
      const out = new Uint8Array(5);
      return reader.number(ptr, 0) === 2.5 && reader.copy(ptr, 1, out, 0, 5) === 5 && out.join() === '1,2,3,4,5' && reader.isNull(ptr, 2);
    } finally {
      stmt.free();
    }
  } catch {
    return false;
  } finally {
    db.close();
  }
}

export function loadSqlJs(wasmPath?: string): Promise<SqlRuntime> {
  loading ??= (async () => {
    const file = await readFile(await findWasm(wasmPath));
    const wasmBinary = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
    let memory: WasmMemory | undefined;
    const SQL = await initSqlJs({
      wasmBinary,
      instantiateWasm(imports: unknown, receive: (instance: unknown, module: unknown) => void) {
        void wasm.instantiate(wasmBinary, imports).then(({ instance, module }) => {
          memory = findMemory(instance.exports, imports);
          receive(instance, module);
        });
        return {};
      },
    } as Parameters<typeof initSqlJs>[0]);
    const reader = memory === undefined ? undefined : new BlobReader(SQL as unknown as SqliteColumnApi, memory);
    return reader !== undefined && verify(SQL, reader) ? { SQL, blobs: reader } : { SQL };
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}
