// What to call each kind of run source in the UI (the store's sources/sources.ts lists the kinds), and what a
// source without a recorded command says when asked to rerun one of its runs.

export const SOURCE_LABELS: Readonly<Record<string, string>> = {
  trackside: 'Trackside',
  mlflow: 'MLflow',
  tensorboard: 'TensorBoard',
  huggingface: 'HF Trainer',
  lightning: 'Lightning',
  wandb: 'W&B',
  sacred: 'Sacred',
  // A teammate's Trackside run, fetched through the git remote (src/team).
  team: 'Team',
};

/** Formats that never record the command line a run was started with. */
const NO_COMMAND: Readonly<Record<string, string>> = {
  tensorboard: 'TensorBoard event files do not record the command that started a run',
  huggingface: "a Hugging Face Trainer output folder does not record the command that started the run (training_args.bin holds the arguments, but it is a pickle and is never loaded)",
  lightning: "Lightning's CSVLogger does not record the command that started a run",
  mlflow: 'this MLflow run recorded no local script (mlflow.source.name; notebooks and jobs record none)',
  wandb: 'this W&B run recorded no program (wandb-metadata.json)',
  sacred: 'this Sacred run recorded no main file or command (run.json)',
};

export function sourceLabel(kind: string | undefined): string {
  return kind === undefined ? 'Trackside' : (SOURCE_LABELS[kind] ?? kind);
}

/** Why a run of this source with no recorded command line cannot be rerun. */
export function noCommandReason(kind: string | undefined): string {
  if (kind === undefined || kind === 'trackside') return 'the run recorded no command line (not even a script), so there is nothing to run.';
  return `${NO_COMMAND[kind] ?? `${sourceLabel(kind)} runs record no command line`}, so there is nothing to run.`;
}
