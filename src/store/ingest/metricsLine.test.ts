import assert from 'node:assert/strict';
import { test } from 'node:test';
import { specialFloat } from './floats';
import { MetricsLineReader } from './metricsLine';
import { applyMetricsLine, applyRecord } from './records';
import { newFileState, newRunState } from './runState';
import { PendingPoints } from './seriesBuffer';
import { MAX_LINE_BYTES } from './tailer';
import { openStore } from '../runStore';
import { tempRoot, writeLog } from '../../../test/fixtures/logs';
import { prng } from '../../../test/fixtures/prng';
import { encodeLine, metrics, start, system, T0 } from '../../../test/fixtures/records';

/** What JSON.parse makes of a line the reader accepted, in the reader's terms; undefined if it disagrees. */
function viaJson(line: string): { ts: number; step: number; keys: string[]; values: number[] } | undefined {
  const rec = JSON.parse(line) as Record<string, unknown>;
  const values = rec.values as Record<string, unknown>;
  if (rec.t !== 'metrics' || typeof rec.ts !== 'number' || typeof values !== 'object' || values === null) return undefined;
  const step = rec.step === undefined ? -1 : rec.step;
  if (typeof step !== 'number') return undefined;
  const keys = Object.keys(values);
  // The logger's spelling of NaN and ±Infinity is a number too.
  const num = (v: unknown) => (typeof v === 'number' ? v : specialFloat(v));
  if (!keys.every((k) => num(values[k]) !== undefined)) return undefined;
  return { ts: rec.ts, step, keys, values: keys.map((k) => num(values[k]) as number) };
}

const reader = new MetricsLineReader();

function read(line: string): { ts: number; step: number; keys: string[]; values: number[] } | undefined {
  // Inside a larger buffer, as the tailer hands lines over.
  const bytes = Buffer.from(`junk\n${line}\nmore\n`);
  const start = 5;
  const nl = reader.read(bytes, start, bytes.length);
  if (nl < 0) return undefined;
  assert.equal(nl, start + Buffer.byteLength(line), `the end of ${line}`);
  return { ts: reader.ts, step: reader.step, keys: reader.keys.slice(0, reader.count), values: [...reader.values.subarray(0, reader.count)] };
}

/** Accepted lines must mean exactly what JSON.parse says (numbers to the bit, -0 included). */
function assertAgrees(line: string): boolean {
  const got = read(line);
  if (got === undefined) return false;
  let want: ReturnType<typeof viaJson>;
  try {
    want = viaJson(line);
  } catch {
    assert.fail(`accepted a line JSON.parse rejects: ${line}`);
  }
  assert.ok(want !== undefined, `accepted a line that is not a plain metrics record: ${line}`);
  assert.ok(Object.is(got.ts, want.ts), `ts of ${line}: ${got.ts} vs ${want.ts}`);
  assert.ok(Object.is(got.step, want.step), `step of ${line}`);
  assert.deepEqual(got.keys, want.keys, `keys of ${line}`);
  got.values.forEach((v, i) => assert.ok(Object.is(v, want.values[i]), `value ${i} of ${line}: ${v} vs ${want.values[i]}`));
  return true;
}

/** What applyRecord makes of the parsed line must be what applyMetricsLine makes of the read one. */
function assertAppliesAlike(line: string): void {
  const apply = (fast: boolean) => {
    const state = newRunState('r', '/root', '/root/runs/r');
    const file = newFileState('/root/runs/r/events.jsonl');
    // A step to continue from, and times that the line may or may not move.
    file.prevStep = 41;
    state.lastUpdate = 5e12;
    const points = new PendingPoints();
    const complaints: string[] = [];
    if (fast) {
      const bytes = Buffer.from(`${line}\n`);
      assert.ok(reader.read(bytes, 0, bytes.length) >= 0);
      applyMetricsLine(state, file, reader, points);
    } else applyRecord(state, file, JSON.parse(line) as Record<string, unknown>, points, (r) => complaints.push(r));
    const cols = [...points.byKey].map(([key, b]) => [key, [...b.steps.subarray(0, b.length)], [...b.times.subarray(0, b.length)], [...b.values.subarray(0, b.length)]]);
    points.clear();
    return { state, file, cols, complaints };
  };
  assert.deepEqual(apply(true), apply(false), line);
}


