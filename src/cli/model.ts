// `trackside model register | ls | alias | edit | show`: the model registry (src/store/models) from a terminal.
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { models, type RunStore } from '../store';
import { formatTime } from './terminalText';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { EXIT_OK, json, NotFound, resolveRun, rootOf, withStore, type CliIo } from './cli';
import { safe, table } from './terminalText';

export const MODEL_HELP = `trackside model: named, versioned models registered from runs' artifacts

Usage:
  trackside model register <run> <artifact> --name NAME [--alias A] [--copy] [--description D] [--json]
                                  the next version of NAME from a run's file (a logged artifact path, its file
                                  name, or a path inside the run folder); --copy keeps a copy under models/
  trackside model ls [NAME]       models, or NAME's versions (version, run, aliases, sha256)
  trackside model ls --run RUN    the versions, of every model, registered from the run RUN (its id)
  trackside model alias NAME VERSION ALIAS [--reason R]
                                  point ALIAS (champion, staging, …) at VERSION; VERSION "none" removes it
  trackside model edit NAME[:VERSION] [--description D] [--tags T1,T2]
                                  the description and tags of a model, or of one of its versions
  trackside model show NAME[@ALIAS|:VERSION]
                                  one version (NAME alone: the latest): run, lineage, file status, params

Options: --root DIR, --db FILE, --no-index, --json as for every command.
The file a version names is checked when shown: "changed" (size or sha256 differ) or "missing" exit 3.
`;

const VALUED = new Set(['root', 'db', 'name', 'alias', 'reason', 'description', 'run', 'tags']);
const FLAGS = new Set(['json', 'help', 'no-index', 'copy']);

function rethrow(err: unknown): never {
  if (err instanceof models.ModelError) {
    if (err.kind === 'missing') throw new NotFound(err.message);
    if (err.kind === 'invalid') throw new UsageError(err.message);
  }
  throw err;
}

function versionJson(v: models.ModelVersion, status?: models.FileStatus): Record<string, unknown> {
  const out: Record<string, unknown> = { version: v.version, run: v.run, aliases: v.aliases, sha256: v.sha256, size: v.size, file: v.file, artifact: v.artifact, copied: v.copied, ts: v.ts, by: v.by };
  if (status !== undefined) Object.assign(out, { status: status.state, path: status.path, reason: status.reason });
  return out;
}

async function register(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positionals.length !== 2) throw new UsageError('register takes a run and an artifact: trackside model register <run> <artifact> --name NAME');
  const name = args.options.get('name');
  if (name === undefined) throw new UsageError('register needs --name NAME');
  return withStore(args, io, async (store: RunStore) => {
    const run = store.getRun(resolveRun(store.listRuns(), args.positionals[0]!).id);
    if (run === undefined) throw new NotFound(`run ${args.positionals[0]} disappeared`);
    // A path as the shell completes it (`.trackside/runs/<id>/artifacts/model.pt`) names the same file.
    const given = args.positionals[1]!;
    const fromCwd = relative(run.dir, resolve(io.cwd, given));
    const inside = !fromCwd.startsWith('..') && !isAbsolute(fromCwd) && existsSync(resolve(io.cwd, given));
    const v = await models.registerModel(run.root, {
      name,
      run,
      artifact: inside ? fromCwd.split(sep).join('/') : given,
      copy: args.flags.has('copy'),
      alias: args.options.get('alias'),
      reason: args.options.get('reason'),
      description: args.options.get('description'),
    }).catch(rethrow);
    if (args.flags.has('json')) json(io, versionJson(v));
    else io.stdout(`${safe(name)} version ${v.version}${v.aliases.length ? ` (${v.aliases.join(', ')})` : ''}: ${safe(v.file)} from run ${v.run}, sha256 ${v.sha256}\n`);
    return EXIT_OK;
  });
}

async function ls(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positionals.length > 1) throw new UsageError('ls takes at most one model name');
  const root = rootOf(args, io);
  const runId = args.options.get('run');
  if (runId !== undefined) {
    if (args.positionals.length > 0) throw new UsageError('ls --run lists every model: give no name');
    const found = await models.versionsOfRun(root, runId);
    if (args.flags.has('json')) json(io, found.map((v) => ({ name: v.name, ...versionJson(v) })));
    else if (found.length === 0) io.stdout(`No model versions from run ${safe(runId)}.\n`);
    else io.stdout(table(['MODEL', 'VERSION', 'ALIASES', 'SHA256'], found.map((v) => [v.name, String(v.version), v.aliases.join(','), v.sha256.slice(0, 12)]), new Set([1])) + '\n');
    return EXIT_OK;
  }
  if (args.positionals.length === 1) {
    const model = await models.readModel(root, args.positionals[0]!).catch(rethrow);
    if (model.versions.length === 0) throw new NotFound(`no model named ${args.positionals[0]} under ${root}`);
    for (const p of model.problems) io.stderr(`trackside: ${safe(p.file)}${p.line ? `:${p.line}` : ''}: ${safe(p.reason)}\n`);
    if (args.flags.has('json')) json(io, model.versions.map((v) => versionJson(v)));
    else io.stdout(table(['VERSION', 'ALIASES', 'RUN', 'REGISTERED', 'SHA256', 'FILE'], model.versions.map((v) => [String(v.version), v.aliases.join(','), v.run, formatTime(v.ts * 1000), v.sha256.slice(0, 12), safe(v.file)]), new Set([0])) + '\n');
    return EXIT_OK;
  }
  const all = await Promise.all((await models.listModels(root)).map((n) => models.readModel(root, n)));
  const shown = all.filter((m) => m.versions.length > 0);
  if (args.flags.has('json')) {
    json(io, shown.map((m) => ({ name: m.name, latest: m.versions[m.versions.length - 1]!.version, aliases: m.aliases, versions: m.versions.map((v) => versionJson(v)) })));
  } else if (shown.length === 0) io.stdout(`No models under ${root}.\n`);
  else io.stdout(table(['NAME', 'VERSIONS', 'LATEST', 'ALIASES'], shown.map((m) => [m.name, String(m.versions.length), String(m.versions[m.versions.length - 1]!.version), Object.entries(m.aliases).map(([a, n]) => `${a}=${n}`).join(' ')]), new Set([1, 2])) + '\n');
  return EXIT_OK;
}

