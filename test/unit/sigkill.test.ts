// Issue 2, "Done when": SIGKILL a logging child at random moments, at least 50 times, while the store indexes the
// logs as they are written. Every record the child saw flushed is indexed, no two records are glued into one line,
// and the incremental index (built between and during kills, persisted and reopened) equals a fresh index.
//
// Each child resumes one of a few runs and logs steps from its own range, acknowledging on stdout each step after
// run.flush() returned; a SIGKILL can land anywhere: in interpreter start-up, in init, between or inside writes.
// TRACKSIDE_KILL_SEED=<n> replays one schedule.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore } from '../../src/store';
import type { Diagnostic, RunStore } from '../../src/store';
import { prng } from '../fixtures/prng';
import { loggerEnv, spawnPython } from './pythonLogger';
import { snapshot } from './storeSnapshot';

const KILLS = 50;
const WORKERS = 4;
/** Share of kills followed by a torn line, as a kill inside a large batched write() leaves one. */
const TEAR_RATE = 0.3;
/** Steps of round r are STEP_BASE * r + i, so every round's points are told apart and none is logged twice. */
const STEP_BASE = 1_000_000;

// Acknowledges a step only after flush() returned: from then on the record is in the kernel and must survive.
const CHILD = `
import sys, time, trackside
run_id, base = sys.argv[1], int(sys.argv[2])
run = trackside.init(project="sigkill", name=run_id, id=run_id, resume=True, config={"base": base, "nested": {"k": run_id}},
                     capture_env=False, system_metrics=False, flush_interval=0.002, install_signal_handlers=False)
out = sys.stdout
i = 0
while True:
    step = base + i
    run.log({"a": step * 0.5, "b": float("nan") if step % 11 == 0 else -step, "grp/c": i}, step=step)
    i += 1
    if i % 3 == 0:
        run.flush()
        out.write("%d\\n" % step)
        out.flush()
        time.sleep(0.001)
`;

let dir: string;
let root: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trackside-sigkill-'));
  root = join(dir, 'root');
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Round {
  runId: string;
  round: number;
  /** Highest step acknowledged as flushed; base - 1 when none was. */
  acked: number;
  signal: string | null;
  /** A torn line was left after this kill. */
  tore?: boolean;
}

/** One child: starts it, kills it at a random moment, and returns what it acknowledged. */
async function killRound(runId: string, round: number, rand: () => number): Promise<Round> {
  const base = STEP_BASE * round;
  const child = spawnPython(CHILD, [runId, String(base)], dir, loggerEnv(root));
  let out = '';
  let err = '';
  let firstAck!: () => void;
  const acked = new Promise<void>((r) => (firstAck = r));
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('\n')) firstAck();
  });
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const closed = new Promise<string | null>((r) => child.on('close', (_code, signal) => r(signal)));
  const exitedEarly = closed.then(() => 'exited' as const);

  // A quarter of the kills land anywhere from interpreter start-up on; the rest once logging is under way (on a
  // loaded machine a child's start-up alone can take over ten seconds: the wait for its first flush is long).
  if (rand() < 0.25) await Promise.race([sleep(rand() * 150), exitedEarly]);
  else if ((await Promise.race([acked.then(() => 'acked' as const), exitedEarly, sleep(45_000).then(() => 'slow' as const)])) === 'acked') {
    await Promise.race([sleep(rand() * 60), exitedEarly]);
  }
  child.kill('SIGKILL');
  const signal = await closed;
  assert.equal(signal, 'SIGKILL', `child for ${runId} round ${round} ended before the kill:\n${err}`);
  // Whatever reached the pipe before the kill is still readable after it: the last complete ack line counts.
  const lines = out.split('\n').slice(0, -1);
  const last = lines.length ? Number(lines[lines.length - 1]) : base - 1;
  return { runId, round, acked: last, signal };
}

interface RawLog {
  complete: string[];
  /** A torn last line (no `\n` yet), or ''. */
  tail: string;
}

async function rawLog(runId: string): Promise<RawLog> {
  const text = await readFile(join(root, 'runs', runId, 'events.jsonl'), 'utf8');
  const parts = text.split('\n');
  return { complete: parts.slice(0, -1), tail: parts[parts.length - 1] };
}

const badCount = (d: Diagnostic) => d.count ?? 1;

