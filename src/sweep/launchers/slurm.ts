// Trials as SLURM jobs: one `sbatch --parsable` per trial, or several as one job array (`--array`, task id = trial
// number), `squeue` to follow, `scancel` to stop. The job script records its exit code beside the log (no accounting
// database needed), and the log lands in the sweep folder.
import { execFile } from 'node:child_process';
import { readFile, writeFile, chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { quotePosix as shellQuote } from '../../shared/shellQuote';
import type { SlurmOptions } from '../spec';
import { sleep, type Job, type JobEnd, type Launcher, type LaunchRequest } from './launcher';

function run(cmd: string, args: string[], env?: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, timeout: 30_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        reject(new Error(code === 'ENOENT' ? `${cmd} not found on PATH` : `${cmd} ${args.join(' ')}: ${(stderr || err.message).trim().split('\n')[0]}`));
      } else resolve(stdout);
    });
  });
}

/** Array task ids stay below SLURM's default MaxArraySize (1001); later trials are submitted one by one. */
const MAX_ARRAY_TASK = 1000;

const ACTIVE = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'RESIZING', 'SIGNALING', 'STAGE_OUT']);

export class SlurmLauncher implements Launcher {
  readonly kind = 'slurm' as const;
  constructor(private readonly options: SlurmOptions, private readonly pollMs = 500) {}

  async check(): Promise<void> {
    try {
      await run('sbatch', ['--version']);
    } catch (err) {
      throw new Error(`the slurm launcher needs SLURM's sbatch: ${(err as Error).message}`);
    }
    try {
      await run('squeue', ['-h', '-o', '%i', '-j', '1']).catch((err: Error) => {
        // An unknown job id is an answer; anything else means the controller did not answer.
        if (!/Invalid job id/i.test(err.message)) throw err;
      });
    } catch (err) {
      throw new Error(`the SLURM controller does not answer: ${(err as Error).message}`);
    }
  }

  async start(req: LaunchRequest): Promise<Job> {
    const script = `${req.logFile}.sbatch`;
    const exitFile = `${req.logFile}.exit`;
    await writeFile(script, [
      '#!/bin/bash',
      `cd ${shellQuote(req.cwd)} || exit 1`,
      `${req.argv.map(shellQuote).join(' ')}`,
      'code=$?',
      `echo $code > ${shellQuote(exitFile)}`,
      'exit $code',
      '',
    ].join('\n'));
    await chmod(script, 0o755);
    const args = ['--parsable', `--job-name=${req.name}`, `--output=${req.logFile}`, `--chdir=${req.cwd}`, '--export=ALL', ...this.resourceArgs(), script];
    // The trial's environment travels with --export=ALL from sbatch's own.
    const out = await run('sbatch', args, req.env);
    const id = out.trim().split(';')[0];
    if (!/^\d+(_\d+)?$/.test(id)) throw new Error(`sbatch printed no job id (${out.trim().slice(0, 200)})`);
    return this.follow(id, exitFile);
  }

