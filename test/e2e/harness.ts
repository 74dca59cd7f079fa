// The e2e harness: a real VS Code (code-server) with Trackside loaded, driven by headless Chromium through
// playwright-core. Each `vscodeTest` gets a fresh profile and server, screenshots on failure, and stops every
// process it started, also when the test fails. See README.md beside this file.
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test, type TestContext } from 'node:test';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { repoRoot } from '../../scripts/vscode-server';
import { startServer, type RunningServer, type ServerOptions } from '../../scripts/vscode-launch';
import { LOG_FILE } from '../../src/store';
import { logText, type LogRecord } from '../fixtures/records';
import { simpleRun, type SimpleRunOptions } from '../fixtures/runs';

export type { ServerOptions, Theme } from '../../scripts/vscode-launch';

export const resultsDir = join(repoRoot, 'test-results');

export interface VSCodeOptions extends Omit<ServerOptions, 'workspace'> {
  /** Folder to open; a fresh empty temp folder when absent. */
  workspace?: string;
  /** Browser viewport; screenshots for docs look best at the default. */
  viewport?: { width: number; height: number };
  /** With `trust: false`: answer the trust prompt ("restricted" clicks "No, I don't trust the authors"). */
  trustAnswer?: 'trust' | 'restricted' | 'none';
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** One running VS Code window and the helpers a test drives it with. */
export class VSCode {
  private shots = 0;

  private constructor(
    readonly page: Page,
    readonly server: RunningServer,
    readonly workspace: string,
    private readonly browser: Browser,
    private readonly testName: string,
  ) {}

  static async launch(testName: string, options: VSCodeOptions = {}): Promise<VSCode> {
    const workspace = options.workspace ?? (await mkdtemp(join(tmpdir(), 'trackside-ws-')));
    const server = await startServer({ ...options, workspace });
    let browser: Browser | undefined;
    let vscode: VSCode | undefined;
    try {
      browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1440, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      vscode = new VSCode(page, server, workspace, browser, testName);
      // The workbench is waited for below; on a loaded machine the page's own load event can take over 30 s.
      await page.goto(server.url, { waitUntil: 'domcontentloaded', timeout: 90_000 });
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      if (options.trust === false && (options.trustAnswer ?? 'restricted') !== 'none') {
        await vscode.answerTrust(options.trustAnswer === 'trust');
      }
      // The activity bar is built after the workbench shell; wait so helpers start from a usable window.
      await page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
      return vscode;
    } catch (err) {
      // A window that never became usable is the hardest failure to guess at: keep what it showed.
      await vscode?.saveFailure().catch(() => {});
      await browser?.close().catch(() => {});
      await server.stop();
      throw err;
    }
  }

  /** Answers the workspace-trust dialog of a server started with `trust: false`. */
  async answerTrust(trust: boolean): Promise<void> {
    const label = trust ? /Yes, I trust the authors/ : /No, I don't trust the authors/;
    await this.page.getByRole('button', { name: label }).click({ timeout: 60_000 });
  }

