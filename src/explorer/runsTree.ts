import * as vscode from 'vscode';
import type { RunDetail, RunStore } from '../store/types';
import type { RunGroup, ProjectBucket } from './model/group';
import {
  artifactRows,
  environmentRows,
  errorRows,
  groupRow,
  metricRows,
  notesRows,
  packageRows,
  paramRows,
  projectRow,
  runRow,
  runSections,
  runTooltip,
  STATUS_ICONS,
  type Row,
  type SectionKind,
} from './model/present';
import { rowNode, type Node, type RunNode } from './model/nodes';
import { rankRows } from './model/ranks';
import type { ExplorerRun } from './model/run';
import { shapeOf, type RunsView } from './model/view';
import { Commands } from '../core/commands';
import { SpacedEvents } from './spacedEvents';
import type { RunGroupDecorators } from '../core/runGroups';

/**
 * Maps the pure view model onto VS Code's tree. Run nodes are kept per row id so the one-second tick can
 * re-render only the running rows.
 */
export class RunsTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | Node[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly events = new SpacedEvents<Node>((nodes) => this.emitter.fire(nodes));
  private view: RunsView | undefined;
  private store: RunStore | undefined;
  private runNodes = new Map<string, RunNode>();
  private details = new Map<string, RunDetail | undefined>();
  private buckets = new Map<string, ProjectBucket>();
  private groups = new Map<string, RunGroup>();
  /** Group nodes by key, so a decorator's change redraws just them (VS Code matches elements by identity). */
  private groupNodes = new Map<string, Node>();
  private shape = '';
  now = Date.now();

  /** Called each time the top level is handed out with rows in it (the first time matters, see StoreService). */
  onServedRows: () => void = () => undefined;

  constructor(private readonly decorators?: RunGroupDecorators) {}

  /**
   * Shows a new view. When only some runs changed and the tree's shape did not (same rows in the same places,
   * same counts, same best runs), only those rows are refreshed: a live run logging every 100 ms must not
   * re-render ten thousand rows.
   */
  update(view: RunsView, store: RunStore, changedRuns?: readonly string[]): void {
    const shape = shapeOf(view);
    const partial = changedRuns !== undefined && this.view !== undefined && this.store === store && shape === this.shape;
    this.view = view;
    this.store = store;
    this.shape = shape;
    this.buckets = new Map(view.tree.projects.map((b) => [b.project, b]));
    this.groups = new Map(view.tree.projects.flatMap((b) => b.groups.map((g) => [`${b.project}\u0000${g.name}`, g] as const)));
    if (!partial) {
      this.groupNodes.clear();
      this.runNodes.clear();
      this.details.clear();
      this.events.push(undefined);
      return;
    }
    const changed = new Set(changedRuns);
    const dirty: RunNode[] = [];
    for (const node of this.runNodes.values()) {
      const run = view.byId.get(node.runId);
      if (!run) continue;
      node.run = run;
      if (changed.has(node.runId) || run.status === 'running') dirty.push(node);
    }
    for (const id of changed) this.details.delete(id);
    if (dirty.length) this.events.push(dirty);
  }

  /** A group decorator changed what it says: redraw the group rows. */
  refreshGroups(): void {
    if (this.groupNodes.size) this.events.push([...this.groupNodes.values()]);
  }

  get current(): RunsView | undefined {
    return this.view;
  }

  /** Re-renders running runs (elapsed time) without rebuilding the tree. */
  tick(now: number): void {
    this.now = now;
    const live = [...this.runNodes.values()].filter((n) => n.run.status === 'running');
    if (live.length) this.events.push(live);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    return toTreeItem(this.rowOf(node));
  }

  /** Run tooltips are built when hovered, not for every row of a large tree. */
  resolveTreeItem(item: vscode.TreeItem, node: Node): vscode.TreeItem {
    if (node.kind === 'run' && this.view) {
      const ranking = this.view.rankings.get(node.run.project);
      item.tooltip = markdown(runTooltip(node.run, { now: Date.now(), primary: ranking?.primary, best: ranking?.best }));
    }
    return item;
  }

  getChildren(node?: Node): Node[] {
    const view = this.view;
    if (!view) return [];
    if (!node) {
      const projects = view.tree.projects;
      if (projects.length > 0) this.onServedRows();
      // One project is the common case: skip the level that would say nothing.
      if (projects.length === 1) return this.bucketChildren(projects[0]!);
      return projects.map((bucket) => ({ kind: 'project', project: bucket.project }));
    }
    switch (node.kind) {
      case 'project': {
        const bucket = this.buckets.get(node.project);
        return bucket ? this.bucketChildren(bucket) : [];
      }
      case 'group':
        return (this.groups.get(`${node.project}\u0000${node.name}`)?.runs ?? []).map((run) => this.runNode(run));
      case 'run':
        return this.sectionsOf(node);
      case 'section':
        return this.sectionChildren(node);
      case 'detail':
        return [];
    }
  }

  getParent(): undefined {
    return undefined;
  }

  private bucketChildren(bucket: ProjectBucket): Node[] {
    return [
      ...bucket.groups.map((group): Node => {
        const key = `${bucket.project}\u0000${group.name}`;
        let node = this.groupNodes.get(key);
        if (!node) this.groupNodes.set(key, (node = { kind: 'group', project: bucket.project, name: group.name }));
        return node;
      }),
      ...bucket.runs.map((run) => this.runNode(run)),
    ];
  }

  private runNode(run: ExplorerRun, parentRowId?: string): RunNode {
    const id = parentRowId ? `${parentRowId}/run:${run.id}` : `run:${run.id}`;
    const known = this.runNodes.get(id);
    if (known) {
      known.run = run;
      return known;
    }
    const node: RunNode = { kind: 'run', runId: run.id, run, parentRowId };
    this.runNodes.set(id, node);
    return node;
  }

  private rowOf(node: Node): Row {
    const view = this.view!;
    switch (node.kind) {
      case 'project':
        return projectRow(this.buckets.get(node.project) ?? { project: node.project, groups: [], runs: [], count: 0, running: 0 }, view.rankings.get(node.project)?.primary);
      case 'group': {
        const group = this.groups.get(`${node.project}\u0000${node.name}`) ?? { name: node.name, runs: [] };
        return groupRow(node.project, group, this.decorators?.decorate({ project: node.project, name: group.name, runs: group.runs }));
      }
      case 'run': {
        const ranking = view.rankings.get(node.run.project);
        return runRow(node.run, { now: this.now, primary: ranking?.primary, best: ranking?.best, childCount: view.tree.children.get(node.runId)?.length }, node.parentRowId);
      }
      case 'section':
      case 'detail':
        return node.row;
    }
  }

  private detail(runId: string): RunDetail | undefined {
    if (this.details.has(runId)) return this.details.get(runId);
    let detail: RunDetail | undefined;
    try {
      detail = this.store?.getRun(runId);
    } catch {
      // The index is being reopened (run folder settings changed) and this store is closed; the rebuild that
      // follows the reopen brings the new store. Not cached, so the row fills in then.
      return undefined;
    }
    this.details.set(runId, detail);
    return detail;
  }

  private sectionsOf(node: RunNode): Node[] {
    const detail = this.detail(node.runId);
    if (!detail) return [];
    const children = this.view?.tree.children.get(node.runId)?.length ?? 0;
    return runSections(detail, children).map((row) => rowNode(node.runId, row));
  }

  private sectionChildren(node: { ownerRunId: string; section: SectionKind }): Node[] {
    const runId = node.ownerRunId;
    const detail = this.detail(runId);
    const view = this.view;
    if (!detail || !view) return [];
    const run = view.byId.get(runId);
    const primary = run ? view.rankings.get(run.project)?.primary : undefined;
    const leaves = (rows: Row[]): Node[] => rows.map((row) => rowNode(runId, row));
    switch (node.section) {
      case 'children':
        return (view.tree.children.get(runId) ?? []).map((child) => this.runNode(child, `run:${runId}`));
      case 'params':
        return leaves(paramRows(detail));
      case 'metrics':
        return leaves(metricRows(detail, primary));
      case 'artifacts':
        return leaves(artifactRows(detail));
      case 'environment':
        return leaves(environmentRows(detail));
      case 'packages':
        return leaves(packageRows(detail));
      case 'notes':
        return leaves(notesRows({ ...detail, starred: run?.starred, archived: run?.archived }));
      case 'error':
        return leaves(errorRows(detail));
      case 'ranks':
        // From the summary, not the cached detail: rank steps and rates move with every pass of a live run.
        return leaves(rankRows(run ?? detail, STATUS_ICONS));
    }
  }

  dispose(): void {
    this.events.dispose();
    this.emitter.dispose();
  }
}

const COLLAPSE: Record<Row['collapsible'], vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

/** Log text is untrusted: no HTML, no command links, no theme icons; the presentation layer escaped it already. */
function markdown(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(text, false);
  md.supportHtml = false;
  md.isTrusted = false;
  return md;
}

export function toTreeItem(row: Row): vscode.TreeItem {
  const item = new vscode.TreeItem(row.label, COLLAPSE[row.collapsible]);
  item.id = row.id;
  item.description = row.description;
  item.contextValue = row.contextValue;
  if (row.icon) item.iconPath = new vscode.ThemeIcon(row.icon.id, row.icon.color ? new vscode.ThemeColor(row.icon.color) : undefined);
  if (row.tooltip) item.tooltip = markdown(row.tooltip);
  if (row.action?.kind === 'openFile') {
    item.resourceUri = vscode.Uri.file(row.action.path);
    item.command = { command: Commands.openArtifact, title: 'Open', arguments: [row.action.root, row.action.relative] };
  } else if (row.action?.kind === 'command') {
    item.command = { command: row.action.command, title: row.action.title, arguments: row.action.args };
  }
  return item;
}
