// `trackside sweep run | status | stop`: hyperparameter sweeps headless, over the same controller the editor uses.
import { isAbsolute, join, resolve } from 'node:path';
import { stringifyWithFloats } from '../store';
import { runSweep, summarize } from '../sweep/controller';
import { SweepSpecError } from '../sweep/spec';
import { listSweeps, readTrials, sweepDir, readRecord } from '../sweep/state';
import { stopSweep } from '../sweep/stop';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import type { CliIo } from './cli';
import { formatNumber, safe, table } from './terminalText';

export const SWEEP_HELP = `trackside sweep: hyperparameter sweeps (grid, random, bayes) from a W&B-style sweep file

Usage:
  trackside sweep run FILE [--launcher local|slurm] [--python P] [--json]
                                   run the sweep to its end; run it again to resume it
  trackside sweep status [ID]      every sweep, or one sweep's trials
  trackside sweep stop ID          stop a sweep (its controller stops its trials)

Options: --root DIR (default: $TRACKSIDE_DIR, else ./.trackside), --json
Exit codes: 0 ok (finished or stopped), 1 no such sweep, 2 usage error or invalid sweep file, 3 the sweep failed.
`;

const VALUED = new Set(['root', 'launcher', 'python']);
const FLAGS = new Set(['json', 'help']);

function rootOf(args: ParsedArgs, io: CliIo): string {
  const root = args.options.get('root') ?? io.env.TRACKSIDE_DIR ?? join(io.cwd, '.trackside');
  return isAbsolute(root) ? root : resolve(io.cwd, root);
}

function json(io: CliIo, value: unknown): void {
  io.stdout(stringifyWithFloats(value, 2) + '\n');
}

export async function sweepCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  const args = parseArgs(rest, VALUED, FLAGS);
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h' || args.flags.has('help')) {
    (sub === undefined ? io.stderr : io.stdout)(SWEEP_HELP);
    return sub === undefined ? 2 : 0;
  }
  const root = rootOf(args, io);
  if (sub === 'run') {
    const [file] = args.positionals;
    if (file === undefined || args.positionals.length > 1) throw new UsageError('sweep run takes one sweep file');
    const launcher = args.options.get('launcher');
    if (launcher !== undefined && launcher !== 'local' && launcher !== 'slurm') throw new UsageError(`--launcher must be local or slurm, not ${launcher}`);
    const quiet = args.flags.has('json');
    const abort = new AbortController();
    const onSignal = (): void => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const result = await runSweep({
        file: resolve(io.cwd, file), root, launcher, env: io.env, interpreter: args.options.get('python'), signal: abort.signal,
        log: (line) => (quiet ? io.stderr : io.stdout)(safe(line) + '\n'),
      });
      if (quiet) json(io, result);
      else io.stdout(`${result.trials} trials: ${result.launched} launched, ${result.skipped} skipped, ${result.pruned} pruned, ${result.failed} failed${result.best ? `; best ${formatNumber(result.best.value)} (run ${result.best.run})` : ''}\n`);
      return result.status === 'failed' ? 3 : 0;
    } catch (err) {
      if (err instanceof SweepSpecError) {
        io.stderr(`${err.message}\n`);
        return 2;
      }
      throw err;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  if (sub === 'status') {
    const [id] = args.positionals;
    if (id === undefined) {
      const sweeps = await listSweeps(root);
      const rows = [];
      for (const s of sweeps) {
        const { trials } = await readTrials(sweepDir(root, s.id));
        const r = summarize(s.id, s.status, s.reason, trials, s.metric?.goal === 'maximize' ? 'maximize' : 'minimize');
        rows.push({ ...r, method: s.method, runCap: s.runCap, file: s.file });
      }
      if (args.flags.has('json')) json(io, rows);
      else if (rows.length === 0) io.stdout(`no sweeps under ${root}\n`);
      else io.stdout(table(['SWEEP', 'STATUS', 'METHOD', 'TRIALS', 'PRUNED', 'FAILED', 'BEST'], rows.map((r) => [r.sweep, r.status, r.method, `${r.trials}${r.runCap ? `/${r.runCap}` : ''}`, String(r.pruned), String(r.failed), r.best ? formatNumber(r.best.value) : '']), new Set([3, 4, 5, 6])) + '\n');
      return 0;
    }
    const record = await readRecord(sweepDir(root, id));
    if (!record) {
      io.stderr(`trackside: no sweep ${safe(id)} under ${root}\n`);
      return 1;
    }
    const { trials } = await readTrials(sweepDir(root, id));
    const list = [...trials.values()].sort((a, b) => a.n - b.n);
    if (args.flags.has('json')) {
      json(io, { ...record, summary: summarize(id, record.status, record.reason, trials, record.metric?.goal === 'maximize' ? 'maximize' : 'minimize'), trials: list });
      return 0;
    }
    io.stdout(`${record.id}: ${record.status}${record.reason ? ` (${safe(record.reason)})` : ''}\n`);
    io.stdout(table(['TRIAL', 'OUTCOME', 'RUN', 'VALUE', 'PARAMS'], list.map((t) => [String(t.n), t.outcome ?? 'running', t.run, t.value === undefined ? '' : formatNumber(t.value), safe(JSON.stringify(t.params))]), new Set([0, 3])) + '\n');
    return 0;
  }
  if (sub === 'stop') {
    const [id] = args.positionals;
    if (id === undefined) throw new UsageError('sweep stop takes a sweep id');
    if ((await readRecord(sweepDir(root, id))) === undefined) {
      io.stderr(`trackside: no sweep ${safe(id)} under ${root}\n`);
      return 1;
    }
    const what = await stopSweep(root, id);
    io.stdout(what === 'requested' ? `asked the controller of ${id} to stop\n` : what === 'stopped' ? `stopped ${id}\n` : `${id} is not running\n`);
    return 0;
  }
  throw new UsageError(`unknown sweep command ${sub} (run, status or stop)`);
}