  /** Opens the Trackside container from the activity bar and returns its side bar. */
  async openTrackside(): Promise<Locator> {
    const item = this.page.locator('.part.activitybar').getByRole('tab', { name: /^Trackside/ });
    await item.waitFor({ state: 'visible', timeout: 60_000 });
    const sidebar = this.page.locator('.part.sidebar');
    const title = sidebar.locator('.composite.title .title-label');
    const ours = title.filter({ hasText: /trackside/i });
    // A window restored after a reload may keep Trackside as the side bar's container with the side bar itself
    // collapsed: its title then reads Trackside but is hidden, and the click shows it. While the workbench is
    // still restoring, a click can go unheeded (seen in CI: the side bar stayed closed), or land after the side
    // bar opened by itself and close it: each is seen and clicked again.
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await ours.isVisible().catch(() => false)) return sidebar;
      await item.click();
      if (await ours.waitFor({ timeout: 10_000 }).then(() => true, () => false)) return sidebar;
    }
    await ours.waitFor({ timeout: 10_000 });
    return sidebar;
  }

  /** A view pane in the side bar by its name (e.g. "Runs"), expanded. */
  async view(name: string | RegExp): Promise<Locator> {
    const pane = this.page.locator('.part.sidebar .pane').filter({
      has: this.page.locator('.pane-header').filter({ hasText: name }),
    });
    await pane.first().waitFor({ timeout: 30_000 });
    const header = pane.first().locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    return pane.first();
  }

  /** Tree items (rows) of a view, optionally only those whose text matches. */
  treeItems(view: Locator, text?: string | RegExp): Locator {
    const rows = view.locator('.monaco-list-row[role="treeitem"]');
    return text === undefined ? rows : rows.filter({ hasText: text });
  }

  /** The tree item whose label (not its description) is exactly `label`, or matches it when a RegExp. */
  treeItemByLabel(view: Locator, label: string | RegExp): Locator {
    return view
      .locator('.monaco-list-row[role="treeitem"]')
      .filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) })
      .first();
  }

  /** Waits until the tree item labelled exactly `label` shows in the view and returns it. */
  async waitForTreeItemByLabel(view: Locator, label: string | RegExp, timeout = 30_000): Promise<Locator> {
    const item = this.treeItemByLabel(view, label);
    await item.waitFor({ state: 'visible', timeout });
    return item;
  }

  /** Waits until a tree item with this text (label or description) shows in the view and returns it. */
  async waitForTreeItem(view: Locator, text: string | RegExp, timeout = 30_000): Promise<Locator> {
    const item = this.treeItems(view, text).first();
    await item.waitFor({ state: 'visible', timeout });
    return item;
  }

  /**
   * Runs a command from the palette (F1) by its title as shown there, e.g. "Trackside: Refresh Runs", and fails
   * if VS Code reports it failed (a command that is missing or throws opens an error dialog). `settle` is how
   * long to watch for that dialog; commands that ask for input show their quick pick meanwhile.
   */
  async runCommand(title: string, { settle = 1000 }: { settle?: number } = {}): Promise<void> {
    await this.focusWorkbench();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const row = this.page
      .locator('.quick-input-widget .monaco-list-row')
      .filter({ hasText: title })
      .first();
    await row.waitFor({ state: 'visible' });
    await row.click();
    const failure = this.page.locator('.monaco-dialog-box').filter({ hasText: /resulted in an error/ });
    if (await failure.waitFor({ state: 'visible', timeout: settle }).then(() => true, () => false)) {
      const text = (await failure.innerText()).replace(/\s+/g, ' ').trim();
      await this.screenshot('command-error').catch(() => {});
      await this.page.keyboard.press('Escape');
      throw new Error(`command "${title}" failed: ${text}`);
    }
  }

  /** Quick pick rows currently shown (for commands that ask). */
  quickPickItems(text?: string | RegExp): Locator {
    const rows = this.page.locator('.quick-input-widget .monaco-list-row');
    return text === undefined ? rows : rows.filter({ hasText: text });
  }

  /** Waits for the quick pick row labelled exactly `label` (or matching a RegExp) and accepts it. */
  async pickQuickItem(label: string | RegExp, timeout = 30_000): Promise<void> {
    const row = this.page
      .locator('.quick-input-widget .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) })
      .first();
    await row.waitFor({ state: 'visible', timeout });
    await row.click();
  }

  /** Right-clicks `row` and runs the context menu item labelled exactly `label`. */
  async contextMenu(row: Locator, label: string): Promise<void> {
    await row.click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu');
    const item = menu.getByText(label, { exact: true }).first();
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    // A menu ignores a click that comes right after it opened (VS Code guards against the mouse-up of the
    // right click); click again while it still shows.
    for (let i = 0; i < 5 && (await menu.isVisible()); i++) {
      await delay(300);
      await item.click({ timeout: 5_000 }).catch(() => {});
    }
  }

  /** The content frame of a webview panel: VS Code nests it as `iframe.webview` → `#active-frame`. */
  webview(index = 0): FrameLocator {
    return this.page.locator('iframe.webview.ready').locator('visible=true').nth(index).contentFrame().frameLocator('#active-frame');
  }

  /** Waits for an editor tab with this title and returns it. */
  async waitForTab(title: string | RegExp, timeout = 30_000): Promise<Locator> {
    const tab = this.page.locator('.tabs-container .tab').filter({ hasText: title }).first();
    await tab.waitFor({ state: 'visible', timeout });
    return tab;
  }

  /** Notification toasts' text, newest last. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  }

  async waitForNotification(text: string | RegExp, timeout = 30_000): Promise<Locator> {
    const toast = this.page.locator('.notifications-toasts .notification-list-item').filter({ hasText: text }).first();
    await toast.waitFor({ state: 'visible', timeout });
    return toast;
  }

  /**
   * Saves a PNG of the window into test-results/<test>/<name>.png; with TRACKSIDE_SCREENSHOTS=<dir> also as
   * <dir>/<name>.png (how the README's images are made). Returns the test-results path.
   */
  async screenshot(name?: string): Promise<string> {
    const file = `${name ?? `shot-${++this.shots}`}.png`;
    const dir = join(resultsDir, safeName(this.testName));
    await mkdir(dir, { recursive: true });
    const path = join(dir, file);
    const png = await this.page.screenshot({ animations: 'disabled' });
    await writeFile(path, png);
    const docs = process.env.TRACKSIDE_SCREENSHOTS;
    if (docs && name) {
      const target = resolve(repoRoot, docs);
      await mkdir(target, { recursive: true });
      await writeFile(join(target, file), png);
    }
    return path;
  }

  /** The extension host's log (activation, errors of every extension), as far as written. */
  async extensionHostLog(): Promise<string> {
    const files = await findFiles(join(this.server.userDataDir, 'logs'), (p) => /exthost\d*\.log$|remoteexthost\.log$/.test(p));
    const texts = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => '')));
    return texts.join('\n');
  }

  /** Lines of Trackside's own output channel (a LogOutputChannel writes a file per window). */
  async tracksideLog(): Promise<string> {
    const files = await findFiles(join(this.server.userDataDir, 'logs'), (p) => /[/\\]Trackside\.log$/.test(p));
    const texts = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => '')));
    return texts.join('\n');
  }

  /** Polls until the extension host logs Trackside's activation. */
  async waitForActivation(timeout = 60_000): Promise<void> {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      if (/_doActivateExtension trackside\.trackside/.test(await this.extensionHostLog())) return;
      await delay(500);
    }
    throw new Error('Trackside did not activate (no activation in the extension host log)');
  }

  private async focusWorkbench(): Promise<void> {
    // Keys go to the focused frame: leave any webview first, or F1 would be typed into it.
    await this.page.locator('.part.statusbar').click({ position: { x: 2, y: 2 } }).catch(() => {});
  }

  /** Saves what a failure needs to be understood: a screenshot, the server output, the extension host log. */
  async saveFailure(): Promise<void> {
    const dir = join(resultsDir, safeName(this.testName));
    await mkdir(dir, { recursive: true });
    await this.screenshot('failure').catch(() => {});
    await writeFile(join(dir, 'server.log'), this.server.output()).catch(() => {});
    await writeFile(join(dir, 'exthost.log'), await this.extensionHostLog()).catch(() => {});
    await writeFile(join(dir, 'trackside.log'), await this.tracksideLog()).catch(() => {});
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => {});
    await this.server.stop();
  }
}

