// Arranges sorted runs into the tree's shape: project → (group, or a teammate's Team group) → runs, with a run's children (runs whose
// `parent` is that run) nested under it. The input order is kept everywhere, so sorting decides the order of
// runs, groups and projects alike (a group sits where its first run would).
import type { ExplorerRun } from './run';

export interface RunGroup {
  name: string;
  runs: ExplorerRun[];
}

export interface ProjectBucket {
  project: string;
  groups: RunGroup[];
  /** Runs in no group and with no visible parent. */
  runs: ExplorerRun[];
  /** Every run in the project, children included. */
  count: number;
  running: number;
}

export interface RunTree {
  projects: ProjectBucket[];
  /** Child runs by parent run id (only parents that are themselves in the tree). */
  children: Map<string, ExplorerRun[]>;
}

/** The group a teammate's run is listed in: `Team · <author> (<host>)`. */
export function teamGroupName(run: ExplorerRun): string {
  return `Team · ${run.author ?? ''}${run.authorHost ? ` (${run.authorHost})` : ''}`;
}

export function groupRuns(sorted: readonly ExplorerRun[]): RunTree {
  const visible = new Set(sorted.map((r) => r.id));
  const projects = new Map<string, ProjectBucket>();
  const groups = new Map<string, RunGroup>();
  const children = new Map<string, ExplorerRun[]>();
  for (const run of sorted) {
    let bucket = projects.get(run.project);
    if (!bucket) {
      bucket = { project: run.project, groups: [], runs: [], count: 0, running: 0 };
      projects.set(run.project, bucket);
    }
    bucket.count++;
    if (run.status === 'running') bucket.running++;
    if (run.parent && run.parent !== run.id && visible.has(run.parent)) {
      const list = children.get(run.parent) ?? [];
      list.push(run);
      children.set(run.parent, list);
    } else if (run.group || run.author !== undefined) {
      // A teammate's run (fetched through git) sits in its sharer's Team group, whatever group it had there.
      const name = run.author !== undefined ? teamGroupName(run) : (run.group as string);
      const gk = `${run.project}\u0000${name}`;
      let group = groups.get(gk);
      if (!group) {
        group = { name, runs: [] };
        groups.set(gk, group);
        bucket.groups.push(group);
      }
      group.runs.push(run);
    } else {
      bucket.runs.push(run);
    }
  }
  breakCycles(children, visible, sorted, projects);
  return { projects: [...projects.values()], children };
}

// Two runs naming each other as parent would hide both; put such runs back at the top level.
function breakCycles(
  children: Map<string, ExplorerRun[]>,
  visible: Set<string>,
  sorted: readonly ExplorerRun[],
  projects: Map<string, ProjectBucket>,
): void {
  const reachable = new Set<string>();
  const walk = (id: string): void => {
    if (reachable.has(id)) return;
    reachable.add(id);
    for (const c of children.get(id) ?? []) walk(c.id);
  };
  for (const run of sorted) {
    if (!(run.parent && run.parent !== run.id && visible.has(run.parent))) walk(run.id);
  }
  for (const run of sorted) {
    if (reachable.has(run.id)) continue;
    const list = children.get(run.parent!);
    if (list) children.set(run.parent!, list.filter((c) => c.id !== run.id));
    projects.get(run.project)!.runs.push(run);
    walk(run.id);
  }
}
