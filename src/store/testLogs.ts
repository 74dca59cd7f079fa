// Helpers for the store's tests: temporary roots and run logs written the way the Python logger writes them.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempRoot(): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'trackside-store-'));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function runDir(root: string, id: string): string {
  const dir = join(root, 'runs', id);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function logPath(root: string, id: string): string {
  return join(runDir(root, id), 'events.jsonl');
}

export const T0 = 1_700_000_000;

export function startRecord(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { t: 'start', ts: T0, v: 1, id, name: `name-${id}`, project: 'proj', tags: ['base'], argv: ['train.py', '--lr', '0.1'], cwd: '/work', executable: '/usr/bin/python3', env: { git: { commit: 'abc123', dirty: true, diff_artifact: 'artifacts/git.diff' }, os: 'Linux' }, ...extra };
}

/** Lines of a small finished run: start, params, `steps` metrics records of two keys, status. */
export function simpleRun(id: string, steps: number, opts: { status?: string; lr?: number } = {}): string[] {
  const lines = [JSON.stringify(startRecord(id)), JSON.stringify({ t: 'params', ts: T0, params: { lr: opts.lr ?? 0.1, model: { depth: 4, act: 'relu' } }, source: 'config' })];
  for (let s = 0; s < steps; s++) lines.push(JSON.stringify({ t: 'metrics', ts: T0 + s, step: s, values: { loss: 10 - s * 0.5, acc: s / 10 } }));
  if (opts.status !== undefined) lines.push(JSON.stringify({ t: 'status', ts: T0 + steps, status: opts.status, exit_code: opts.status === 'finished' ? 0 : 1 }));
  return lines;
}

export function writeLog(root: string, id: string, lines: string[], trailingNewline = true): string {
  const path = logPath(root, id);
  writeFileSync(path, lines.join('\n') + (trailingNewline && lines.length > 0 ? '\n' : ''));
  return path;
}

export function appendLog(root: string, id: string, text: string): void {
  appendFileSync(logPath(root, id), text);
}

/** A deterministic PRNG (mulberry32) so failures reproduce from the seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
