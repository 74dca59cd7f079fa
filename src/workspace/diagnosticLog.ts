import type * as vscode from 'vscode';
import type { Diagnostic } from '../store/types';
import { summarizeDiagnostics } from './diagnosticLines';

/** Writes bad-log-line diagnostics to the output channel once each: one line per bad file, with file:line. */
export class DiagnosticLog {
  private readonly seen = new Set<string>();

  constructor(private readonly output: vscode.LogOutputChannel) {}

  add(diagnostics: readonly Diagnostic[]): void {
    const fresh = diagnostics.filter((d) => {
      const key = `${d.file}\u0000${d.line ?? ''}\u0000${d.reason}`;
      if (this.seen.has(key)) return false;
      this.seen.add(key);
      return true;
    });
    for (const line of summarizeDiagnostics(fresh)) this.output.warn(line);
  }

  clear(): void {
    this.seen.clear();
  }
}
