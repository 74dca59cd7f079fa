import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, toCsv } from './csv';
import { comparisonCsv, comparisonMarkdown } from './report';
import { markdownLine } from '../core/text';
import { paramRows, sameCell } from '../shared/params';
import { metricRows, type MetricStats } from '../shared/summary';

const m = (last: number, min: number, max: number): MetricStats => ({ last, lastStep: 9, min, max });

test('csv escapes quotes, separators, newlines and spreadsheet formulas', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvCell(-1.5), '-1.5');
  assert.equal(csvCell(NaN), 'NaN');
  assert.equal(csvCell(undefined), '');
  assert.equal(toCsv([['a', 1], ['b', 2]]), 'a,1\r\nb,2\r\n');
});

test('markdown text cannot break a table or inject HTML', () => {
  const s = markdownLine('<script>alert(1)</script> | *x*\nnext', Infinity);
  assert.ok(!s.includes('<script>'));
  assert.ok(!/(^|[^\\])\|/.test(s), 'every pipe is escaped');
  assert.match(s, /&lt;script&gt;/);
  assert.ok(!s.includes('\n'));
});

test('a URL in a run name is not a link in the report', () => {
  const md = comparisonMarkdown({ runs: [{ id: 'a', name: 'see https://x', status: 'finished', startTime: 0, lastUpdate: 0 }], params: [], metrics: [], baseline: undefined }, 0);
  assert.ok(!md.includes('https://x'), 'the colon is escaped, so no autolink forms');
  assert.match(md, /https\\:\/\/x/);
});

test('comparison exports: csv has a row per run, markdown marks the best and escapes names', () => {
  const runs = [
    { id: 'a', name: '<img src=x onerror=alert(1)>', status: 'finished', startTime: 0, endTime: 60_000, lastUpdate: 60_000 },
    { id: 'b', name: 'b|c', status: 'running', startTime: 0, lastUpdate: 30_000 },
  ];
  const metrics = metricRows([{ id: 'a', metrics: { 'val/loss': m(1, 0.5, 2) } }, { id: 'b', metrics: { 'val/loss': m(1, 0.25, 2) } }], 'a');
  const params = paramRows([{ params: { lr: 0.1 } }, { params: { lr: 0.2 } }]);
  const csv = comparisonCsv({ runs, params, metrics, baseline: 'a' });
  const lines = csv.trim().split('\r\n');
  assert.equal(lines.length, 3);
  assert.equal(lines[0], 'run_id,name,status,start_time,duration_s,git_commit,param:lr,val/loss:last,val/loss:best');
  assert.match(lines[2]!, /^b,b\|c,running,.*,30,,0\.2,1,0\.25$/);
  const md = comparisonMarkdown({ runs, params, metrics, baseline: 'a' }, 0);
  assert.ok(!md.includes('<img'));
  assert.match(md, /\*\*0\\\.25 \\\(1\\\)\*\* Δ \\-0\\\.25/);
  assert.match(md, /b\\\|c/);
});

test('param rows carry exact digits beside the doubles; equal doubles that are different integers differ', () => {
  const big = '18446744073709551617';
  const twin = '18446744073709551616';
  const rows = paramRows([
    { params: { seed: 18446744073709551616, lr: 0.1 }, exactInts: { params: { seed: big } } },
    { params: { seed: 18446744073709551616, lr: 0.1 }, exactInts: { params: { seed: twin } } },
    { params: { seed: 18446744073709551616, lr: 0.1 } },
  ]);
  const seed = rows.find((r) => r.key === 'seed')!;
  assert.deepEqual(seed.exact, [big, twin, undefined]);
  assert.equal(seed.differs, true);
  assert.equal(sameCell(seed, 1, 2), true, 'a bare 2^64 is the integer the digits of run 1 spell');
  assert.equal(sameCell(seed, 0, 2), false);
  assert.equal(rows.find((r) => r.key === 'lr')!.exact, undefined, 'no digits, no column');
  const same = paramRows([{ params: { n: 2 ** 64 }, exactInts: { params: { n: big } } }, { params: { n: 2 ** 64 }, exactInts: { params: { n: big } } }]);
  assert.equal(same[0]!.differs, false);
  const runs = [
    { id: 'a', name: 'a', status: 'finished', startTime: 0, endTime: 1000, lastUpdate: 1000 },
    { id: 'b', name: 'b', status: 'finished', startTime: 0, endTime: 1000, lastUpdate: 1000 },
  ];
  const params = paramRows([
    { params: { seed: -18446744073709551616 }, exactInts: { params: { seed: `-${big}` } } },
    { params: { seed: 18446744073709551616 }, exactInts: { params: { seed: twin } } },
  ]);
  const csv = comparisonCsv({ runs, params, metrics: [] });
  assert.match(csv, new RegExp(`^a,a,finished,[^,]*,1,,-${big}\r$`, 'm'), 'a negative integer is a number, not a formula to guard');
  assert.match(csv, new RegExp(`^b,b,finished,[^,]*,1,,${twin}\r$`, 'm'));
  const md = comparisonMarkdown({ runs, params, metrics: [] }, 0);
  assert.ok(md.includes(big) && md.includes(twin), md);
  assert.equal(csvCell('-1+cmd|x'), `"'-1+cmd|x"`, 'anything else that starts with - is still guarded');
});
