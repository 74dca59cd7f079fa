import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng } from '../../../../test/fixtures/prng';
import { NumberScanner } from '../foreign/numbers';
import { metricLines, type MetricSink } from './metricLines';

type Got = Array<[number, number, number, number] | ['bad', number, number]>;

function collect(got: Got): MetricSink {
  return {
    point: (_key, step, time, value) => got.push([got.length, step, time, value]),
    problem: (_rel, line, _reason, offset) => got.push(['bad', line ?? -1, offset ?? -1]),
  };
}

/** The rule line by line, on its own: `timestamp value [step]`, single spaces, an optional \r, each a whole number. */
function reference(lines: string[]): Got {
  const got: Got = [];
  const s = new NumberScanner();
  const num = (t: string): number | undefined => {
    const b = Buffer.from(t, 'latin1');
    return t !== '' && s.read(b, 0, b.length) && s.pos === b.length ? s.num : undefined;
  };
  let offset = 0;
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line !== '') {
      const parts = line.split(' ');
      const [time, value, step] = parts.map(num);
      const ok = (parts.length === 2 || parts.length === 3) && time !== undefined && Number.isFinite(time) && value !== undefined && (parts.length === 2 || (step !== undefined && Number.isFinite(step)));
      if (ok) got.push([got.length, parts.length === 3 ? (step as number) : 0, time, value]);
      else got.push(['bad', i + 1, offset]);
    }
    offset += Buffer.byteLength(raw, 'latin1') + 1;
  });
  return got;
}

test('metric lines give the points and bad lines a line-by-line reading gives, over usual and hostile lines', () => {
  const seed = 5;
  const rand = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const shapes: Array<() => string> = [
    () => `${1700000000000 + Math.floor(rand() * 1e6)} ${String(rand() * 4)} ${Math.floor(rand() * 1e5)}`,
    () => `${1700000000000 + Math.floor(rand() * 1e6)} ${(rand() - 0.5).toPrecision(17)} ${Math.floor(rand() * 1e5)}\r`,
    () => `1700000000000 ${rand()}`,
    () => `1700000000000 ${pick(['nan', 'inf', '-inf', 'NaN', '-Infinity'])} 3`,
    () => `${pick(['nan', 'inf', ''])} 1.5 3`,
    () => `1700000000000 1.5 ${pick(['nan', 'inf', '2.5', '-1', '1e3', '', 'x'])}`,
    () => pick(['', ' ', '\r', 'text', '1 2 3 4', ' 1 2 3', '1 2 3 ', '1  2 3', '1\t2\t3', '1 2 3x', '1.2.3 4 5', '-', '1e 2 3']),
    () => `${pick(['0', '-0', '+1', '1e400', '12345678901234567890123', '0.000000000000000000000001'])} ${pick(['1', '1e-400', '99999999999999999999'])} ${pick(['0', '7', '1e21'])}`,
  ];
  for (let round = 0; round < 300; round++) {
    const lines = Array.from({ length: 1 + Math.floor(rand() * 40) }, () => pick(shapes)());
    const text = `${lines.join('\n')}\n`;
    // Inside a larger buffer, with a \n right after the lines' end that must not be read as theirs.
    const bytes = Buffer.from(`9 9 9\n${text}9 9 9\n`, 'latin1');
    const got: Got = [];
    metricLines(collect(got), new NumberScanner(), 'metrics/x', 'x', { bytes, start: 6, end: 6 + text.length, firstLine: 1, offset: 0 });
    assert.deepEqual(got, reference(lines), `seed ${seed}, round ${round}: ${JSON.stringify(text)}`);
  }
});
