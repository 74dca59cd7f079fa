// One measurement in a fresh process, so no figure is flattered by a cache a previous one warmed (V8's compiled
// code, sql.js's heap, the store's own memoisation). The parent passes a task as JSON in argv[2]; the child prints
// its result as one JSON line on stdout, prefixed so stray logging cannot be mistaken for it.
import { mkdir, open, readdir, readFile, rename, rm, stat, truncate, unlink } from 'node:fs/promises';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openStore, pointsDir, setParseWorkerScript } from '../src/store';
import type { RunQuery, RunStore } from '../src/store';
import { encodeLine, metrics } from '../test/fixtures/records';
import { PeakMemory } from './memory';
import { RESULT_PREFIX, type Result, type Task } from './protocol';
import { tensorboardBaseline, tensorboardDecode, tensorboardIndex } from './tensorboard';

/**
 * Parse workers start from the CLI bundle, as in the extension (which names dist/cli.js too), when the bundle is
 * newer than the store's sources (`npm run bench` builds first). From sources each worker would first compile the
 * store through tsx, a cost the product never pays.
 */
function useBundledWorkers(): void {
  const repo = join(dirname(__filename), '..');
  const bundle = join(repo, 'dist', 'cli.js');
  if (!existsSync(bundle)) return;
  const store = join(repo, 'src', 'store');
  const newest = Math.max(...readdirSync(store, { recursive: true, encoding: 'utf8' }).map((f) => statSync(join(store, f)).mtimeMs));
  if (statSync(bundle).mtimeMs >= newest) setParseWorkerScript(bundle);
  else process.stderr.write('  (dist/cli.js is older than src/store: parse workers run from sources; `npm run build` first)\n');
}
useBundledWorkers();

const now = () => performance.now();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Stats every file, 64 at a time (as the store does): the cheapest way to notice which logs changed. */
async function statAll(files: string[]): Promise<number> {
  let bytes = 0;
  for (let i = 0; i < files.length; i += 64) {
    for (const st of await Promise.all(files.slice(i, i + 64).map((f) => stat(f)))) bytes += st.size;
  }
  return bytes;
}

async function logFiles(root: string): Promise<string[]> {
  const ids = (await readdir(join(root, 'runs'))).sort();
  return ids.map((id) => join(root, 'runs', id, 'events.jsonl'));
}

/**
 * The floor P1 is compared to, reading the way the store does (files in chunks of up to 4 MB, each decoded to one
 * string, then split on newlines): JSON.parse every line and nothing else.
 */
async function parse(root: string): Promise<Result> {
  const files = await logFiles(root);
  const t0 = now();
  let bytes = 0;
  let lines = 0;
  let records = 0;
  const chunk = Buffer.allocUnsafe(4 << 20);
  for (const file of files) {
    const fh = await open(file, 'r');
    let carry = Buffer.alloc(0);
    for (;;) {
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      // Decode only up to the last newline, so neither a line nor a multi-byte character is split across decodes.
      const lastNl = chunk.lastIndexOf(10, bytesRead - 1);
      if (lastNl < 0) {
        carry = Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
        continue;
      }
      const head = chunk.subarray(0, lastNl + 1);
      const text = (carry.length ? Buffer.concat([carry, head]) : head).toString('utf8');
      carry = Buffer.from(chunk.subarray(lastNl + 1, bytesRead));
      for (let s = 0, nl = text.indexOf('\n'); nl >= 0; s = nl + 1, nl = text.indexOf('\n', s)) {
        const rec = JSON.parse(text.slice(s, nl)) as { values?: object };
        // Touch the result so the parse cannot be optimised away.
        if (rec.values) records++;
        lines++;
      }
    }
    await fh.close();
  }
  return { ms: now() - t0, bytes, lines, records };
}