test('the lines loggers write are read, to the same numbers JSON.parse gives', () => {
  const lines = [
    '{"t":"metrics","ts":1795413745.5818048,"step":3,"values":{"loss":0.123456789123,"acc":1,"nested/a":2}}',
    '{"t":"metrics","ts":1767225601.000,"step":0,"values":{"train/loss":2.80255,"lr":0.000100000,"throughput":1208}}',
    '{"t":"metrics","ts":1767225601.05,"values":{"big":1e+20,"tiny":5e-324,"neg":-0.0,"zero":0,"exp":1E-7}}',
    '{"t": "metrics", "ts": 12.5, "step": 7, "values": {"a": 1, "b": -2.5e3}}',
    ' {"values":{"a":1},"step":2,"ts":3,"t":"metrics"}\r',
    '{"t":"metrics","ts":1,"step":1,"values":{}}',
    '{"t":"metrics","ts":1,"step":1,"values":{"ünïcødé 🚀":1,"":2,"__proto__":3}}',
    '{"t":"metrics","ts":1,"step":9007199254740993,"values":{"a":9007199254740993,"b":123456789012345678901234567890}}',
    '{"t":"metrics","ts":1,"values":{"a":1e400,"b":-1e400,"c":0e999,"d":1.7976931348623157e308,"e":2.2250738585072014e-308}}',
    '{"t":"metrics","ts":1,"step":-0,"values":{"a":1}}',
    // Python's json writes non-ASCII keys as escapes; other escapes too.
    '{"t":"metrics","ts":1,"step":2,"values":{"lr\\u00e9":1,"a\\"b":2,"tab\\t":3,"\\ud83d\\ude80":4,"lone\\ud800":5,"sl\\/\\\\":6}}',
    '{"t":"metrics","ts":1,"step":3,"values":{"lr\\u00e9":1,"a\\"b":2,"tab\\t":3,"\\ud83d\\ude80":4,"lone\\ud800":5,"sl\\/\\\\":6}}',
    '{"t":"metrics","ts":1,"step":4,"values":{"lré":7,"a\\"bc":8}}',
    '{"t":"metrics","ts":1,"step":3,"values":{"loss":{"$float":"NaN"},"hi":{"$float":"Infinity"},"lo":{"$float":"-Infinity"},"ok":1}}',
  ];
  for (const line of lines) {
    assert.ok(assertAgrees(line), `declined: ${line}`);
    assertAppliesAlike(line);
  }
});

test('a thousand random doubles, in every notation, parse to the bit', () => {
  const next = prng(1);
  for (let i = 0; i < 1000; i++) {
    const magnitude = 10 ** Math.floor(next() * 60 - 30);
    const x = (next() - 0.5) * magnitude;
    const forms = [JSON.stringify(x), x.toExponential(Math.floor(next() * 17)), x.toFixed(Math.floor(next() * 20)), x.toPrecision(1 + Math.floor(next() * 20))];
    for (const form of forms) {
      if (!/^-?\d/.test(form)) continue;
      const line = `{"t":"metrics","ts":${form.replace('-', '')},"step":${i},"values":{"x":${form}}}`;
      assert.ok(assertAgrees(line), `declined: ${line}`);
    }
  }
});

