// Live latency in the real VS Code (code-server + Chromium): from a training script's `run.log()` call to the Runs
// view's row showing that step (issue 18: p95 ≤ 250 ms, at one step a second and at about a thousand).
// Run: node scripts/build.mjs && node --import tsx --test --test-reporter=spec bench/live-rows.e2e.ts
// A real logger process logs two runs, one at each rate, noting the wall clock of every call; the page notes, on
// the same machine's wall clock, each time a row's step changes (checked every 4 ms in the page). A step's latency
// is the first moment its row shows that step or a later one, minus its call. The floor, measured in the same
// process and steps: the logger's own call-to-file latency (a tailing thread notes when each step's line is in the
// log), which no view of the file can beat.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../scripts/vscode-server';
import { delay, tempWorkspace, vscodeTest } from '../test/e2e/harness';

const SLOW_STEPS = Number(process.env.LIVE_SLOW_STEPS ?? 30);
const FAST_STEPS = Number(process.env.LIVE_FAST_STEPS ?? 5000);
const NEW_RUNS = Number(process.env.LIVE_NEW_RUNS ?? 8);

const SCRIPT = `
import json, os, re, sys, threading, time, trackside

def phase(name, steps, interval):
    started = time.time()
    run = trackside.init(project="live", name=name, system_metrics=False, capture_env=False)
    called, seen = {}, {}
    done = threading.Event()
    def tail():
        pos, rest, pat = 0, b"", re.compile(rb'"step":(\\d+),')
        while not (done.is_set() and len(seen) >= len(called)):
            with open(run.path, "rb") as f:
                f.seek(pos)
                data = f.read()
            now = time.time()
            pos += len(data)
            *lines, rest = (rest + data).split(b"\\n")
            for line in lines:
                m = pat.search(line)
                if m:
                    seen.setdefault(int(m.group(1)), now)
            time.sleep(0.0005)
    t = threading.Thread(target=tail, daemon=True)
    t.start()
    # Step 0, then the timed steps once the bench has seen the row (a new run's folder is found by a watcher or
    # a poll: that is not the latency measured here).
    run.log({"loss": 1.0}, step=0)
    go = os.path.join(sys.argv[2], "go-" + name)
    for _ in range(600):
        if os.path.exists(go):
            break
        time.sleep(0.05)
    nxt = time.monotonic()
    for s in range(1, steps + 1):
        nxt += interval
        pause = nxt - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        called[s] = time.time()
        run.log({"loss": 1.0 / s}, step=s)
    done.set()
    t.join(30)
    time.sleep(3)  # the view catches up while the run still runs
    run.finish()
    return {"called": called, "seen": seen, "started": started}

def new_runs(n):
    # Runs started one after another, as a user starts scripts: init() → the run's first row.
    started = {}
    for k in range(n):
        name = "live-new-" + "abcdefghijklmnopqrstuvwxyz"[k % 26]
        started[name] = time.time()
        run = trackside.init(project="live", name=name, system_metrics=False, capture_env=False)
        run.log({"loss": 1.0}, step=0)
        time.sleep(1.5)
        run.finish()
    return started

out = {"slow": phase("live-1hz", ${SLOW_STEPS}, 1.0), "fast": phase("live-1khz", ${FAST_STEPS}, 0.001), "new": new_runs(${NEW_RUNS})}
json.dump(out, open(sys.argv[1], "w"))
`;

interface Phase {
  called: Record<string, number>;
  seen: Record<string, number>;
  /** Wall clock (s) just before `trackside.init`. */
  started: number;
}

/** Per step, the first moment a row showed it or a later step, minus its call (ms); missing steps as Infinity. */
function latencies(phase: Phase, shown: Array<[number, number]>): number[] {
  const sorted = [...shown].sort((a, b) => a[0] - b[0]);
  return Object.entries(phase.called).map(([step, calledAt]) => {
    const at = sorted.find(([, s]) => s >= Number(step))?.[0];
    return at === undefined ? Infinity : at - calledAt * 1000;
  });
}

function summary(values: number[]): { p50: number; p95: number; max: number; n: number; missing: number } {
  const ok = values.filter(Number.isFinite).sort((a, b) => a - b);
  const at = (q: number) => ok[Math.min(ok.length - 1, Math.floor(q * ok.length))];
  return { p50: at(0.5), p95: at(0.95), max: ok[ok.length - 1], n: values.length, missing: values.length - ok.length };
}

