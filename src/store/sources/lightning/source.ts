// PyTorch Lightning's CSVLogger, read in place: `<save_dir>/<name>/version_<n>/metrics.csv` (one row per logging
// call, a column per metric, empty where a metric was not logged, with `step` and usually `epoch`) and
// `hparams.yaml` (the hyperparameters → params). metrics.csv is tailed while training; Lightning rewrites it
// whole when a new metric appears (a new header), and then it is read again from the start.
import { join } from 'node:path';
import { foreignId } from '../foreign/ids';
import { foreignSource } from '../foreign/source';
import type { WalkedFolder } from '../runSource';
import { readLightningRun } from './reader';

function claim(f: WalkedFolder) {
  const parts = f.dir.split(/[\\/]/);
  const name = parts.pop() ?? '';
  const logger = parts.pop() ?? '';
  if (!f.files.has('metrics.csv') || !(f.files.has('hparams.yaml') || /^version_/.test(name))) return undefined;
  return { runs: [{ id: foreignId('pl', f.dir, logger, name), dir: f.dir, log: join(f.dir, 'metrics.csv') }], stop: true };
}

export const lightningSource = foreignSource({
  kind: 'lightning',
  live: true,
  // Lightning records no end: a run whose log stopped growing is taken as finished.
  quietStatus: 'finished',
  claim,
  wanted: (rel, isFolder) => !isFolder && (rel === 'metrics.csv' || rel === 'hparams.yaml'),
  read: readLightningRun,
});