test('anything else is declined: escapes outside keys, keys repeated through escapes, nulls, nested or tagged values, bad steps, other kinds, bad JSON', () => {
  const lines = [
    '{"t":"system","ts":1,"values":{"cpu":1}}',
    '{"t":"metrics","ts":1,"values":{"a":1,"\\u0061":2}}',
    '{"t":"m\\u0065trics","ts":1,"values":{"a":1}}',
    '{"\\u0074":"metrics","ts":1,"values":{"a":1}}',
    '{"t":"metrics","ts":1,"values":{"bad\\x":1}}',
    '{"t":"metrics","ts":1,"values":{"bad\\u12":1}}',
    '{"t":"metrics","ts":1,"values":{"\\u0035":1}}',
    '{"t":"metrics","ts":1,"values":{"a":null}}',
    '{"t":"metrics","ts":1,"values":{"a":{"$float": "NaN"}}}',
    '{"t":"metrics","ts":1,"values":{"a":{"$float":"inf"}}}',
    '{"t":"metrics","ts":1,"values":{"a":{"$int":"12"}}}',
    '{"t":"metrics","ts":{"$float":"NaN"},"values":{"a":1}}',
    '{"t":"metrics","ts":1,"values":{"a":NaN}}',
    '{"t":"metrics","ts":1,"values":{"a":1,"a":2}}',
    '{"t":"metrics","ts":1,"step":-1,"values":{"a":1}}',
    '{"t":"metrics","ts":1,"step":1.5,"values":{"a":1}}',
    '{"t":"metrics","ts":1,"step":null,"values":{"a":1}}',
    '{"t":"metrics","step":1,"values":{"a":1}}',
    '{"t":"metrics","ts":1e400,"values":{"a":1}}',
    '{"t":"metrics","ts":1,"values":{"a":1},"extra":true}',
    '{"t":"metrics","ts":1,"ts":2,"values":{"a":1}}',
    '{"t":"metrics","ts":1,"values":{"a":01}}',
    '{"t":"metrics","ts":1,"values":{"a":1.}}',
    '{"t":"metrics","ts":1,"values":{"a":.5}}',
    '{"t":"metrics","ts":1,"values":{"a":+1}}',
    '{"t":"metrics","ts":1,"values":{"a":1,}}',
    '{"t":"metrics","ts":1,"values":{"a":1}',
    '{"t":"metrics","ts":1,"values":{"a":1}} x',
    '\ufeff{"t":"metrics","ts":1,"values":{"a":1}}',
    '{"t":"metricsX","ts":1,"values":{"a":1}}',
  ];
  for (const line of lines) assert.equal(read(line), undefined, `accepted: ${line}`);
});

test('20,000 mutated lines: whatever is accepted means what JSON.parse says', () => {
  const next = prng(7);
  const base = [
    '{"t":"metrics","ts":1767225601.050,"step":1,"values":{"train/loss":2.55989,"val/loss":2.754,"lr":0.0000999998,"throughput":1196}}',
    '{"t":"metrics","ts":12,"values":{"a":-1.5e-7,"b":0}}',
    '{"t":"metrics","ts":13,"step":7,"values":{"loss":{"$float":"NaN"},"x":{"$float":"-Infinity"}}}',
  ];
  const alphabet = '{}[]":,.-+eE0123456789 \\ntsepvalu\u00e9';
  let accepted = 0;
  for (let i = 0; i < 20000; i++) {
    const chars = [...base[i % base.length]];
    for (let m = 1 + Math.floor(next() * 3); m > 0; m--) {
      const at = Math.floor(next() * chars.length);
      const op = next();
      const c = alphabet[Math.floor(next() * alphabet.length)];
      if (op < 0.4) chars[at] = c;
      else if (op < 0.7) chars.splice(at, 1);
      else chars.splice(at, 0, c);
    }
    const line = chars.join('');
    if (assertAgrees(line)) {
      assertAppliesAlike(line);
      accepted++;
    }
  }
  // About one in eight edited lines is still a plain metrics record: the comparison is exercised, not bypassed.
  assert.ok(accepted > 1500, `only ${accepted} accepted`);
});

