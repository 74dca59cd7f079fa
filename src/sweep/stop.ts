// Stopping a sweep from outside its controller: a stop file the controller polls; when no controller is alive
// (it was killed), the trials it left are stopped here and the sweep is marked stopped.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { controllerAlive } from './controller';
import { LocalLauncher } from './launchers/local';
import { SlurmLauncher } from './launchers/slurm';
import { appendEvent, PAUSE_FILE, readRecord, readTrials, STOP_FILE, sweepDir, writeRecord } from './state';

export async function stopSweep(root: string, id: string): Promise<'requested' | 'stopped' | 'not running'> {
  const dir = sweepDir(root, id);
  const record = await readRecord(dir);
  if (!record) throw new Error(`no sweep ${id} under ${root}`);
  await writeFile(join(dir, STOP_FILE), `${Date.now()}\n`);
  if (controllerAlive(record)) return 'requested';
  const { trials } = await readTrials(dir);
  const launcher = record.launcher === 'slurm' ? new SlurmLauncher({ args: [] }) : new LocalLauncher();
  let any = false;
  for (const t of trials.values()) {
    if (t.outcome !== undefined || !t.job) continue;
    const job = await launcher.attach(t.job, join(dir, 'trials', `${t.n}.log`));
    if (job) await job.stop();
    await appendEvent(dir, { t: 'end', n: t.n, outcome: 'stopped', reason: 'the sweep was stopped', ts: Date.now() });
    any = true;
  }
  if (record.status !== 'running' && !any) return 'not running';
  record.status = 'stopped';
  record.reason = 'stopped on request';
  record.updated = Date.now();
  await writeRecord(dir, record);
  return 'stopped';
}

/**
 * Pauses (no new trial is launched; running ones go on) or resumes a sweep through the pause file its controller
 * polls. Says whether a live controller will see it: without one, resuming means running the sweep again.
 */
export async function pauseSweep(root: string, id: string, pause: boolean): Promise<{ controller: boolean }> {
  const dir = sweepDir(root, id);
  const record = await readRecord(dir);
  if (!record) throw new Error(`no sweep ${id} under ${root}`);
  if (pause) await writeFile(join(dir, PAUSE_FILE), `${Date.now()}\n`);
  else await rm(join(dir, PAUSE_FILE), { force: true });
  return { controller: controllerAlive(record) };
}