/**
 * Moves the last index and its point files into `aside`, which the parent deletes when the benchmarks end. Deleted right before a pass, they slowed every point file it creates on filesystems without a
 * journal (this machine's ext4): there the inode allocator steps over each inode freed in the last minute, and
 * the thousand just freed put about half a second of that into the figure. A first index on a user's machine
 * follows no such deletion.
 */
async function moveAside(dbPath: string, aside: string): Promise<void> {
  await mkdir(aside, { recursive: true });
  await rename(dbPath, join(aside, 'index')).catch(() => undefined);
  await rename(pointsDir(dbPath), join(aside, 'points')).catch(() => undefined);
}

async function coldIndex(root: string, dbPath: string, aside: string | undefined): Promise<Result> {
  if (aside !== undefined) await moveAside(dbPath, aside);
  await unlink(dbPath).catch(() => undefined);
  await rm(pointsDir(dbPath), { recursive: true, force: true });
  const store = await openStore({ roots: [root], dbPath });
  const mem = await PeakMemory.start();
  const t0 = now();
  const report = await store.index();
  const ms = now() - t0;
  const m = await mem.stop();
  const t1 = now();
  await store.persist();
  const persistMs = now() - t1;
  const dbBytes = (await stat(dbPath)).size;
  await store.close();
  return {
    ms, persistMs, dbBytes, runs: report.runs, points: report.points, diagnostics: report.diagnostics.length,
    rssBaseline: m.baseline, rssPeak: m.peak, memoryMethod: m.method,
  };
}

async function warm(root: string, dbPath: string): Promise<Result> {
  const t0 = now();
  const cpu0 = process.cpuUsage();
  const store = await openStore({ roots: [root], dbPath });
  const t1 = now();
  // The Runs view's first rows of a warm start: the persisted runs, listed as soon as the store is open (issue 18).
  const early = store.listRuns().length;
  const firstRowsMs = now() - t0;
  const t1b = now();
  const report = await store.index();
  const t2 = now();
  const runs = store.listRuns();
  const t3 = now();
  const cpu = cpuMs(cpu0);
  await store.close();
  // The early listing is not part of the warm start's own figure: ms leaves it out.
  return { ms: t3 - t0 - (t1b - t1), openMs: t1 - t0, indexMs: t2 - t1b, listMs: t3 - t2, runs: runs.length, pointsAdded: report.points, firstRowsMs, firstRows: early, cpuMs: cpu };
}

/**
 * The floor P2 is compared to: what any warm start must do whatever it keeps, read the persisted index file's
 * bytes, list the run folders (a new one may have appeared) and stat every log, synchronously as the store does.
 * Loading the file into sql.js is no longer part of it: the store opens its database only when a read needs it.
 */
async function warmBaseline(root: string, dbPath: string): Promise<Result> {
  const t0 = now();
  const cpu0 = process.cpuUsage();
  const bytes = (await readFile(dbPath)).length;
  const runsDir = join(root, 'runs');
  let size = 0;
  for (const id of await readdir(runsDir)) size += statSync(join(runsDir, id, 'events.jsonl'), { throwIfNoEntry: false })?.size ?? 0;
  const ms = now() - t0;
  return { ms, bytes, logBytes: size, cpuMs: cpuMs(cpu0) };
}

