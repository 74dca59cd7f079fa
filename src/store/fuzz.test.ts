// Mutates run logs in over a thousand seeded ways and checks the store's promises: nothing throws out of it,
// untouched runs stay exactly as they were, each bad file gets one diagnostic, and an index persisted along
// the way equals a fresh one. Failures print the seed and iteration so they reproduce.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from './runStore';
import { logPath, tempRoot, writeLog } from '../../test/fixtures/logs';
import { prng } from '../../test/fixtures/prng';
import { encodeLine, metrics, params, T0 } from '../../test/fixtures/records';
import { simpleRun } from '../../test/fixtures/runs';
import type { RunStore } from './types';

const SEED = 20261123;
const ITERATIONS = 1000;
const PER_PASS = 25;

type Mutation = { name: string; knownBad: boolean; apply: (lines: string[], rand: () => number) => Buffer };

const pick = <T>(rand: () => number, items: T[]): T => items[Math.floor(rand() * items.length)];
const joined = (lines: string[]) => Buffer.from(lines.join('\n') + '\n');

function metricLineIndex(lines: string[], rand: () => number): number {
  return 2 + Math.floor(rand() * (lines.length - 3));
}

const mutations: Mutation[] = [
  { name: 'truncate', knownBad: false, apply: (l, r) => joined(l).subarray(0, Math.floor(r() * joined(l).length)) },
  {
    name: 'bit flips',
    knownBad: false,
    apply: (l, r) => {
      const b = Buffer.from(joined(l));
      for (let k = 1 + Math.floor(r() * 4); k > 0; k--) b[Math.floor(r() * b.length)] ^= 1 << Math.floor(r() * 8);
      return b;
    },
  },
  {
    name: 'invalid utf-8',
    knownBad: false,
    apply: (l, r) => {
      const b = joined(l);
      const at = Math.floor(r() * b.length);
      return Buffer.concat([b.subarray(0, at), Buffer.from([pick(r, [0xff, 0xc3, 0xe2, 0x80, 0xf0])]), b.subarray(at)]);
    },
  },
  {
    name: 'wrong types',
    knownBad: true,
    apply: (l, r) => {
      const i = metricLineIndex(l, r);
      const rec = JSON.parse(l[i]);
      const bad = pick(r, ['str', [1], { a: 1 }, true]);
      if (r() < 0.5) rec.values.loss = bad;
      else rec.step = pick(r, ['3', -2, 1.5, [1]]);
      return joined([...l.slice(0, i), JSON.stringify(rec), ...l.slice(i + 1)]);
    },
  },
  {
    name: 'duplicate steps',
    knownBad: false,
    apply: (l, r) => {
      const i = metricLineIndex(l, r);
      const rec = JSON.parse(l[i]);
      rec.values.loss = -1;
      return joined([...l.slice(0, -1), JSON.stringify(rec), l[l.length - 1]]);
    },
  },
  { name: 'garbage line', knownBad: true, apply: (l, r) => joined([...l.slice(0, 2), pick(r, ['}{', 'null', '[1,2]', '"str"', '{"t":', '{"t":"metrics","values":{"loss":NaNa}}']), ...l.slice(2)]) },
  { name: 'deleted lines', knownBad: false, apply: (l, r) => joined(l.filter(() => r() > 0.3)) },
  { name: 'swapped lines', knownBad: false, apply: (l, r) => joined([...l].sort(() => r() - 0.5)) },
  { name: 'bare specials', knownBad: false, apply: (l) => joined([...l.slice(0, -1), `{"t":"metrics","ts":${T0 + 99},"values":{"loss":NaN,"acc":-Infinity,"x":Infinity,"big":1e400,"tiny":-1e308}}`, l[l.length - 1]]) },
  {
    name: 'hostile strings',
    knownBad: false,
    apply: (l, r) =>
      joined([
        ...l,
        encodeLine(params({ __proto__x: 1, ['k'.repeat(2000)]: '\u0000\u001b[31m\u202e', constructor: { prototype: 'x' } })),
        '{"t":"params","ts":1,"params":{"__proto__":{"polluted":true}}}',
        '{"t":"params","ts":1,"params":{"__proto__":"plain"}}',
        '{"t":"metrics","ts":1,"values":{"__proto__":1}}',
        encodeLine(metrics(Math.floor(r() * 5), { 'a/../../b': 1, '': 2 })),
      ]),
  },
  { name: 'crlf and blank lines', knownBad: false, apply: (l) => Buffer.from(l.join('\r\n\n') + '\r\n') },
  { name: 'no trailing newline', knownBad: false, apply: (l) => Buffer.from(l.join('\n')) },
  { name: 'empty file', knownBad: false, apply: () => Buffer.alloc(0) },
];