test('a key set that changes between lines is read afresh, and repeated keys of a new set are declined', () => {
  assert.ok(assertAgrees('{"t":"metrics","ts":1,"values":{"a":1,"b":2}}'));
  assert.ok(assertAgrees('{"t":"metrics","ts":1,"values":{"a":1,"c":2}}'));
  assert.ok(assertAgrees('{"t":"metrics","ts":1,"values":{"a":1}}'));
  assert.ok(assertAgrees('{"t":"metrics","ts":1,"values":{"a":1,"c":2,"d":3}}'));
  assert.equal(read('{"t":"metrics","ts":1,"values":{"a":1,"c":2,"a":3}}'), undefined);
  // Keys that begin like the last line's: read in full, not taken for them.
  assert.ok(assertAgrees('{"t":"metrics","ts":1,"values":{"a":1,"cc":2,"d":3}}'));
  assert.ok(assertAgrees('{"t":"metrics","ts":1,"values":{"a":1,"c":2,"d":3}}'));
  assert.ok(assertAgrees('{"t":"metrics","ts":1,"values":{"a":1,"c\\"":2,"d":3}}'));
  assert.equal(read('{"t":"metrics","ts":1,"values":{"a":1,"c'), undefined);
  // JSON.parse would put "5" first.
  assert.equal(read('{"t":"metrics","ts":1,"values":{"a":1,"5":2}}'), undefined);
  assert.ok(assertAgrees('{"t":"metrics","ts":1,"values":{"a":1,"05":2,"4294967295":3}}'));
  assert.ok(assertAgrees('{"t":"metrics","ts":1,"values":{"a":1,"c":2,"d":3}}'));
  const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i / 7]));
  assert.ok(assertAgrees(encodeLine(metrics(2, many, 5))));
});

test('a store reads a log the same whether its metrics lines take the fast path or JSON.parse', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const next = prng(3);
  const lines = [encodeLine(start({ id: 'plain' }))];
  for (let s = 0; s < 3000; s++) {
    const values: Record<string, number> = { loss: next() * 10 ** Math.floor(next() * 10 - 5), 'val/acc': Math.round(next() * 1e6) / 1e6 };
    if (s % 7 === 0) values[`sometimes/${s % 3}`] = -next();
    if (s > 2500) values.loss = s % 5 === 0 ? -Infinity : NaN;
    // Some lines without a step, some repeating one.
    const step = s % 11 === 0 ? undefined : s % 13 === 0 ? s - 1 : s;
    lines.push(encodeLine(metrics(step, values, T0 + s / 3)));
    if (s % 500 === 0) lines.push(encodeLine(system({ cpu: s }, T0 + s / 3)));
  }
  writeLog(root, 'plain', lines);
  // Every metrics line of the plain log takes the fast path, or this test would compare JSON.parse with itself.
  for (const line of lines.filter((l) => l.startsWith('{"t":"metrics"'))) assert.ok(read(line) !== undefined, line);
  // The same records, with "t" spelled as an escape: JSON.parse reads it the same, the fast path declines it.
  writeLog(root, 'escaped', lines.map((l, i) => (i === 0 ? encodeLine(start({ id: 'escaped' })) : l.replace('{"t":', '{"\\u0074":'))));
  const store = await openStore({ roots: [root], now: () => (T0 + 60) * 1000 });
  t.after(() => store.close());
  const report = await store.index();
  assert.equal(report.diagnostics.length, 0);
  const [plain, escaped] = [store.getRun('plain'), store.getRun('escaped')];
  assert.ok(plain !== undefined && escaped !== undefined);
  const same = (run: object) => ({ ...run, id: '', name: '', dir: '', path: '', logPath: '' });
  assert.deepEqual(same(plain), same(escaped));
  const keys = store.metricKeys(['plain']);
  assert.deepEqual(keys, store.metricKeys(['escaped']));
  assert.ok(keys.length >= 5);
  for (const key of keys) {
    const [a, b] = await store.series({ runIds: ['plain', 'escaped'], keys: [key], points: 1_000_000 });
    assert.deepEqual([a.steps, a.times, a.values], [b.steps, b.times, b.values], key);
  }
});

