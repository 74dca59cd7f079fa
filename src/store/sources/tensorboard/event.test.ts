// Event files written by the fixture writer (from event.proto, summary.proto, tensor.proto and the hparams
// plugin's plugin_data.proto) decode to the scalars, hparams and text they hold, and bad input becomes
// diagnostics with byte offsets while everything else is kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concat, encode } from '../../../../test/fixtures/protobuf';
import { T0 } from '../../../../test/fixtures/records';
import {
  event,
  eventFile,
  hparamsEndValue,
  hparamsStartValue,
  histogramValue,
  scalarValue,
  tensorboardEvents,
  textValue,
  tfrecord,
  type ScalarStyle,
} from '../../../../test/fixtures/tensorboard';
import { EventDecoder, halfToNumber } from './event';
import type { HParamsData } from './hparams';
import { scanEvents } from './scanEvents';

interface Collected {
  scalars: Array<[string, number, number, number]>;
  texts: Array<[string, number, string]>;
  hparams: HParamsData[];
  versions: string[];
  events: number;
  problems: Array<[number, string]>;
}

function collect(bytes: Uint8Array, decoder = new EventDecoder(), base = 0, fileEnd = base + bytes.length) {
  const c: Collected = { scalars: [], texts: [], hparams: [], versions: [], events: 0, problems: [] };
  const result = scanEvents(bytes, base, fileEnd, decoder, {
    event: () => void c.events++,
    scalar: (tag, step, wall, value) => void c.scalars.push([tag, step, wall, value]),
    text: (tag, step, _wall, text) => void c.texts.push([tag, step, text]),
    hparams: (d) => void c.hparams.push(d),
    fileVersion: (v) => void c.versions.push(v),
    problem: (at, reason) => void c.problems.push([at, reason]),
  });
  return { ...c, result };
}

test('a run of simple_value scalars with hparams reads back whole', () => {
  const bytes = eventFile(tensorboardEvents(5));
  const c = collect(bytes);
  assert.deepEqual(c.versions, ['brain.Event:2']);
  assert.deepEqual(c.problems, []);
  assert.equal(c.scalars.length, 10);
  assert.deepEqual(c.scalars.slice(0, 2), [
    ['loss', 0, T0, 10],
    ['acc', 0, T0, 0],
  ]);
  assert.deepEqual(c.scalars.at(-1), ['acc', 4, T0 + 4, Math.fround(0.4)]);
  assert.deepEqual(c.hparams, [{ kind: 'start', hparams: { lr: 0.1, depth: 4, act: 'relu' }, startTime: T0 }]);
  assert.deepEqual(c.result, { next: bytes.length, need: 0 });
});

test('scalar tensors in every form TF2 and PyTorch write them read as numbers; float32 values stay float32', () => {
  const styles: Array<[ScalarStyle, number, number]> = [
    ['float-content', 0.1, Math.fround(0.1)],
    ['double-content', 0.1, 0.1],
    ['half-content', 1.5, 1.5],
    ['float-val', -2.25, -2.25],
    ['double-val', 1e300, 1e300],
    ['int64-val', -7, -7],
    ['half-val', 0.5, 0.5],
  ];
  for (const [style, written, read] of styles) {
    const c = collect(eventFile([event({ wallTime: T0, step: 3, values: [scalarValue('m', written, style, true)] }), event({ wallTime: T0 + 1, step: 4, values: [scalarValue('m', written, style)] })]));
    assert.deepEqual(c.problems, [], style);
    assert.deepEqual(
      c.scalars.map((s) => [s[1], s[3]]),
      [
        [3, read],
        [4, read],
      ],
      style,
    );
  }
  assert.equal(halfToNumber(0x7c00), Infinity);
  assert.ok(Number.isNaN(halfToNumber(0x7e00)));
  assert.equal(halfToNumber(0x0001), 2 ** -24);
});

test('steps beyond 2^31 and negative steps decode as int64', () => {
  const c = collect(eventFile([event({ wallTime: T0, step: 2n ** 40n, values: [scalarValue('a', 1)] }), event({ wallTime: T0, step: -3n, values: [scalarValue('a', 2)] })]));
  assert.deepEqual(
    c.scalars.map((s) => s[1]),
    [2 ** 40, -3],
  );
});

