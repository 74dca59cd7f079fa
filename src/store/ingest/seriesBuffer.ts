// Points parsed from a log wait here, column by column in typed arrays, until the indexer writes them as
// chunks. No per-point objects: the arrays grow geometrically and are dropped after each checkpoint.

export class ColumnBuffer {
  steps: Float64Array;
  times: Float64Array;
  values: Float64Array;
  length = 0;

  constructor(capacity = 256) {
    this.steps = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  push(step: number, time: number, value: number): void {
    if (this.length === this.steps.length) this.grow(this.length * 2);
    const i = this.length++;
    this.steps[i] = step;
    this.times[i] = time;
    this.values[i] = value;
  }

  /** Appends `count` points from other arrays (used to reopen a partly filled chunk). */
  pushAll(steps: ArrayLike<number>, times: ArrayLike<number>, values: ArrayLike<number>, count: number): void {
    if (this.length + count > this.steps.length) this.grow(Math.max(this.length + count, this.steps.length * 2));
    for (let i = 0; i < count; i++) {
      this.steps[this.length + i] = steps[i];
      this.times[this.length + i] = times[i];
      this.values[this.length + i] = values[i];
    }
    this.length += count;
  }

  private grow(capacity: number): void {
    const grow = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a.subarray(0, this.length));
      return b;
    };
    this.steps = grow(this.steps);
    this.times = grow(this.times);
    this.values = grow(this.values);
  }
}

/** Emptied buffers, kept for the next run: allocating fresh typed arrays per run and key costs GC time. */
const spare: ColumnBuffer[] = [];
const MAX_SPARE = 64;
const MAX_SPARE_CAPACITY = 1 << 13;
/** Keys of a line whose buffers are found by position; more are looked up. */
const LINE_SLOTS = 64;

/** New points of one run, per metric key. */
export class PendingPoints {
  readonly byKey = new Map<string, ColumnBuffer>();
  total = 0;

  // The buffers of the last line's keys by position: the line reader hands the same key strings line after
  // line, so most points find their buffer without a map lookup. Made full size and never emptied, so the
  // optimised addLine does not meet arrays of another kind.
  // (An empty key matching an emptied slot finds no buffer there and looks it up.)
  private readonly lineKeys: string[] = new Array<string>(LINE_SLOTS).fill('');
  private readonly lineBufs: Array<ColumnBuffer | undefined> = new Array<ColumnBuffer | undefined>(LINE_SLOTS).fill(undefined);

  add(key: string, step: number, time: number, value: number): void {
    const buf = this.byKey.get(key) ?? this.open(key);
    buf.push(step, time, value);
    this.total++;
  }

  /** Adds one line's points: `count` keys and values at one step and time. */
  addLine(keys: readonly string[], values: Float64Array, count: number, step: number, time: number): void {
    const { lineKeys, lineBufs } = this;
    for (let k = 0; k < count; k++) {
      const key = keys[k];
      let buf = k < LINE_SLOTS && lineKeys[k] === key ? lineBufs[k] : undefined;
      if (buf === undefined) {
        buf = this.byKey.get(key) ?? this.open(key);
        if (k < LINE_SLOTS) {
          lineKeys[k] = key;
          lineBufs[k] = buf;
        }
      }
      buf.push(step, time, values[k]);
    }
    this.total += count;
  }

  private open(key: string): ColumnBuffer {
    const buf = spare.pop() ?? new ColumnBuffer();
    this.byKey.set(key, buf);
    return buf;
  }

  /**
   * Empties the buffers but keeps those of the keys that had points, for the next part of the same reader: a
   * large file's parts then fill the same arrays instead of growing new ones (their copies and fresh pages were
   * a fifth of a cold TensorBoard index). Call only once the part's columns are no longer used.
   */
  reuse(): void {
    this.lineKeys.fill('');
    this.lineBufs.fill(undefined);
    for (const [key, buf] of this.byKey) {
      if (buf.length === 0) this.byKey.delete(key);
      else buf.length = 0;
    }
    this.total = 0;
  }

  clear(): void {
    this.lineKeys.fill('');
    this.lineBufs.fill(undefined);
    for (const buf of this.byKey.values()) {
      if (spare.length < MAX_SPARE && buf.steps.length <= MAX_SPARE_CAPACITY) {
        buf.length = 0;
        spare.push(buf);
      }
    }
    this.byKey.clear();
    this.total = 0;
  }
}
