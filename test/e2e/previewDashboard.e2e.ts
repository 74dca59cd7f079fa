// The preview dashboard (issues 16 and 18) in a real VS Code: opening run B from its row while run A's dashboard is
// open shows B in the same tab and the same loaded page (B's title, metrics and images; A's charts and media gone);
// "Keep Open" pins a dashboard so the next run opens in a new tab, which is then the one reused; "Open Dashboard to
// the Side" opens a panel of its own; a second comparison is drawn in the open compare view. After a reload, which
// panels come back is VS Code's: code-server saves its open editors on a timer, not on every reload, so it is not
// asserted here.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { E2E_START, e2eRun, tempWorkspace, vscodeTest, writeRun, type VSCode } from './harness';
import { mediaRun } from '../fixtures/media';
import { metrics, type LogRecord } from '../fixtures/records';

const A = '20260105-100000-aaaaaaaa';
const B = '20260105-110000-bbbbbbbb';
const C = '20260105-120000-cccccccc';

/** A media run with one metric of its own, so its charts tell it apart from the other's. */
function runWithOwnMetric(ws: string, id: string, name: string, own: string, tint: number, t0: number): LogRecord[] {
  const recs = mediaRun(join(ws, '.trackside', 'runs', id), id, { steps: 3, t0, tint, start: { ...E2E_START, name } });
  // Before the closing status record.
  return [...recs.slice(0, -1), metrics(0, { [own]: 1 }, t0), metrics(1, { [own]: 2 }, t0 + 1), recs[recs.length - 1]!];
}

const runTabs = (vscode: VSCode) => vscode.page.locator('.tabs-container .tab').filter({ hasText: /Run: preview-/ });

async function tabTitles(vscode: VSCode): Promise<string[]> {
  return (await runTabs(vscode).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()).sort();
}

async function openFromRow(vscode: VSCode, name: string, item = 'Open Run Dashboard'): Promise<void> {
  const runs = await vscode.view('Runs');
  // A right click while the panel just opened is still taking focus can bring no menu (seen in CI): ask again.
  for (let attempt = 1; ; attempt++) {
    try {
      await vscode.contextMenu(await vscode.waitForTreeItemByLabel(runs, name), item);
      // A row redrawn from the index between the right click and the command leaves the command without its run
      // (VS Code: "No tree item with id …"); it then asks which run, as it does from the palette (seen in CI).
      const asked = vscode.page.locator('.quick-input-widget', { hasText: item });
      if (await asked.waitFor({ state: 'visible', timeout: 1_500 }).then(() => true, () => false)) await vscode.pickQuickItem(name);
      return;
    } catch (err) {
      if (attempt === 3) throw err;
      await vscode.page.keyboard.press('Escape');
    }
  }
}

async function shows(frame: FrameLocator, name: string): Promise<void> {
  await frame.locator('h1').filter({ hasText: name }).waitFor({ timeout: 60_000 });
  await frame.locator('body[data-painted]').waitFor({ timeout: 60_000 });
}

/** Compare Runs from the palette, picking these runs by name. */
async function compare(vscode: VSCode, names: string[]): Promise<FrameLocator> {
  await vscode.runCommand('Trackside: Compare Runs');
  for (const name of names) await vscode.quickPickItems(name).first().click();
  await vscode.page.locator('.quick-input-widget .monaco-count-badge', { hasText: `${names.length} Selected` }).waitFor();
  await vscode.page.keyboard.press('Enter');
  const frame = vscode.webview();
  await frame.locator('body[data-painted]').waitFor({ timeout: 60_000 });
  return frame;
}

