import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fingerprintOf, MAX_LINE_BYTES, readLines, type LineBatch, type ReadScratch } from './tailer';
import { tempRoot } from '../../../test/fixtures/logs';

type Batch = Omit<LineBatch, 'bytes' | 'start' | 'end'> & { text: string };

/** The batches, each decoded as it comes (its buffer is reused after), lines it lists as too long left blank. */
async function readAll(path: string, offset = 0, lines = 0, maxLine = MAX_LINE_BYTES, scratch?: ReadScratch): Promise<Batch[]> {
  const h = await open(path, 'r');
  try {
    const size = (await h.stat()).size;
    const out: Batch[] = [];
    for await (const { bytes, start, end, ...b } of readLines(h, offset, lines, size, maxLine, scratch)) {
      const text = bytes.toString('utf8', start, end).split('\n').map((l, i) => (b.tooLong.includes(b.firstLine + i) ? '' : l)).join('\n');
      out.push({ ...b, text });
    }
    return out;
  } finally {
    await h.close();
  }
}

test('complete lines are read; a torn last line is left for later', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const path = join(root, 'log');
  writeFileSync(path, 'one\ntwo\nthr');
  const [b] = await readAll(path);
  assert.equal(b.text, 'one\ntwo\n');
  assert.equal(b.firstLine, 1);
  assert.equal(b.endOffset, 8);
  assert.equal(b.endLines, 2);
  writeFileSync(path, 'one\ntwo\nthree\n');
  const [c] = await readAll(path, b.endOffset, b.endLines);
  assert.equal(c.text, 'three\n');
  assert.equal(c.firstLine, 3);
  assert.equal(c.endOffset, 14);
});

test('a file with no complete line yields nothing', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const path = join(root, 'log');
  writeFileSync(path, '{"t":"start"');
  assert.deepEqual(await readAll(path), []);
});

test('invalid UTF-8 decodes to replacement characters without throwing', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const path = join(root, 'log');
  writeFileSync(path, Buffer.concat([Buffer.from('a'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('\nb\n')]));
  const [b] = await readAll(path);
  assert.equal(b.text, 'a\ufffd\ufffd\ufffd\nb\n');
  assert.equal(b.endLines, 2);
});

test('an overlong line is skipped and reported by number once complete; later lines still read', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const path = join(root, 'log');
  writeFileSync(path, 'short\n' + 'x'.repeat(5000));
  assert.deepEqual((await readAll(path, 0, 0, 1000)).map((b) => b.text), ['short\n'], 'the torn long line is not reported yet');
  writeFileSync(path, 'short\n' + 'x'.repeat(5000) + '\nafter\n' + 'y'.repeat(1500) + '\nend\n');
  const batches = await readAll(path, 0, 0, 1000);
  const text = batches.map((b) => b.text).join('');
  assert.deepEqual(text.split('\n').filter((l) => l !== ''), ['short', 'after', 'end']);
  assert.deepEqual(batches.flatMap((b) => b.tooLong), [2, 4]);
  assert.equal(batches.at(-1)?.endLines, 5);
  assert.equal(batches.at(-1)?.endOffset, 6 + 5001 + 6 + 1501 + 4);
});

test('a 10 MB line is read in bounded chunks (16 MB cap) and kept', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const path = join(root, 'log');
  const big = JSON.stringify({ t: 'params', params: { blob: 'z'.repeat(10 << 20) } });
  writeFileSync(path, 'a\n' + big + '\nb\n');
  const batches = await readAll(path);
  const lines = batches.map((b) => b.text).join('').split('\n');
  assert.equal(lines[1].length, big.length);
  assert.deepEqual(batches.flatMap((b) => b.tooLong), []);
  assert.equal(batches.at(-1)?.endLines, 3);
});

test('fingerprint is the count and CRC-32 of the first bytes', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const path = join(root, 'log');
  writeFileSync(path, 'abc');
  const h = await open(path, 'r');
  t.after(() => h.close());
  // zlib.crc32('abc') is 0x352441c2.
  assert.equal(await fingerprintOf(h), '3:352441c2');
});

test('a read buffer passed from log to log: a short log after a long one reads only its own lines', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const long = join(root, 'long');
  const short = join(root, 'short');
  writeFileSync(long, Array.from({ length: 20000 }, (_, i) => `line ${i} of the long log`).join('\n') + '\n');
  writeFileSync(short, 'a\nb\n');
  const scratch: ReadScratch = { buf: Buffer.alloc(0) };
  const first = await readAll(long, 0, 0, MAX_LINE_BYTES, scratch);
  assert.equal(first.map((b) => b.text).join('').split('\n').length, 20001);
  const used = scratch.buf;
  const [b] = await readAll(short, 0, 0, MAX_LINE_BYTES, scratch);
  assert.equal(b.text, 'a\nb\n');
  assert.equal(b.endLines, 2);
  assert.equal(scratch.buf, used, 'the same buffer served both logs');
});
