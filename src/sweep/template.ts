// Sweep files written for the user to edit: a blank one ("New Sweep…") and one around a run ("Sweep Around This
// Run"), its params turned into ranges around their values. Plain text out, so the editor opens it as it will be read.
import { stringify } from 'yaml';
import { goalOf } from '../shared/goals';
import type { ParamValue } from '../store';

export interface RunForSweep {
  name: string;
  params: Record<string, ParamValue>;
  metricKeys: string[];
  /** The program as the run was started (argv[0]), relative to the folder the sweep file goes in when inside it. */
  program?: string;
}

export const NEW_SWEEP = `# A Trackside sweep (W&B's sweep keys). Run it with the "Run sweep" lens above, or:
#   trackside sweep run <this file> --json
program: train.py
method: bayes            # grid | random | bayes
metric:
  name: loss
  goal: minimize
parameters:
  lr:
    distribution: log_uniform_values
    min: 0.0001
    max: 0.1
  batch_size:
    values: [16, 32, 64]
run_cap: 20
concurrency: 1
seed: 0
launcher: local          # or slurm
`;

/** A range around a value: a decade either way for positive floats (log scale), half to double for integers. */
function around(value: ParamValue): Record<string, unknown> | undefined {
  if (typeof value === 'boolean') return { values: [value, !value] };
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (Number.isInteger(value)) {
      if (value <= 0) return { distribution: 'int_uniform', min: value - 2, max: value + 2 };
      return { distribution: 'int_uniform', min: Math.max(1, Math.floor(value / 2)), max: Math.max(value * 2, value + 1) };
    }
    if (value > 0) return { distribution: 'log_uniform_values', min: Number((value / 10).toPrecision(6)), max: Number((value * 10).toPrecision(6)) };
    return { distribution: 'uniform', min: value * 2 || -1, max: value === 0 ? 1 : 0 };
  }
  return undefined;
}

export function sweepAroundRun(run: RunForSweep): string {
  const parameters: Record<string, unknown> = {};
  const fixed: string[] = [];
  for (const [key, value] of Object.entries(run.params).sort(([a], [b]) => a.localeCompare(b))) {
    const range = around(value);
    let at = parameters;
    const parts = key.split('.');
    for (const part of parts.slice(0, -1)) {
      const next = (at[part] ??= { parameters: {} }) as { parameters: Record<string, unknown> };
      at = next.parameters;
    }
    if (range) at[parts[parts.length - 1]] = range;
    else {
      at[parts[parts.length - 1]] = { value };
      fixed.push(key);
    }
  }
  const metric = run.metricKeys.find((k) => /loss/i.test(k)) ?? run.metricKeys.find((k) => !k.startsWith('sys/') && !k.startsWith('system/')) ?? 'loss';
  const spec = {
    program: run.program ?? 'train.py',
    method: 'bayes',
    metric: { name: metric, goal: goalOf(metric) === 'max' ? 'maximize' : 'minimize' },
    parameters,
    run_cap: 20,
    concurrency: 1,
    seed: 0,
    launcher: 'local',
  };
  const header = [
    `# A sweep around run "${run.name.replace(/[\r\n]+/g, ' ').slice(0, 100)}": numbers range a decade (floats) or half to`,
    '# double (integers) around its values; strings stay fixed. Edit the ranges, then "Run sweep" above.',
  ];
  if (Object.keys(parameters).length === 0) header.push('# The run had no params: add some under parameters.');
  return `${header.join('\n')}\n${stringify(spec, { lineWidth: 0 })}`;
}