/** User plus system CPU time since `from`, in ms: what a figure cost the machine, beside its wall time. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(from);
  return (c.user + c.system) / 1000;
}

async function openWarm(root: string, dbPath: string): Promise<RunStore> {
  const store = await openStore({ roots: [root], dbPath });
  await store.index();
  return store;
}

/** P3: append one metrics line to a run, then index until that point is queryable. The log is restored after. */
async function append(t: Extract<Task, { kind: 'append' }>): Promise<Result> {
  const store = await openWarm(t.root, t.dbPath);
  const file = join(t.root, 'runs', t.runId, 'events.jsonl');
  const originalSize = (await stat(file)).size;
  // Floor: with no file watcher hint, noticing a change means at least a stat of every log.
  const files = await logFiles(t.root);
  let statAllMs = Infinity;
  for (let round = 0; round < 3; round++) {
    const s0 = now();
    await statAll(files);
    statAllMs = Math.min(statAllMs, now() - s0);
  }
  const times: number[] = [];
  try {
    for (let i = 1; i <= t.repeats; i++) {
      const step = t.lastStep + i;
      const value = 0.5 + i / 1024;
      const fh = await open(file, 'a');
      await fh.write(encodeLine(metrics(step, { [t.key]: value }, 1767225600 + step)) + '\n');
      await fh.close();
      const t0 = now();
      await store.index();
      const [series] = await store.series({ runIds: [t.runId], keys: [t.key], points: 10, afterStep: step - 1 });
      const ms = now() - t0;
      const got = series?.values[series.values.length - 1];
      if (series?.steps[series.steps.length - 1] !== step || got !== value) {
        throw new Error(`appended point (step ${step}, ${value}) not queryable after index(): got step ${series?.steps.at(-1)} value ${got}`);
      }
      times.push(ms);
    }
  } finally {
    await store.close();
    await truncate(file, originalSize);
  }
  return { ms: median(times), firstMs: times[0], maxMs: Math.max(...times), repeats: times.length, statAllMs };
}

/** In-memory min/max-bucket downsampling of the same volume: the compute floor P4 is compared to. */
function bucketBaseline(seriesCount: number, length: number, points: number): number {
  const data: Float64Array[] = [];
  for (let s = 0; s < seriesCount; s++) {
    const a = new Float64Array(length);
    for (let i = 0; i < length; i++) a[i] = Math.exp(-i / 10000) + Math.sin(i + s) * 0.01;
    data.push(a);
  }
  // Best of three, so the floor is JIT-compiled code, not the first cold pass.
  let best = Infinity;
  for (let round = 0; round < 3; round++) best = Math.min(best, bucketPass(data, points));
  return best;
}

