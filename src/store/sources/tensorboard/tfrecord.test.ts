// TFRecord framing under damage: bad checksums (length and data), a cut last record, a 2 GB length, garbage
// and an empty file. Each problem is a diagnostic at its byte offset and every intact record is kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concat, crc32cBitwise } from '../../../../test/fixtures/protobuf';
import { prng } from '../../../../test/fixtures/prng';
import { mask, tfrecord } from '../../../../test/fixtures/tensorboard';
import type { ScanResult } from '../binary/tail';
import { MAX_RECORD_BYTES, scanRecords } from './tfrecord';

function scan(bytes: Uint8Array, base = 0, fileEnd = base + bytes.length): { records: Array<[number, number[]]>; problems: Array<[number, string]>; result: ScanResult } {
  const records: Array<[number, number[]]> = [];
  const problems: Array<[number, string]> = [];
  const result = scanRecords(bytes, base, fileEnd, {
    record: (b, s, e, at) => void records.push([at, [...b.subarray(s, e)]]),
    problem: (at, reason) => void problems.push([at, reason]),
  });
  return { records, problems, result };
}

const rec = (...data: number[]) => tfrecord(Uint8Array.from(data));

test('records are read with their offsets; an empty file is nothing at all', () => {
  const bytes = concat([rec(1, 2, 3), rec(), rec(9)]);
  const s = scan(bytes, 100);
  assert.deepEqual(s.records, [
    [100, [1, 2, 3]],
    [119, []],
    [135, [9]],
  ]);
  assert.deepEqual(s.result, { next: 100 + bytes.length, need: 0 });
  assert.deepEqual(scan(new Uint8Array(0)), { records: [], problems: [], result: { next: 0, need: 0 } });
});

test('a cut last record is left for the next pass: the cursor stays at its start, with the bytes it needs', () => {
  const whole = concat([rec(1), rec(2, 2, 2, 2)]);
  for (let cut = 1; cut < 20; cut++) {
    const s = scan(whole.subarray(0, whole.length - cut));
    assert.deepEqual(s.records, [[0, [1]]], `cut ${cut}`);
    assert.deepEqual(s.problems, []);
    assert.equal(s.result.next, 17);
    assert.ok(s.result.need === 12 || s.result.need === 20);
  }
});

test('a bad data checksum loses that record only', () => {
  const bad = rec(5, 5, 5);
  bad[bad.length - 1] ^= 1;
  const s = scan(concat([rec(1), bad, rec(3)]));
  assert.deepEqual(
    s.records.map((r) => r[1]),
    [[1], [3]],
  );
  assert.deepEqual(s.problems, [[17, 'bad data checksum; record of 3 bytes skipped']]);
});

test('a bad length checksum resyncs at the next record that verifies, saying how many bytes it skipped', () => {
  const bad = rec(5, 5, 5);
  bad[8] ^= 0x40;
  const s = scan(concat([rec(1), bad, rec(3), rec(4)]));
  assert.deepEqual(
    s.records.map((r) => r[1]),
    [[1], [3], [4]],
  );
  assert.equal(s.problems.length, 1);
  assert.equal(s.problems[0][0], 17);
  assert.match(s.problems[0][1], /bad length checksum; skipped 19 bytes/);
});

test('garbage between records and garbage files: no throw, good records kept, a diagnostic per run of garbage', () => {
  const rand = prng(11);
  const junk = Uint8Array.from({ length: 500 }, () => Math.floor(rand() * 256));
  const s = scan(concat([rec(1), junk, rec(2)]));
  assert.deepEqual(
    s.records.map((r) => r[1]),
    [[1], [2]],
  );
  assert.equal(s.problems.length, 1);
  assert.equal(s.problems[0][0], 17);

  const all = scan(junk);
  assert.deepEqual(all.records, []);
  assert.equal(all.problems.length, 1);
  assert.match(all.problems[0][1], /no record verifies/);
  // The last bytes are kept back: they could be the start of a record still being written.
  assert.equal(all.result.next, 500 - 11);
});

test('a record claiming 2 GB (with a valid length checksum) is not read; what came before is kept', () => {
  const header = new Uint8Array(12);
  const view = new DataView(header.buffer);
  view.setBigUint64(0, 2n ** 31n, true);
  view.setUint32(8, mask(crc32cBitwise(header.subarray(0, 8))), true);
  const bytes = concat([rec(1), header, new Uint8Array(100)]);
  const s = scan(bytes);
  assert.deepEqual(s.records, [[0, [1]]]);
  assert.deepEqual(s.problems, [[17, 'record says it is 2147483648 bytes long, more than the rest of the file; reading stops here until the file holds it']]);
  assert.deepEqual(s.result, { next: 17, need: 0 });
  // When the file does hold it, it is skipped unread (the window never holds it).
  const skipped = scan(bytes.subarray(0, 29), 0, 17 + 12 + 2 ** 31 + 4);
  assert.equal(skipped.result.next, 17 + 12 + 2 ** 31 + 4);
  assert.match(skipped.problems[0][1], new RegExp(`over ${MAX_RECORD_BYTES >> 20} MiB\\) not read`));
});

test('a length of 2^64 - 1 is refused as bad framing, not read as a number', () => {
  const header = new Uint8Array(12).fill(0xff);
  new DataView(header.buffer).setUint32(8, mask(crc32cBitwise(header.subarray(0, 8))), true);
  const s = scan(concat([header, rec(7)]));
  assert.deepEqual(
    s.records.map((r) => r[1]),
    [[7]],
  );
  assert.match(s.problems[0][1], /bad length checksum; skipped 12 bytes/);
});
