// Damaged binary logs of both formats, made by flipping, cutting and splicing valid files at random: the scanners
// and decoders never throw, never loop, never hand over a record that did not verify, and report every problem
// at an offset inside the file. The seed is printed on failure so a case reproduces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng } from '../../../../test/fixtures/prng';
import { eventFile, tensorboardEvents, textValue, event, histogramValue } from '../../../../test/fixtures/tensorboard';
import { recordLog, wandbRecords } from '../../../../test/fixtures/wandb';
import { EventDecoder } from '../tensorboard/event';
import { scanEvents } from '../tensorboard/scanEvents';
import { FILE_HEADER_BYTES, scanLog } from '../wandb/datastore';
import { decodeRecord } from '../wandb/record';
import { WireError } from './wire';

function damage(valid: Uint8Array, rand: () => number): Uint8Array {
  const b = valid.slice();
  const kind = Math.floor(rand() * 4);
  const at = Math.floor(rand() * b.length);
  if (kind === 0) for (let k = 0; k < 1 + rand() * 8; k++) b[Math.floor(rand() * b.length)] ^= 1 << Math.floor(rand() * 8);
  else if (kind === 1) return b.subarray(0, at);
  else if (kind === 2) b.fill(Math.floor(rand() * 256), at, Math.min(b.length, at + Math.floor(rand() * 64)));
  else {
    const from = Math.floor(rand() * b.length);
    b.copyWithin(at, from, Math.min(b.length, from + Math.floor(rand() * 200)));
  }
  return b;
}

/** Scans the whole of `bytes` the way the binary tail does: window after window until no progress. */
function scanAll(bytes: Uint8Array, start: number, scan: (b: Uint8Array, base: number, end: number) => { next: number; need: number }): void {
  let pos = start;
  for (let guard = 0; pos < bytes.length; guard++) {
    assert.ok(guard < 10_000, 'no progress');
    const r = scan(bytes.subarray(pos), pos, bytes.length);
    assert.ok(r.next >= pos && r.next <= bytes.length, `next ${r.next} outside [${pos}, ${bytes.length}]`);
    if (r.next === pos || (r.need > 0 && r.next + r.need > bytes.length)) break;
    pos = r.next;
  }
}

test('damaged event files: no throw, no loop, problems inside the file', () => {
  const valid = eventFile([...tensorboardEvents(30, { style: 'float-content' }), event({ wallTime: 1, values: [textValue('t', 'x'), histogramValue('h')] })]);
  for (let seed = 1; seed <= 300; seed++) {
    const rand = prng(seed);
    const bytes = damage(valid, rand);
    const decoder = new EventDecoder();
    try {
      scanAll(bytes, 0, (b, base, end) =>
        scanEvents(b, base, end, decoder, {
          event: () => undefined,
          scalar: (_t, _s, _w, v) => assert.equal(typeof v, 'number'),
          text: () => undefined,
          hparams: () => undefined,
          fileVersion: () => undefined,
          problem: (at) => assert.ok(at >= 0 && at < bytes.length, `problem at ${at}`),
        }),
      );
    } catch (err) {
      assert.fail(`seed ${seed}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
});

test('damaged W&B logs: no throw, no loop, records decode or fail with a WireError only', () => {
  const valid = recordLog(wandbRecords('fuzz', { steps: 400, exitCode: 0 }));
  for (let seed = 1; seed <= 300; seed++) {
    const rand = prng(seed);
    const bytes = damage(valid, rand);
    try {
      scanAll(bytes, FILE_HEADER_BYTES, (b, base, end) =>
        scanLog(b, base, end, {
          record(r, s, e) {
            try {
              decodeRecord(r, s, e);
            } catch (err) {
              if (!(err instanceof WireError)) throw err;
            }
          },
          problem: (at) => assert.ok(at >= 0 && at <= bytes.length, `problem at ${at}`),
        }),
      );
    } catch (err) {
      assert.fail(`seed ${seed}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
});
