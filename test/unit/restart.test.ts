// Exactly-once across restarts (issue 2, "Done when"): indexing stopped midway — by an AbortSignal, by a process
// that persisted a partial index, or by logs that were only half written — and then restarted from the persisted
// index must end with exactly what a fresh index of the same files holds: no point missing, none twice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { openStore } from '../../src/store';
import type { IndexReport, RunStore } from '../../src/store';
import { generateWorkspace, type GeneratedWorkspace } from '../../bench/generate';
import { logText, metrics, start } from '../fixtures/records';
import { countsByRun, snapshot, type StoreSnapshot } from './storeSnapshot';

const OPTIONS = { runs: 40, metrics: 4, steps: 300, seed: 7, systemEvery: 50, heartbeatEvery: 100, divergeRate: 0.1, autoStepRate: 0.2 };

let dir: string;
let ws: GeneratedWorkspace;
let fresh: StoreSnapshot;

async function freshSnapshot(root: string): Promise<StoreSnapshot> {
  const store = await openStore({ roots: [root] });
  try {
    await store.index();
    return await snapshot(store);
  } finally {
    await store.close();
  }
}

/** Runs index() and aborts it once `abortAfter` runs are reported done; says whether it was cut short. */
async function abortedIndex(store: RunStore, abortAfter: number): Promise<{ interrupted: boolean; report?: IndexReport }> {
  const controller = new AbortController();
  let calls = 0;
  try {
    const report = await store.index(controller.signal, (done) => {
      calls++;
      if (done >= abortAfter) controller.abort();
    });
    assert.ok(calls > 0, 'index() never called onProgress, so this test cannot stop it midway');
    return { interrupted: report.changedRuns.length < ws.runs.length, report };
  } catch (err) {
    assert.ok(controller.signal.aborted, `index() failed without being aborted: ${String(err)}`);
    return { interrupted: true };
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trackside-restart-'));
  ws = generateWorkspace(OPTIONS, join(dir, 'ws'));
  fresh = await freshSnapshot(ws.root);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('restarting an interrupted index', () => {
  test('a fresh index holds exactly what the generator wrote', () => {
    assert.equal(fresh.runs.length, ws.runs.length);
    const metric = countsByRun(fresh.runs, (k) => !k.startsWith('system/'));
    const system = countsByRun(fresh.runs, (k) => k.startsWith('system/'));
    for (const run of ws.runs) {
      assert.equal(metric[run.id], run.metricPoints, `metric points of ${run.id}`);
      assert.equal(system[run.id], run.systemPoints, `system points of ${run.id}`);
    }
    assert.equal(fresh.points, ws.metricPoints + ws.systemPoints);
  });

  for (const [label, at] of [['after the first run', 1], ['halfway', OPTIONS.runs / 2], ['before the last run', OPTIONS.runs - 1]] as const) {
    test(`aborted ${label}, persisted, reopened: equals a fresh index`, async () => {
      const dbPath = join(dir, `abort-${at}.db`);
      const first = await openStore({ roots: [ws.root], dbPath });
      const { interrupted } = await abortedIndex(first, at);
      assert.ok(interrupted, 'the abort came too late to interrupt anything');
      await first.persist();
      await first.close();

      const second = await openStore({ roots: [ws.root], dbPath });
      try {
        const partial = (await snapshot(second)).points;
        assert.ok(partial < fresh.points, `the persisted partial index already held all ${fresh.points} points`);
        const report = await second.index();
        assert.deepEqual(await snapshot(second), fresh);
        assert.ok(report.changedRuns.length > 0 && report.changedRuns.length <= ws.runs.length);
        // Nothing the first pass persisted is read twice: the rest is exactly what was missing.
        assert.equal(partial + report.points, fresh.points, `restart added ${report.points} points to the ${partial} persisted`);
        const again = await second.index();
        assert.equal(again.points, 0, 'a second pass over unchanged logs added points');
      } finally {
        await second.close();
      }
    });
  }

  test('aborted without persisting, reopened: equals a fresh index', async () => {
    const dbPath = join(dir, 'abort-no-persist.db');
    const first = await openStore({ roots: [ws.root], dbPath });
    assert.ok((await abortedIndex(first, OPTIONS.runs / 2)).interrupted);
    await first.close();
    const second = await openStore({ roots: [ws.root], dbPath });
    try {
      await second.index();
      assert.deepEqual(await snapshot(second), fresh);
    } finally {
      await second.close();
    }
  });

  test('aborted, then index() again in the same process: equals a fresh index', async () => {
    const store = await openStore({ roots: [ws.root] });
    try {
      assert.ok((await abortedIndex(store, 3)).interrupted);
      await store.index();
      assert.deepEqual(await snapshot(store), fresh);
    } finally {
      await store.close();
    }
  });

  test('logs cut mid-line, indexed, persisted and reopened at each of 4 stages: equals a fresh index', async () => {
    // Each run's log is revealed in stages cut at arbitrary byte offsets (mostly mid-line, some mid-character),
    // the way a reader sees logs that are still being written.
    const root = join(dir, 'staged');
    const full = await Promise.all(ws.runs.map((r) => readFile(r.file)));
    const cuts = full.map((buf, i) => {
      const a = Math.floor(buf.length * ((i * 37) % 100) / 300);
      const b = a + Math.floor((buf.length - a) * 0.5) + 1;
      const c = b + Math.floor((buf.length - b) * 0.9);
      return [0, a, b, c, buf.length];
    });
    for (const run of ws.runs) {
      await mkdir(join(root, 'runs', run.id), { recursive: true });
      await writeFile(join(root, 'runs', run.id, 'events.jsonl'), '');
    }
    const dbPath = join(dir, 'staged.db');
    for (let stage = 1; stage < 5; stage++) {
      for (const [i, run] of ws.runs.entries()) {
        await appendFile(join(root, 'runs', run.id, 'events.jsonl'), full[i].subarray(cuts[i][stage - 1], cuts[i][stage]));
      }
      const store = await openStore({ roots: [root], dbPath });
      const report = await store.index();
      assert.deepEqual(report.diagnostics, [], `stage ${stage}: a torn last line must not be reported`);
      await store.persist();
      await store.close();
    }
    const store = await openStore({ roots: [root], dbPath });
    try {
      const report = await store.index();
      assert.equal(report.points, 0);
      assert.deepEqual(await snapshot(store), await freshSnapshot(root));
      assert.equal((await snapshot(store)).points, fresh.points);
    } finally {
      await store.close();
    }
  });

  test('an indexing process SIGKILLed at random moments (start-up, mid-pass, mid-persist), then restarted: equals a fresh index', { timeout: 180_000 }, async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const child = join(dir, 'indexChild.cjs');
    await build({ entryPoints: [join(here, 'indexChild.ts')], outfile: child, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
    const wasm = join(here, '../../node_modules/sql.js/dist/sql-wasm.wasm');
    const dbDir = join(dir, 'killed');
    await mkdir(dbDir, { recursive: true });
    const dbPath = join(dbDir, 'index.db');
    const runChild = (killAfterMs?: number) =>
      new Promise<{ ms: number; done: boolean; signal: string | null; stderr: string }>((resolvePromise, reject) => {
        const started = performance.now();
        const proc = spawn(process.execPath, [child, ws.root, dbPath, wasm], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let stderr = '';
        proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
        proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        proc.on('error', reject);
        const timer = killAfterMs === undefined ? undefined : setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
        proc.on('close', (_code, signal) => {
          clearTimeout(timer);
          resolvePromise({ ms: performance.now() - started, done: out.includes('done'), signal, stderr });
        });
      });

    // One undisturbed run measures how long the whole job takes; kills are then spread over that span.
    const full = await runChild();
    assert.ok(full.done, `index child failed: ${full.stderr}`);
    // Later runs can be faster than the measured one (warm caches, a quieter machine), so kills that miss are
    // followed by earlier ones until at least two have landed mid-job.
    const moments = [0.2, 0.45, 0.7, 0.9].map((f) => f * full.ms);
    const fallbacks = [0.1, 0.05, 0.02, 0.01].map((f) => f * full.ms);
    let killedMidway = 0;
    for (let i = 0; i < moments.length + fallbacks.length; i++) {
      if (i >= moments.length && killedMidway >= 2) break;
      const at = i < moments.length ? moments[i] : fallbacks[i - moments.length];
      await unlink(dbPath).catch(() => undefined);
      const r = await runChild(at);
      if (r.signal === 'SIGKILL') killedMidway++;
      else assert.ok(r.done, `index child failed: ${r.stderr}`);
      const store = await openStore({ roots: [ws.root], dbPath });
      try {
        await store.index();
        assert.deepEqual(await snapshot(store), fresh, `after a kill at ${at.toFixed(0)} ms of ${full.ms.toFixed(0)}`);
      } finally {
        await store.close();
      }
      await sleep(0);
    }
    assert.ok(killedMidway >= 2, `only ${killedMidway} of ${moments.length} kills landed before the child finished`);
    const left = (await readdir(dbDir)).filter((f) => f !== 'index.db');
    if (left.length) console.log(`# temp files left by killed persists: ${left.join(', ')}`);
  });

  test('logs truncated, replaced, deleted and added between restarts: equals a fresh index', async () => {
    const root = join(dir, 'edited');
    for (const run of ws.runs) {
      await mkdir(join(root, 'runs', run.id), { recursive: true });
      await writeFile(join(root, 'runs', run.id, 'events.jsonl'), await readFile(run.file));
    }
    const dbPath = join(dir, 'edited.db');
    const first = await openStore({ roots: [root], dbPath });
    await first.index();
    await first.persist();
    await first.close();

    const log = (i: number) => join(root, 'runs', ws.runs[i].id, 'events.jsonl');
    // Truncated at a line boundary (a rotated or rewritten log that is now shorter).
    const text0 = await readFile(log(0), 'utf8');
    await writeFile(log(0), text0.slice(0, text0.indexOf('\n', text0.length / 3) + 1));
    // Replaced by a longer log whose first bytes differ: same size checks alone would call it an append.
    const text1 = await readFile(log(1), 'utf8');
    await writeFile(log(1), text1.replace('"name":"', '"name":"replaced-') + text1.split('\n').filter((l) => l.includes('"t":"metrics"')).slice(0, 5).join('\n') + '\n');
    // Deleted, and a new run added.
    await rm(join(root, 'runs', ws.runs[3].id), { recursive: true });
    await mkdir(join(root, 'runs', 'added-run'), { recursive: true });
    await writeFile(join(root, 'runs', 'added-run', 'events.jsonl'), logText([start({ id: 'added-run', ts: 1767225600, name: 'added', project: 'p', tags: [] }), metrics(0, { x: 1 }, 1767225601)]));

    const second = await openStore({ roots: [root], dbPath });
    try {
      const report = await second.index();
      assert.ok(report.removedRuns.includes(ws.runs[3].id), `removed runs: ${report.removedRuns.join(', ')}`);
      const expected = await freshSnapshot(root);
      const got = await snapshot(second);
      assert.deepEqual(got, expected);
      assert.equal(got.runs.find((r) => r.id === ws.runs[1].id)?.name.startsWith('replaced-'), true);
      assert.ok(got.runs.some((r) => r.id === 'added-run'));
    } finally {
      await second.close();
    }
  });

  for (const [label, damage] of [
    ['cut in half', (b: Buffer) => b.subarray(0, b.length >> 1)],
    ['overwritten with noise in the middle', (b: Buffer) => Buffer.concat([b.subarray(0, b.length >> 1), Buffer.alloc(4096, 0xa5), b.subarray((b.length >> 1) + 4096)])],
    ['emptied', () => Buffer.alloc(0)],
  ] as const) {
    test(`a persisted index ${label} is rebuilt from the logs on restart: equals a fresh index`, async () => {
      const dbPath = join(dir, `damaged-${label.length}.db`);
      const first = await openStore({ roots: [ws.root], dbPath });
      await first.index();
      await first.persist();
      await first.close();
      await writeFile(dbPath, damage(await readFile(dbPath)));
      const second = await openStore({ roots: [ws.root], dbPath });
      try {
        await second.index();
        assert.deepEqual(await snapshot(second), fresh);
      } finally {
        await second.close();
      }
    });
  }
});