function controlSnapshot(store: RunStore): string {
  return JSON.stringify(store.listRuns().filter((r) => r.id.startsWith('control')).map((r) => [r.id, r.metrics, r.params, r.status]));
}

test(`fuzz: ${ITERATIONS} mutated logs never break the store`, { timeout: 120_000 }, async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const dbPath = join(root, 'index.sqlite');
  for (let c = 0; c < 3; c++) writeLog(root, `control-${c}`, simpleRun(`control-${c}`, 30, { status: 'finished', lr: c }));
  const store = await openStore({ roots: [root], dbPath });
  await store.index();
  const controls = controlSnapshot(store);
  const rand = prng(SEED);
  const counts = new Map<string, number>();
  let victims: Array<{ id: string; mutation: Mutation; iteration: number }> = [];

  for (let i = 0; i < ITERATIONS; i++) {
    const mutation = i === 17 || i === 501 ? ({ name: '10 MB line', knownBad: false, apply: (l) => joined([...l.slice(0, 3), encodeLine(params({ blob: 'x'.repeat(10 << 20) })), ...l.slice(3)]) } as Mutation) : pick(rand, mutations);
    counts.set(mutation.name, (counts.get(mutation.name) ?? 0) + 1);
    const id = `victim-${i}`;
    const base = simpleRun(id, 5 + Math.floor(rand() * 20), { status: pick(rand, ['finished', 'failed'] as const) }).map(encodeLine);
    logPath(root, id);
    writeFileSync(logPath(root, id), mutation.apply(base, rand));
    victims.push({ id, mutation, iteration: i });
    if (victims.length < PER_PASS && i !== ITERATIONS - 1) continue;

    const where = `seed ${SEED}, iterations ${victims[0].iteration}..${i}`;
    await assert.doesNotReject(store.index(), where);
    assert.equal(controlSnapshot(store), controls, `control runs changed (${where})`);
    const perFile = new Map<string, number>();
    for (const d of store.diagnostics()) perFile.set(d.file, (perFile.get(d.file) ?? 0) + 1);
    for (const [file, n] of perFile) assert.equal(n, 1, `${n} diagnostics for ${file} (${where})`);
    for (const v of victims) {
      if (v.mutation.knownBad) assert.equal(perFile.get(logPath(root, v.id)), 1, `${v.mutation.name} on ${v.id} is reported (${where})`);
      const run = store.getRun(v.id);
      if (run === undefined) continue;
      await assert.doesNotReject(store.series({ runIds: [v.id], keys: Object.keys(run.metrics), points: 7 }), where);
      if (v.mutation.name === 'duplicate steps') assert.equal(run.metrics.loss.count, run.metrics.acc.count, `dedupe keeps one point per step (${where})`);
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
      if (v.mutation.name === 'hostile strings') {
        assert.equal(Object.getPrototypeOf(run.params), Object.prototype);
        assert.equal(Object.getOwnPropertyDescriptor(run.params, '__proto__')?.value, 'plain');
        assert.equal(Object.getOwnPropertyDescriptor(run.metrics, '__proto__')?.value.last, 1);
      }
    }
    for (const key of [{ kind: 'name' }, { kind: 'duration' }, { kind: 'param', key: 'lr' }, { kind: 'metric', key: 'loss' }] as const) {
      assert.doesNotThrow(() => store.listRuns({ sort: { key } }), where);
    }
    assert.doesNotThrow(() => store.paramsDiff(victims.map((v) => v.id)), where);
    if (i % 200 === 199) await store.persist();
    // Victims leave before the next pass, so the index stays small and removal is exercised too.
    for (const v of victims) rmSync(join(root, 'runs', v.id), { recursive: true, force: true });
    victims = [];
  }
  await store.index();
  assert.equal(controlSnapshot(store), controls);
  assert.deepEqual(store.listRuns().map((r) => r.id).sort(), ['control-0', 'control-1', 'control-2']);
  assert.ok([...counts].every(([name, n]) => name === '10 MB line' || n >= 40), `every mutation ran often: ${JSON.stringify([...counts])}`);
  await store.close();
});
