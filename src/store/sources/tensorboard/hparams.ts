// The hparams plugin's data (tensorboard/plugins/hparams/plugin_data.proto): HParamsPluginData { version = 1;
// oneof experiment = 2, session_start_info = 3, session_end_info = 4 }. A session's start info holds the
// hyperparameter values (map<string, google.protobuf.Value> hparams = 1), group_name = 4 and
// start_time_secs = 5; its end info a status (api.proto Status) = 1 and end_time_secs = 2.
import { readMapEntry, type JsonValue } from '../binary/struct';
import { I64, LEN, VARINT, type WireReader } from '../binary/wire';

export type SessionStatus = 'unknown' | 'success' | 'failure' | 'running';
const STATUSES: readonly SessionStatus[] = ['unknown', 'success', 'failure', 'running'];

export type HParamsData =
  | { kind: 'start'; hparams: { [key: string]: JsonValue }; group?: string; startTime?: number }
  | { kind: 'end'; status: SessionStatus; endTime?: number };

/** Reads HParamsPluginData spanning the reader's current message; undefined for the experiment definition. */
export function readHParams(r: WireReader): HParamsData | undefined {
  let out: HParamsData | undefined;
  for (let key = r.key(); key !== 0; key = r.key()) {
    if (key === ((3 << 3) | LEN)) {
      const outer = r.enter();
      out = readStart(r);
      r.leave(outer);
    } else if (key === ((4 << 3) | LEN)) {
      const outer = r.enter();
      out = readEnd(r);
      r.leave(outer);
    } else r.skip(key);
  }
  return out;
}

function readStart(r: WireReader): HParamsData {
  const hparams: { [key: string]: JsonValue } = {};
  const out: HParamsData = { kind: 'start', hparams };
  for (let key = r.key(); key !== 0; key = r.key()) {
    if (key === ((1 << 3) | LEN)) {
      const outer = r.enter();
      const [name, value] = readMapEntry(r);
      r.leave(outer);
      Object.defineProperty(hparams, name, { value, enumerable: true, writable: true, configurable: true });
    } else if (key === ((4 << 3) | LEN)) {
      const group = r.string();
      if (group !== '') out.group = group;
    } else if (key === ((5 << 3) | I64)) {
      const t = r.double();
      if (t > 0) out.startTime = t;
    } else r.skip(key);
  }
  return out;
}

function readEnd(r: WireReader): HParamsData {
  const out: HParamsData = { kind: 'end', status: 'unknown' };
  for (let key = r.key(); key !== 0; key = r.key()) {
    if (key === ((1 << 3) | VARINT)) out.status = STATUSES[r.varint()] ?? 'unknown';
    else if (key === ((2 << 3) | I64)) {
      const t = r.double();
      if (t > 0) out.endTime = t;
    } else r.skip(key);
  }
  return out;
}
