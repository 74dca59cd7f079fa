// The chart panels in a real VS Code: a run dashboard with non-blank charts, a comparison of three runs with
// differing params and best values marked, smoothing and axis controls changing the charts, a live run growing,
// hostile run strings rendered as text, and light and dark screenshots (TRACKSIDE_SCREENSHOTS=docs/images).
import assert from 'node:assert/strict';
import type { FrameLocator, Locator } from 'playwright-core';
import { delay, tempWorkspace, vscodeTest, type Theme, type VSCode } from './harness';
import { HOSTILE, appendSteps, writeDemoRun, writeHostileRun } from './chartFixtures';

const RUNS = [
  { id: '20260101-100000-aaaaaaaa', name: 'lr-0.05', lr: 0.05, steps: 400, seed: 1 },
  { id: '20260101-110000-bbbbbbbb', name: 'lr-0.1', lr: 0.1, steps: 400, seed: 2 },
  { id: '20260101-120000-cccccccc', name: 'lr-0.3', lr: 0.3, steps: 400, seed: 3 },
];

async function demoWorkspace(extra?: (ws: string) => Promise<void>): Promise<string> {
  const ws = await tempWorkspace();
  for (const r of RUNS) await writeDemoRun(ws, r);
  await extra?.(ws);
  return ws;
}

// The e2e code is type-checked without the DOM library; these are the few browser shapes it touches.
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
const pwned = (): unknown => (globalThis as unknown as { __pwned?: number }).__pwned;

/** Non-transparent pixels of a canvas: a blank chart has none beyond its axes. */
async function inkedPixels(canvas: Locator): Promise<number> {
  return canvas.evaluate((el) => {
    const c = el as unknown as CanvasLike;
    const g = c.getContext('2d');
    if (!g) return 0;
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
    return n;
  });
}

async function openDashboard(vscode: VSCode, runName: string | RegExp): Promise<FrameLocator> {
  await vscode.runCommand('Trackside: Open Run Dashboard');
  await vscode.quickPickItems(runName).first().click();
  const frame = vscode.webview();
  await frame.locator('body[data-painted]').waitFor({ timeout: 60_000 });
  return frame;
}

async function openCompareAll(vscode: VSCode): Promise<FrameLocator> {
  await vscode.runCommand('Trackside: Compare Runs');
  await vscode.quickPickItems().first().waitFor();
  // The panel is already loading behind the pick, and the pick is still open (creating it took no focus).
  await vscode.waitForTab('Compare Runs');
  await vscode.quickPickItems().first().waitFor();
  const rows = vscode.quickPickItems();
  const n = await rows.count();
  for (let i = 0; i < n; i++) await rows.nth(i).click();
  await vscode.page.locator('.quick-input-widget .monaco-count-badge', { hasText: `${n} Selected` }).waitFor();
  await vscode.page.keyboard.press('Enter');
  const frame = vscode.webview();
  await frame.locator('body[data-painted]').waitFor({ timeout: 60_000 });
  return frame;
}

async function setControl(frame: FrameLocator, control: string, value: string): Promise<void> {
  await frame.locator(`[data-control="${control}"]`).evaluate((el, v) => {
    const input = el as unknown as { value: string; tagName: string; dispatchEvent(e: Event): boolean };
    input.value = v;
    input.dispatchEvent(new Event(input.tagName === 'INPUT' ? 'input' : 'change', { bubbles: true }));
  }, value);
}

async function signatureChange(canvas: Locator, before: string | null): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const now = await canvas.getAttribute('data-signature');
    if (now !== null && now !== before) return now;
    await delay(100);
  }
  assert.fail(`the chart did not change (signature still ${before})`);
}