function bucketPass(data: Float64Array[], points: number): number {
  const t0 = now();
  let checksum = 0;
  const buckets = Math.max(1, Math.floor(points / 2));
  for (const a of data) {
    const out = new Float64Array(buckets * 2);
    const width = a.length / buckets;
    for (let b = 0; b < buckets; b++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = Math.floor(b * width), end = Math.floor((b + 1) * width); i < end; i++) {
        const v = a[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      out[2 * b] = lo;
      out[2 * b + 1] = hi;
    }
    checksum += out[0];
  }
  const ms = now() - t0;
  if (Number.isNaN(checksum)) throw new Error('baseline produced NaN');
  return ms;
}

async function series(t: Extract<Task, { kind: 'series' }>): Promise<Result> {
  const store = await openWarm(t.root, t.dbPath);
  const runIds = store.listRuns().map((r) => r.id);
  const times: number[] = [];
  let returned = 0;
  let total = 0;
  let firstCpuMs = 0;
  for (let i = 0; i < t.repeats; i++) {
    const t0 = now();
    const cpu0 = process.cpuUsage();
    const out = await store.series({ runIds, keys: [t.key], points: t.points });
    times.push(now() - t0);
    if (i === 0) firstCpuMs = cpuMs(cpu0);
    returned = out.reduce((a, s) => a + s.values.length, 0);
    total = out.reduce((a, s) => a + s.total, 0);
    if (out.length !== runIds.length) throw new Error(`series() returned ${out.length} series for ${runIds.length} runs`);
  }
  // Repeats are served from the series cache; a request for another size is not, and shows what a second chart
  // costs once the process is warm (an honest "later" figure, where the cached median flatters).
  const fresh: number[] = [];
  for (let i = 1; i <= t.repeats; i++) {
    const t0 = now();
    await store.series({ runIds, keys: [t.key], points: t.points + i });
    fresh.push(now() - t0);
  }
  await store.close();
  const perSeries = total / Math.max(1, runIds.length);
  return {
    ms: times[0], cpuMs: firstCpuMs, medianMs: median(times.slice(1).length ? times.slice(1) : times), uncachedMs: median(fresh), runs: runIds.length, total, returned,
    baselineMs: bucketBaseline(runIds.length, Math.round(perSeries), t.points),
  };
}

async function list(t: Extract<Task, { kind: 'list' }>): Promise<Result> {
  const store = await openWarm(t.root, t.dbPath);
  const query: RunQuery = {
    status: ['finished', 'failed'],
    where: [{ field: 'param', key: 'optimizer.lr', op: '<=', value: 0.001 }],
    sort: { key: { kind: 'metric', key: 'val/loss' }, descending: false },
  };
  const times: number[] = [];
  let matched = 0;
  let firstCpuMs = 0;
  for (let i = 0; i < t.repeats; i++) {
    const t0 = now();
    const cpu0 = process.cpuUsage();
    matched = store.listRuns(query).length;
    times.push(now() - t0);
    if (i === 0) firstCpuMs = cpuMs(cpu0);
  }
  // Floor: the same filter and sort as plain JavaScript over run objects already in memory.
  const all = store.listRuns();
  let plain: typeof all = [];
  let baselineMs = Infinity;
  // Best of three: the floor is JIT-compiled code.
  for (let round = 0; round < 3; round++) {
    const b0 = now();
    plain = all
      .filter((r) => (r.status === 'finished' || r.status === 'failed') && typeof r.params['optimizer.lr'] === 'number' && r.params['optimizer.lr'] <= 0.001)
      .sort((a, b) => (a.metrics['val/loss']?.last ?? Infinity) - (b.metrics['val/loss']?.last ?? Infinity));
    baselineMs = Math.min(baselineMs, now() - b0);
  }
  await store.close();
  return { ms: times[0], cpuMs: firstCpuMs, medianMs: median(times), runs: all.length, matched, plainMatched: plain.length, baselineMs };
}

/**
 * I1's floor: read every MLflow metric file whole (100 at a time) and split each line into its three numbers with
 * String.split and Number(), the plainest parse of the same bytes, with nothing indexed.
 */
async function mlflowParse(root: string): Promise<Result> {
  const files: string[] = [];
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (p.includes('/metrics/')) files.push(p);
    }
  };
  const t0 = now();
  await walk(join(root, 'mlruns'));
  let bytes = 0;
  let points = 0;
  let sum = 0;
  for (let i = 0; i < files.length; i += 100) {
    for (const buf of await Promise.all(files.slice(i, i + 100).map((f) => readFile(f)))) {
      bytes += buf.length;
      for (const line of buf.toString('utf8').split('\n')) {
        if (line === '') continue;
        const [ts, value, step] = line.split(' ');
        sum += Number(ts) + Number(value) + Number(step);
        points++;
      }
    }
  }
  return { ms: now() - t0, bytes, points, files: files.length, sum: Number.isFinite(sum) ? 1 : 0 };
}

async function run(task: Task): Promise<Result> {
  switch (task.kind) {
    case 'parse': return parse(task.root);
    case 'index': return coldIndex(task.root, task.dbPath, task.aside);
    case 'warm': return warm(task.root, task.dbPath);
    case 'warmBaseline': return warmBaseline(task.root, task.dbPath);
    case 'append': return append(task);
    case 'series': return series(task);
    case 'list': return list(task);
    case 'mlflowParse': return mlflowParse(task.root);
    case 'tbIndex': return tensorboardIndex(task.root, task.dbPath);
    case 'tbBaseline': return tensorboardBaseline(task.file);
    case 'tbDecode': return tensorboardDecode(task.file);
  }
}

run(JSON.parse(process.argv[2]) as Task).then(
  (result) => {
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : String(err));
    process.exitCode = 1;
  },
);