vscodeTest(
  'live latency: run.log() to the Runs view row, at 1 and ~1,000 steps a second',
  async () => ({ workspace: await tempWorkspace() }),
  async (vscode) => {
    await vscode.openTrackside();
    await vscode.view('Runs');
    // Noted in the page itself, so the bench's own round trips do not add to the figure.
    await vscode.page.evaluate(`(() => {
      const live = (window.__live = {});
      const first = (window.__first = {});
      const last = {};
      setInterval(() => {
        for (const row of document.querySelectorAll('.part.sidebar .monaco-list-row')) {
          const text = row.textContent ?? '';
          const any = /live-(?:1k?hz|new-[a-z])/.exec(text)?.[0];
          if (any !== undefined) first[any] ??= Date.now();
          const name = /live-1k?hz/.exec(text)?.[0];
          const step = /step ([\\d,]+)/.exec(text)?.[1];
          if (name === undefined || step === undefined) continue;
          const n = Number(step.replace(/,/g, ''));
          if (last[name] === n) continue;
          last[name] = n;
          (live[name] ??= []).push([Date.now(), n]);
        }
      }, 4);
    })()`);
    const script = join(vscode.workspace, 'live_bench.py');
    const out = join(vscode.workspace, 'live_bench.json');
    await writeFile(script, SCRIPT);
    const child = spawn('python3', [script, out, vscode.workspace], {
      cwd: vscode.workspace,
      env: { ...process.env, PYTHONPATH: join(repoRoot, 'logger'), TRACKSIDE_DIR: join(vscode.workspace, '.trackside') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    for (const name of ['live-1hz', 'live-1khz']) {
      for (let i = 0; i < 1200 && !(await vscode.page.evaluate(`Boolean(window.__live['${name}'])`)); i++) await delay(50);
      await writeFile(join(vscode.workspace, `go-${name}`), '');
    }
    const code = await exited;
    assert.equal(code, 0, `the logging script failed: ${stderr}`);
    await delay(500);
    const shown = (await vscode.page.evaluate('window.__live')) as Record<string, Array<[number, number]>>;
    const phases = JSON.parse(await readFile(out, 'utf8')) as { slow: Phase; fast: Phase; new: Record<string, number> };
    const firstRow = (await vscode.page.evaluate('window.__first')) as Record<string, number>;
    const report = (label: string, name: string, phase: Phase) => {
      const tree = summary(latencies(phase, shown[name] ?? []));
      const file = summary(Object.entries(phase.called).map(([s, c]) => (phase.seen[s] === undefined ? Infinity : (phase.seen[s] - c) * 1000)));
      const f = (x: number) => (x === undefined ? 'n/a' : x.toFixed(0));
      console.log(
        `${label}: call → tree row p50 ${f(tree.p50)} / p95 ${f(tree.p95)} / max ${f(tree.max)} ms (n=${tree.n}, never shown ${tree.missing}; target p95 ≤ 250 ms ${tree.p95 <= 250 && tree.missing === 0 ? 'met' : 'MISSED'}); ` +
          `floor, call → line in the file: p50 ${f(file.p50)} / p95 ${f(file.p95)} ms; p95 ${(tree.p95 / Math.max(1, file.p95)).toFixed(1)}× the floor's (floor's p95 under 1 ms counted as 1)`,
      );
      return tree;
    };
    await vscode.screenshot('live-rows');
    // LIVE_DEBUG=1: the fast run's row as the page saw it, [ms after step 1's call, step shown].
    if (process.env.LIVE_DEBUG) {
      const c0 = phases.fast.called['1'] * 1000;
      console.log(JSON.stringify((shown['live-1khz'] ?? []).map(([t, s]) => [Math.round(t - c0), s])));
      const calls = phases.slow.called;
      console.log('1 step/s, [step, ms from call to the row]:', JSON.stringify(latencies(phases.slow, shown['live-1hz'] ?? []).map((ms, i) => [Object.keys(calls)[i], Math.round(ms)])));
      console.log('first rows seen:', JSON.stringify(firstRow));
      console.log('1 step/s, step 1 called at', Math.round(calls['1'] * 1000), '; the Trackside log:\n', await vscode.tracksideLog());
    }
    // A new run's row: from init() to the row, whatever it shows (the step follows once the log is read).
    const starts = { ...phases.new, 'live-1hz': phases.slow.started, 'live-1khz': phases.fast.started };
    const fresh = summary(Object.entries(starts).map(([name, at]) => (firstRow[name] === undefined ? Infinity : firstRow[name] - at * 1000)));
    console.log(`new run: init() → its first row p50 ${fresh.p50?.toFixed(0)} / max ${fresh.max?.toFixed(0)} ms (n=${fresh.n}, never shown ${fresh.missing})`);
    const slow = report('1 step/s', 'live-1hz', phases.slow);
    const fast = report(`~1,000 steps/s (${FAST_STEPS} steps)`, 'live-1khz', phases.fast);
    assert.ok(slow.n - slow.missing > 0 && fast.n - fast.missing > 0, 'the rows never showed a step');
  },
  240_000,
);