/**
 * Declares a node:test test that gets its own VS Code. On failure it saves a screenshot and logs under
 * test-results/<test name>/; the browser and the server's process group are stopped either way.
 */
export function vscodeTest(
  name: string,
  options: VSCodeOptions | (() => Promise<VSCodeOptions>),
  body: (vscode: VSCode, t: TestContext) => Promise<void>,
  timeout = 180_000,
): void {
  test(name, { timeout }, async (t) => {
    const resolved = typeof options === 'function' ? await options() : options;
    const vscode = await VSCode.launch(name, resolved);
    // A test that times out is abandoned, not stopped, and the runner exits soon after: record what the window
    // shows shortly before the limit, and close window and server as soon as the test is given up.
    const snapshot = setTimeout(() => void vscode.saveFailure(), Math.max(1000, timeout - 8000));
    const onAbort = () => void vscode.close();
    t.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await body(vscode, t);
    } catch (err) {
      await vscode.saveFailure();
      throw err;
    } finally {
      clearTimeout(snapshot);
      t.signal.removeEventListener('abort', onAbort);
      await vscode.close();
    }
  });
}

/** Writes a run's log into the workspace's `.trackside` (the demo uses real training processes instead). */
export async function writeRun(workspace: string, runId: string, lines: readonly (LogRecord | string)[]): Promise<string> {
  const dir = join(workspace, '.trackside', 'runs', runId);
  await mkdir(dir, { recursive: true });
  const path = join(dir, LOG_FILE);
  await writeFile(path, logText(lines));
  return path;
}

/** Start fields every e2e run shares unless it says otherwise. */
export const E2E_START = { project: 'e2e', tags: ['e2e'], argv: ['train.py'], cwd: '/tmp', executable: 'python3', env: {} };

/**
 * The shared simpleRun as the e2e tests show it: a finished run named `name`, started ten minutes ago, with
 * `train/loss` and `val/acc` curves that depend on `lr` and a summary.
 */
export function e2eRun(runId: string, name: string, steps = 20, extra: { lr?: number; t0?: number; start?: SimpleRunOptions['start'] } = {}): LogRecord[] {
  const lr = extra.lr ?? 0.1;
  return simpleRun(runId, steps, {
    t0: extra.t0 ?? Date.now() / 1000 - 600,
    lr,
    start: { ...E2E_START, name, ...extra.start },
    params: { lr, model: { layers: 2 } },
    values: (step) => ({ 'train/loss': 1 / (1 + lr * step), 'val/acc': 1 - 1 / (2 + step) }),
    summary: { best_acc: 1 - 1 / (1 + steps) },
    status: 'finished',
  });
}

/** A fresh temp folder for a workspace. */
export function tempWorkspace(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'trackside-ws-'));
}

async function findFiles(dir: string, match: (path: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && match(path)) out.push(path);
  }
  return out.sort();
}

/** A string as a whole-text match (quick pick and tree labels are matched exactly, not as substrings). */
function exactly(label: string | RegExp): RegExp {
  return typeof label === 'string' ? new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : label;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-|-$/g, '').slice(0, 80) || 'test';
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
