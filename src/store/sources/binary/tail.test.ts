import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { prng } from '../../../../test/fixtures/prng';
import { newPartCursor } from '../foreign/files';
import { tailBinary, tailLimits, type ScanResult } from './tail';

/** Records of `u32 length · bytes`, each byte the record's number: a scanner can check every record it sees. */
function recordFile(sizes: number[]): Buffer {
  const out = Buffer.alloc(sizes.reduce((a, n) => a + 4 + n, 0));
  let at = 0;
  sizes.forEach((n, i) => {
    out.writeUInt32LE(n, at);
    out.fill(i & 0xff, at + 4, at + 4 + n);
    at += 4 + n;
  });
  return out;
}

function scanner(seen: number[]): (bytes: Uint8Array, base: number) => ScanResult {
  return (bytes, base) => {
    let i = 0;
    while (i + 4 <= bytes.length) {
      const n = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
      if (i + 4 + n > bytes.length) return { next: base + i, need: 4 + n };
      const no = seen.length;
      for (let j = i + 4; j < i + 4 + n; j++) assert.equal(bytes[j], no & 0xff, `record ${no} at ${base + i}`);
      seen.push(n);
      i += 4 + n;
    }
    return { next: base + i, need: i < bytes.length ? 4 : 0 };
  };
}

test('windows read ahead hand every record over once, in order: small ones, ones cut by a window, ones longer than a window', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tail-'));
  const saved = tailLimits.window;
  t.after(() => {
    tailLimits.window = saved;
    rmSync(dir, { recursive: true, force: true });
  });
  const rand = prng(7);
  // Mostly small records, some longer than the room kept for a cut record (64 KiB), some longer than a window.
  const sizes = Array.from({ length: 3000 }, () => {
    const x = rand();
    return x < 0.9 ? Math.floor(rand() * 300) : x < 0.98 ? Math.floor(rand() * 150_000) : 200_000 + Math.floor(rand() * 100_000);
  });
  const file = join(dir, 'records');
  writeFileSync(file, recordFile(sizes));
  for (const window of [97, 4096, 100_000, 8 << 20]) {
    tailLimits.window = window;
    const seen: number[] = [];
    const cursor = newPartCursor();
    let windows = 0;
    const size = recordFile(sizes).length;
    assert.equal(await tailBinary(file, cursor, size, scanner(seen), async () => (windows++, true)), true);
    assert.deepEqual(seen, sizes, `window ${window}`);
    assert.equal(cursor.offset, size);
    if (window < size) assert.ok(windows > 1);
  }
});

test('a file cut mid-record stops before that record, and the next pass goes on from there', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tail-'));
  const saved = tailLimits.window;
  t.after(() => {
    tailLimits.window = saved;
    rmSync(dir, { recursive: true, force: true });
  });
  tailLimits.window = 1000;
  const sizes = Array.from({ length: 200 }, (_, i) => (i * 37) % 500);
  const whole = recordFile(sizes);
  const file = join(dir, 'records');
  const cut = whole.length - 100;
  writeFileSync(file, whole.subarray(0, cut));
  const seen: number[] = [];
  const cursor = newPartCursor();
  await tailBinary(file, cursor, cut, scanner(seen), async () => true);
  assert.ok(seen.length < sizes.length && cursor.offset < cut);
  writeFileSync(file, whole);
  await tailBinary(file, cursor, whole.length, scanner(seen), async () => true);
  assert.deepEqual(seen, sizes);
});
