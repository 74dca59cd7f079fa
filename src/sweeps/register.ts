import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import { registerCommands } from '../core/registerCommand';
import { runIdsFrom } from '../core/runRef';
import type { FeatureContext } from '../core/services';
import { NEW_SWEEP, sweepAroundRun } from '../sweep/template';
import { PanelRegistry } from '../panels/registry';
import type { SweepPanelState } from '../protocol/sweep';
import { parseSweepState } from '../protocol/sweepGuards';
import { pauseSweep, stopSweep } from '../sweep/stop';
import { SWEEP_FILES, SweepCodeLens } from './codeLens';
import { SweepBoard, type KnownSweep } from './sweepBoard';
import { SweepNodes } from './sweepNode';
import { SWEEP_VIEW, SweepPanel } from './sweepPanel';
import { SweepRunner } from './sweepRunner';

/** The sweep id a command was given: a sweep node of the Runs view (a group named by the id), or the id. */
function sweepIdFrom(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && (arg as { kind?: unknown }).kind === 'group') {
    const name = (arg as { name?: unknown }).name;
    return typeof name === 'string' ? name : undefined;
  }
  return undefined;
}

/** Sweeps from the editor: new sweep files, a sweep around a run, the "Run sweep" lens, stop. */
export function registerSweeps(features: FeatureContext): vscode.Disposable {
  const board = new SweepBoard(features);
  const runner = new SweepRunner(features, vscode.Uri.joinPath(features.extension.extensionUri, 'logger').fsPath, () => board.soon());
  const nodes = features.groups.add(new SweepNodes(board));

  /** The sweep a command acts on: the one it was given, else the one running here, else one to pick. */
  const sweepFor = async (arg: unknown, title: string): Promise<KnownSweep | undefined> => {
    const id = sweepIdFrom(arg) ?? (runner.active().length === 1 ? [...board.all()].find((s) => runner.fileOf(s.record.id))?.record.id : undefined);
    if (id) {
      const known = board.get(id);
      if (!known) throw new Error(`the sweep ${id} is not known in this window (is its root under the run folders?)`);
      return known;
    }
    const all = board.all();
    if (all.length === 0) throw new Error('no sweep is known in this window: run one from its sweep file first.');
    const pick = await vscode.window.showQuickPick(all.map((s) => ({ label: s.record.name ?? s.record.id, description: s.phase, detail: s.record.file, s })), { title });
    return pick?.s;
  };

  const control = async (action: 'stop' | 'pause' | 'resume', arg: unknown): Promise<void> => {
    const s = await sweepFor(arg, `${action[0].toUpperCase()}${action.slice(1)} which sweep?`);
    if (!s) return;
    const id = s.record.id;
    if (action === 'stop') {
      const file = runner.fileOf(id);
      if (file) runner.stop(file);
      else await stopSweep(s.root, id);
    } else if (action === 'pause') {
      if (!(await pauseSweep(s.root, id, true)).controller) throw new Error(`the sweep ${id} has no live controller to pause; Resume runs it again.`);
    } else {
      const { controller } = await pauseSweep(s.root, id, false);
      // No controller alive (stopped, or its window closed): run the file again; finished trials are not relaunched.
      if (!controller) {
        await board.load(s.root, id);
        void runner.run(vscode.Uri.file(s.record.file)).catch((err: unknown) => features.output.error(`resume sweep ${id} failed: ${(err as Error).message}`));
      }
    }
    board.soon();
  };

  const panels: PanelRegistry<SweepPanelState, SweepPanel> = new PanelRegistry(features, {
    viewType: SWEEP_VIEW,
    noun: 'sweep panel',
    parseState: parseSweepState,
    keyOf: (state) => state.id,
    restore: async (panel, state) => {
      await board.load(state.root, state.id);
      return new SweepPanel(panel, features, state, board, (action, id) => control(action, id));
    },
    commands: {
      [Commands.openSweep]: async (arg?: unknown) => {
        const s = await sweepFor(arg, 'Open which sweep?');
        if (!s) return;
        const state: SweepPanelState = { kind: 'sweep', root: s.root, id: s.record.id };
        await panels.show(state.id, async () => new SweepPanel(panels.createPanel(`Sweep: ${s.record.name ?? s.record.id}`), features, state, board, (action, id) => control(action, id)));
      },
    },
  });

  const openUntitled = async (name: string, text: string): Promise<void> => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const uri = folder ? vscode.Uri.joinPath(folder.uri, name).with({ scheme: 'untitled' }) : vscode.Uri.parse(`untitled:${name}`);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), text));
  };
  const commands = registerCommands(
    {
      [Commands.newSweep]: () => openUntitled('train.sweep.yaml', NEW_SWEEP),
      [Commands.sweepAroundRun]: async (arg?: unknown, selection?: unknown) => {
        const store = await features.store.ready();
        const id = runIdsFrom(arg, selection)[0];
        if (!id) throw new Error('Sweep Around This Run needs a run: use it from a run in the Runs view.');
        const run = store.getRun(id);
        if (!run) throw new Error(`The run ${id} is not in the index (was its folder deleted?).`);
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
        const script = run.argv[0];
        const absolute = script && run.cwd ? path.resolve(run.cwd, script) : undefined;
        const program = absolute && folder && !path.relative(folder, absolute).startsWith('..') ? path.relative(folder, absolute) : script;
        const name = `${run.name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 40) || 'run'}.sweep.yaml`;
        await openUntitled(name, sweepAroundRun({ name: run.name, params: run.params, metricKeys: Object.keys(run.metrics), program }));
      },
      [Commands.runSweep]: async (arg?: unknown) => {
        const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
        if (!uri || uri.scheme !== 'file') throw new Error('Run Sweep needs a saved sweep file (*.sweep.yaml).');
        await runner.run(uri);
      },
      [Commands.stopSweep]: async (arg?: unknown) => {
        if (sweepIdFrom(arg)) return control('stop', arg);
        const active = runner.active();
        if (active.length === 0) {
          void vscode.window.showInformationMessage('Trackside: no sweep is running in this window.');
          return;
        }
        const file = active.length === 1 ? active[0] : (await vscode.window.showQuickPick(active.map((f) => ({ label: path.basename(f), description: f, file: f })), { title: 'Stop which sweep?' }))?.file;
        if (file) runner.stop(file);
      },
      [Commands.pauseSweep]: (arg?: unknown) => control('pause', arg),
      [Commands.resumeSweep]: (arg?: unknown) => control('resume', arg),
    },
    features.output,
  );
  // Commands and panels go first, so none acts on a disposed runner or board.
  return vscode.Disposable.from(commands, panels, nodes, runner, board, vscode.languages.registerCodeLensProvider(SWEEP_FILES, new SweepCodeLens()));
}
