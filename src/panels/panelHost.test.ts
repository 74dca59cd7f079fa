import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { FeatureContext } from '../core/services';

import type { ChartInbound } from '../protocol/common';
import type { DashboardRequest } from '../protocol/dashboard';
import { parseDashboardMessage } from '../protocol/dashboardGuards';
import { PanelHost } from './panelHost';

type Listener = (e: unknown) => void;

/** Just enough of a WebviewPanel: listeners by event, and a webview whose postMessage can be made to throw. */
function fakePanel() {
  const on: Record<string, Listener> = {};
  const subscribe = (name: string) => (fn: Listener) => {
    on[name] = fn;
    return { dispose: () => undefined };
  };
  const posted: unknown[] = [];
  const panel = {
    viewType: 'test.panel',
    visible: true,
    postFails: false,
    onDidDispose: subscribe('dispose'),
    onDidChangeViewState: subscribe('viewState'),
    dispose: () => undefined,
    webview: {
      onDidReceiveMessage: subscribe('message'),
      postMessage: async (m: unknown) => {
        if (panel.postFails) throw new Error('Webview is disposed');
        posted.push(m);
        return true;
      },
    },
  };
  return { panel, on, posted };
}

const ctx = { output: { warn: () => undefined, error: () => undefined, info: () => undefined } } as unknown as FeatureContext;
const settle = () => new Promise((r) => setImmediate(r));

class TestHost extends PanelHost<ChartInbound | DashboardRequest | { type: 'state'; state: unknown }, { type: 'notice'; level: 'info'; message: string }> {
  failWith: Error | undefined;
  constructor(panel: vscode.WebviewPanel) {
    super(panel, ctx, parseDashboardMessage);
  }
  protected async handle(): Promise<void> {
    if (this.failWith) throw this.failWith;
  }
  send(): Promise<boolean> {
    return this.post({ type: 'notice', level: 'info', message: 'hi' });
  }
  sendEarly(): Promise<boolean> {
    let sent = false;
    return this.beforeReady(async () => {
      sent = await this.send();
    }).then(() => sent);
  }
  sendAs(message: { type: 'notice'; level: 'info'; message: string }): Promise<boolean> {
    return this.post(message);
  }
}

test('post sends a message as given: a field named series is not taken for metric series', async () => {
  const { panel, on, posted } = fakePanel();
  const host = new TestHost(panel as unknown as vscode.WebviewPanel);
  on.message!({ type: 'ready' });
  await settle();
  // A histogram's bins under `series` (not steps, times and values): once rewritten as metric series, and thrown on.
  const message = { type: 'notice' as const, level: 'info' as const, message: 'hi', series: [{ key: 'weights', counts: [1, 2] }] };
  assert.equal(await host.sendAs(message), true);
  assert.equal(posted.length, 1);
  assert.equal(posted[0], message);
});

test('a failing handler on a panel closed meanwhile leaves no unhandled rejection', async (t) => {
  const unhandled: unknown[] = [];
  const listener = (err: unknown) => unhandled.push(err);
  process.on('unhandledRejection', listener);
  t.after(() => process.off('unhandledRejection', listener));
  // The last-resort catch logs to the console; the failed notice itself must not even get that far.
  t.mock.method(console, 'error', (...args: unknown[]) => unhandled.push(args));
  const { panel, on } = fakePanel();
  const host = new TestHost(panel as unknown as vscode.WebviewPanel);
  on.message!({ type: 'ready' });
  await settle();
  host.failWith = new Error('boom');
  panel.postFails = true;
  on.message!({ type: 'ready' });
  await settle();
  await settle();
  assert.deepEqual(unhandled, []);
});

test('a hidden panel is not posted to until its webview says ready again', async () => {
  const { panel, on, posted } = fakePanel();
  const host = new TestHost(panel as unknown as vscode.WebviewPanel);
  on.message!({ type: 'ready' });
  await settle();
  assert.equal(await host.send(), true);
  panel.visible = false;
  on.viewState!({ webviewPanel: panel });
  assert.equal(await host.send(), false);
  panel.visible = true;
  on.viewState!({ webviewPanel: panel });
  assert.equal(await host.send(), false);
  on.message!({ type: 'ready' });
  await settle();
  assert.equal(await host.send(), true);
  assert.equal(posted.length, 2);
});

test('a state sent while the page loads goes out before its ready; nothing else does', async () => {
  const { panel, on, posted } = fakePanel();
  const host = new TestHost(panel as unknown as vscode.WebviewPanel);
  assert.equal(await host.send(), false);
  assert.equal(await host.sendEarly(), true);
  assert.equal(await host.send(), false);
  assert.equal(posted.length, 1);
  on.message!({ type: 'ready' });
  await settle();
  assert.equal(await host.send(), true);
  assert.equal(posted.length, 2);
});
