// One Lightning CSVLogger version folder. The CSV has no time column: rows read in one pass get times spread
// evenly from the last time read (at first, when hparams.yaml was written) to the file's mtime, so a live run's
// points land about when they were logged and charts by step are exact.
import type { ForeignRead } from '../foreign/reader';
import { csvFields } from '../foreign/csv';
import { numberFromText } from '../foreign/numbers';
import { isRecord, parseYaml } from '../foreign/yaml';

const CSV = 'metrics.csv';
const HPARAMS = 'hparams.yaml';

export async function readLightningRun(r: ForeignRead): Promise<void> {
  const b = r.builder;
  const state = b.state;
  const parts = r.run.dir.split(/[\\/]/);
  const version = parts.pop() ?? '';
  const logger = parts.pop() ?? '';
  state.name ??= `${logger}/${version}`;
  state.project ??= logger;
  if (r.changed(HPARAMS) && r.files.has(HPARAMS)) {
    const text = await r.whole(HPARAMS);
    if (text !== undefined) {
      const parsed = parseYaml(text);
      state.params = {};
      if ('problem' in parsed) b.problem(HPARAMS, parsed.line, parsed.problem);
      else if (isRecord(parsed.value)) b.params(parsed.value);
      else if (parsed.value !== null && parsed.value !== undefined) b.problem(HPARAMS, undefined, 'should hold a mapping');
    }
  }
  const csv = r.files.get(CSV);
  if (csv === undefined || !r.changed(CSV)) return;
  const cursor = r.cursor(CSV);
  const start = r.files.get(HPARAMS)?.mtimeMs ?? csv.mtimeMs;
  state.startTime ??= Math.min(start, csv.mtimeMs);
  const rows: Array<{ cells: string[]; line: number }> = [];
  let header = cursor.carry;
  await r.tail(CSV, (text, lineNo) => {
    if (text === '') return;
    const cells = csvFields(text);
    if (cells === undefined) b.problem(CSV, lineNo, 'a quote is not closed; row skipped');
    else if (header === undefined) header = cells;
    else rows.push({ cells, line: lineNo });
  });
  if (header === undefined) return;
  cursor.carry = header;
  const stepCol = header.indexOf('step');
  const from = state.lastUpdate ?? state.startTime;
  const to = Math.max(csv.mtimeMs, from);
  rows.forEach(({ cells, line }, k) => {
    if (cells.length !== header!.length) {
      b.problem(CSV, line, `${cells.length} fields where the header has ${header!.length}; row skipped`);
      return;
    }
    const step = stepCol < 0 ? undefined : numberFromText(cells[stepCol]);
    if (step === undefined) {
      b.problem(CSV, line, `no step (${JSON.stringify(cells[stepCol]?.slice(0, 30) ?? '')}); row skipped`);
      return;
    }
    const time = from + ((to - from) * (k + 1)) / rows.length;
    for (let c = 0; c < cells.length; c++) {
      if (c === stepCol || cells[c] === '') continue;
      const v = numberFromText(cells[c]);
      if (v === undefined) b.problem(CSV, line, `${header![c]}: not a number (${JSON.stringify(cells[c].slice(0, 30))})`);
      else b.point(header![c], step, time, v);
    }
  });
  b.touched(to);
}
