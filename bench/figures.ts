// One benchmark figure and how it prints: the measurement, its target, the same-run baseline and the ratio.

export interface Target {
  op: '<=' | '>=';
  value: number;
}

export interface Figure {
  id: string;
  title: string;
  value?: number;
  unit?: 's' | 'ms' | 'µs' | 'MB' | 'MB/s';
  target?: Target;
  baseline?: { label: string; value: number; unit: 's' | 'ms' | 'µs' | 'MB' | 'MB/s' };
  ratio?: { label: string; value: number; target?: Target };
  notes?: string[];
  /** The measurement could not be taken: something crashed. */
  error?: string;
  /** Not measured, for a reason that is not a failure (a part that does not exist yet). */
  skipped?: string;
}

const meets = (v: number, t: Target) => (t.op === '<=' ? v <= t.value : v >= t.value);
const opText = (t: Target) => (t.op === '<=' ? '≤' : '≥');

function amount(v: number, unit: string): string {
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${unit}`;
}

export function verdicts(f: Figure): { value?: boolean; ratio?: boolean } {
  return {
    value: f.value !== undefined && f.target ? meets(f.value, f.target) : undefined,
    ratio: f.ratio?.target ? meets(f.ratio.value, f.ratio.target) : undefined,
  };
}

const mark = (ok: boolean | undefined) => (ok === undefined ? '' : ok ? '  met' : '  MISSED');

export function formatFigure(f: Figure): string {
  const lines = [`${f.id}  ${f.title}`];
  if (f.error) lines.push(`    ERROR: ${f.error.split('\n').join('\n           ')}`);
  else if (f.skipped) lines.push(`    skipped: ${f.skipped}`);
  else if (f.value !== undefined && f.unit) {
    const v = verdicts(f);
    const target = f.target ? `   target ${opText(f.target)} ${amount(f.target.value, f.unit)}` : '';
    lines.push(`    ${amount(f.value, f.unit).padEnd(12)}${target}${mark(v.value)}`);
    if (f.baseline) lines.push(`    baseline: ${f.baseline.label}: ${amount(f.baseline.value, f.baseline.unit)}`);
    if (f.ratio) {
      const rt = f.ratio.target ? `   target ${opText(f.ratio.target)} ${f.ratio.target.value}×` : '';
      lines.push(`    ratio: ${f.ratio.label}: ${f.ratio.value.toFixed(2)}×${rt}${mark(v.ratio)}`);
    }
  }
  for (const note of f.notes ?? []) lines.push(`    · ${note}`);
  return lines.join('\n');
}
