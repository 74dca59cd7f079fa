// Runs view rows benchmark in the real VS Code (code-server + Chromium): from clicking the Trackside icon to the
// first row of the Runs view and to the end of the first index pass, for 1,000 and 10,000 runs, cold (a new
// profile: no index) and warm (the same profile again: the index the cold start persisted in workspace storage).
// Reported beside the store's own figures for the same workspace (P1/P2 of `npm run bench`).
// Run: node scripts/build.mjs && node --import tsx --test --test-reporter=spec bench/explorer-rows.e2e.ts
// Sizes: ROWS_SIZES=1000,10000 (default); each size's workspace is generated once and cached under bench/.work.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureWorkspace } from './generate';
import { delay, resultsDir, vscodeTest, type VSCode } from '../test/e2e/harness';

const SIZES = (process.env.ROWS_SIZES ?? '1000,10000').split(',').map(Number).filter((n) => n > 0);
/** 10 metrics per run; steps chosen so both sizes hold 2 M points, as in the measurement. */
const STEPS_FOR = (runs: number) => Math.max(20, Math.round(200_000 / runs));

interface Timing {
  runs: number;
  start: 'cold' | 'warm';
  firstRowMs: number;
  indexedMs: number;
  logLine: string;
}

const results: Timing[] = [];

async function measure(vscode: VSCode, runs: number, start: 'cold' | 'warm'): Promise<Timing> {
  const t0 = Date.now();
  await vscode.openTrackside();
  const view = await vscode.view('Runs');
  const rows = vscode.treeItems(view);
  let firstRowMs = -1;
  let indexedMs = -1;
  let logLine = '';
  // One poll loop for both moments, 50 ms apart: the first row usually comes well before the pass ends.
  for (let i = 0; i < 6000 && (firstRowMs < 0 || indexedMs < 0); i++) {
    if (firstRowMs < 0 && (await rows.count()) > 0) firstRowMs = Date.now() - t0;
    if (indexedMs < 0) {
      const line = (await vscode.tracksideLog()).split('\n').find((l) => /Indexed \d+ runs/.test(l));
      if (line !== undefined) {
        indexedMs = Date.now() - t0;
        logLine = line.trim();
      }
    }
    await delay(50);
  }
  assert.ok(firstRowMs >= 0 && indexedMs >= 0, `no rows or no finished pass for ${runs} runs (${start})`);
  await vscode.screenshot(`rows-${runs}-${start}`);
  return { runs, start, firstRowMs, indexedMs, logLine };
}

for (const runs of SIZES) {
  const profile = join(tmpdir(), `trackside-rows-profile-${runs}`);
  const folder = join(tmpdir(), `trackside-rows-workspace-${runs}`);
  let root = '';
  for (const start of ['cold', 'warm'] as const) {
    vscodeTest(
      `Runs view rows: ${runs} runs, ${start}`,
      async () => {
        if (start === 'cold') {
          root = ensureWorkspace({ runs, metrics: 10, steps: STEPS_FOR(runs) }).root;
          await rm(profile, { recursive: true, force: true });
          await rm(folder, { recursive: true, force: true });
          await mkdir(folder, { recursive: true });
        }
        return { workspace: folder, profileDir: profile, env: { TRACKSIDE_DIR: root } };
      },
      async (vscode) => {
        const t = await measure(vscode, runs, start);
        console.log(JSON.stringify(t));
        results.push(t);
      },
      900_000,
    );
  }
}

process.on('exit', () => {
  if (results.length === 0) return;
  const lines = results.map((r) => `${String(r.runs).padStart(6)} runs ${r.start}: first row ${r.firstRowMs} ms, index pass done ${r.indexedMs} ms (${r.logLine})`);
  console.log(`\nRuns view in real VS Code (code-server):\n${lines.join('\n')}`);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'explorer-rows.json'), JSON.stringify(results, null, 2));
});