for (const theme of ['dark', 'light'] as Theme[]) {
  vscodeTest(`dashboard and compare views draw real data (${theme})`, async () => ({ workspace: await demoWorkspace(), theme }), async (vscode) => {
    await vscode.waitForActivation();
    const dash = await openDashboard(vscode, 'lr-0.1');
    await dash.locator('h1', { hasText: 'lr-0.1' }).waitFor();
    const canvases = dash.locator('.card canvas');
    assert.ok((await canvases.count()) >= 4, 'a chart per metric key');
    const first = canvases.first();
    assert.ok(Number(await first.getAttribute('data-points')) >= 400, 'the train/loss chart holds the run');
    assert.ok((await inkedPixels(first)) > 2000, 'the chart is not blank');
    for (const group of ['train', 'val', 'System']) assert.ok(await dash.locator('h3.group-title', { hasText: group }).count(), `group ${group}`);
    assert.match(await dash.locator('.fields').innerText(), /python3 train\.py --lr 0\.1 --note 'it'\\''s fine'/);
    assert.match(await dash.locator('.fields').innerText(), /3f2a9c1d0e[\s\S]*dirty/);
    assert.equal(await dash.locator('.artifacts img').count(), 1, 'the image artifact is shown inline');
    assert.ok(await dash.locator('.artifacts img').evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0), 'and loads');
    await vscode.screenshot(`dashboard-${theme}`);

    // A cancelled pick takes the panel that was loading behind it away again.
    await vscode.runCommand('Trackside: Compare Runs');
    await vscode.waitForTab('Compare Runs');
    await vscode.page.keyboard.press('Escape');
    await vscode.page.locator('.tabs-container .tab').filter({ hasText: 'Compare Runs' }).waitFor({ state: 'detached' });

    const cmp = await openCompareAll(vscode);
    await cmp.locator('h1', { hasText: 'Compare 3 runs' }).waitFor();
    const lrRow = cmp.locator('table.params tr[data-key="lr"]');
    assert.equal(await lrRow.getAttribute('data-differs'), 'true');
    assert.ok((await lrRow.locator('td[data-differs="true"]').count()) >= 2, 'cells that differ from the baseline are marked');
    assert.equal(await cmp.locator('table.params tr[data-key="batch_size"]').count(), 0, 'equal params are hidden by default');
    // The highest learning rate converges fastest: best (lowest) loss and best (highest) accuracy.
    const runOrder = await cmp.locator('table.metrics thead .runhead button:not(.remove)').allInnerTexts();
    const bestIn = async (key: string): Promise<string> => {
      const cells = cmp.locator(`table.metrics tr[data-key="${key}"] td`);
      const n = await cells.count();
      for (let i = 0; i < n; i++) if ((await cells.nth(i).getAttribute('data-best')) === 'true') return runOrder[i]!;
      return '';
    };
    assert.equal(await bestIn('train/loss'), 'lr-0.3');
    assert.equal(await bestIn('val/acc'), 'lr-0.3');
    const chart = cmp.locator('.card[data-key="train/loss"] canvas');
    assert.equal(await chart.getAttribute('data-datasets'), '6', 'three runs, smoothed and raw');
    assert.ok((await inkedPixels(chart)) > 3000);
    // Parallel coordinates are drawn when scrolled near, not before.
    await cmp.locator('#par-title').evaluate((el) => el.scrollIntoView());
    await cmp.locator('canvas[data-lines]').waitFor({ state: 'attached' });
    assert.ok(Number(await cmp.locator('canvas[data-lines]').getAttribute('data-lines')) === 3, 'parallel coordinates draw every run');
    await cmp.locator('#charts-title').evaluate((el) => el.scrollIntoView());
    await vscode.screenshot(`compare-${theme}`);
    await cmp.locator('#metrics-title').evaluate((el) => el.scrollIntoView());
    await vscode.screenshot(`compare-summary-${theme}`);
    await cmp.locator('#par-title').evaluate((el) => el.scrollIntoView());
    await delay(300);
    await vscode.screenshot(`compare-relations-${theme}`);
  });
}

