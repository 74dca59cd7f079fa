// From the store's run list to what the tree shows: filter, archive rule, sort, grouping, primary metric and
// best run per project. Pure, so its speed with 10,000 runs is measured in a unit test.
import { compileFilter, type RunPredicate } from '../filter/evaluate';
import { groupRuns, type RunTree } from './group';
import { bestRun, primaryFor, type Best, type PrimaryMetric } from './primaryMetric';
import type { ExplorerRun } from './run';
import { sortRuns, type SortSpec } from './sort';

export interface ViewOptions {
  filter: string;
  sort: SortSpec;
  showArchived: boolean;
  /** The `trackside.primaryMetric` setting, as read. */
  primarySetting: unknown;
  now: number;
}

export interface ProjectRanking {
  primary?: PrimaryMetric;
  best?: Best;
}

export interface RunsView {
  tree: RunTree;
  rankings: Map<string, ProjectRanking>;
  byId: Map<string, ExplorerRun>;
  /** Runs in the store, runs shown, runs hidden because archived, and running runs shown. */
  total: number;
  shown: number;
  archivedHidden: number;
  running: number;
  /** Set when the filter does not parse: the tree then shows every run. */
  filterError?: string;
}

export function buildView(all: readonly ExplorerRun[], opts: ViewOptions): RunsView {
  let keep: RunPredicate;
  let filterError: string | undefined;
  try {
    keep = compileFilter(opts.filter, () => opts.now);
  } catch (err) {
    keep = () => true;
    filterError = err instanceof Error ? err.message : String(err);
  }
  // Archived runs stay hidden unless asked for, or unless the filter itself asks about archiving.
  const wantsArchived = opts.showArchived || /\barchived\b|is:archived/i.test(opts.filter);
  let archivedHidden = 0;
  const shown: ExplorerRun[] = [];
  for (const run of all) {
    if (run.archived && !wantsArchived) {
      archivedHidden++;
      continue;
    }
    if (keep(run)) shown.push(run);
  }
  const sorted = sortRuns(shown, opts.sort, opts.now);
  const tree = groupRuns(sorted);
  // Rank against every run of the project, not only the visible ones: "best" should not change with a filter.
  const byProject = new Map<string, ExplorerRun[]>();
  for (const run of all) {
    const list = byProject.get(run.project) ?? [];
    list.push(run);
    byProject.set(run.project, list);
  }
  const rankings = new Map<string, ProjectRanking>();
  for (const bucket of tree.projects) {
    const runs = byProject.get(bucket.project) ?? [];
    const primary = primaryFor(opts.primarySetting, bucket.project, runs);
    rankings.set(bucket.project, { primary, best: primary ? bestRun(runs, primary) : undefined });
  }
  return {
    tree,
    rankings,
    byId: new Map(all.map((r) => [r.id, r])),
    total: all.length,
    shown: sorted.length,
    archivedHidden,
    running: sorted.filter((r) => r.status === 'running').length,
    filterError,
  };
}

/**
 * What decides which rows exist and how the rows the partial refresh does not touch read: order, nesting,
 * statuses (group and project counts), tags and names (user edits) and the best run per project.
 */
export function shapeOf(view: RunsView): string {
  const parts: string[] = [];
  const runs = (list: readonly ExplorerRun[]): void => {
    for (const r of list) {
      parts.push(r.id, r.status, r.name, r.starred ? '*' : '', r.archived ? 'a' : '');
      const kids = view.tree.children.get(r.id);
      if (kids) {
        parts.push('(');
        runs(kids);
        parts.push(')');
      }
    }
  };
  for (const b of view.tree.projects) {
    const rank = view.rankings.get(b.project);
    parts.push('P', b.project, rank?.primary?.key ?? '', rank?.best?.runId ?? '', String(rank?.best?.value ?? ''));
    for (const g of b.groups) {
      parts.push('G', g.name);
      runs(g.runs);
    }
    parts.push('R');
    runs(b.runs);
  }
  return parts.join('\u0001');
}
