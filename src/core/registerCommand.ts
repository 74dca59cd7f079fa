// The one way a feature registers a command: every failure is logged in full and shown as a one-line
// notification, the same for the Runs view, panels, rerun and the logger commands (DVC's commands/internal.ts).
import * as vscode from 'vscode';
import type { CommandId } from './commands';
import { runReported } from './reported';

export type CommandHandler = (...args: unknown[]) => unknown;

/** A feature's commands by id: the id type keeps every entry in step with package.json (commands.test.ts). */
export type CommandTable = Partial<Record<CommandId, CommandHandler>>;

export function registerCommand(id: CommandId, handler: CommandHandler, output: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand(id, (...args: unknown[]) =>
    runReported(id, async () => void (await handler(...args)), output, (message) => void vscode.window.showErrorMessage(message)),
  );
}

/** Registers a table of commands; the returned disposable unregisters them all. */
export function registerCommands(table: CommandTable, output: vscode.LogOutputChannel): vscode.Disposable {
  const owned = Object.entries(table).map(([id, fn]) => registerCommand(id as CommandId, fn as CommandHandler, output));
  return vscode.Disposable.from(...owned);
}
