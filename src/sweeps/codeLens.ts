// "Run sweep" above the first line of a sweep file (`*.sweep.yaml`, `sweep*.yaml`), the same files the schema
// validates.
import * as vscode from 'vscode';
import { Commands } from '../core/commands';

export const SWEEP_FILES: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.sweep.{yaml,yml}' },
  { scheme: 'file', pattern: '**/sweep*.{yaml,yml}' },
];

export class SweepCodeLens implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    return [new vscode.CodeLens(top, { title: '$(play) Run sweep', command: Commands.runSweep, arguments: [document.uri] })];
  }
}
