// Media by step (issue 16) in a real VS Code: a run logging an image, a histogram, a table and a text; the dashboard's
// step slider changes the image, a deleted file shows as missing, a hostile caption stays text, the table sorts, a
// live run's new step is followed, and the compare view shows two runs' images side by side at one step.
import assert from 'node:assert/strict';
import { appendFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import { delay, tempWorkspace, vscodeTest, writeRun, type VSCode } from './harness';
import { E2E_START } from './harness';
import { mediaRun, stepPng, writeFile } from '../fixtures/media';
import { encodeLine, mediaImages, metrics, start, type LogRecord } from '../fixtures/records';

const HOSTILE_CAPTION = '<img src=x onerror=alert(1)>';
const A = '20260102-100000-aaaaaaaa';
const B = '20260102-110000-bbbbbbbb';
const STEPS = 5;

const pwned = (): unknown => (globalThis as unknown as { __pwned?: number }).__pwned;

interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}

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

/** Moves a key's slider to `index` as a user's drag does (an `input` event) and waits for that step to show. */
async function slide(section: Locator, index: number, step: number | 'latest'): Promise<number> {
  await section.locator('input.media-slider').evaluate((el, v) => {
    const input = el as unknown as { value: string; dispatchEvent(e: Event): boolean };
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, index);
  await section.locator(`xpath=self::*[@data-shown-step="${step}"]`).waitFor({ timeout: 10_000 });
  return Number(await section.getAttribute('data-ms'));
}

async function openDashboard(vscode: VSCode, runName: string): Promise<FrameLocator> {
  await vscode.runCommand('Trackside: Open Run Dashboard');
  await vscode.quickPickItems(runName).first().click();
  const frame = vscode.webview();
  await frame.locator('body[data-painted]').waitFor({ timeout: 60_000 });
  return frame;
}

vscodeTest(
  'media: slider, missing file, hostile caption, sorted table, text, histograms, live step, compare side by side',
  async () => {
    const ws = await tempWorkspace();
    const t0 = Date.now() / 1000 - 600;
    for (const [id, name, tint] of [[A, 'media-a', 40], [B, 'media-b', 200]] as const) {
      const dir = join(ws, '.trackside', 'runs', id);
      const caption = (s: number) => (id === A && s === STEPS - 1 ? HOSTILE_CAPTION : `step ${s}`);
      await writeRun(ws, id, mediaRun(dir, id, { steps: STEPS, t0, tint, caption, start: { ...E2E_START, name } }));
    }
    // Deleted after logging: shown as missing, nothing else breaks.
    await rm(join(ws, '.trackside', 'runs', A, 'media', 'samples', '1-0.png'));
    return { workspace: ws, theme: 'dark' };
  },
  async (vscode) => {
    const dialogs: string[] = [];
    vscode.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await vscode.openTrackside();
    const dash = await openDashboard(vscode, 'media-a');
    const samples = dash.locator('section.media-key[data-key="samples"]');
    await samples.locator('img.media-img').waitFor({ timeout: 30_000 });
    // Latest first, with the hostile caption as text.
    assert.equal(await samples.getAttribute('data-shown-step'), 'latest');
    assert.equal(await samples.locator('figcaption').textContent(), HOSTILE_CAPTION);
    assert.equal(await samples.locator('figcaption img').count(), 0, 'the caption made no element');
    const latestSrc = await samples.locator('img.media-img').getAttribute('src');
    assert.match(latestSrc ?? '', /4-0\.png$/);
    await vscode.screenshot('media-dashboard-latest');

    // The slider: step 0's image, then step 1's deleted file shown as missing.
    const ms0 = await slide(samples, 0, 0);
    assert.match((await samples.locator('img.media-img').getAttribute('src')) ?? '', /0-0\.png$/);
    assert.equal(await samples.locator('figcaption').textContent(), 'step 0');
    await slide(samples, 1, 1);
    await samples.locator('.media-missing').waitFor();
    assert.match((await samples.locator('.media-missing').textContent()) ?? '', /Missing: media\/samples\/1-0\.png/);
    const ms2 = await slide(samples, 2, 2);
    assert.match((await samples.locator('img.media-img').getAttribute('src')) ?? '', /2-0\.png$/);
    // Zoom: a click shows the image at 4× its pixels.
    const img = samples.locator('img.media-img');
    const fit = (await img.boundingBox())?.width ?? 0;
    await img.click();
    const zoomed = (await img.boundingBox())?.width ?? 0;
    assert.ok(zoomed > fit, `zoomed ${zoomed} > fit ${fit}`);
    await img.click();
    console.log(`slider answers: ${ms0} ms (asked the host), ${ms2} ms`);
    assert.ok(ms2 <= 100, `the slider answered in ${ms2} ms`);

    // The table sorts by a column, both ways.
    const preds = dash.locator('section.media-key[data-key="preds"]');
    const predColumn = () => preds.locator('tbody tr td:nth-child(2)').allTextContents();
    await preds.locator('tbody tr').first().waitFor();
    assert.deepEqual(await predColumn(), ['0', '2', '4', '1', '3']);
    await preds.locator('button.media-sort', { hasText: 'pred' }).click();
    await preds.locator('button.media-sort[aria-sort="ascending"]').waitFor();
    assert.deepEqual(await predColumn(), ['0', '1', '2', '3', '4']);
    await preds.locator('button.media-sort', { hasText: 'pred' }).click();
    await preds.locator('button.media-sort[aria-sort="descending"]').waitFor();
    assert.deepEqual(await predColumn(), ['4', '3', '2', '1', '0']);
    assert.equal(await preds.locator('tbody img.media-cell-img').count(), 1, 'the image cell shows its image');

    // Text is text: the markup in it is shown, not made.
    const note = dash.locator('section.media-key[data-key="note"] pre.media-text');
    assert.match((await note.textContent()) ?? '', /<b>not bold<\/b> and \*not italic\*/);
    assert.equal(await note.locator('b').count(), 0);

    // Histograms over steps: ridges, then the heat map.
    const weights = dash.locator('section.media-key[data-key="weights"]');
    const canvas = weights.locator('canvas.media-hist');
    await canvas.waitFor();
    await delay(300);
    assert.ok((await inkedPixels(canvas)) > 500, 'the ridges are drawn');
    await weights.locator('input[value="heat"]').check();
    await delay(300);
    assert.ok((await inkedPixels(weights.locator('canvas.media-hist'))) > 500, 'the heat map is drawn');
    await weights.scrollIntoViewIfNeeded();
    await vscode.screenshot('media-dashboard-table-hist');

    // A live run: a new step's image is followed while "Latest" is on.
    // The last step turns "Latest" on again.
    await slide(samples, STEPS - 1, 'latest');
    const dir = join(vscode.workspace, '.trackside', 'runs', A);
    writeFile(dir, 'media/samples/9-0.png', stepPng(9));
    await appendFile(join(dir, 'events.jsonl'), encodeLine(mediaImages(9, 'samples', [{ path: 'media/samples/9-0.png', width: 32, height: 32, format: 'png', bytes: 1, caption: 'live step 9' }])) + '\n');
    const live = samples.locator('figcaption', { hasText: 'live step 9' });
    // Without a file watcher (or with a slow one) the refresh command indexes now, as charts.e2e.ts does.
    if (!(await live.waitFor({ timeout: 5_000 }).then(() => true, () => false))) await vscode.runCommand('Trackside: Refresh Runs');
    await live.waitFor({ timeout: 30_000 });
    assert.match((await samples.locator('img.media-img').getAttribute('src')) ?? '', /9-0\.png$/);

    // Open in editor: VS Code's image preview opens the file.
    await samples.locator('button.media-open').first().click();
    await vscode.waitForTab('9-0.png');
    // The preview has loaded (its size in the status bar) and holds the focus: a quick pick opened before that closes.
    await vscode.page.locator('.statusbar', { hasText: '32x32' }).waitFor({ timeout: 30_000 });

    // Compare: both runs' images side by side, one slider.
    await vscode.runCommand('Trackside: Compare Runs');
    await vscode.quickPickItems().first().waitFor();
    const rows = vscode.quickPickItems();
    const n = await rows.count();
    for (let i = 0; i < n; i++) await rows.nth(i).click();
    await vscode.page.keyboard.press('Enter');
    const cmp = vscode.webview();
    await cmp.locator('body[data-painted]').waitFor({ timeout: 60_000 });
    const both = cmp.locator('section.media-key[data-key="samples"]');
    await both.locator('.media-run img.media-img').nth(1).waitFor({ timeout: 30_000 });
    assert.equal(await both.locator('.media-run').count(), 2);
    await slide(both, 3, 3);
    const srcs = await both.locator('img.media-img').evaluateAll((els) => els.map((e) => (e as unknown as { src: string }).src));
    assert.equal(srcs.length, 2);
    assert.ok(srcs.every((s) => /3-0\.png$/.test(s)), srcs.join(' '));
    assert.ok(srcs[0] !== srcs[1]);
    await both.scrollIntoViewIfNeeded();
    await vscode.screenshot('media-compare');

    assert.equal(await dash.locator('body').evaluate(pwned).catch(() => undefined), undefined);
    assert.deepEqual(dialogs, []);
  },
);

const MANY = 10_000;

vscodeTest(
  'media: a run with 10,000 logged images opens its dashboard and answers the slider quickly',
  async () => {
    const ws = await tempWorkspace();
    const id = '20260103-100000-cccccccc';
    const dir = join(ws, '.trackside', 'runs', id);
    const t0 = Date.now() / 1000 - 600;
    const recs: LogRecord[] = [];
    for (let s = 0; s < MANY; s++) {
      const rel = `media/samples/${s}-0.png`;
      // Every hundredth step its own picture, so a far move shows a different image.
      writeFile(dir, rel, stepPng(Math.floor(s / 100) % 7));
      recs.push(mediaImages(s, 'samples', [{ path: rel, width: 32, height: 32, format: 'png', bytes: 100, caption: `step ${s}` }], t0 + s / 100));
    }
    await writeRun(ws, id, [start({ ...E2E_START, id, name: 'many-images', ts: t0 }), metrics(0, { loss: 1 }, t0), ...recs]);
    return { workspace: ws, theme: 'dark' };
  },
  async (vscode) => {
    await vscode.openTrackside();
    await vscode.waitForTreeItem(await vscode.view('Runs'), 'many-images');
    await vscode.runCommand('Trackside: Open Run Dashboard');
    const item = vscode.quickPickItems('many-images').first();
    await item.waitFor();
    const started = Date.now();
    await item.click();
    const dash = vscode.webview();
    const samples = dash.locator('section.media-key[data-key="samples"]');
    await dash.locator('body[data-painted]').waitFor({ timeout: 60_000 });
    const paintedMs = Date.now() - started;
    await samples.locator('img.media-img').waitFor({ timeout: 60_000 });
    const openMs = Date.now() - started;
    const paintLine = (await vscode.tracksideLog()).split('\n').find((l) => l.includes('Dashboard of')) ?? '';
    // Far moves, none prefetched: each asks the host.
    const far: number[] = [];
    for (const index of [1234, 5678, 9001, 3000, 7777, 42]) far.push(await slide(samples, index, index));
    const near = await slide(samples, 43, 43);
    await vscode.screenshot('media-many-images');
    console.log(`10,000 images: click to charts painted ${paintedMs} ms, to first image ${openMs} ms (${paintLine.trim()}); slider far moves ${far.join(', ')} ms, next step (prefetched) ${near} ms`);
    assert.match((await samples.locator('img.media-img').getAttribute('src')) ?? '', /43-0\.png$/);
    // The median: on a shared two-core machine one answer in several can wait for another process.
    const median = [...far].sort((a, b) => a - b)[Math.floor(far.length / 2)];
    assert.ok(median <= 100, `slider answers ${far.join(', ')} ms`);
  },
);
