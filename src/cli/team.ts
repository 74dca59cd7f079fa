// `trackside push` and `trackside pull`: share runs through the git remote and fetch teammates' (src/team/).
import { stringifyWithFloats, type Diagnostic, type RunStore, type RunSummary } from '../store';
import { DEFAULT_SETTINGS, publishRuns, pullRuns, PushError, TeamSetupError, unshareRuns, type PublishReport, type TeamSettings } from '../team';
import { UsageError, type ParsedArgs } from './args';
import { safe, table } from './terminalText';

export interface TeamCli {
  stdout: (text: string) => void;
  cwd: string;
  root: string;
  withStore: <T>(fn: (store: RunStore, diagnostics: Diagnostic[]) => Promise<T>) => Promise<T>;
  resolveRun: (runs: RunSummary[], ref: string) => RunSummary;
}

/** A failure the user fixes (no repository, no remote, an unreachable remote): exit 3 with its message alone. */
export class TeamFailure extends Error {}

export const TEAM_HELP = `
push / pull (share runs through the project's git remote, under refs/trackside/runs):
  trackside push [RUN…] [--all] [--remote NAME] [--dry-run] [--json]
                  publish runs (--all: every run here) and push the ref; --dry-run lists the runs, their size
                  and what is scrubbed, and pushes nothing
    --share-diff          include each run's recorded git diff (left out by default)
    --artifact-limit N    artifacts up to N bytes travel (default 1048576); larger ones are listed with size+SHA-256
    --exclude P[,P]       globs: matching artifact paths, environment keys, --flags and run ids stay here
  trackside push --delete RUN… [--remote NAME] [--json]
                  unshare runs: take them out of your folder of the ref and push that (they stay in its history;
                  push --all leaves them out until you name one again)
  trackside pull [--remote NAME] [--json]
                  fetch teammates' runs; they appear read-only in ls/show/compare with an author
`;

function settingsOf(args: ParsedArgs): TeamSettings {
  const s: TeamSettings = { ...DEFAULT_SETTINGS, shareDiff: args.flags.has('share-diff') };
  const limit = args.options.get('artifact-limit');
  if (limit !== undefined) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--artifact-limit ${limit}: expected a whole number of bytes`);
    s.artifactLimit = n;
  }
  const exclude = args.options.get('exclude');
  if (exclude !== undefined) s.exclude = exclude.split(',').filter((p) => p.trim() !== '');
  return s;
}

const kb = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

function printPush(cli: TeamCli, r: PublishReport): void {
  const rows = r.runs.map((x) => [x.id, x.name, x.status, kb(x.bytes), String(x.points), x.unchanged ? 'unchanged' : r.dryRun ? 'would share' : 'shared', x.scrubbed.length === 0 ? '' : `${x.scrubbed.length}: ${x.scrubbed.slice(0, 3).join(', ')}${x.scrubbed.length > 3 ? ', …' : ''}`]);
  if (rows.length > 0) cli.stdout(table(['ID', 'NAME', 'STATUS', 'SIZE', 'POINTS', 'STATE', 'SCRUBBED'], rows, new Set([3, 4])) + '\n');
  for (const s of r.skipped) cli.stdout(safe(`skipped ${s.id}: ${s.reason}`) + '\n');
  const total = kb(r.runs.reduce((n, x) => n + x.bytes, 0));
  if (r.dryRun) cli.stdout(`Would share ${r.runs.length} runs (${total} before compression) to ${r.remote} as ${r.owner}. Nothing was pushed.\n`);
  else if (r.nothingNew) cli.stdout(`Nothing new to push to ${r.remote} (${r.runs.length} runs already shared), ${r.ms} ms\n`);
  else cli.stdout(`Pushed ${r.runs.length} runs (${r.runs.filter((x) => x.unchanged).length} unchanged, ${total}) to ${r.remote} as ${r.owner}${r.merges > 0 ? `, merged with teammates' runs ${r.merges}×` : ''}, ${r.ms} ms\n`);
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TeamSetupError || err instanceof PushError) throw new TeamFailure(err.message);
    throw err;
  }
}

async function cmdUnshare(args: ParsedArgs, cli: TeamCli): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError('push --delete needs the runs to unshare: trackside push --delete <run>…');
  if (args.flags.has('all') || args.flags.has('dry-run')) throw new UsageError('push --delete takes run ids, not --all or --dry-run');
  // A run unshared may be gone from this machine already: ids are taken as they are when no run here matches.
  const runIds = await cli.withStore(async (store) => {
    const all = store.listRuns();
    return args.positionals.map((ref) => {
      try {
        return cli.resolveRun(all, ref).id;
      } catch {
        return ref;
      }
    });
  });
  const report = await guarded(() => unshareRuns({ cwd: cli.cwd, runIds, remote: args.options.get('remote') }));
  if (args.flags.has('json')) {
    cli.stdout(stringifyWithFloats(report, 2) + '\n');
    return report.notShared.length > 0 ? 1 : 0;
  }
  for (const n of report.notShared) cli.stdout(safe(`not unshared ${n.id}: ${n.reason}`) + '\n');
  if (report.removed.length > 0) cli.stdout(safe(`Unshared ${report.removed.join(', ')} from ${report.remote} (${report.owner})${report.merges > 0 ? `, merged with teammates' runs ${report.merges}×` : ''}. They stay in the ref's history.`) + '\n');
  return report.notShared.length > 0 ? 1 : 0;
}

