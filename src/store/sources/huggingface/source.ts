// Hugging Face Trainer output folders, read in place: `trainer_state.json` (its `log_history` → train and eval
// series by global step), the same file in each `checkpoint-N/` (the newest state wins: a run still training has
// only those), `*_results.json` → summary, and the folder's files as artifacts. `training_args.bin` is a pickle:
// it is listed, never opened.
import { join } from 'node:path';
import { foreignId } from '../foreign/ids';
import { foreignSource } from '../foreign/source';
import type { WalkedFolder } from '../runSource';
import { CHECKPOINT, STATE } from './layout';
import { readTrainerRun } from './reader';


function claim(f: WalkedFolder) {
  const name = f.dir.split(/[\\/]/).pop() ?? '';
  // A checkpoint is part of its output folder's run, not a run of its own.
  if (CHECKPOINT.test(name)) return undefined;
  const hasCheckpoint = [...f.dirs].some((d) => CHECKPOINT.test(d));
  const hasResults = [...f.files].some((x) => /_results\.json$/.test(x));
  if (!f.files.has(STATE) && !(hasCheckpoint && (f.files.has('training_args.bin') || hasResults))) return undefined;
  // Not `stop`: the Trainer's TensorBoard logs (runs/…) below are another source's to claim.
  return { runs: [{ id: foreignId('hf', f.dir, name), dir: f.dir, log: join(f.dir, STATE) }] };
}

function wanted(rel: string, isFolder: boolean): boolean {
  const parts = rel.split('/');
  if (parts.length === 1) return isFolder ? CHECKPOINT.test(rel) : true;
  return parts.length === 2 && CHECKPOINT.test(parts[0]) && parts[1] === STATE;
}

export const huggingfaceSource = foreignSource({
  kind: 'huggingface',
  live: true,
  claim,
  wanted,
  read: readTrainerRun,
  restartOn: (rel) => rel === STATE || rel.endsWith(`/${STATE}`),
});