vscodeTest('smoothing, axis, scale, legend and zoom controls change the chart', async () => ({ workspace: await demoWorkspace() }), async (vscode) => {
  await vscode.waitForActivation();
  const cmp = await openCompareAll(vscode);
  const chart = cmp.locator('.card[data-key="train/loss"] canvas');
  await chart.waitFor();
  let sig = await chart.getAttribute('data-signature');

  await setControl(cmp, 'smoothing', '0');
  sig = await signatureChange(chart, sig);
  assert.equal(await chart.getAttribute('data-datasets'), '3', 'no smoothing: raw curves only');
  await setControl(cmp, 'smoothing', '0.9');
  sig = await signatureChange(chart, sig);
  assert.equal(await chart.getAttribute('data-datasets'), '6', 'smoothed curves with the raw ones faint behind');

  await setControl(cmp, 'x', 'relative');
  sig = await signatureChange(chart, sig);
  assert.equal(await chart.getAttribute('data-x'), 'relative');
  await setControl(cmp, 'x', 'step');
  await signatureChange(chart, sig);
  await setControl(cmp, 'y', 'log');
  await cmp.locator('.card[data-key="train/loss"] canvas[data-y="log"]').waitFor();

  // The legend hides a run in every chart.
  await cmp.locator(`.legend input[data-run="${RUNS[0]!.id}"]`).uncheck();
  await cmp.locator('.card[data-key="train/loss"] canvas[data-datasets="4"]').waitFor();
  await cmp.locator(`.legend input[data-run="${RUNS[0]!.id}"]`).check();

  // Zoom from the range inputs (the keyboard path); the host answers with data for that range.
  await cmp.locator('[data-control="from"]').fill('100');
  await cmp.locator('[data-control="to"]').fill('200');
  await cmp.locator('[data-control="zoom"]').click();
  await cmp.locator('.card[data-key="train/loss"] canvas[data-range="100,200"]').waitFor();
  // The axes zoom at once; the host's denser data for the range follows.
  for (let i = 0; i < 100 && Number(await chart.getAttribute('data-points')) >= 1200; i++) await delay(100);
  const zoomedPoints = Number(await chart.getAttribute('data-points'));
  assert.ok(zoomedPoints > 0 && zoomedPoints <= 3 * 101, `only the range is drawn (${zoomedPoints} points)`);
  await cmp.locator('[data-control="reset-zoom"]').click();
  await cmp.locator('.card[data-key="train/loss"] canvas[data-range=""]').waitFor();
  for (let i = 0; i < 50 && Number(await chart.getAttribute('data-points')) <= zoomedPoints; i++) await delay(100);
  assert.equal(Number(await chart.getAttribute('data-points')), 1200, 'reset shows every run again');

  // Charts use the width they have: no row of a group ends short of the grid's right edge with room left.
  const gaps = await cmp.locator('.chart-grid').evaluateAll((grids) => grids.map((g) => {
    const right = g.getBoundingClientRect().right;
    const cards = [...g.querySelectorAll('.card')].map((c) => c.getBoundingClientRect());
    return right - Math.max(...cards.map((c) => c.right));
  }));
  for (const gap of gaps) assert.ok(gap < 2, `a chart grid leaves ${gap.toFixed(0)} px empty at the right`);
  // One chart maximised spans the grid and grows; a redraw at the new size follows; Restore puts it back.
  const card = cmp.locator('.card[data-key="train/loss"]');
  const before = await card.boundingBox();
  const gridBox = await cmp.locator('.chart-grid', { has: card }).boundingBox();
  await card.locator('button', { hasText: 'Maximise' }).click();
  await cmp.locator('.card.maximized[data-key="train/loss"]').waitFor();
  const big = await card.boundingBox();
  assert.ok(before && big && gridBox);
  assert.ok(Math.abs(big.width - gridBox.width) < 2, `maximised card ${big.width} px of a ${gridBox.width} px grid`);
  assert.ok(big.height > before.height + 50, 'the maximised chart is taller');
  for (let i = 0; i < 50 && Number(await chart.evaluate((c) => (c as { clientWidth: number }).clientWidth)) < big.width - 40; i++) await delay(100);
  assert.ok((await chart.evaluate((c) => (c as { clientWidth: number }).clientWidth)) >= big.width - 40, 'the canvas is redrawn at the new width');
  await vscode.screenshot('chart-maximised');
  await card.locator('button', { hasText: 'Restore' }).click();
  await cmp.locator('.card:not(.maximized)[data-key="train/loss"]').waitFor();

  // Table alternative for screen readers.
  await cmp.locator('.card[data-key="train/loss"] button', { hasText: 'Table' }).click();
  assert.ok((await cmp.locator('.card[data-key="train/loss"] .table-alt tbody tr').count()) > 100);
});

