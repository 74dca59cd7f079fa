// The {x, y} arrays chart.js draws, built once per series and reused: toggling a run, changing the theme or
// redrawing after a live append does not allocate them again, and a live append only adds the new points.
// chart.js with `parsing: false` reads these arrays as they are, so they must be sorted by x (they are: the
// store returns points in step order, and time grows with step).
import type { ChartOptions } from '../../src/protocol/common';
import { ema } from '../../src/shared/ema';
import { xValues } from './axes';
import type { Point } from './chartSetup';
import type { StoredSeries } from './seriesCache';

export interface SeriesPoints {
  raw: Point[];
  /** The EMA-smoothed curve; undefined when smoothing is off. */
  smooth: Point[] | undefined;
}

interface Entry extends SeriesPoints {
  source: StoredSeries;
  /** Points of `source` already converted (it grows in place with live appends). */
  used: number;
  optionsKey: string;
}

function optionsKey(o: ChartOptions, startTime: number): string {
  return `${o.x}|${o.y}|${o.smoothing}|${o.x === 'relative' ? startTime : ''}`;
}

export class PointsCache {
  private readonly entries = new Map<string, Entry>();

  /** Points for one run's series of one key, extended or rebuilt as the series and options require. */
  get(key: string, runId: string, s: StoredSeries, startTime: number, options: ChartOptions): SeriesPoints {
    const id = `${runId}\u0000${key}`;
    const want = optionsKey(options, startTime);
    let e = this.entries.get(id);
    if (!e || e.source !== s || e.optionsKey !== want || e.used > s.values.length) {
      e = { source: s, used: 0, optionsKey: want, raw: [], smooth: options.smoothing > 0 ? [] : undefined };
      this.entries.set(id, e);
    }
    if (e.used < s.values.length) this.extend(e, s, startTime, options);
    return e;
  }

  /** Forgets everything (new state from the host). */
  clear(): void {
    this.entries.clear();
  }

  private extend(e: Entry, s: StoredSeries, startTime: number, options: ChartOptions): void {
    const xs = xValues({ ...s, startTime }, options.x);
    const log = options.y === 'log';
    // Values a log axis cannot place are left out of the line rather than drawn at a made-up height.
    const y = (v: number): number => (Number.isFinite(v) && (!log || v > 0) ? v : NaN);
    for (let i = e.used; i < s.values.length; i++) e.raw.push({ x: xs[i]!, y: y(s.values[i]!) });
    if (e.smooth) {
      // The EMA of the whole series is cheap next to drawing it; its earlier values do not change on append.
      const smooth = ema(s.values, options.smoothing);
      for (let i = e.used; i < s.values.length; i++) e.smooth.push({ x: xs[i]!, y: y(smooth[i]!) });
    }
    e.used = s.values.length;
  }
}