export async function cmdPush(args: ParsedArgs, cli: TeamCli): Promise<number> {
  if (args.flags.has('delete')) return cmdUnshare(args, cli);
  if (args.positionals.length === 0 && !args.flags.has('all')) throw new UsageError('push needs runs to share: trackside push <run>… or trackside push --all');
  if (args.positionals.length > 0 && args.flags.has('all')) throw new UsageError('push: name runs or give --all, not both');
  const settings = settingsOf(args);
  return cli.withStore(async (store) => {
    const all = store.listRuns();
    const runIds = args.flags.has('all') ? undefined : args.positionals.map((ref) => cli.resolveRun(all, ref).id);
    const report = await guarded(() => publishRuns({ cwd: cli.cwd, store, runIds, remote: args.options.get('remote'), settings, dryRun: args.flags.has('dry-run') }));
    if (args.flags.has('json')) cli.stdout(stringifyWithFloats(report, 2) + '\n');
    else printPush(cli, report);
    return 0;
  });
}

export async function cmdPull(args: ParsedArgs, cli: TeamCli): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError(`pull takes no arguments (got ${args.positionals[0]})`);
  const report = await guarded(() => pullRuns({ cwd: cli.cwd, root: cli.root, remote: args.options.get('remote') }));
  // Index now, so the fetched runs are listed by the next command at once (and their problems said here).
  const indexed = await cli.withStore((_store, diagnostics) => Promise.resolve(diagnostics));
  const diagnostics = [...report.diagnostics, ...indexed.filter((d) => d.file.includes('/team/'))];
  if (args.flags.has('json')) {
    cli.stdout(stringifyWithFloats({ ...report, diagnostics }, 2) + '\n');
    return 0;
  }
  if (!report.found) {
    cli.stdout(`No team runs on ${report.remote} yet: a teammate shares theirs with "trackside push --all" (or "Trackside: Share Runs…").\n`);
    return 0;
  }
  cli.stdout(`Fetched from ${report.remote}: ${report.written.length} new or changed runs, ${report.unchanged} unchanged, ${report.removed.length} removed, ${report.diagnostics.length} problems, ${report.ms} ms\n`);
  if (diagnostics.length > 0) cli.stdout(table(['WHERE', 'PROBLEM'], diagnostics.map((d) => [d.file, d.reason])) + '\n');
  return 0;
}
