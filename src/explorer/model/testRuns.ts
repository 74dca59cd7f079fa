// Run summaries for unit tests: a complete RunSummary with only what a test cares about spelled out.
import type { MetricSummary } from '../../store/types';
import type { ExplorerRun } from './run';

export const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);

export function metric(last: number, extra: Partial<MetricSummary> = {}): MetricSummary {
  return { last, lastStep: 100, min: last, max: last, count: 101, ...extra };
}

export function run(id: string, over: Partial<ExplorerRun> = {}): ExplorerRun {
  return {
    id,
    root: '/ws/.trackside',
    dir: `/ws/.trackside/runs/${id}`,
    name: id,
    project: 'mnist',
    tags: [],
    status: 'finished',
    startTime: T0,
    endTime: T0 + 60_000,
    lastUpdate: T0 + 60_000,
    lastStep: 100,
    params: {},
    metrics: {},
    summary: {},
    ...over,
  };
}
