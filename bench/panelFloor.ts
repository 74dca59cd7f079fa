// The floor of the panel benches, measured in the same VS Code as the panel: an empty webview panel opened the way
// a chart panel is (the extension's `trackside.bench.emptyPanel`, registered with a status bar item only with
// TRACKSIDE_BENCH_FLOOR=1; see src/panels/floorPanel.ts), its page posting `ready` and stamping the host's answer.
// From the click to that stamp is VS Code creating a webview and one round trip, which no panel of ours can beat.
import { delay, type VSCode } from '../test/e2e/harness';

export const FLOOR_ENV = { TRACKSIDE_BENCH_FLOOR: '1' };
const item = (vscode: VSCode) => vscode.page.locator('.statusbar-item').filter({ hasText: 'Open empty panel' }).first();

/** Waits for the extension's status bar item that opens the floor panel. */
export async function floorReady(vscode: VSCode): Promise<void> {
  await item(vscode).waitFor({ timeout: 60_000 });
}

/** ms from the click to the empty panel's answered `ready`, then closes it. */
export async function openFloor(vscode: VSCode): Promise<number> {
  const target = item(vscode);
  await target.waitFor();
  await delay(300);
  const pressed = Date.now();
  await target.click();
  const body = vscode.webview().locator('body[data-painted]');
  await body.waitFor({ state: 'attached', timeout: 60_000 });
  const ms = Math.round(Number(await body.getAttribute('data-painted-at')) - pressed);
  const created = Math.round(Number(await body.getAttribute('data-page-start')) - pressed);
  console.log(`floor: page started ${created} ms after the click, ready ${await body.getAttribute('data-ready-ms')} ms after that, answered at ${ms} ms`);
  await vscode.runCommand('View: Close All Editors');
  await vscode.page.locator('iframe.webview').first().waitFor({ state: 'detached', timeout: 30_000 });
  return ms;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** "figure (floor F ms, ×R)": a figure beside the floor measured in the same run. */
export function vsFloor(ms: number, floor: number): string {
  return `${ms} ms (floor ${floor} ms, ×${(ms / floor).toFixed(2)})`;
}
