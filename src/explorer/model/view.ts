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