test(`SIGKILL a logging child ${KILLS} times: flushed records survive, no glued lines, incremental index = fresh`, { timeout: 900_000 }, async (t) => {
  const seed = Number(process.env.TRACKSIDE_KILL_SEED ?? Date.now() % 1_000_000);
  const rand = prng(seed);
  const where = `(TRACKSIDE_KILL_SEED=${seed})`;
  const dbPath = join(dir, 'index.db');
  let store: RunStore = await openStore({ roots: [root], dbPath });
  const rounds: Round[] = [];

  // Indexes while children write and die: the tails it reads are torn, half-flushed, or growing under it.
  let writing = true;
  let passes = 0;
  let reopens = 0;
  const indexer = (async () => {
    while (writing) {
      await store.index();
      passes++;
      if (passes % 15 === 0) {
        // A restart between passes: the next pass must continue from the persisted offsets exactly once.
        await store.persist();
        await store.close();
        store = await openStore({ roots: [root], dbPath });
        reopens++;
      }
      await sleep(rand() * 50);
    }
  })();

  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, w) => {
        const runId = `kill-${w}`;
        while (next < KILLS) {
          const round = ++next;
          const r = await killRound(runId, round, rand);
          rounds.push(r);
          if (rand() < TEAR_RATE) {
            // Small writes are never torn by a kill on Linux, but a large batch can be cut part way: leave the
            // start of a record with no newline, for the next writer to close off and the store to report.
            const fragment = `{"t":"metrics","ts":1767225600.5,"step":${STEP_BASE * round + 999_999},"values":{"a":0.`;
            const log = join(root, 'runs', runId, 'events.jsonl');
            // Only where the killed child got as far as creating its log; and like any writer, the one that tore
            // this line had first closed off a torn line left before it (a child killed before writing leaves one).
            r.tore = await readFile(log).then(
              async (b) => (await appendFile(log, (b.length && b[b.length - 1] !== 10 ? '\n' : '') + fragment), true),
              () => false,
            );
          }
        }
      }),
    );
  } finally {
    writing = false;
    await indexer;
  }
  await store.index();
  const incremental = await snapshot(store);
  const liveDiagnostics = store.diagnostics();
  await store.persist();
  await store.close();

  const fresh = await openStore({ roots: [root] });
  await fresh.index();
  const freshSnap = await snapshot(fresh);
  const freshDiagnostics = fresh.diagnostics();
  await fresh.close();

  const reopened = await openStore({ roots: [root], dbPath });
  const reopenReport = await reopened.index();
  const reopenedSnap = await snapshot(reopened);
  await reopened.close();

  const withAcks = rounds.filter((r) => r.acked >= STEP_BASE * r.round);
  t.diagnostic(`${where} ${rounds.length} kills (${withAcks.length} after flushed records), ${passes} index passes, ${reopens} reopens, ${freshSnap.points} points`);
  assert.equal(rounds.length, KILLS);
  assert.ok(withAcks.length >= KILLS / 2, `${where} only ${withAcks.length} kills came after a flush`);

  // Every acknowledged (flushed) step is indexed with its exact values, and each round's steps are a gapless
  // prefix: a kill may lose the unflushed tail, never a record in the middle.
  const runIds = [...new Set(rounds.map((r) => r.runId))];
  for (const runId of runIds) {
    const a = freshSnap.series.find((s) => s.runId === runId && s.key === 'a');
    const b = freshSnap.series.find((s) => s.runId === runId && s.key === 'b');
    const c = freshSnap.series.find((s) => s.runId === runId && s.key === 'grp/c');
    const mine = rounds.filter((r) => r.runId === runId);
    if (!mine.some((r) => r.acked >= STEP_BASE * r.round)) continue;
    assert.ok(a && b && c, `${where} ${runId}: series missing (keys ${freshSnap.keys.join(', ')})`);
    const byRound = new Map<number, number[]>();
    for (let i = 0; i < a.steps.length; i++) {
      const step: number = a.steps[i];
      assert.equal(a.values[i], step * 0.5, `${where} ${runId} a@${step}`);
      const round = Math.floor(step / STEP_BASE);
      const list = byRound.get(round);
      if (list) list.push(step);
      else byRound.set(round, [step]);
    }
    for (let i = 0; i < b.steps.length; i++) {
      const step: number = b.steps[i];
      assert.ok(step % 11 === 0 ? Number.isNaN(b.values[i]) : b.values[i] === -step, `${where} ${runId} b@${step} = ${b.values[i]}`);
    }
    assert.deepEqual(Array.from(c.steps), Array.from(a.steps), `${where} ${runId}: keys logged together were split`);
    for (const r of mine) {
      const steps = byRound.get(r.round) ?? [];
      const base = STEP_BASE * r.round;
      const expected = Array.from({ length: steps.length }, (_, i) => base + i);
      assert.deepEqual(steps, expected, `${where} ${runId} round ${r.round}: steps are not a gapless prefix`);
      assert.ok(base + steps.length - 1 >= r.acked, `${where} ${runId} round ${r.round}: acked step ${r.acked} flushed but the index ends at ${base + steps.length - 1}`);
    }
  }

  let tornTotal = 0;
  // No glued lines: each complete line is one record, or the fragment a kill tore off, which the next writer
  // closed with a newline. A fragment is reported (once per file, with its count); a glued pair would show up as
  // a line holding two records.
  for (const runId of runIds) {
    const log = await rawLog(runId);
    let bad = 0;
    for (const [i, line] of log.complete.entries()) {
      assert.ok(line.startsWith('{"t":'), `${where} ${runId}:${i + 1} does not start a record: ${line.slice(0, 80)}`);
      assert.equal(line.split('{"t":').length - 1, 1, `${where} ${runId}:${i + 1} holds more than one record: ${line.slice(0, 200)}`);
      try {
        JSON.parse(line);
      } catch {
        bad++;
      }
    }
    const kills = rounds.filter((r) => r.runId === runId).length;
    tornTotal += bad;
    assert.ok(bad <= kills, `${where} ${runId}: ${bad} broken lines from ${kills} kills`);
    const file = join(root, 'runs', runId, 'events.jsonl');
    const reported = freshDiagnostics.filter((d) => d.file === file).reduce((n, d) => n + badCount(d), 0);
    assert.equal(reported, bad, `${where} ${runId}: ${bad} torn lines, ${reported} reported: ${JSON.stringify(freshDiagnostics)}`);
  }

  t.diagnostic(`${where} ${tornTotal} torn lines closed off by the next writer, all reported (${rounds.filter((r) => r.tore).length} simulated)`);
  assert.deepEqual(incremental, freshSnap, `${where} incremental index differs from a fresh one`);
  assert.deepEqual(reopenedSnap, freshSnap, `${where} the persisted index, reopened, differs from a fresh one`);
  assert.equal(reopenReport.points, 0, `${where} reopening re-read ${reopenReport.points} points`);
  const norm = (ds: Diagnostic[]) => ds.map((d) => `${d.file}:${d.line}:${badCount(d)}`).sort();
  assert.deepEqual(norm(liveDiagnostics), norm(freshDiagnostics), `${where} diagnostics of the incremental index differ`);
});
