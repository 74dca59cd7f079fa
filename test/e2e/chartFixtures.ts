// Run logs for the chart tests: realistic curves (noisy losses, accuracies, system metrics), params that differ,
// an image artifact, and a run whose strings are all HTML and script.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { prng } from '../fixtures/prng';
import { artifact, encodeLine, metrics, params, start, status, summary, system, type LogRecord, type MetricValues } from '../fixtures/records';
import { E2E_START, writeRun } from './harness';

export const HOSTILE = {
  id: '20260101-090000-hhhhhhhh',
  name: '<img src=x onerror="window.__pwned=1">',
  paramKey: '<script>window.__pwned=2</script>',
  paramValue: '<b onclick="window.__pwned=3">bold</b>',
  notes: '<iframe src="javascript:window.__pwned=4"></iframe>',
};

export interface DemoRun {
  id: string;
  name: string;
  lr: number;
  steps: number;
  status?: 'finished' | 'failed' | null;
  parent?: string;
  seed?: number;
}

export function demoRecords(r: DemoRun, t0 = Date.now() / 1000 - 3600): LogRecord[] {
  // Seeded, so screenshots are the same on every run.
  const rand = prng(r.seed ?? 7);
  const records: LogRecord[] = [
    start({
      id: r.id, ts: t0, name: r.name, project: 'demo', tags: ['e2e', 'demo'],
      argv: ['train.py', '--lr', String(r.lr), '--note', "it's fine"], cwd: '/home/me/proj', executable: 'python3',
      env: { git: { commit: '3f2a9c1d0e4b5a6978', branch: 'main', dirty: true } }, notes: `Learning rate sweep, lr=${r.lr}.`, parent: r.parent,
    }),
    params({ lr: r.lr, batch_size: 64, optimizer: { name: 'adam', beta1: 0.9 }, model: { layers: 4, width: 256 }, seed: r.seed ?? 7 }, { ts: t0 }),
  ];
  for (let step = 0; step < r.steps; step++) {
    const progress = step / r.steps;
    const loss = 2.4 * Math.exp(-progress * 30 * r.lr) + 0.15 + (rand() - 0.5) * 0.25;
    const acc = 0.95 - 0.85 * Math.exp(-progress * 25 * r.lr) + (rand() - 0.5) * 0.04;
    const values: MetricValues = { 'train/loss': loss, 'train/acc': acc, ...(step % 10 === 9 ? { 'val/loss': loss * 1.1 + 0.05, 'val/acc': acc - 0.03 } : {}) };
    records.push(metrics(step, values, t0 + step * 2));
    if (step % 20 === 0) records.push(system({ cpu_percent: 60 + rand() * 30, memory_mb: 2000 + step }, t0 + step * 2));
  }
  const end = t0 + r.steps * 2;
  records.push(artifact('artifacts/confusion.png', { ts: end, kind: 'image', size: 1000 }));
  records.push(summary({ epochs: 3 }, end));
  if (r.status !== null) records.push(status(r.status ?? 'finished', { ts: end }));
  return records;
}

/** A small gradient PNG, so image artifacts have something to show. */
export function gradientPng(w = 96, h = 64): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer): number => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = Math.round((x / w) * 255);
      raw[o + 1] = Math.round((y / h) * 200);
      raw[o + 2] = 180;
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export async function writeDemoRun(ws: string, r: DemoRun): Promise<string> {
  const path = await writeRun(ws, r.id, demoRecords(r));
  await mkdir(join(ws, '.trackside', 'runs', r.id, 'artifacts'), { recursive: true });
  await writeFile(join(ws, '.trackside', 'runs', r.id, 'artifacts', 'confusion.png'), gradientPng());
  return path;
}

export async function writeHostileRun(ws: string): Promise<void> {
  const t0 = Date.now() / 1000 - 1200;
  const records: LogRecord[] = [
    start({ ...E2E_START, id: HOSTILE.id, ts: t0, name: HOSTILE.name, project: 'demo', tags: ['<svg onload=alert(1)>'], notes: HOSTILE.notes, argv: ['train.py', '"; rm -rf ~'] }),
    params({ [HOSTILE.paramKey]: HOSTILE.paramValue, lr: 0.2 }, { ts: t0 }),
  ];
  for (let step = 0; step < 50; step++) records.push(metrics(step, { '<b>x</b>/loss': 1 / (step + 1) }, t0 + step));
  records.push(artifact('../../../etc/passwd', { ts: t0 + 60, kind: 'image' }));
  records.push(status('finished', { ts: t0 + 60, exitCode: null }));
  await writeRun(ws, HOSTILE.id, records);
}

/** Appends metric records to a run log, as a running logger would. */
export async function appendSteps(path: string, from: number, count: number): Promise<void> {
  const t0 = Date.now() / 1000;
  const lines: string[] = [];
  for (let step = from; step < from + count; step++) {
    lines.push(encodeLine(metrics(step, { 'train/loss': 1 / (step + 1), 'train/acc': 1 - 1 / (step + 2) }, t0 + (step - from) * 0.01)));
  }
  await appendFile(path, lines.join('\n') + '\n');
}
