// Commands run from menus, keybindings and webviews: a failure there would otherwise vanish into an unhandled
// rejection. Kept free of the `vscode` runtime so the reporting is unit-tested; `registerCommand` wires it up.
import { plainText } from './text';

export interface Reporter {
  error(message: string): void;
}

/** Runs a command; an error is logged in full and shown as a one-line notification. */
export async function runReported(id: string, fn: () => Promise<void>, log: Reporter, notify: (message: string) => void): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`${id} failed: ${message}`);
    // Errors often quote log text (names, paths), and notifications render Markdown links.
    notify(`Trackside: ${plainText(message, 300)}`);
  }
}
