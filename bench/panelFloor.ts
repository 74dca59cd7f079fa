// The floor of the panel benches, measured in the same VS Code as the panel: an empty webview panel opened the way
// a chart panel is (the extension's `trackside.bench.emptyPanel`, registered only with TRACKSIDE_BENCH_FLOOR=1;
// see src/panels/floorPanel.ts), its page posting `ready` and stamping the host's answer. From the key press to
// that stamp is VS Code creating a webview and one round trip, which no panel of ours can beat.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { delay, type VSCode } from '../test/e2e/harness';

export const FLOOR_ENV = { TRACKSIDE_BENCH_FLOOR: '1' };
const KEY = 'ctrl+alt+shift+f9';

/** Binds the floor command to a key (VS Code reloads keybindings.json as it changes). */
export async function bindFloorKey(vscode: VSCode): Promise<void> {
  await writeFile(join(vscode.server.userDataDir, 'User', 'keybindings.json'), JSON.stringify([{ key: KEY, command: 'trackside.bench.emptyPanel' }]));
  await delay(2000);
}

/** ms from the key press to the empty panel's answered `ready`, then closes it. */
export async function openFloor(vscode: VSCode): Promise<number> {
  await vscode.page.keyboard.press('Escape');
  const pressed = Date.now();
  await vscode.page.keyboard.press('Control+Alt+Shift+F9');
  const body = vscode.webview().locator('body[data-painted]');
  await body.waitFor({ timeout: 60_000 });
  const ms = Math.round(Number(await body.getAttribute('data-painted-at')) - pressed);
  await vscode.runCommand('View: Close All Editors');
  await vscode.page.locator('iframe.webview').first().waitFor({ state: 'detached', timeout: 30_000 });
  return ms;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** "figure (floor F ms, ×R)": a figure beside the floor measured in the same run. */
export function vsFloor(ms: number, floor: number): string {
  return `${ms} ms (floor ${floor} ms, ×${(ms / floor).toFixed(2)})`;
}
