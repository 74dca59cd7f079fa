// The W&B record log, written by the fixture writer as datastore.py writes it: records across block
// boundaries reassemble, and damage (bad checksums, a cut record, garbage, a bad header, an empty file) is a
// diagnostic at its offset while every complete record around it is kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng } from '../../../../test/fixtures/prng';
import { concat } from '../../../../test/fixtures/protobuf';
import { configRecord, exitRecord, historyRecord, logHeader, rawJson, recordLog, runRecord, statsRecord, summaryRecord } from '../../../../test/fixtures/wandb';
import type { ScanResult } from '../binary/tail';
import { BLOCK_BYTES, FILE_HEADER_BYTES, headerProblem, scanLog } from './datastore';
import { decodeRecord, exitStatus } from './record';
import { historyRow, itemsObject, parsePythonJson } from './values';

function scan(file: Uint8Array, windowEnd = file.length): { records: Array<[number, Uint8Array]>; problems: Array<[number, string]>; result: ScanResult } {
  const records: Array<[number, Uint8Array]> = [];
  const problems: Array<[number, string]> = [];
  const result = scanLog(file.subarray(FILE_HEADER_BYTES, windowEnd), FILE_HEADER_BYTES, file.length, {
    record: (b, s, e, at) => void records.push([at, b.slice(s, e)]),
    problem: (at, reason) => void problems.push([at, reason]),
  });
  return { records, problems, result };
}

