import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FINGERPRINT_BYTES, printComplete, printOf, stillPrinted } from './fingerprint';

const bytes = (n: number, seed = 1) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

test('a print is short, covers at most FINGERPRINT_BYTES, and is empty for an empty file', () => {
  assert.equal(printOf(Buffer.alloc(0), 0), '');
  assert.match(printOf(bytes(10), 10), /^10:[0-9a-f]{1,8}$/);
  assert.match(printOf(bytes(4096), 4096), new RegExp(`^${FINGERPRINT_BYTES}:[0-9a-f]{1,8}$`));
  // Only the bytes read count, whatever the buffer holds past them.
  assert.equal(printOf(bytes(300), 7), printOf(bytes(7), 7));
  assert.ok(!printComplete(''));
  assert.ok(!printComplete(printOf(bytes(100), 100)));
  assert.ok(printComplete(printOf(bytes(FINGERPRINT_BYTES), FINGERPRINT_BYTES)));
});

test('a grown file still fits its print; a rewritten, shortened or unreadable one does not', () => {
  const short = printOf(bytes(40), 40);
  const full = printOf(bytes(FINGERPRINT_BYTES), FINGERPRINT_BYTES);
  const grown = bytes(1000);
  assert.ok(stillPrinted(short, grown, FINGERPRINT_BYTES));
  assert.ok(stillPrinted(full, grown, FINGERPRINT_BYTES));
  assert.ok(stillPrinted('', grown, 0), 'nothing known fits anything');
  const rewritten = bytes(1000);
  rewritten[39] ^= 1;
  assert.ok(!stillPrinted(short, rewritten, FINGERPRINT_BYTES));
  assert.ok(!stillPrinted(full, rewritten, FINGERPRINT_BYTES));
  // A change past the printed bytes is growth as far as the print can tell.
  assert.ok(stillPrinted(short, Buffer.concat([bytes(40), Buffer.from('other')]), 45));
  assert.ok(!stillPrinted(short, bytes(39), 39), 'shorter than what was printed');
  assert.ok(!stillPrinted(short, Buffer.alloc(0), 0), 'unreadable now');
  // An index of the last version kept the bytes as hex: such a cursor fits nothing, so the run is read afresh.
  assert.ok(!stillPrinted(bytes(3).toString('hex'), grown, FINGERPRINT_BYTES));
});
