import * as vscode from 'vscode';

export const QUICKSTART = `import trackside  # no install needed in VS Code terminals; or: Trackside: Copy Logger into Workspace

with trackside.init(project="my-project", config={"lr": 0.01, "batch_size": 64}) as run:
    for step in range(1000):
        loss = ...  # your training step
        run.log({"train/loss": loss})
    run.summary["val/acc"] = 0.93
`;

export async function copyQuickstart(): Promise<void> {
  await vscode.env.clipboard.writeText(QUICKSTART);
  void vscode.window.showInformationMessage('Copied a Trackside quickstart. Paste it into your training script and run it from a VS Code terminal.');
}
