// A remote served by `git daemon` on loopback, stopped while a push is under way: the push fails with a clear
// message, the runs stay committed locally, and the next push (daemon back) completes.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../store';
import { writeLog } from '../../test/fixtures/logs';
import { artifact } from '../../test/fixtures/records';
import { simpleRun } from '../../test/fixtures/runs';
import { gitEnv, gitSync, makeTeam } from '../../test/fixtures/teamGit';
import { DEFAULT_SETTINGS, publishRuns, PushError } from '.';
import { RUNS_REF } from './repo';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function startDaemon(base: string, port: number): Promise<ChildProcess> {
  const child = spawn('git', ['daemon', '--reuseaddr', `--base-path=${base}`, '--export-all', '--enable=receive-pack', '--listen=127.0.0.1', `--port=${port}`, base], { env: gitEnv, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 20_000;
    const probe = () => {
      const sock = connect(port, '127.0.0.1');
      sock.on('connect', () => {
        sock.destroy();
        resolve(child);
      });
      sock.on('error', () => (Date.now() > deadline ? reject(new Error('git daemon did not start')) : setTimeout(probe, 50)));
    };
    probe();
  });
}

function stop(child: ChildProcess): void {
  try {
    // The daemon and the receive-pack it forked share its process group.
    process.kill(-(child.pid as number), 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Process ids whose parent is `pid` (from /proc). */
function children(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

test('a git daemon remote stopped mid-push: clear error, nothing lost, the next push completes', { timeout: 120_000 }, async (t) => {
  const team = makeTeam();
  t.after(team.cleanup);
  const port = await freePort();
  let daemon = await startDaemon(team.dir, port);
  t.after(() => stop(daemon));
  const ada = team.clone('Ada');
  gitSync(ada.repo, 'remote', 'set-url', 'origin', `git://127.0.0.1:${port}/remote.git`);
  // Incompressible artifacts make the pack big enough that the push is still sending when the daemon dies.
  for (let i = 0; i < 4; i++) {
    const id = `big-${i}`;
    writeLog(ada.root, id, [...simpleRun(id, 20, { status: 'finished' }), artifact('artifacts/weights.bin')]);
    mkdirSync(join(ada.root, 'runs', id, 'artifacts'));
    writeFileSync(join(ada.root, 'runs', id, 'artifacts', 'weights.bin'), randomBytes(8 << 20));
  }
  const settings = { ...DEFAULT_SETTINGS, artifactLimit: 16 << 20 };
  const store = await openStore({ roots: [ada.root] });
  t.after(() => store.close());
  await store.index();

  const pushing = publishRuns({ cwd: ada.repo, store, settings });
  const daemonPid = daemon.pid as number;
  const killer = (async () => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      // A forked child is a connection being served: the push is talking to the remote.
      if (children(daemonPid).length > 0) {
        stop(daemon);
        return true;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    return false;
  })();
  await assert.rejects(pushing, (err: unknown) => {
    assert.ok(err instanceof PushError, String(err));
    assert.match(err.message, /push to origin failed: .*Nothing is lost: the runs are committed in refs\/trackside\/runs/);
    return true;
  });
  assert.equal(await killer, true, 'the daemon was stopped while serving the push');
  const local = gitSync(ada.repo, 'ls-tree', '-r', '--name-only', RUNS_REF).split('\n');
  assert.equal(local.filter((p) => p.endsWith('/meta.json')).length, 4, 'the runs are committed locally');
  assert.equal(gitSync(team.remote, 'for-each-ref', 'refs/trackside').trim(), '', 'the remote did not get half a ref');

  daemon = await startDaemon(team.dir, port);
  const again = await publishRuns({ cwd: ada.repo, store, settings });
  assert.equal(again.pushed, true);
  assert.ok(again.runs.every((r) => r.unchanged), 'nothing is rebuilt: only the push is retried');
  const remote = gitSync(team.remote, 'ls-tree', '-r', '--name-only', RUNS_REF).split('\n');
  assert.equal(remote.filter((p) => p.endsWith('/files/artifacts/weights.bin')).length, 4);
  const third = await publishRuns({ cwd: ada.repo, store, settings });
  assert.equal(third.nothingNew, true);
});
