// Runs view rows benchmark in the real VS Code (code-server + Chromium): from clicking the Trackside icon to the
// first row of the Runs view and to the end of the first index pass, for 1,000 and 10,000 runs, cold (no
// index yet) and warm (the window reloaded: the index the cold start persisted in workspace storage).
// Reported beside the store's own figures for the same workspace (P1/P2 of `npm run bench`).
// Run: node scripts/build.mjs && node --import tsx --test --test-reporter=spec bench/explorer-rows.e2e.ts
// Sizes: ROWS_SIZES=1000,10000 (default); each size's workspace is generated once and cached under bench/.work.
// Every time is given twice: from the test's clock start (wall) and from Trackside's activation as the extension
// host logs it (its own clock), since on a shared machine the window's start-up before activation varies most.
// Floors, measured in the same run just before the cold start: list runs/ and stat every log (what any pass
// must do), that plus reading the first 64 KiB of every log (what a scan of run headers must do), and, in the same
// VS Code window, a trivial extension's tree view from its activation to its one constant row on screen (what any
// extension's first row costs here: activation, a tree data provider, the renderer drawing it). Each Trackside
// figure from activation is printed beside that view floor and as a ratio to it.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { WORK_DIR } from './generate';
import { ensureWorkspace } from './generate';
import { delay, resultsDir, tempWorkspace, vscodeTest, type VSCode } from '../test/e2e/harness';

const SIZES = (process.env.ROWS_SIZES ?? '1000,10000').split(',').map(Number).filter((n) => n > 0);
/** 10 metrics per run; steps chosen so both sizes hold 2 M points, as in the measurement. */
const STEPS_FOR = (runs: number) => Math.max(20, Math.round(200_000 / runs));

interface Timing {
  runs: number;
  start: 'cold' | 'warm';
  firstRowMs: number;
  indexedMs: number;
  /** The same two moments from Trackside's activation (extension host log); -1 when it was not logged. */
  firstRowFromActivationMs: number;
  indexedFromActivationMs: number;
  /** From activation to the store being open (Trackside's "Run folders" line) and to its "First rows" line. */
  openFromActivationMs: number;
  headerRowsFromActivationMs: number;
  /** From activation to Trackside's "Activated" line, and what it says: bundle evaluated, features registered. */
  activatedLineFromActivationMs: number;
  bundleMs: number;
  registerMs: number;
  /** Cold only: readdir + stat of every log, and that plus a 64 KiB head read of each, 32 at a time. */
  floorStatMs?: number;
  floorHeadsMs?: number;
  /** The trivial extension's tree view in the same window: its activation to its constant row on screen. */
  floorViewMs?: number;
  logLine: string;
}

const results: Timing[] = [];

const passLines = async (vscode: VSCode): Promise<string[]> => (await vscode.tracksideLog()).split('\n').filter((l) => /Indexed \d+ runs/.test(l));

const STAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) /;

/** A log line's own timestamp (local time, as VS Code writes it), in ms. */
function stampOf(line: string): number | undefined {
  const m = STAMP.exec(line);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, se, ms] = m.slice(1).map(Number);
  return new Date(y, mo - 1, d, h, mi, se, ms).getTime();
}

/** When the extension host last activated this extension (its log's own timestamp), in ms. */
async function activatedAt(vscode: VSCode, id = 'trackside.trackside'): Promise<number | undefined> {
  let last: number | undefined;
  for (const line of (await vscode.extensionHostLog()).split('\n')) {
    if (!line.includes(`_doActivateExtension ${id}`)) continue;
    const t = stampOf(line);
    if (t !== undefined && (last === undefined || t > last)) last = t;
  }
  return last;
}

/** The first Trackside log line matching `re` written at or after `since`: ms after `since`, or -1. */
function lineAfter(log: string, re: RegExp, since: number | undefined): number {
  if (since === undefined) return -1;
  for (const line of log.split('\n')) {
    const t = stampOf(line);
    if (t !== undefined && t >= since && re.test(line)) return t - since;
  }
  return -1;
}

/** The number the first Trackside log line matching `re` (written at or after `since`) captures, or -1. */
function numberIn(log: string, re: RegExp, since: number | undefined): number {
  if (since === undefined) return -1;
  for (const line of log.split('\n')) {
    const t = stampOf(line);
    const m = re.exec(line);
    if (t !== undefined && t >= since && m !== null) return Number(m[1]);
  }
  return -1;
}

