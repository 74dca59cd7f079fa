// Log lines a hostile or broken writer can produce: each is that line's diagnostic, with its line number, and
// the rest of the run (and every other run) still indexes. Both parse paths are held to it: the indexer's
// thread for small passes and the parse workers for large ones.
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { test } from 'node:test';
import { limits, openStore } from './runStore';
import type { Diagnostic } from './types';
import { logPath, tempRoot, writeLog } from '../../test/fixtures/logs';
import { encodeLine, metrics, params, T0 } from '../../test/fixtures/records';
import { simpleRun } from '../../test/fixtures/runs';

function fixture(t: { after: (fn: () => void) => void }) {
  const r = tempRoot();
  t.after(r.cleanup);
  return r.root;
}

/** `{"k":{"k":…{"k":1}…}}` nested `depth` levels, spelled as text (JSON.stringify itself would overflow). */
function nested(depth: number): string {
  return '{"k":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** The bad lines reported for one file, however the report groups them. */
function linesOf(diagnostics: Diagnostic[], file: string): Array<{ line?: number; reason: string }> {
  return diagnostics.filter((d) => d.file === file).flatMap((d) => d.lines ?? [{ line: d.line, reason: d.reason }]);
}

const PATHS = [
  { name: 'on the indexer thread', workerRuns: Infinity },
  { name: 'on parse workers', workerRuns: 1 },
];

for (const path of PATHS) {
  test(`a line nested thousands of levels deep is a diagnostic with its line number, and its run stays (${path.name})`, async (t) => {
    const saved = limits.workerRuns;
    limits.workerRuns = path.workerRuns;
    t.after(() => (limits.workerRuns = saved));
    const root = fixture(t);
    const lines: string[] = simpleRun('deep', 3).map(encodeLine);
    // After the start, params, and three metrics lines: lines 6, 7 and 8 of the log.
    lines.splice(5, 0,
      `{"t":"params","ts":${T0},"source":"config","params":{"model":${nested(5000)}}}`,
      `{"t":"summary","ts":${T0},"values":{"best":${nested(20000)}}}`,
      encodeLine(params({ kept: 1 })),
    );
    writeLog(root, 'deep', lines);
    writeLog(root, 'other', simpleRun('other', 2));
    const store = await openStore({ roots: [root], now: () => (T0 + 60) * 1000 });
    const report = await store.index();
    assert.deepEqual(store.listRuns().map((r) => r.id).sort(), ['deep', 'other']);
    const deep = store.getRun('deep');
    assert.ok(deep);
    assert.equal(deep.params.kept, 1);
    assert.equal(deep.params.model, undefined);
    assert.deepEqual(Object.keys(deep.metrics).sort(), ['acc', 'loss']);
    const problems = linesOf(report.diagnostics, logPath(root, 'deep'));
    assert.deepEqual(problems.map((d) => d.line), [6, 7]);
    for (const d of problems) assert.match(d.reason, /nested deeper than \d+ levels/);
    await store.close();
  });

  test(`invalid UTF-8 is said once per file, at its first line, and the lines are kept (${path.name})`, async (t) => {
    const saved = limits.workerRuns;
    limits.workerRuns = path.workerRuns;
    t.after(() => (limits.workerRuns = saved));
    const root = fixture(t);
    writeLog(root, 'bytes', simpleRun('bytes', 2));
    const log = logPath(root, 'bytes');
    const bad = (text: string) => Buffer.concat([Buffer.from(text.slice(0, text.indexOf('@'))), Buffer.from([0xff, 0xfe]), Buffer.from(text.slice(text.indexOf('@') + 1))]);
    // A metrics key (the fast path's) and a params value (the general path's), then a good line.
    appendFileSync(log, bad(`{"t":"metrics","ts":${T0 + 9},"step":9,"values":{"lo@ss":1.5}}\n`));
    appendFileSync(log, bad(`{"t":"params","ts":${T0 + 9},"source":"param","params":{"note":"a@b"}}\n`));
    appendFileSync(log, encodeLine(metrics(10, { loss: 0.5 }, T0 + 10)) + '\n');
    const store = await openStore({ roots: [root], now: () => (T0 + 60) * 1000 });
    const first = await store.index();
    const said = linesOf(first.diagnostics, log);
    assert.equal(said.length, 1);
    assert.match(said[0].reason, /not valid UTF-8/);
    const lineOf = simpleRun('bytes', 2).length + 1;
    assert.equal(said[0].line, lineOf);
    const run = store.getRun('bytes');
    assert.ok(run);
    assert.equal(run.params.note, 'a\uFFFD\uFFFDb');
    assert.ok(run.metrics['lo\uFFFD\uFFFDss']);
    assert.equal(run.metrics.loss?.last, 0.5);
    // More bad bytes in a later pass: still said only once for the file.
    appendFileSync(log, bad(`{"t":"params","ts":${T0 + 11},"source":"param","params":{"again":"x@y"}}\n`));
    const second = await store.index();
    assert.equal(linesOf(second.diagnostics, log).filter((d) => /UTF-8/.test(d.reason)).length, 0);
    assert.equal(store.getRun('bytes')?.params.again, 'x\uFFFD\uFFFDy');
    await store.close();
  });
}
