import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactDigits, formatDelta, formatDuration, formatNumber, formatParam, formatTime } from './format';

test('numbers format compactly and keep special values visible', () => {
  assert.deepEqual(
    [0.123456, 1e-5, 1e-7, 123456789.5, 42, 5e9, NaN, Infinity, -Infinity, 0].map(formatNumber),
    ['0.1235', '1e-5', '1e-7', '1.235e+8', '42', '5000000000', 'NaN', '∞', '-∞', '0'],
  );
});

test('deltas carry an ASCII sign', () => {
  assert.deepEqual([0.012, -3.1, 0].map(formatDelta), ['+0.012', '-3.1', '0']);
});

test('durations pad minutes and seconds and switch to days after 48 hours', () => {
  assert.deepEqual(
    [5_000, 61_000, 192_000, 3_840_000, 97_200_000, 169_200_000, 180_000_000, -1, NaN].map(formatDuration),
    ['5s', '1m 01s', '3m 12s', '1h 04m', '27h 00m', '47h 00m', '2d 2h', '—', '—'],
  );
});

test('params and times', () => {
  assert.deepEqual(['a', 0.5, true, null, undefined].map((v) => formatParam(v)), ['a', '0.5', 'true', 'null', '—']);
  assert.equal(formatTime(NaN), '—');
  assert.match(formatTime(new Date(2026, 0, 10, 12, 3, 4).getTime()), /^2026-01-10 12:03:04$/);
});

test('a param with exact digits shows them, not the rounded double; digits are looked up as own keys only', () => {
  const digits: Record<string, string> = { seed: '18446744073709551617' };
  Object.defineProperty(digits, '__proto__', { value: '-18446744073709551617', enumerable: true });
  assert.equal(formatParam(18446744073709551616, exactDigits(digits, 'seed')), '18446744073709551617');
  assert.equal(formatParam(-18446744073709551616, exactDigits(digits, '__proto__')), '-18446744073709551617');
  assert.equal(formatParam(18446744073709551616), '1.845e+19');
  assert.equal(exactDigits(digits, 'toString'), undefined);
  assert.equal(exactDigits({}, 'constructor'), undefined);
  assert.equal(exactDigits(undefined, 'seed'), undefined);
});
