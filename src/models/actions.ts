// What the Models commands do. Each takes the clicked node (a Models view node, or a run or artifact row of the
// Runs view for Register) and asks for what is missing.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import { runIdsFrom } from '../core/runRef';
import { runLabel } from '../core/runLabel';
import type { StoreService } from '../core/services';
import { oneLine, plainText, withoutIcons } from '../core/text';
import { models, type RunDetail } from '../store';
import { modelCard } from './card';
import type { ModelNode, ModelsView } from './modelsView';

type VersionTarget = { root: string; model: models.ModelInfo; version: models.ModelVersion };

const COPY_SETTING = 'models.copyFiles';

function isNode(value: unknown): value is ModelNode {
  return value !== null && typeof value === 'object' && typeof (value as { kind?: unknown }).kind === 'string' && typeof (value as { root?: unknown }).root === 'string';
}

/** The artifact a Runs view artifact row names (its open action carries the run-relative path). */
function artifactOfRow(arg: unknown): { runId: string; artifact: string } | undefined {
  if (arg === null || typeof arg !== 'object') return undefined;
  const node = arg as { kind?: unknown; ownerRunId?: unknown; row?: { action?: { kind?: unknown; relative?: unknown } } };
  if (node.kind !== 'detail' || typeof node.ownerRunId !== 'string') return undefined;
  const relative = node.row?.action?.kind === 'openFile' ? node.row.action.relative : undefined;
  return typeof relative === 'string' ? { runId: node.ownerRunId, artifact: relative } : undefined;
}

/** `{ runId, artifact }`: what the dashboard's Register Model… link passes. */
function artifactOfRef(arg: unknown): { runId: string; artifact: string } | undefined {
  const ref = arg as { runId?: unknown; artifact?: unknown } | null | undefined;
  return typeof ref?.runId === 'string' && typeof ref.artifact === 'string' ? { runId: ref.runId, artifact: ref.artifact } : undefined;
}

export class ModelActions {
  constructor(
    private readonly view: ModelsView,
    private readonly store: StoreService,
  ) {}

  async register(arg?: unknown): Promise<void> {
    const store = await this.store.ready();
    const fromRow = artifactOfRow(arg) ?? artifactOfRef(arg);
    let runId = fromRow?.runId ?? runIdsFrom(arg)[0];
    if (runId === undefined) {
      // Every run: reading each run's artifacts to filter would cost a detail read per run of a large workspace.
      const runs = store.listRuns();
      const picked = await vscode.window.showQuickPick(
        runs.sort((a, b) => b.startTime - a.startTime).map((r) => ({ label: runLabel(r), description: withoutIcons(oneLine(`${r.project} · ${r.status} · ${r.id}`, 200)), id: r.id })),
        { title: 'Register Model: choose the run', matchOnDescription: true, ignoreFocusOut: true },
      );
      if (!picked) return;
      runId = picked.id;
    }
    const run = store.getRun(runId);
    if (!run) throw new Error(`The run ${runId} is not in the index.`);
    const artifact = fromRow?.artifact ?? (await this.pickArtifact(run));
    if (artifact === undefined) return;
    const existing = this.view.allModels.find((m) => m.versions.some((v) => v.project === run.project))?.name;
    const suggestion = existing ?? (models.modelNameProblem(run.project) === undefined ? run.project : 'model');
    const name = await vscode.window.showInputBox({
      title: `Register ${plainText(artifact, 80)} from ${plainText(run.name, 60)}`,
      prompt: 'Model name: a new name starts version 1, an existing one gets its next version',
      value: suggestion,
      ignoreFocusOut: true,
      validateInput: (text) => models.modelNameProblem(text.trim()),
    });
    if (name === undefined) return;
    const alias = await vscode.window.showInputBox({
      title: `Alias for the new version of ${plainText(name.trim(), 60)}`,
      prompt: 'Optional: champion, staging, … (Enter without one to skip)',
      ignoreFocusOut: true,
      validateInput: (text) => (text.trim() === '' ? undefined : models.aliasProblem(text.trim())),
    });
    if (alias === undefined) return;
    const copy = vscode.workspace.getConfiguration('trackside').get<boolean>(COPY_SETTING, false);
    const v = await models.registerModel(run.root, { name: name.trim(), run, artifact, copy, alias: alias.trim() || undefined });
    await this.view.reload();
    const node = this.view.versionNode(run.root, v.name, v.version);
    if (node) await this.view.tree.reveal(node, { select: true, focus: false, expand: false }).then(undefined, () => undefined);
    void vscode.window.showInformationMessage(`Registered ${v.name} version ${v.version}${v.aliases.length ? ` as ${v.aliases.join(', ')}` : ''} from ${plainText(run.name, 60)}.`);
  }

