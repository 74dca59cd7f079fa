// The three ways to choose the next configuration. Every searcher is a pure function of the spec, the seed, the
// trial number and what it is told already ran, so a resumed sweep proposes what the original would have.
import { configKey, samplePrior, spaceSize, type Dim, type Params, type Space, type Value } from './space';
import { mixSeed, rng } from './rng';
import { tpePropose, type TpeOptions } from './tpe';

/** A configuration with its loss (smaller is better; a maximized metric is negated); undefined: no usable result. */
export interface Observation {
  params: Params;
  loss: number | undefined;
}

export interface ProposeInput {
  /** The number of the trial being proposed (0-based); seeds its draws. */
  trial: number;
  /** Finished trials and warm-start runs. */
  history: readonly Observation[];
  /** Proposed and still running: the constant liar's points. */
  pending: readonly Params[];
  /** Config keys (`configKey`) never to propose again. */
  taken: ReadonlySet<string>;
}

export interface Searcher {
  /** The next configuration, or undefined when the space holds no configuration not yet taken. */
  propose(input: ProposeInput): Params | undefined;
}

export function makeSearcher(method: 'grid' | 'random' | 'bayes', space: Space, seed: number, tpe: Partial<TpeOptions> = {}): Searcher {
  if (method === 'grid') return gridSearcher(space);
  if (method === 'random') return randomSearcher(space, seed);
  return { propose: (input) => tpePropose(space, seed, input, tpe) };
}

/** Every value a finite dimension takes, in order. */
export function gridValues(d: Dim): Value[] {
  if (d.kind === 'constant') return [d.value];
  if (d.kind === 'categorical') return d.values;
  if (d.min === undefined || d.max === undefined || !(d.integer || d.q !== undefined) || d.scale !== 'linear') {
    throw new Error(`a grid sweep cannot enumerate "${d.key}" (${d.distribution})`);
  }
  const step = d.q ?? 1;
  const first = Math.ceil(d.min / step - 1e-9);
  const last = Math.floor(d.max / step + 1e-9);
  const decimals = Math.max(0, Math.min(15, -Math.floor(Math.log10(step)) + 1));
  const out: number[] = [];
  for (let i = first; i <= last; i++) out.push(d.integer && d.q === undefined ? i : Number((i * step).toFixed(decimals)));
  return out;
}

/** Exact enumeration: the cartesian product, the last parameter varying fastest; the first untaken point. */
function gridSearcher(space: Space): Searcher {
  const axes = space.dims.map((d) => gridValues(d));
  const total = axes.reduce((n, a) => n * a.length, 1);
  return {
    propose({ taken }) {
      const idx = new Array<number>(axes.length).fill(0);
      for (let n = 0; n < total; n++) {
        const params: Params = {};
        space.dims.forEach((d, i) => (params[d.key] = axes[i][idx[i]]));
        if (!taken.has(configKey(params))) return params;
        for (let i = axes.length - 1; i >= 0; i--) {
          if (++idx[i] < axes[i].length) break;
          idx[i] = 0;
        }
      }
      return undefined;
    },
  };
}

export function gridSize(space: Space): number {
  return space.dims.reduce((n, d) => n * gridValues(d).length, 1);
}

/** Seeded draws from each parameter's distribution; a draw already taken is drawn again. */
function randomSearcher(space: Space, seed: number): Searcher {
  const size = spaceSize(space);
  return {
    propose({ trial, taken }) {
      if (taken.size >= size) return undefined;
      const r = rng(mixSeed(seed, trial));
      for (let attempt = 0; attempt < 10_000; attempt++) {
        const params = samplePrior(space, r);
        if (!taken.has(configKey(params))) return params;
      }
      return undefined;
    },
  };
}