vscodeTest(
  'preview dashboard: another run reuses the open page; a kept panel is not reused; to the side opens a new one',
  async () => {
    const ws = await tempWorkspace();
    const t0 = Date.now() / 1000 - 600;
    await writeRun(ws, A, runWithOwnMetric(ws, A, 'preview-a', 'a/only', 40, t0));
    await writeRun(ws, B, runWithOwnMetric(ws, B, 'preview-b', 'b/only', 200, t0));
    await writeRun(ws, C, e2eRun(C, 'preview-c'));
    return { workspace: ws, theme: 'dark' };
  },
  async (vscode) => {
    await vscode.openTrackside();
    const runs = await vscode.view('Runs');
    for (const name of ['preview-a', 'preview-b', 'preview-c']) await vscode.waitForTreeItemByLabel(runs, name, 60_000);

    await openFromRow(vscode, 'preview-a');
    const dash = vscode.webview();
    await shows(dash, 'preview-a');
    const body = dash.locator('body');
    await dash.locator('.card[data-key="a/only"] canvas').waitFor();
    await dash.locator('section.media-key[data-key="samples"] img.media-img').waitFor();
    const pageStart = await body.getAttribute('data-page-start');
    const paints = Number(await body.getAttribute('data-painted'));

    // B from its row: the same tab, the same page (not loaded again), B's content only.
    await openFromRow(vscode, 'preview-b');
    await shows(dash, 'preview-b');
    await vscode.waitForTab('Run: preview-b');
    assert.deepEqual(await tabTitles(vscode), ['Run: preview-b'], 'one dashboard tab, titled for B');
    assert.equal(await body.getAttribute('data-page-start'), pageStart, 'B was drawn in the page that showed A');
    assert.ok(Number(await body.getAttribute('data-painted')) > paints, 'the page painted again');
    await dash.locator('.card[data-key="b/only"] canvas').waitFor();
    assert.equal(await dash.locator('.card[data-key="a/only"]').count(), 0, "A's charts are gone");
    assert.equal(await dash.locator('h1').filter({ hasText: 'preview-a' }).count(), 0);
    const img = dash.locator('section.media-key[data-key="samples"] img.media-img');
    await img.first().waitFor();
    assert.equal(await img.count(), 1, 'one run of images');
    assert.match((await img.first().getAttribute('src')) ?? '', new RegExp(B), "B's image, from B's folder");
    await img.first().evaluate((el) => {
      const i = el as unknown as { complete: boolean; naturalWidth: number; addEventListener(type: 'load', f: () => void): void };
      return i.complete && i.naturalWidth > 0 ? undefined : new Promise<void>((done) => i.addEventListener('load', () => done()));
    }, undefined, { timeout: 30_000 });
    assert.equal(await dash.locator(`.media-run[data-run="${A}"]`).count(), 0, "A's media are gone");
    await vscode.screenshot('preview-reused-b');

    // Keep Open: the title bar action pins B and goes away; A then opens in a new tab, which is the preview now.
    const keep = vscode.page.locator('.editor-actions .action-label[aria-label^="Keep Open"]');
    await keep.click();
    await keep.waitFor({ state: 'hidden' });
    await openFromRow(vscode, 'preview-a');
    await vscode.waitForTab('Run: preview-a');
    assert.deepEqual(await tabTitles(vscode), ['Run: preview-a', 'Run: preview-b'], 'the kept panel was not reused');
    await openFromRow(vscode, 'preview-c');
    await vscode.waitForTab('Run: preview-c');
    assert.deepEqual(await tabTitles(vscode), ['Run: preview-b', 'Run: preview-c'], "C reused A's panel, not the kept B");
    await shows(vscode.webview(), 'preview-c');
    await vscode.screenshot('preview-kept-b-reused-c');

    // To the side: a panel of its own beside the others, whatever is open.
    await vscode.openTrackside();
    await openFromRow(vscode, 'preview-a', 'Open Dashboard to the Side');
    await vscode.waitForTab('Run: preview-a');
    assert.deepEqual(await tabTitles(vscode), ['Run: preview-a', 'Run: preview-b', 'Run: preview-c']);
    assert.equal(await vscode.page.locator('.editor-group-container').count(), 2, 'opened in a second editor group');
    await vscode.screenshot('preview-to-side');

    // The compare view alike: a second comparison is drawn in the open one's page.
    await vscode.runCommand('View: Close All Editors');
    const first = await compare(vscode, ['preview-a', 'preview-b']);
    await first.locator('.legend label').filter({ hasText: 'preview-b' }).waitFor();
    const comparedAt = await first.locator('body').getAttribute('data-page-start');
    await compare(vscode, ['preview-a', 'preview-c']);
    const cmp = vscode.webview();
    await cmp.locator('.legend label').filter({ hasText: 'preview-c' }).waitFor({ timeout: 60_000 });
    assert.equal(await cmp.locator('.legend label').filter({ hasText: 'preview-b' }).count(), 0, "B is not in the new comparison");
    assert.equal(await vscode.page.locator('.tabs-container .tab').filter({ hasText: /Compare/ }).count(), 1, 'one compare tab');
    assert.equal(await cmp.locator('body').getAttribute('data-page-start'), comparedAt, 'drawn in the page of the first comparison');
    await vscode.screenshot('preview-compare-reused');
  },
  300_000,
);
