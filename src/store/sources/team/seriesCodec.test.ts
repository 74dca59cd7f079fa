import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { test } from 'node:test';
import { prng } from '../../../../test/fixtures/prng';
import { CodecError, decodeSeries, encodeSeries, type SeriesColumns } from './seriesCodec';

const col = (xs: number[]) => Float64Array.from(xs);

test('series.bin round-trips bit for bit: decimals, full doubles, NaN, ±Infinity, -0, huge and tiny values', () => {
  const seed = 1234;
  const rand = prng(seed);
  const n = 1000;
  const steps = col(Array.from({ length: n }, (_, i) => i * 2));
  const times = col(Array.from({ length: n }, (_, i) => 1.7e12 + i * 1000 + (i % 7)));
  const series: SeriesColumns[] = [
    { key: 'loss', steps, times, values: col(Array.from({ length: n }, () => Number((rand() * 10).toPrecision(6)))) },
    { key: 'raw', steps, times, values: col(Array.from({ length: n }, () => rand())) },
    { key: 'odd/é ✓', steps: col([0, 1, 2, 3, 4, 5]), times: col([0.5, 1.25, 2, 3, 4, 5]), values: col([NaN, Infinity, -Infinity, -0, 1e308, 5e-324]) },
    { key: 'diverged', steps: col([0, 1, 2, 3, 4, 5, 6, 7]), times: col([0, 1, 2, 3, 4, 5, 6, 7]), values: col([1.5, NaN, 2.25, Infinity, 3, -0, -Infinity, 0.001]) },
    { key: 'empty', steps: col([]), times: col([]), values: col([]) },
    { key: 'big-int', steps: col([0, 2 ** 53]), times: col([0, 1]), values: col([2 ** 60, -(2 ** 52)]) },
  ];
  const bytes = encodeSeries(series);
  const back = decodeSeries(bytes, 1e9);
  assert.equal(back.length, series.length);
  series.forEach((s, i) => {
    assert.equal(back[i].key, s.key);
    for (const c of ['steps', 'times', 'values'] as const) {
      assert.deepEqual(Buffer.from(back[i][c].buffer), Buffer.from(s[c].buffer), `seed ${seed}: ${s.key}.${c}`);
    }
  });
});

test('series.bin is compact for logged metrics: six significant digits cost ~2 bytes a point after zlib', () => {
  const rand = prng(7);
  const n = 10_000;
  const s: SeriesColumns = {
    key: 'val/loss',
    steps: col(Array.from({ length: n }, (_, i) => i)),
    times: col(Array.from({ length: n }, (_, i) => 1.7e12 + i * 250)),
    values: col(Array.from({ length: n }, (_, i) => Number((2 * Math.exp(-i / 3000) + 0.1 + rand() * 0.01).toPrecision(6)))),
  };
  const packed = deflateSync(encodeSeries([s])).length;
  assert.ok(packed / n < 3, `${(packed / n).toFixed(2)} bytes a point`);
});

test('series.bin from a hostile ref: truncation, lying counts, bad kinds and trailing bytes are errors with a byte offset', () => {
  const good = encodeSeries([{ key: 'k', steps: col([0, 1]), times: col([0, 1]), values: col([1, 2]) }]);
  assert.throws(() => decodeSeries(good.subarray(0, good.length - 1), 1e6), CodecError);
  assert.throws(() => decodeSeries(Buffer.concat([good, Buffer.from([0])]), 1e6), /bytes past its end/);
  assert.throws(() => decodeSeries(Buffer.from('XXXX'), 1e6), /TSS1/);
  // 2^40 points claimed by a few bytes: refused before any allocation.
  assert.throws(() => decodeSeries(Buffer.from([0x54, 0x53, 0x53, 0x31, 1, 1, 0x6b, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]), 5e6), /claims/);
  assert.throws(() => decodeSeries(good, 1), /claims 2 points/);
  assert.throws(() => decodeSeries(Buffer.from([0x54, 0x53, 0x53, 0x31, 1, 1, 0x6b, 2, 2]), 1e6), /repeated column with nothing of 2 points to repeat at byte 8/);
  // A constant series of many points is a few bytes: it decodes (within the cap).
  const flat = encodeSeries([{ key: 'c', steps: col(Array.from({ length: 50_000 }, (_, i) => i)), times: col(new Array(50_000).fill(7)), values: col(new Array(50_000).fill(0.5)) }]);
  assert.ok(flat.length < 100, `${flat.length} bytes`);
  assert.equal(decodeSeries(flat, 1e6)[0].values[49_999], 0.5);
  const badKind = Buffer.from(good);
  badKind[8] = 9;
  assert.throws(() => decodeSeries(badKind, 1e6), /unknown column kind 9 at byte 8/);
  assert.throws(() => decodeSeries(Buffer.from([0x54, 0x53, 0x53, 0x31, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 1e6), /overlong|series/);
});