  private async pickArtifact(run: RunDetail): Promise<string | undefined> {
    const files = run.artifacts.filter((a) => a.kind !== 'folder' && a.kind !== 'diff');
    if (files.length === 0) throw new Error(`The run ${plainText(run.name, 60)} logged no file to register: save one with run.log_artifact(path).`);
    if (files.length === 1) return files[0]!.path;
    const sorted = [...files].sort((a, b) => Number(b.kind === 'model') - Number(a.kind === 'model'));
    const picked = await vscode.window.showQuickPick(
      sorted.map((a) => ({ label: withoutIcons(oneLine(a.path, 200)), description: [a.kind, a.size === undefined ? undefined : `${a.size} bytes`].filter(Boolean).join(' · '), path: a.path })),
      { title: `Register Model: which file of ${plainText(run.name, 60)}?`, ignoreFocusOut: true },
    );
    return picked?.path;
  }

  /** A version from a version node, a lineage row, a model node (asks which), or the palette (asks both). */
  private async version(arg: unknown, title: string): Promise<VersionTarget | undefined> {
    if (isNode(arg) && (arg.kind === 'version' || arg.kind === 'lineage')) {
      const model = this.view.model(arg.root, arg.name);
      const version = model?.versions.find((v) => v.version === arg.version);
      if (!model || !version) throw new Error(`Version ${arg.version} of ${arg.name} is no longer in the registry.`);
      return { root: arg.root, model, version };
    }
    let model: models.ModelInfo | undefined;
    if (isNode(arg) && arg.kind === 'model') model = this.view.model(arg.root, arg.name);
    if (!model) {
      await this.view.reload();
      const all = this.view.allModels;
      if (all.length === 0) {
        void vscode.window.showInformationMessage('No models are registered yet: register one from a run\'s artifact in the Runs view.');
        return undefined;
      }
      const picked = all.length === 1 ? all[0] : (await vscode.window.showQuickPick(all.map((m) => ({ label: m.name, description: m.root, m })), { title }))?.m;
      if (!picked) return undefined;
      model = picked;
    }
    const versions = [...model.versions].reverse();
    const picked = await vscode.window.showQuickPick(
      versions.map((v) => ({ label: `v${v.version}`, description: withoutIcons(oneLine([...v.aliases.map((a) => `@${a}`), v.runName ?? v.run].join(' · '), 200)), v })),
      { title: `${title}: which version of ${model.name}?` },
    );
    return picked ? { root: model.root, model, version: picked.v } : undefined;
  }

  async moveAlias(arg?: unknown): Promise<void> {
    const target = await this.version(arg, 'Move Alias');
    if (!target) return;
    const { root, model, version } = target;
    const others = Object.keys(model.aliases).filter((a) => model.aliases[a] !== version.version);
    const alias = await vscode.window.showInputBox({
      title: `Point an alias at ${model.name} v${version.version}`,
      prompt: `Alias (${[...new Set([...others, 'champion', 'staging'])].slice(0, 6).join(', ')}, …): it moves from the version it names now`,
      value: others[0] ?? 'champion',
      ignoreFocusOut: true,
      validateInput: (text) => models.aliasProblem(text.trim()),
    });
    if (alias === undefined) return;
    const from = model.aliases[alias.trim()];
    const reason = await vscode.window.showInputBox({
      title: `Why move ${alias.trim()}${from === undefined ? '' : ` from v${from}`} to v${version.version}?`,
      prompt: 'Kept in the alias history (optional)',
      ignoreFocusOut: true,
    });
    if (reason === undefined) return;
    await models.moveAlias(root, model.name, alias.trim(), version.version, { reason: reason.trim() || undefined });
    await this.view.reload();
    void vscode.window.showInformationMessage(`${model.name}@${alias.trim()} now names version ${version.version}${from === undefined ? '' : ` (was ${from})`}.`);
  }