  /**
   * Several trials as one `sbatch --array` whose task ids are the trial numbers: one submission, one script with a
   * branch per task. What every trial's environment shares travels with --export=ALL; what differs (run id, params,
   * GPU) is exported in its branch. Each task is a job `<array>_<n>` that squeue follows and scancel stops alone.
   */
  async startBatch(reqs: LaunchRequest[]): Promise<Job[]> {
    const dir = dirname(reqs[0].logFile);
    const keys = new Set(reqs.flatMap((r) => Object.keys(r.env)));
    const common: Record<string, string> = {};
    const differ: string[] = [];
    for (const k of keys) {
      const v = reqs[0].env[k];
      if (v !== undefined && reqs.every((r) => r.env[k] === v)) common[k] = v;
      else differ.push(k);
    }
    // Trials whose logs are not `<dir>/<n>.log`, whose number is too high for a task id, or whose differing variables a
    // shell cannot export go one by one.
    const arrayable = reqs.every((r) => r.logFile === join(dir, `${r.n}.log`) && r.n < MAX_ARRAY_TASK) && differ.every((k) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k));
    if (!arrayable) {
      const jobs: Job[] = [];
      for (const r of reqs) jobs.push(await this.start(r));
      return jobs;
    }
    const first = reqs[0].n;
    const last = reqs[reqs.length - 1].n;
    const script = join(dir, `array-${first}-${last}.sbatch`);
    const lines = ['#!/bin/bash', 'case "$SLURM_ARRAY_TASK_ID" in'];
    for (const r of reqs) {
      lines.push(`  ${r.n})`);
      for (const k of differ) lines.push(r.env[k] === undefined ? `    unset ${k}` : `    export ${k}=${shellQuote(r.env[k])}`);
      lines.push(
        `    cd ${shellQuote(r.cwd)} || exit 1`,
        `    ${r.argv.map(shellQuote).join(' ')}`,
        '    code=$?',
        `    echo $code > ${shellQuote(`${r.logFile}.exit`)}`,
        '    exit $code ;;',
      );
    }
    lines.push('  *) echo "trackside: no trial for array task $SLURM_ARRAY_TASK_ID" >&2; exit 2 ;;', 'esac', '');
    await writeFile(script, lines.join('\n'));
    await chmod(script, 0o755);
    const name = reqs[0].name.replace(/-\d+$/, '');
    const args = [
      '--parsable', `--job-name=${name}-${first}-${last}`, `--array=${reqs.map((r) => r.n).join(',')}`, `--output=${join(dir, '%a.log')}`,
      `--chdir=${reqs[0].cwd}`, '--export=ALL', ...this.resourceArgs(), script,
    ];
    const out = await run('sbatch', args, common);
    const id = out.trim().split(';')[0];
    if (!/^\d+$/.test(id)) throw new Error(`sbatch printed no array job id (${out.trim().slice(0, 200)})`);
    return reqs.map((r) => this.follow(`${id}_${r.n}`, `${r.logFile}.exit`));
  }

  private resourceArgs(): string[] {
    const o = this.options;
    const args: string[] = [];
    if (o.partition) args.push(`--partition=${o.partition}`);
    if (o.time) args.push(`--time=${o.time}`);
    if (o.cpusPerTask) args.push(`--cpus-per-task=${o.cpusPerTask}`);
    if (o.mem) args.push(`--mem=${o.mem}`);
    if (o.gres) args.push(`--gres=${o.gres}`);
    if (o.account) args.push(`--account=${o.account}`);
    if (o.qos) args.push(`--qos=${o.qos}`);
    args.push(...o.args);
    return args;
  }

  async attach(id: string, logFile: string): Promise<Job | undefined> {
    const state = await this.state(id);
    const exitFile = `${logFile}.exit`;
    if (state === undefined && (await readExit(exitFile)) === undefined) return undefined;
    return this.follow(id, exitFile);
  }

  private async state(id: string): Promise<string | undefined> {
    const out = await run('squeue', ['-h', '-j', id, '-o', '%T']).catch(() => '');
    const s = out.trim().split('\n')[0];
    return s && ACTIVE.has(s) ? s : undefined;
  }

  private follow(id: string, exitFile: string): Job {
    let ended = false;
    const done = (async (): Promise<JobEnd> => {
      while ((await this.state(id)) !== undefined) await sleep(this.pollMs);
      ended = true;
      // The exit file is written by the node: on a shared folder it may show a moment after squeue forgets the job.
      for (let i = 0; i < 10; i++) {
        const code = await readExit(exitFile);
        if (code !== undefined) return { exitCode: code };
        await sleep(200);
      }
      return { exitCode: null };
    })();
    return {
      id,
      done,
      stop: async () => {
        if (ended) return;
        // scancel sends SIGTERM to the job's processes and SIGKILL after the cluster's KillWait.
        await run('scancel', [id]).catch(() => undefined);
        await done;
      },
    };
  }
}

async function readExit(file: string): Promise<number | undefined> {
  try {
    const n = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}