/** The floor of any first pass (list + stat every log) and of a header scan (that + a 64 KiB head of each). */
async function floors(root: string): Promise<{ floorStatMs: number; floorHeadsMs: number }> {
  const logs = async (heads: boolean): Promise<number> => {
    const t = performance.now();
    const ids = await readdir(join(root, 'runs'));
    let next = 0;
    const buf = Buffer.alloc(65536);
    const worker = async (): Promise<void> => {
      const own = heads ? Buffer.alloc(65536) : buf;
      while (next < ids.length) {
        const file = join(root, 'runs', ids[next++], 'events.jsonl');
        if (!heads) {
          await stat(file);
          continue;
        }
        const fh = await open(file, 'r');
        try {
          await fh.stat();
          await fh.read(own, 0, own.length, 0);
        } finally {
          await fh.close();
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    return Math.round(performance.now() - t);
  };
  return { floorStatMs: await logs(false), floorHeadsMs: await logs(true) };
}

/** The trivial extension the view floor is measured with: one view in its own container, one constant row. */
function floorExtension(): string {
  const dir = join(WORK_DIR, 'bench.rowsfloor-0.0.1');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'rowsfloor',
      publisher: 'bench',
      version: '0.0.1',
      engines: { vscode: '^1.100.0' },
      main: './extension.js',
      activationEvents: ['onView:rowsFloor.view'],
      contributes: {
        viewsContainers: { activitybar: [{ id: 'rowsFloor', title: 'Rows Floor', icon: 'icon.svg' }] },
        views: { rowsFloor: [{ id: 'rowsFloor.view', name: 'Floor' }] },
      },
    }),
  );
  writeFileSync(join(dir, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16"/></svg>');
  writeFileSync(
    join(dir, 'extension.js'),
    "const vscode = require('vscode');\nexports.activate = (context) => {\n" +
      "  context.subscriptions.push(vscode.window.createTreeView('rowsFloor.view', { treeDataProvider: { getChildren: () => ['row'], getTreeItem: () => new vscode.TreeItem('constant row') } }));\n};\n",
  );
  return dir;
}

/** The view floor: from the trivial extension's activation to its row on screen, polled as Trackside's rows are. */
async function floorView(vscode: VSCode): Promise<number> {
  const t0 = Date.now();
  await vscode.page.locator('.part.activitybar').getByRole('tab', { name: /^Rows Floor/ }).click();
  const rows = vscode.treeItems(await vscode.view('Floor'));
  let shownMs = -1;
  for (let i = 0; i < 1200 && shownMs < 0; i++) {
    if ((await rows.count()) > 0) shownMs = Date.now() - t0;
    else await delay(50);
  }
  const activated = await activatedAt(vscode, 'bench.rowsfloor');
  assert.ok(shownMs >= 0 && activated !== undefined, 'the floor view showed no row or did not activate');
  return t0 + shownMs - activated;
}

/** A reloaded window restores the side bar as it was; click the Trackside icon only if the Runs view is not shown. */
async function showRestoredView(vscode: VSCode): Promise<void> {
  const tab = vscode.page.locator('.part.activitybar').getByRole('tab', { name: /^Trackside/ });
  await tab.waitFor({ state: 'visible', timeout: 60_000 });
  const header = vscode.page.locator('.part.sidebar .pane-header', { hasText: 'Runs' });
  if (!(await header.first().isVisible())) await tab.click();
}

/**
 * From the workbench being up (the test body starts then, and a reload returns then) to the first row and to this
 * window's first pass. A reloaded window restores the Trackside view by itself, so the clock cannot start at a click.
 */
async function measure(vscode: VSCode, runs: number, start: 'cold' | 'warm'): Promise<Timing> {
  const t0 = Date.now();
  // After a reload the earlier window's passes are in the logs too: only a new one counts.
  const earlier = (await passLines(vscode)).length;
  if (start === 'cold') await vscode.openTrackside();
  else await showRestoredView(vscode);
  const view = await vscode.view('Runs');
  const rows = vscode.treeItems(view);
  let firstRowMs = -1;
  let indexedMs = -1;
  let logLine = '';
  // One poll loop for both moments, 50 ms apart: the first row usually comes well before the pass ends.
  for (let i = 0; i < 6000 && (firstRowMs < 0 || indexedMs < 0); i++) {
    if (firstRowMs < 0 && (await rows.count()) > 0) firstRowMs = Date.now() - t0;
    if (indexedMs < 0) {
      const line = (await passLines(vscode))[earlier];
      if (line !== undefined) {
        indexedMs = Date.now() - t0;
        logLine = line.trim();
      }
    }
    await delay(50);
  }
  assert.ok(firstRowMs >= 0 && indexedMs >= 0, `no rows or no finished pass for ${runs} runs (${start})`);
  await vscode.screenshot(`rows-${runs}-${start}`);
  const activated = await activatedAt(vscode);
  const fromActivation = (ms: number): number => (activated === undefined ? -1 : t0 + ms - activated);
  const log = await vscode.tracksideLog();
  // What the extension logged, kept beside the screenshots: the breakdown of the figures above.
  mkdirSync(join(resultsDir, 'explorer-rows'), { recursive: true });
  writeFileSync(join(resultsDir, 'explorer-rows', `trackside-${runs}-${start}.log`), log);
  return {
    runs,
    start,
    firstRowMs,
    indexedMs,
    firstRowFromActivationMs: fromActivation(firstRowMs),
    indexedFromActivationMs: fromActivation(indexedMs),
    activatedLineFromActivationMs: lineAfter(log, /Activated: bundle/, activated),
    bundleMs: numberIn(log, /Activated: bundle evaluated in (\d+) ms/, activated),
    registerMs: numberIn(log, /features registered in (\d+) ms/, activated),
    openFromActivationMs: lineAfter(log, /Run folders:/, activated),
    headerRowsFromActivationMs: lineAfter(log, /First rows:/, activated),
    logLine,
  };
}

/** Waits until an index file under `dir` was written after `since` (ms), i.e. the cold pass was persisted. */
async function persistedIndex(dir: string, since: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
    for (const e of entries) {
      if (!e.endsWith('runs-index.sqlite')) continue;
      const info = await stat(join(dir, e)).catch(() => undefined);
      if (info !== undefined && info.mtimeMs >= since) return;
    }
    await delay(100);
  }
  throw new Error(`no index persisted under ${dir} within 60 s of the pass`);
}

for (const runs of SIZES) {
  // Warm = the same window reloaded: code-server keys workspace storage by its address (a new port each start),
  // so only a reload of the same server finds the index the cold start persisted.
  vscodeTest(
    `Runs view rows: ${runs} runs, cold then warm`,
    async () => {
      const root = ensureWorkspace({ runs, metrics: 10, steps: STEPS_FOR(runs) }).root;
      return { workspace: await tempWorkspace(), env: { TRACKSIDE_DIR: root }, extraExtensions: [floorExtension()] };
    },
    async (vscode) => {
      const floor = await floors(ensureWorkspace({ runs, metrics: 10, steps: STEPS_FOR(runs) }).root);
      const floorViewMs = await floorView(vscode);
      const cold = { ...(await measure(vscode, runs, 'cold')), ...floor, floorViewMs };
      console.log(JSON.stringify(cold));
      results.push(cold);
      // The index is persisted a few seconds after a pass; the warm start needs it on disk first.
      await persistedIndex(join(vscode.server.userDataDir, 'User', 'workspaceStorage'), Date.now() - cold.indexedMs);
      await vscode.page.reload();
      const warm = { ...(await measure(vscode, runs, 'warm')), floorViewMs };
      console.log(JSON.stringify(warm));
      results.push(warm);
      assert.match(warm.logLine, /Indexed \d+ runs \(0 new points\)/, 'the warm start read the persisted index');
    },
    1_800_000,
  );
}

process.on('exit', () => {
  if (results.length === 0) return;
  const ratio = (ms: number, floor: number | undefined): string => (floor === undefined || floor <= 0 || ms < 0 ? '' : ` = ${(ms / floor).toFixed(1)}× floor`);
  const lines = results.map(
    (r) =>
      `${String(r.runs).padStart(6)} runs ${r.start}: first row ${r.firstRowFromActivationMs} ms from activation${ratio(r.firstRowFromActivationMs, r.floorViewMs)}, ` +
      `index pass done ${r.indexedFromActivationMs} ms from activation${ratio(r.indexedFromActivationMs, r.floorViewMs)}` +
      (r.floorViewMs === undefined ? '' : ` (view floor: a constant row ${r.floorViewMs} ms from its activation)`) +
      `; from the click ${r.firstRowMs} / ${r.indexedMs} ms; from activation, activated line ${r.activatedLineFromActivationMs} ms (bundle ${r.bundleMs} ms, register ${r.registerMs} ms), ` +
      `header rows told ${r.headerRowsFromActivationMs} ms, store open ${r.openFromActivationMs} ms` +
      (r.floorStatMs === undefined ? '' : `; file floors: list+stat ${r.floorStatMs} ms, +64 KiB heads ${r.floorHeadsMs} ms`) +
      ` (${r.logLine})`,
  );
  console.log(`\nRuns view in real VS Code (code-server):\n${lines.join('\n')}`);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'explorer-rows.json'), JSON.stringify(results, null, 2));
});
