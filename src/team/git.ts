// The user's own `git`, as a child process with an argument array (never a shell): what Trackside publishes and
// fetches goes through their credentials, SSH agent and helpers, and nothing from a run or a ref reaches a shell.
import { spawn } from 'node:child_process';

export class GitError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly code: number | null,
    readonly stdout = '',
  ) {
    super(message);
  }
}

export interface GitOptions {
  cwd: string;
  input?: string | Buffer;
  env?: Record<string, string>;
  /** Refuse output larger than this (bytes): a hostile ref must not exhaust memory. */
  maxBytes?: number;
}

// core.fsmonitor and hooks name programs git would run; publishing runs needs neither. Empty values read as
// "off" for every git version; hooksPath=/dev/null holds no hook.
const SAFE_CONFIG = ['-c', 'core.fsmonitor=', '-c', 'core.hooksPath=/dev/null'];

function gitEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  // No pager, no prompt (a missing credential fails instead of hanging), no locale surprises in parsed output.
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C', ...extra };
}

/** Runs git; resolves its stdout as bytes, rejects with its stderr. */
export function gitBytes(args: string[], opts: GitOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...SAFE_CONFIG, ...args], { cwd: opts.cwd, env: gitEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const max = opts.maxBytes ?? 256 * 1024 * 1024;
    child.stdout.on('data', (b: Buffer) => {
      size += b.length;
      if (size > max) child.kill();
      else out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      if (err.length < 256) err.push(b);
    });
    child.on('error', (e) => reject(new GitError(`git could not start: ${e.message}`, '', null)));
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (size > max) reject(new GitError(`git ${args[0]} printed more than ${max} bytes`, stderr, code));
      else if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitError(`git ${args[0]} failed: ${lastLines(stderr) || `exit code ${code}`}`, stderr, code, Buffer.concat(out).toString('utf8')));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * Runs git with its input written piece by piece: `write` resolves once git has taken the bytes in (so the caller
 * holds at most a pipe's worth more), `end` closes the input and resolves git's stdout as gitBytes does.
 */
export function gitStream(args: string[], opts: Omit<GitOptions, 'input'>): { write(bytes: Buffer | string): Promise<void>; end(): Promise<Buffer>; kill(): void } {
  const child = spawn('git', [...SAFE_CONFIG, ...args], { cwd: opts.cwd, env: gitEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let failed: GitError | undefined;
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => {
    if (err.length < 256) err.push(b);
  });
  const closed = new Promise<Buffer>((resolve, reject) => {
    child.on('error', (e) => reject((failed = new GitError(`git could not start: ${e.message}`, '', null))));
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (code === 0) resolve(Buffer.concat(out));
      else reject((failed = new GitError(`git ${args[0]} failed: ${lastLines(stderr) || `exit code ${code}`}`, stderr, code)));
    });
  });
  // A git that died early fails the next write with its own message, not a broken pipe.
  closed.catch(() => undefined);
  child.stdin.on('error', () => undefined);
  return {
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        if (failed !== undefined) return reject(failed);
        if (child.stdin.write(bytes)) return resolve();
        const onClose = () => closed.then(() => reject(new GitError(`git ${args[0]} stopped reading`, '', null)), reject);
        child.once('close', onClose);
        child.stdin.once('drain', () => {
          child.off('close', onClose);
          resolve();
        });
      }),
    end: () => {
      child.stdin.end();
      return closed;
    },
    kill: () => {
      child.kill();
    },
  };
}

export async function git(args: string[], opts: GitOptions): Promise<string> {
  return (await gitBytes(args, opts)).toString('utf8');
}

/** The trimmed output, or undefined when git fails (a missing ref, config key, remote). */
export async function gitMaybe(args: string[], opts: GitOptions): Promise<string | undefined> {
  try {
    const out = (await git(args, opts)).trim();
    return out === '' ? undefined : out;
  } catch (err) {
    if (err instanceof GitError && err.code !== null) return undefined;
    throw err;
  }
}

function lastLines(text: string): string {
  return text.split('\n').filter((l) => l.trim() !== '').slice(-3).join(' / ');
}