vscodeTest('a live run\'s chart grows as the logger appends', async () => {
  let log = '';
  const ws = await demoWorkspace(async (w) => {
    log = await writeDemoRun(w, { id: '20260101-130000-dddddddd', name: 'live-run', lr: 0.2, steps: 100, status: null });
  });
  process.env.TRACKSIDE_E2E_LIVE_LOG = log;
  return { workspace: ws };
}, async (vscode) => {
  await vscode.waitForActivation();
  const dash = await openDashboard(vscode, 'live-run');
  const chart = dash.locator('.card[data-key="train/loss"] canvas');
  assert.equal(Number(await chart.getAttribute('data-points')), 100);
  const log = process.env.TRACKSIDE_E2E_LIVE_LOG!;
  const started = Date.now();
  await appendSteps(log, 100, 50);
  let points = 100;
  let refreshed = false;
  while (Date.now() - started < 30_000) {
    points = Number(await chart.getAttribute('data-points'));
    if (points >= 150) break;
    // Without a file watcher (or with a slow one) the refresh command indexes now.
    if (!refreshed && Date.now() - started > 5_000) {
      refreshed = true;
      await vscode.runCommand('Trackside: Refresh Runs');
    }
    await delay(50);
  }
  assert.equal(points, 150, 'the appended points reached the chart');
  // The webview stamps the frame that drew live points; polling adds up to 50 ms, the stamp does not.
  const drawnAt = Number(await dash.locator('body').getAttribute('data-live-drawn-at'));
  assert.ok(drawnAt >= started, 'the live points were drawn by an in-place update');
  console.log(`live: appended points drawn ${drawnAt - started} ms after the write (seen by polling at ${Date.now() - started} ms)${refreshed ? ' (after Refresh Runs)' : ''}`);
});

vscodeTest('run names and params full of HTML and script render as text', async () => ({ workspace: await demoWorkspace(writeHostileRun) }), async (vscode) => {
  await vscode.waitForActivation();
  const dialogs: string[] = [];
  vscode.page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const dash = await openDashboard(vscode, 'img src');
  await dash.locator('h1').filter({ hasText: HOSTILE.name }).waitFor();
  assert.equal(await dash.locator('img[src="x"]').count(), 0, 'the run name is not markup');
  assert.equal(await dash.locator('iframe').count(), 0, 'the notes are not markup');
  assert.equal(await dash.locator('b').count(), 0);
  assert.ok(await dash.locator('table.kv th', { hasText: HOSTILE.paramKey }).count(), 'the param key is shown as text');
  assert.ok(await dash.locator('table.kv td', { hasText: HOSTILE.paramValue }).count(), 'the param value is shown as text');
  assert.equal(await dash.locator('.artifacts img').count(), 0, 'an artifact outside the run folder is not loaded');
  assert.equal(await dash.locator('body').evaluate(pwned), undefined);

  const cmp = await openCompareAll(vscode);
  await cmp.locator('table.params th', { hasText: HOSTILE.paramKey }).waitFor();
  // Light DOM only: vscode-elements draw their own icons as SVG inside shadow roots.
  const injected = await cmp.locator('body').evaluate((body) =>
    (body as unknown as { querySelectorAll(s: string): { length: number } }).querySelectorAll('img[src="x"], script:not([nonce]), svg, b, iframe').length,
  );
  assert.equal(injected, 0, 'no element came from a log string');
  assert.equal(await cmp.locator('body').evaluate(pwned), undefined);
  assert.deepEqual(dialogs, []);
  assert.equal(await vscode.page.evaluate(pwned), undefined);
});