const payload = (n: number, seed: number) => {
  const rand = prng(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
};

test('records of every size reassemble across blocks, padding included', () => {
  // Sizes that end a block with fewer than 7 bytes left (padding), exactly fill one, span several.
  const sizes = [10, BLOCK_BYTES - 7 - 7 - 10 - 7 - 3, 5, BLOCK_BYTES * 3 + 100, 0, 40_000, 1];
  const records = sizes.map((n, i) => payload(n, i + 1));
  const file = recordLog(records);
  const s = scan(file);
  assert.deepEqual(s.problems, []);
  assert.deepEqual(
    s.records.map(([, b]) => b),
    records,
  );
  assert.deepEqual(s.result, { next: file.length, need: 0 });
  assert.equal(s.records[0][0], 7);
});

test('a file cut anywhere keeps every complete record, and the cursor stays at the first incomplete one', () => {
  const records = [payload(100, 1), payload(BLOCK_BYTES + 50, 2), payload(30, 3)];
  const file = recordLog(records);
  const ends = [7 + 7 + 100, 7 + 7 + 100 + BLOCK_BYTES + 50 + 14, file.length];
  for (const cut of [8, 50, 7 + 107, 200, BLOCK_BYTES, BLOCK_BYTES + 3, BLOCK_BYTES + 60, file.length - 1]) {
    const s = scan(file.subarray(0, cut));
    const complete = ends.filter((e) => e <= cut).length;
    assert.equal(s.records.length, complete, `cut at ${cut}`);
    assert.deepEqual(s.problems, [], `cut at ${cut}`);
    assert.equal(s.result.next, complete === 0 ? 7 : ends[complete - 1], `cut at ${cut}`);
    assert.equal(s.result.need > 0, !ends.includes(cut), `cut at ${cut}`);
  }
});

test('a window ending inside a record asks for enough bytes to go on', () => {
  const file = recordLog([payload(10, 1), payload(BLOCK_BYTES * 2, 2)]);
  const s = scan(file, 1000);
  assert.equal(s.records.length, 1);
  assert.equal(s.result.next, 7 + 17);
  assert.ok(s.result.next + s.result.need > 1000);
  const again = scanLog(file.subarray(s.result.next), s.result.next, file.length, { record: () => undefined, problem: () => assert.fail('no problem') });
  assert.deepEqual(again, { next: file.length, need: 0 });
});

test('a bad chunk checksum loses the rest of its block only; a record broken by it is reported too', () => {
  const records = [payload(100, 1), payload(200, 2), payload(BLOCK_BYTES, 3), payload(50, 4)];
  const file = recordLog(records);
  const damaged = file.slice();
  damaged[7 + 7 + 100 + 7 + 5] ^= 1;
  const s = scan(damaged);
  // Record 0 is intact; 1 and the first chunk of 2 are in the damaged block; 2's tail and 3 follow.
  assert.deepEqual(
    s.records.map(([, b]) => b),
    [records[0], records[3]],
  );
  assert.deepEqual(s.problems, [
    [7 + 107, 'bad chunk checksum; the rest of the block skipped'],
    [BLOCK_BYTES, 'last chunk of a record whose first chunk is missing; skipped'],
  ]);
});

test('garbage, a bad header and an empty file are refused with a reason', () => {
  assert.equal(headerProblem(logHeader()), undefined);
  assert.equal(headerProblem(new Uint8Array(0)), 'shorter than the 7-byte header');
  assert.match(headerProblem(new TextEncoder().encode('not a log at all')) ?? '', /no ":W&B" header/);
  assert.match(headerProblem(Uint8Array.of(0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 1)) ?? '', /version 1/);
  const junk = concat([logHeader(), payload(5000, 9)]);
  const s = scan(junk);
  assert.deepEqual(s.records, []);
  assert.equal(s.problems.length, 1);
  assert.equal(s.problems[0][0], 7);
  // The skip reaches the end of the block, past the file's end: the cursor stops at the file's end.
  assert.equal(s.result.next, junk.length);
});

test('Record messages decode: run, config, history, summary, stats and exit; others are skipped', () => {
  const decoded = [
    runRecord({ runId: 'abc', project: 'p', entity: 'e', displayName: 'Run A', group: 'g', notes: 'n', tags: ['x', 'y'], host: 'h', startTime: 1_700_000_000.5, git: { remote: 'r', commit: 'c' }, config: [['lr', 0.1]] }),
    configRecord([['opt', { name: 'adam' }], ['deep', 1, ['a', 'b']]]),
    historyRecord([['loss', 0.5], ['_step', 3], ['_timestamp', 1_700_000_003], ['img', { _type: 'image-file', path: 'x.png' }], ['nested', { a: 1, b: 'text' }], ['inf', rawJson('Infinity')]], 3),
    summaryRecord([['best', rawJson('NaN')]], [['old', null]]),
    statsRecord(1_700_000_001, [['cpu', 12.5]]),
    exitRecord(1, 42),
    encode4(),
  ].map((b) => decodeRecord(b, 0, b.length));
  assert.deepEqual(decoded[0], {
    kind: 'run',
    run: { runId: 'abc', entity: 'e', project: 'p', group: 'g', displayName: 'Run A', notes: 'n', tags: ['x', 'y'], host: 'h', startTime: 1_700_000_000.5, git: { remote: 'r', commit: 'c' }, config: [{ path: ['lr'], json: '0.1' }], summary: [] },
  });
  assert.deepEqual(decoded[1], {
    kind: 'config',
    update: [
      { path: ['opt'], json: '{"name":"adam"}' },
      { path: ['a', 'b'], json: '1' },
    ],
    remove: [],
  });
  assert.equal(decoded[2]?.kind, 'history');
  if (decoded[2]?.kind === 'history') {
    assert.equal(decoded[2].step, 3);
    const row = historyRow(decoded[2].items, decoded[2].step);
    assert.deepEqual(row, { step: 3, time: 1_700_000_003, values: [['loss', 0.5], ['nested.a', 1], ['inf', Infinity]], bad: [] });
  }
  assert.equal(decoded[3]?.kind, 'summary');
  if (decoded[3]?.kind === 'summary') assert.ok(Number.isNaN(itemsObject(decoded[3].update, []).best));
  assert.deepEqual(decoded[4], { kind: 'stats', time: 1_700_000_001, items: [{ path: ['cpu'], json: '12.5' }] });
  assert.deepEqual(decoded[5], { kind: 'exit', exitCode: 1, runtime: 42 });
  assert.equal(decoded[6], undefined);
  assert.deepEqual([0, 1, 255, 130, -9, 2].map(exitStatus), ['finished', 'failed', 'killed', 'killed', 'killed', 'failed']);
});

function encode4(): Uint8Array {
  // An output record (console line): not read.
  return Uint8Array.of((4 << 3) | 2, 3, (3 << 3) | 2, 1, 0x41);
}

test("Python's JSON: bare NaN and Infinity outside strings, left alone inside them", () => {
  assert.deepEqual(parsePythonJson('{"a": NaN, "b": "NaN", "c": [-Infinity, 1]}'), { a: NaN, b: 'NaN', c: [-Infinity, 1] });
  assert.equal(parsePythonJson('{"a": "x\\"NaN"}') instanceof Object, true);
  assert.equal(parsePythonJson('{oops'), undefined);
  // A key path from a file never reaches a prototype.
  const obj = itemsObject([{ path: ['a', '__proto__'], json: '1' }], []);
  assert.deepEqual(obj.a, JSON.parse('{"__proto__": 1}'));
  assert.equal(Object.getPrototypeOf(obj.a), Object.prototype);
});
