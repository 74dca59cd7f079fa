// M1 (issue 16): a run with 10,000 logged images. Cold index plus the first media answer (what a dashboard opening
// asks: the keys, the slider's steps, the latest image with its file checked) against the same run's metrics-only
// log, as a ratio; then the step slider's answer (an image at a random step, file checked) over many steps.
// Runs in this process: one store per workspace, each opened cold (no index file).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type RunStore } from '../src/store';
import { stepPng } from '../test/fixtures/media';
import { encodeLine, mediaImages, metrics, start, T0 } from '../test/fixtures/records';
import type { Figure } from './figures';

const RUN = 'media-bench';

function writeRun(root: string, images: number, withMedia: boolean): void {
  const dir = join(root, 'runs', RUN);
  mkdirSync(dir, { recursive: true });
  const lines = [encodeLine(start({ id: RUN }))];
  // One small PNG shared by every step's record: the store checks files only when asked, so 10,000 distinct files
  // would time the file system's set-up, not the store; the slider's answer checks the file it names all the same.
  const png = stepPng(1);
  if (withMedia) {
    mkdirSync(join(dir, 'media', 'samples'), { recursive: true });
    for (let s = 0; s < images; s++) writeFileSync(join(dir, 'media', 'samples', `${s}-0.png`), png);
  }
  for (let s = 0; s < images; s++) {
    lines.push(encodeLine(metrics(s, { loss: 1 / (s + 1), acc: s / images }, T0 + s)));
    if (withMedia) lines.push(encodeLine(mediaImages(s, 'samples', [{ path: `media/samples/${s}-0.png`, width: 32, height: 32, format: 'png', bytes: png.length, caption: `step ${s}` }], T0 + s)));
  }
  writeFileSync(join(dir, 'events.jsonl'), lines.join('\n') + '\n');
}

async function coldOpen(root: string, firstQuery: (store: RunStore) => Promise<unknown>): Promise<{ ms: number; store: RunStore }> {
  const started = performance.now();
  const store = await openStore({ roots: [root] });
  await store.index();
  await firstQuery(store);
  return { ms: performance.now() - started, store };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export async function benchMedia(quick: boolean, figures: Figure[], progress: (msg: string) => void): Promise<void> {
  const images = quick ? 2000 : 10_000;
  const title = `a run with ${images.toLocaleString('en-US')} logged images: cold index + the dashboard's first media answer (issue 16)`;
  const base = join(tmpdir(), `trackside-bench-media-${process.pid}`);
  try {
    const mediaRoot = join(base, 'media');
    const plainRoot = join(base, 'plain');
    const t = performance.now();
    writeRun(mediaRoot, images, true);
    writeRun(plainRoot, images, false);
    progress(`  M1: wrote two runs of ${images} steps (one with an image a step) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const rounds = quick ? 1 : 3;
    const media: number[] = [];
    const plain: number[] = [];
    let store: RunStore | undefined;
    for (let r = 0; r < rounds; r++) {
      const p = await coldOpen(plainRoot, (s) => s.series({ runIds: [RUN], keys: ['loss', 'acc'], points: 1000 }));
      plain.push(p.ms);
      await p.store.close();
      await store?.close();
      const m = await coldOpen(mediaRoot, async (s) => {
        await s.series({ runIds: [RUN], keys: ['loss', 'acc'], points: 1000 });
        for (const k of s.mediaKeys(RUN)) s.mediaSteps(RUN, k.key);
        return s.mediaAt(RUN, 'samples', 'latest');
      });
      media.push(m.ms);
      store = m.store;
    }
    if (store === undefined) throw new Error('no store');
    const mid = [...media].sort((a, b) => a - b)[Math.floor(rounds / 2)];
    const midPlain = [...plain].sort((a, b) => a - b)[Math.floor(rounds / 2)];
    // The slider: an image at a step, file checked, as the host answers a move (without the webview's cache).
    const lat: number[] = [];
    let seed = 7;
    for (let i = 0; i < 300; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const step = seed % images;
      const t0 = performance.now();
      const at = await store.mediaAt(RUN, 'samples', step);
      lat.push(performance.now() - t0);
      if (at?.images?.[0].file.state !== 'ok') throw new Error(`step ${step}: the image is not found`);
    }
    const t1 = performance.now();
    const steps = store.mediaSteps(RUN, 'samples');
    const stepsMs = performance.now() - t1;
    await store.close();
    lat.sort((a, b) => a - b);
    figures.push({
      id: 'M1',
      title,
      value: mid,
      unit: 'ms',
      target: { op: '<=', value: 1000 },
      baseline: { label: 'the same run without its image records: cold index + the metric series', value: midPlain, unit: 'ms' },
      ratio: { label: 'media run vs metrics-only', value: mid / midPlain },
      notes: [
        `rounds (media / metrics-only): ${media.map((m, i) => `${m.toFixed(0)} / ${plain[i].toFixed(0)} ms`).join(', ')}`,
        `slider: an image at a random step with its file checked, 300 answers: median ${percentile(lat, 0.5).toFixed(2)} ms, p95 ${percentile(lat, 0.95).toFixed(2)} ms, max ${lat[lat.length - 1].toFixed(2)} ms (target ≤ 100 ms)`,
        `the slider's ${steps.length.toLocaleString('en-US')} steps listed in ${stepsMs.toFixed(1)} ms`,
      ],
    });
  } catch (e) {
    figures.push({ id: 'M1', title, error: (e as Error).message });
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
