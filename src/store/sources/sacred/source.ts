// Sacred's FileStorageObserver, read in place: `<basedir>/<run id>/run.json` (status, times, heartbeat, host,
// experiment and command), `config.json` (→ params), `metrics.json` ({name: {steps, values, timestamps}}, which
// Sacred rewrites whole at each heartbeat), `info.json`, and `cout.txt` (the captured output, an artifact).
import { join } from 'node:path';
import { foreignId } from '../foreign/ids';
import { foreignSource } from '../foreign/source';
import type { WalkedFolder } from '../runSource';
import { readSacredRun } from './reader';

const FILES = new Set(['run.json', 'config.json', 'metrics.json', 'info.json', 'cout.txt']);

function claim(f: WalkedFolder) {
  if (!f.files.has('run.json') || !(f.files.has('config.json') || f.files.has('cout.txt') || f.files.has('metrics.json'))) return undefined;
  const name = f.dir.split(/[\\/]/).pop() ?? '';
  return { runs: [{ id: foreignId('sacred', f.dir, name), dir: f.dir, log: join(f.dir, 'run.json') }], stop: true };
}

export const sacredSource = foreignSource({
  kind: 'sacred',
  live: true,
  claim,
  wanted: (rel, isFolder) => !isFolder && (FILES.has(rel) || !rel.includes('/')),
  read: readSacredRun,
  restartOn: (rel) => rel === 'metrics.json',
});
