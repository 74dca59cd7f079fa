// One Trainer output folder: the newest trainer_state.json (top level or the highest checkpoint, by global_step)
// gives the series; the *_results.json files the summary. The Trainer writes no timestamps per log entry, so
// point times are spread evenly by step between the run's start and the state file's time (charts by step are
// exact; by time, approximate).
import { parsePythonJson } from '../foreign/json';
import type { ForeignRead } from '../foreign/reader';
import { CHECKPOINT, STATE } from './layout';

interface State {
  rel: string;
  globalStep: number;
  value: Record<string, unknown>;
}

/** Trainer settings kept as params (the rest of the state is bookkeeping). */
const SETTINGS = ['train_batch_size', 'num_train_epochs', 'max_steps', 'logging_steps', 'eval_steps', 'save_steps', 'trial_name'];

export async function readTrainerRun(r: ForeignRead): Promise<void> {
  const b = r.builder;
  const state = b.state;
  const candidates = [...r.files.keys()].filter((rel) => rel === STATE || (rel.endsWith(`/${STATE}`) && CHECKPOINT.test(rel.split('/')[0])));
  // Highest checkpoint first, the top-level file last: it is written when training ends, so on a tie it wins.
  candidates.sort((a, b2) => checkpointOf(a) - checkpointOf(b2));
  let best: State | undefined;
  // Any state file changing reads the run from the start (restartOn): a later read has no new points to give.
  for (let i = r.fromStart ? candidates.length - 1 : -1; i >= 0; i--) {
    const rel = candidates[i];
    if (best !== undefined && rel !== STATE && checkpointOf(rel) <= best.globalStep) {
      r.mark(rel);
      continue;
    }
    const text = await r.whole(rel);
    if (text === undefined) continue;
    const value = parseJson(r, rel, text);
    if (value === undefined) continue;
    const globalStep = typeof value.global_step === 'number' ? value.global_step : -1;
    if (best === undefined || globalStep > best.globalStep) best = { rel, globalStep, value };
  }
  if (r.fromStart) for (const rel of candidates) if (!(best?.rel === rel)) r.mark(rel);

  let firstMtime = Infinity;
  for (const f of r.files.values()) if (f.mtimeMs < firstMtime) firstMtime = f.mtimeMs;
  const top = r.files.get(STATE);
  const ended = top !== undefined || [...r.files.keys()].some((rel) => rel === 'train_results.json' || rel === 'all_results.json');
  const stateTime = best === undefined ? NaN : (r.files.get(best.rel)?.mtimeMs ?? NaN);
  let start = Number.isFinite(firstMtime) ? firstMtime : NaN;

  if (best !== undefined) {
    const s = best.value;
    for (const k of SETTINGS) if (s[k] !== undefined && s[k] !== null) b.param(k, s[k]);
    if (s.trial_params !== null && typeof s.trial_params === 'object') b.params({ trial: s.trial_params });
    if (typeof s.best_metric === 'number') b.summary('best_metric', s.best_metric);
    if (typeof s.best_model_checkpoint === 'string') b.summary('best_model_checkpoint', s.best_model_checkpoint);
    const history = Array.isArray(s.log_history) ? s.log_history : [];
    const final = history.find((e): e is Record<string, unknown> => isObject(e) && typeof e.train_runtime === 'number');
    // The run's start: its end less the runtime the Trainer measured, when it says so.
    if (final !== undefined && Number.isFinite(stateTime)) start = Math.min(start, stateTime - (final.train_runtime as number) * 1000);
    const lastStep = Math.max(1, best.globalStep);
    const timeOf = (step: number) => (Number.isFinite(start) && Number.isFinite(stateTime) ? start + ((stateTime - start) * Math.min(step, lastStep)) / lastStep : stateTime);
    history.forEach((entry, i) => {
      if (!isObject(entry)) {
        b.problem(best!.rel, undefined, `log_history[${i}] is not an object; skipped`);
        return;
      }
      const step = typeof entry.step === 'number' ? entry.step : undefined;
      if (step === undefined) {
        b.problem(best!.rel, undefined, `log_history[${i}] has no step; skipped`);
        return;
      }
      const isFinal = typeof entry.train_runtime === 'number' || typeof entry.train_loss === 'number';
      for (const [k, v] of Object.entries(entry)) {
        if (k === 'step' || typeof v !== 'number') continue;
        if (isFinal) b.summary(k, v);
        else if (k === 'epoch') b.point('epoch', step, timeOf(step), v);
        else if (k.startsWith('eval_')) b.point(`eval/${k.slice(5)}`, step, timeOf(step), v);
        else b.point(`train/${k}`, step, timeOf(step), v);
      }
    });
    b.touched(stateTime);
  }
  if (r.fromStart && Number.isFinite(start)) state.startTime = start;
  for (const rel of [...r.files.keys()].filter((x) => /^[^/]*_results\.json$/.test(x))) {
    const text = await r.whole(rel);
    const value = text === undefined ? undefined : parseJson(r, rel, text);
    if (value !== undefined) for (const [k, v] of Object.entries(value)) b.summary(k, v);
  }
  const config = r.files.has('config.json') ? await r.whole('config.json') : undefined;
  const model = config === undefined ? undefined : parseJson(r, 'config.json', config);
  if (model !== undefined) {
    // The model's config: its scalar settings, as params under `model.` (nested ones are left out: they can be huge).
    for (const [k, v] of Object.entries(model)) if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) b.param(`model.${k}`, v);
    if (Array.isArray(model.architectures)) b.param('model.architectures', model.architectures.join(','));
  }
  state.artifacts = [...r.files.values()].filter((f) => !f.rel.includes('/')).map((f) => ({ path: f.rel, size: f.size, time: f.mtimeMs }));
  if (ended) {
    b.status('finished');
    const end = top?.mtimeMs ?? stateTime;
    if (Number.isFinite(end)) state.endTime = end;
  } else b.status(undefined);
  state.name ??= r.run.dir.split(/[\\/]/).pop();
}

function checkpointOf(rel: string): number {
  const m = CHECKPOINT.exec(rel.split('/')[0]);
  return m === null ? Infinity : Number(m[1]);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function parseJson(r: ForeignRead, rel: string, text: string): Record<string, unknown> | undefined {
  const parsed = parsePythonJson(text);
  if ('value' in parsed) return parsed.value;
  r.builder.problem(rel, parsed.line, parsed.problem, parsed.offset);
  return undefined;
}