  /** The description and tags of a model (from its node) or of a version. */
  async editDescription(arg?: unknown): Promise<void> {
    let model: models.ModelInfo | undefined;
    let version: models.ModelVersion | undefined;
    if (isNode(arg) && arg.kind === 'model') model = this.view.model(arg.root, arg.name);
    else {
      const target = await this.version(arg, 'Edit Description');
      if (!target) return;
      ({ model, version } = target);
    }
    if (!model) return;
    const what = version ? `${model.name} v${version.version}` : model.name;
    const description = await vscode.window.showInputBox({
      title: `Description of ${what}`,
      prompt: 'Shown in the model card; kept with the registry',
      value: (version ? version.description : model.description) ?? '',
      ignoreFocusOut: true,
    });
    if (description === undefined) return;
    const tags = await vscode.window.showInputBox({
      title: `Tags of ${what}`,
      prompt: 'Comma-separated',
      value: (version ? version.tags : model.tags).join(', '),
      ignoreFocusOut: true,
    });
    if (tags === undefined) return;
    await models.editModel(model.root, model.name, {
      version: version?.version,
      description,
      tags: tags.split(',').map((t) => t.trim()).filter((t) => t !== ''),
    });
    await this.view.reload();
  }

  async openCard(arg?: unknown): Promise<void> {
    let target: VersionTarget | undefined;
    if (isNode(arg) && arg.kind === 'model') {
      const model = this.view.model(arg.root, arg.name);
      const latest = model?.versions[model.versions.length - 1];
      if (model && latest) target = { root: arg.root, model, version: latest };
    }
    target ??= await this.version(arg, 'Open Model Card');
    if (!target) return;
    const { root, model, version } = target;
    const uri = vscode.Uri.file(path.join(root, models.MODELS_DIR, model.name, 'cards', `${version.version}.md`));
    const exists = await vscode.workspace.fs.stat(uri).then(
      () => true,
      () => false,
    );
    // A card already written may hold the user's edits: open it rather than write over it.
    if (!exists) await this.writeCard(uri, target);
    await vscode.window.showTextDocument(uri, { preview: false });
    if (exists) {
      const again = 'Regenerate';
      void vscode.window.showInformationMessage(`Opened the card saved for ${model.name} v${version.version}. Regenerate it from the registry (your edits to it are replaced)?`, again).then(async (choice) => {
        if (choice !== again) return;
        await this.writeCard(uri, target);
      });
    }
  }

  private async writeCard(uri: vscode.Uri, { root, model, version }: VersionTarget): Promise<void> {
    const status = await models.fileStatus(root, version);
    const text = modelCard(model, version, status, this.view.lineage(version), Date.now());
    await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(uri.fsPath)));
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  }

  private async runOf(arg: unknown, title: string): Promise<string | undefined> {
    if (isNode(arg) && arg.kind === 'lineage' && arg.runId !== undefined) return arg.runId;
    const target = await this.version(arg, title);
    return target?.version.run;
  }

  /** Lineage: the run's dashboard, where its params, metrics and artifacts are. */
  async revealRun(arg?: unknown): Promise<void> {
    const runId = await this.runOf(arg, 'Reveal Run');
    if (runId === undefined) return;
    if (!(await this.store.ready()).getRun(runId)) throw new Error(`The run ${runId} is not in the index (deleted, or not in this checkout).`);
    await vscode.commands.executeCommand(Commands.openRun, runId);
  }

  async rerun(arg?: unknown): Promise<void> {
    const runId = await this.runOf(arg, 'Rerun Version');
    if (runId !== undefined) await vscode.commands.executeCommand(Commands.rerun, runId);
  }

  async compare(arg?: unknown, selection?: unknown): Promise<void> {
    const picked = (Array.isArray(selection) ? selection : []).filter((n): n is Extract<ModelNode, { kind: 'version' }> => isNode(n) && n.kind === 'version');
    let runs: string[];
    if (picked.length >= 2) runs = picked.map((n) => n.runId);
    else {
      const first = await this.version(arg, 'Compare Versions');
      if (!first) return;
      const others = first.model.versions.filter((v) => v.version !== first.version.version).reverse();
      if (others.length === 0) throw new Error(`${first.model.name} has one version: nothing to compare it with.`);
      const second = await vscode.window.showQuickPick(
        others.map((v) => ({ label: `v${v.version}`, description: withoutIcons(oneLine([...v.aliases.map((a) => `@${a}`), v.runName ?? v.run].join(' · '), 200)), v })),
        { title: `Compare ${first.model.name} v${first.version.version} with…` },
      );
      if (!second) return;
      runs = [first.version.run, second.v.run];
    }
    const distinct = [...new Set(runs)];
    if (distinct.length < 2) {
      void vscode.window.showInformationMessage('These versions come from the same run: their params and metrics are the same.');
      return;
    }
    await vscode.commands.executeCommand(Commands.compareRuns, distinct);
  }
}
