// Running the real Python logger (logger/trackside) in a child process, for the cross-process tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LOGGER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../logger');

/** Environment for a logging child: our logger on the path, runs under `root`, nothing slow at init. */
export function loggerEnv(root: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PYTHONPATH: LOGGER_DIR,
    TRACKSIDE_DIR: root,
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
    ...extra,
  };
}

export function spawnPython(script: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn('python3', ['-c', script, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a script to completion; rejects with its stderr when it exits non-zero. */
export function runPython(script: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawnPython(script, args, cwd, env);
    let stdout = '';
    let stderr = '';
    proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => (code === 0 ? resolvePromise({ stdout, stderr }) : reject(new Error(`python3 exited ${code}:\n${stderr}`))));
  });
}