test('a metrics line at the length cap is reported and skipped, though the fast path could read it', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const head = '{"t":"metrics","ts":1700000001,"step":1,"values":{"loss":99}';
  // Spaces before the closing brace: valid JSON, a plain metrics record, exactly MAX_LINE_BYTES long.
  const capped = head + ' '.repeat(MAX_LINE_BYTES - head.length - 1) + '}';
  assert.equal(Buffer.byteLength(capped), MAX_LINE_BYTES);
  assert.ok(read(capped) !== undefined, 'the reader alone would take it');
  writeLog(root, 'r', [start({ id: 'r' }), '{"t":"metrics","ts":1700000000,"step":0,"values":{"loss":1}}', capped, '{"t":"metrics","ts":1700000002,"step":2,"values":{"loss":3}}']);
  const store = await openStore({ roots: [root], now: () => (T0 + 60) * 1000 });
  t.after(() => store.close());
  const report = await store.index();
  assert.deepEqual(report.diagnostics.map((d) => [d.line, d.reason]), [[3, 'line longer than 16 MB skipped']]);
  const [s] = await store.series({ runIds: ['r'], keys: ['loss'], points: 100 });
  assert.deepEqual([...s.steps], [0, 2]);
  assert.deepEqual([...s.values], [1, 3]);
});

test('key sets that alternate, rotate or never repeat are all read right', () => {
  const sets = [['train/loss', 'train/acc'], ['lr', 'grad_norm'], ['val/loss', 'val/acc', 'val/f1'], ['train/loss']];
  for (let i = 0; i < 400; i++) {
    // Two sets alternating, three rotating, two that begin alike, then a set with a key of another elsewhere.
    const set = i < 100 ? sets[i % 2] : i < 200 ? sets[i % 3] : i < 300 ? (i % 2 === 0 ? ['loss', 'lr'] : ['loss', 'eval/acc']) : i % 2 === 0 ? sets[3] : ['train/acc', 'train/loss'];
    const line = encodeLine(metrics(i, Object.fromEntries(set.map((k, j) => [k, i + j / 10])), 1 + i));
    assert.ok(assertAgrees(line), `declined: ${line}`);
  }
  // More distinct keys than the reader remembers: it starts over and stays right.
  for (let i = 0; i < 5000; i++) {
    const line = `{"t":"metrics","ts":${i + 1},"values":{"key/${i}":${i},"key/${(i * 7) % 5000}":0.5}}`;
    if (i === 0) assert.equal(read(line), undefined, 'a repeated key');
    else if ((i * 7) % 5000 !== i) assert.ok(assertAgrees(line), line);
  }
});

test('a key kept through a reset of the remembered keys is matched only as it was written', () => {
  const many = `{${Array.from({ length: 4100 }, (_, i) => `"k${i}":0`).join(',')}}`;
  // Escaped spellings whose decoded string, written out raw, would be other JSON or none.
  for (const [escaped, raw] of [['a\\"b', 'a"b'], ['x\\\\', 'x\\'], ['tab\\t', 'tab\t'], ['nl\\nz', 'nl\nz'], ['s\\ud800', 's\ufffd']]) {
    assert.ok(assertAgrees(`{"t":"metrics","ts":1,"values":{"${escaped}":1}}`), escaped);
    // Past the reader's memory: its keys start over, while the escaped key stays in a template.
    assert.ok(assertAgrees(`{"t":"metrics","ts":2,"values":${many}}`));
    assert.ok(assertAgrees(`{"t":"metrics","ts":3,"values":{"${escaped}":1,"z":2}}`), escaped);
    // The decoded key written raw: bad JSON, or JSON that means another key. Declined, or read as JSON.parse does.
    const line = `{"t":"metrics","ts":4,"values":{"${raw}":1,"z":2}}`;
    let parses = true;
    try {
      JSON.parse(line);
    } catch {
      parses = false;
    }
    if (parses) assertAgrees(line);
    else assert.equal(read(line), undefined, line);
    assert.ok(assertAgrees(`{"t":"metrics","ts":5,"values":{"${escaped}":1,"z":2}}`), escaped);
  }
});
