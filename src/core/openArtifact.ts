// The one way an artifact is opened, from the Runs view and from a dashboard alike: checked on disk at the
// moment of opening (not when the row or page was drawn), since a symlink in the run folder can point anywhere.
import * as vscode from 'vscode';
import { resolveInside } from './paths';
import { plainText } from './text';

/** Opens a run's artifact (or its recorded diff) by its logged path, only if it is really inside the run folder. */
export async function openArtifact(runDir: unknown, relative: unknown): Promise<void> {
  if (typeof runDir !== 'string' || typeof relative !== 'string') return;
  const real = await resolveInside(runDir, relative);
  if (!real) {
    void vscode.window.showWarningMessage(`The artifact ${plainText(relative, 200)} is missing, or it points outside its run folder and is not opened.`);
    return;
  }
  // `vscode.open` picks the right editor: text in the editor, images in the image preview.
  await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(real), { preview: true });
}