async function alias(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positionals.length !== 3) throw new UsageError('alias takes a model, a version and an alias: trackside model alias NAME VERSION ALIAS');
  const [name, versionText, aliasName] = args.positionals as [string, string, string];
  if (versionText !== 'none' && !/^[1-9][0-9]{0,8}$/.test(versionText)) throw new UsageError(`version ${JSON.stringify(versionText)}: expected a whole number from 1, or "none"`);
  const version = versionText === 'none' ? null : Number(versionText);
  const move = await models.moveAlias(rootOf(args, io), name, aliasName, version, { reason: args.options.get('reason') }).catch(rethrow);
  if (args.flags.has('json')) json(io, move);
  else io.stdout(version === null ? `${name}@${aliasName} removed\n` : `${name}@${aliasName} → version ${version}\n`);
  return EXIT_OK;
}

async function editCmd(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('edit takes one model: trackside model edit NAME[:VERSION] --description D --tags T1,T2');
  const description = args.options.get('description');
  const tags = args.options.get('tags');
  if (description === undefined && tags === undefined) throw new UsageError('edit needs --description or --tags');
  let ref: models.ModelRef;
  try {
    ref = models.parseModelRef(args.positionals[0]!);
  } catch (err) {
    rethrow(err);
  }
  if (ref.alias !== undefined) throw new UsageError('edit takes NAME or NAME:VERSION, not an alias (aliases move)');
  await models
    .editModel(rootOf(args, io), ref.name, { version: ref.version, description, tags: tags === undefined ? undefined : tags.split(',').map((t) => t.trim()).filter((t) => t !== '') })
    .catch(rethrow);
  io.stdout(`${ref.name}${ref.version === undefined ? '' : ` version ${ref.version}`} edited\n`);
  return EXIT_OK;
}

async function show(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('show takes one model: trackside model show NAME[@ALIAS|:VERSION]');
  const root = rootOf(args, io);
  const { model, version: v } = await models.resolveModel(root, args.positionals[0]!).catch(rethrow);
  const status = await models.fileStatus(root, v);
  const runs = await withStore(args, io, (store) => store.listRuns()).catch(() => []);
  const chain = models.lineage(v, new Map(runs.map((r) => [r.id, r])));
  if (args.flags.has('json')) {
    json(io, { name: model.name, ...versionJson(v, status), description: v.description, tags: v.tags, modelDescription: model.description, modelTags: model.tags, commit: v.commit, dirty: v.dirty, lineage: chain.runs.map((s) => ({ run: s.runId, name: s.run?.name, status: s.run?.status, inIndex: s.run !== undefined })), params: v.params, summary: v.summary, metrics: v.metrics });
  } else {
    const out: string[] = [];
    const field = (k: string, value: string | undefined) => value !== undefined && value !== '' && out.push(`${k.padEnd(11)} ${safe(value)}`);
    field('model', `${model.name} version ${v.version}`);
    field('aliases', v.aliases.join(', '));
    field('file', `${status.path} (${status.state}${status.reason ? `: ${status.reason}` : ''})`);
    field('sha256', v.sha256);
    field('size', String(v.size));
    field('registered', `${formatTime(v.ts * 1000)}${v.by ? ` by ${v.by}` : ''}`);
    field('run', `${v.run}${v.runName && v.runName !== v.run ? ` (${v.runName})` : ''}`);
    for (const step of chain.runs.slice(1)) field('  from run', `${step.runId}${step.run ? ` (${step.run.name})` : ' (not in the index)'}`);
    field('commit', v.commit === undefined ? undefined : v.commit + (v.dirty ? ' (dirty)' : ''));
    field('description', v.description);
    field('tags', v.tags.join(', '));
    field('about', model.description);
    field('model tags', model.tags.join(', '));
    const section = (title: string, values: Record<string, unknown>) => {
      const rows = Object.entries(values).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]);
      if (rows.length) out.push('', title, table(['KEY', 'VALUE'], rows));
    };
    section('Params', v.params);
    section('Summary', v.summary);
    section('Metrics (last)', v.metrics);
    io.stdout(out.join('\n') + '\n');
  }
  if (status.state !== 'ok') {
    io.stderr(`trackside: ${safe(status.reason ?? status.state)}\n`);
    return 3;
  }
  return EXIT_OK;
}

export async function modelCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  const args = parseArgs(rest, VALUED, FLAGS);
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help' || args.flags.has('help')) {
    (sub === undefined ? io.stderr : io.stdout)(MODEL_HELP);
    return sub === undefined ? 2 : EXIT_OK;
  }
  switch (sub) {
    case 'register':
      return register(args, io);
    case 'ls':
      return ls(args, io);
    case 'alias':
      return alias(args, io);
    case 'show':
      return show(args, io);
    case 'edit':
      return editCmd(args, io);
    default:
      throw new UsageError(`unknown model command ${sub} (register, ls, alias, edit, show)`);
  }
}
