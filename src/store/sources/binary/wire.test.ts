// The wire-format reader and checksums: known check values, every wire type, and malformed input that must
// throw a WireError at the right offset rather than read past a message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32Bitwise, crc32cBitwise, encode, packedVarints } from '../../../../test/fixtures/protobuf';
import { prng } from '../../../../test/fixtures/prng';
import { crc32, crc32c, crc32c8, maskCrc } from './crc';
import { readValue } from './struct';
import { I32, I64, LEN, VARINT, WireError, WireReader } from './wire';
import { protoValue } from '../../../../test/fixtures/tensorboard';

const ascii = (s: string) => new TextEncoder().encode(s);

test('CRC-32C and CRC-32 give the standard check values and agree with the bit-by-bit definitions', () => {
  const check = ascii('123456789');
  assert.equal(crc32c(check, 0, check.length), 0xe3069283);
  assert.equal(crc32(check, 0, check.length), 0xcbf43926);
  const rand = prng(7);
  for (const n of [0, 1, 7, 8, 9, 63, 64, 65, 1000]) {
    const b = Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
    assert.equal(crc32c(b, 0, n), crc32cBitwise(b), `crc32c of ${n} bytes`);
    assert.equal(crc32(b, 0, n), crc32Bitwise(b), `crc32 of ${n} bytes`);
    // Continuing from a previous checksum is the checksum of the concatenation (zlib's convention).
    const cut = n >> 1;
    assert.equal(crc32(b, cut, n, crc32(b, 0, cut)), crc32Bitwise(b));
    if (n >= 9) assert.equal(crc32c8(b, 1), crc32cBitwise(b.subarray(1, 9)), 'the 8-byte step');
  }
  assert.equal(maskCrc(0), 0xa282ead8);
});

test('varints, signed int64, doubles, floats and nested lengths read back as written', () => {
  const bytes = encode([
    { n: 1, varint: 300 },
    { n: 2, varint: -5n },
    { n: 3, varint: 2n ** 53n },
    { n: 4, double: -1.5 },
    { n: 5, float: 0.25 },
    { n: 6, message: [{ n: 1, string: 'héllo' }] },
    { n: 2000, varint: 1 },
  ]);
  const r = new WireReader().reset(bytes, 0, bytes.length);
  assert.equal(r.key(), (1 << 3) | VARINT);
  assert.equal(r.varint(), 300);
  assert.equal(r.key(), (2 << 3) | VARINT);
  assert.equal(r.int64(), -5);
  assert.equal(r.key(), (3 << 3) | VARINT);
  assert.equal(r.int64(), 2 ** 53);
  assert.equal(r.key(), (4 << 3) | I64);
  assert.equal(r.double(), -1.5);
  assert.equal(r.key(), (5 << 3) | I32);
  assert.equal(r.float(), 0.25);
  assert.equal(r.key(), (6 << 3) | LEN);
  const outer = r.enter();
  assert.equal(r.key(), (1 << 3) | LEN);
  assert.equal(r.string(), 'héllo');
  assert.equal(r.key(), 0);
  r.leave(outer);
  const k = r.key();
  assert.equal(k >>> 3, 2000);
  r.skip(k);
  assert.equal(r.key(), 0);
});

test('malformed input throws a WireError at its offset and never reads past the message', () => {
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['length past the end', Uint8Array.from([(1 << 3) | LEN, 10, 1, 2]), /length 10 runs past/],
    ['cut varint', Uint8Array.from([(1 << 3) | VARINT, 0x80, 0x80]), /varint runs past/],
    ['eleven-byte varint', Uint8Array.from([(1 << 3) | VARINT, ...Array(10).fill(0xff), 1]), /longer than 10 bytes/],
    ['cut double', Uint8Array.from([(1 << 3) | I64, 1, 2, 3]), /64-bit field/],
    ['group wire type', Uint8Array.from([(1 << 3) | 3]), /wire type 3/],
    ['field number 0', Uint8Array.from([0, 1]), /field number 0/],
  ];
  for (const [name, bytes, reason] of cases) {
    const r = new WireReader().reset(bytes, 0, bytes.length);
    assert.throws(
      () => {
        for (let key = r.key(); key !== 0; key = r.key()) r.skip(key);
      },
      (e: unknown) => e instanceof WireError && reason.test(e.message) && e.at >= 0 && e.at < bytes.length,
      name,
    );
  }
  // A length that fits the buffer but not the enclosing message is refused as well.
  const inner = encode([{ n: 1, message: [{ n: 1, bytes: new Uint8Array(3) }] }]);
  const r = new WireReader().reset(inner, 0, inner.length);
  r.key();
  const outer = r.enter();
  r.end -= 1;
  assert.throws(() => {
    r.key();
    r.len();
  }, WireError);
  r.leave(outer);
  assert.ok(packedVarints([1]).length === 1);
});

test('google.protobuf.Value reads every kind, keeps "__proto__" as an own key, and bounds its nesting', () => {
  const v = { a: 1.5, b: 'x', c: true, d: null, e: [1, 'two', { f: false }], __proto__: 3 } as Record<string, unknown>;
  Object.defineProperty(v, '__proto__', { value: 3, enumerable: true });
  const bytes = encode(protoValue(v as never));
  const r = new WireReader().reset(bytes, 0, bytes.length);
  const out = readValue(r) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out), ['a', 'b', 'c', 'd', 'e', '__proto__']);
  assert.equal(out.a, 1.5);
  assert.deepEqual(out.e, [1, 'two', { f: false }]);
  assert.equal(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, 3);

  let deep: unknown = 1;
  for (let i = 0; i < 40; i++) deep = [deep];
  const deepBytes = encode(protoValue(deep as never));
  assert.throws(() => readValue(new WireReader().reset(deepBytes, 0, deepBytes.length)), /nested deeper/);
});
