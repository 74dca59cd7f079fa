// Framing and decoding together: each verified record of a window is decoded as an Event; one that is not a
// valid Event is a diagnostic at its offset and the scan goes on with the next record.
import { WireError } from '../binary/wire';
import type { EventDecoder, EventSink } from './event';
import type { ScanResult } from '../binary/tail';
import { scanRecords } from './tfrecord';

export interface EventProblems {
  problem(at: number, reason: string): void;
}

export function scanEvents(bytes: Uint8Array, base: number, fileEnd: number, decoder: EventDecoder, sink: EventSink & EventProblems): ScanResult {
  return scanRecords(bytes, base, fileEnd, {
    record(b, start, end, at) {
      try {
        decoder.decode(b, start, end, sink);
      } catch (err) {
        if (!(err instanceof WireError)) throw err;
        sink.problem(at, `not a valid Event: ${err.message} (byte ${at + 12 + (err.at - start)})`);
      }
    },
    problem: (at, reason) => sink.problem(at, reason),
  });
}