test('text summaries are notes; histograms are not scalars; a tag keeps its plugin after its first value', () => {
  const c = collect(
    eventFile([
      event({ wallTime: T0, step: 1, values: [textValue('notes', 'first <b>note</b>'), histogramValue('weights')] }),
      // Later values carry no metadata: the tag's plugin is remembered.
      event({ wallTime: T0 + 1, step: 2, values: [textValue('notes', 'second', false), scalarValue('loss', 1)] }),
    ]),
  );
  assert.deepEqual(c.texts, [
    ['notes', 1, 'first <b>note</b>'],
    ['notes', 2, 'second'],
  ]);
  assert.deepEqual(c.scalars, [['loss', 2, T0 + 1, 1]]);
});

test('the plugin memory carries over to a decoder made from a saved cursor', () => {
  const saved = new EventDecoder();
  collect(eventFile([event({ wallTime: T0, values: [histogramValue('w')] })]), saved);
  // A one-element tensor under a remembered non-scalar plugin stays unplotted; a fresh decoder would plot it.
  const later = eventFile([event({ wallTime: T0, values: [[{ n: 1, string: 'w' }, { n: 8, message: [{ n: 1, varint: 1 }, { n: 5, float: 1 }] }]] })]);
  assert.deepEqual(collect(later, new EventDecoder(Object.fromEntries(saved.plugins))).scalars, []);
  assert.equal(collect(later).scalars.length, 1);
  assert.deepEqual(Object.fromEntries(saved.plugins), { w: 'histograms' });
});

test('hparams session start and end info decode; the experiment definition is skipped', () => {
  const experiment = [{ n: 1, string: '_hparams_/experiment' }, { n: 9, message: [{ n: 1, message: [{ n: 1, string: 'hparams' }, { n: 2, bytes: encode([{ n: 2, message: [{ n: 6, double: 1 }] }]) }] }] }];
  const c = collect(
    eventFile([
      event({ wallTime: T0, values: [experiment as never, hparamsStartValue({ lr: 0.01, opt: { name: 'adam', betas: [0.9, 0.99] }, use_bn: true, none: null }, { group: 'g1', startTime: T0 })] }),
      event({ wallTime: T0 + 9, values: [hparamsEndValue(2, T0 + 9)] }),
    ]),
  );
  assert.deepEqual(c.problems, []);
  assert.deepEqual(c.hparams, [
    { kind: 'start', hparams: { lr: 0.01, opt: { name: 'adam', betas: [0.9, 0.99] }, use_bn: true, none: null }, group: 'g1', startTime: T0 },
    { kind: 'end', status: 'failure', endTime: T0 + 9 },
  ]);
});

test('unknown fields and summary kinds are skipped without complaint', () => {
  const c = collect(
    eventFile([
      encode([{ n: 1, double: T0 }, { n: 2, varint: 1 }, { n: 4, bytes: new Uint8Array(50) }, { n: 10, message: [{ n: 1, string: 'writer' }] }, { n: 99, varint: 5 }]),
      event({ wallTime: T0, step: 2, values: [[{ n: 1, string: 'img' }, { n: 4, message: [{ n: 1, varint: 1 }] }], [{ n: 1, string: 'x' }, { n: 2, float: 5 }, { n: 50, string: 'future' }]] }),
    ]),
  );
  assert.deepEqual(c.problems, []);
  assert.deepEqual(c.scalars, [['x', 2, T0, 5]]);
});

test('a record that is not a valid Event is a diagnostic at its offset; the records around it are kept', () => {
  const good = tfrecord(event({ wallTime: T0, step: 1, values: [scalarValue('a', 1)] }));
  const bad = tfrecord(Uint8Array.from([(5 << 3) | 2, 100, 1, 2, 3]));
  const bytes = concat([good, bad, good]);
  const c = collect(bytes, new EventDecoder(), 1000, 1000 + bytes.length);
  assert.equal(c.scalars.length, 2);
  assert.equal(c.problems.length, 1);
  assert.equal(c.problems[0][0], 1000 + good.length);
  assert.match(c.problems[0][1], /not a valid Event: length 100 runs past/);
});

test('garbage bytes decode to nothing without throwing', () => {
  const rand = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
  const next = rand(42);
  for (let round = 0; round < 200; round++) {
    const body = Uint8Array.from({ length: 1 + (round % 60) }, next);
    // Framed correctly, so every one reaches the decoder.
    const c = collect(tfrecord(body));
    assert.ok(c.problems.length <= 1);
  }
});
