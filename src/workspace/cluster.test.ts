import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fsTypeOf, indexOutsideRoots, isNetworkFs, networkRoots, parseMounts, passingFsError } from './clusterFs';
import { livePlan, pollLiveSetting, tickWanted } from './livePlan';
import { LiveTick } from './liveTick';

// A cluster node's /proc/mounts: home on NFS, scratch on Lustre, a path with a space, WSL's drvfs.
const MOUNTS = `sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
/dev/sda1 / ext4 rw,relatime 0 0
tmpfs /tmp tmpfs rw,nosuid,nodev 0 0
fs1:/export/home /home nfs4 rw,relatime,vers=4.2 0 0
10.0.0.5@o2ib:/scratch /scratch lustre rw,flock 0 0
/dev/sdb1 /home/local ext4 rw 0 0
server:/data /mnt/team\\040data nfs rw 0 0
drvfs /mnt/c 9p rw,dirsync 0 0
alice@login:/w /mnt/remote fuse.sshfs rw 0 0
/dev/fuse /mnt/enc fuse.encfs rw 0 0
`;

test('the file system of a folder is its longest mount point, from /proc/mounts', () => {
  const mounts = parseMounts(MOUNTS);
  assert.equal(mounts.length, 10);
  assert.equal(fsTypeOf('/home/alice/proj/.trackside', mounts), 'nfs4');
  assert.equal(fsTypeOf('/home/local/x', mounts), 'ext4', 'a local disk mounted inside the NFS home');
  assert.equal(fsTypeOf('/home', mounts), 'nfs4');
  assert.equal(fsTypeOf('/homework/x', mounts), 'ext4', 'a prefix of the name is not the mount');
  assert.equal(fsTypeOf('/scratch/job/.trackside', mounts), 'lustre');
  assert.equal(fsTypeOf('/mnt/team data/runs', mounts), 'nfs', 'octal escapes in mount points');
  assert.equal(fsTypeOf('/tmp/x', mounts), 'tmpfs');
  assert.deepEqual(parseMounts('garbage\n\nnone none\n'), []);
  assert.equal(fsTypeOf('/x', []), undefined);
});

test('network file systems are told from local ones', () => {
  for (const t of ['nfs', 'nfs4', 'lustre', 'gpfs', 'cifs', 'beegfs', '9p', 'fuse.sshfs', 'NFS4']) assert.equal(isNetworkFs(t), true, t);
  for (const t of ['ext4', 'xfs', 'btrfs', 'tmpfs', 'overlay', 'fuse.encfs', 'zfs', undefined]) assert.equal(isNetworkFs(t), false, String(t));
});

test('networkRoots reads the mounts file once and reports only the roots on network file systems', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ts-mounts-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'mounts');
  await writeFile(file, MOUNTS);
  const found = await networkRoots(['/home/alice/not-yet-created/.trackside', '/scratch/j/.trackside', '/home/local/w/.trackside'], file);
  assert.deepEqual([...found], [['/home/alice/not-yet-created/.trackside', 'nfs4'], ['/scratch/j/.trackside', 'lustre']]);
  assert.equal((await networkRoots(['/home/a'], path.join(dir, 'missing'))).size, 0, 'no /proc/mounts (macOS, Windows): nothing detected');
});

test('stale handles, I/O errors and vanished files are passing; other errors are failures', () => {
  const err = (code: string, p?: string): Error => Object.assign(new Error(code), { code, path: p });
  assert.deepEqual(passingFsError(err('ESTALE', '/home/a/.trackside/runs/r/events.jsonl')), { code: 'ESTALE', path: '/home/a/.trackside/runs/r/events.jsonl' });
  assert.deepEqual(passingFsError(err('EIO')), { code: 'EIO' });
  assert.deepEqual(passingFsError(err('ENOENT', '/x')), { code: 'ENOENT', path: '/x' });
  assert.equal(passingFsError(err('EACCES')), undefined);
  assert.equal(passingFsError(new Error('database disk image is malformed')), undefined);
  assert.equal(passingFsError(undefined), undefined);
});

test('the index file is never inside a run folder', () => {
  assert.equal(indexOutsideRoots('/home/a/.vscode-server/data/User/workspaceStorage/x/trackside/runs-index.sqlite', ['/home/a/proj/.trackside', '/scratch/.trackside']), true);
  assert.equal(indexOutsideRoots('/scratch/.trackside/cache/runs-index.sqlite', ['/home/a/proj/.trackside', '/scratch/.trackside']), false);
  assert.equal(indexOutsideRoots('/scratch/.trackside-index/runs-index.sqlite', ['/scratch/.trackside']), true, 'a sibling with the same prefix is outside');
  assert.equal(indexOutsideRoots('/w/..x/db', ['/w']), false);
});

test('the live tick polls running runs on network roots and checks liveness only for runs on this host', () => {
  const running = [
    { id: 'nfs-here', root: '/home/a/.trackside', hosts: ['me'] },
    { id: 'local-other', root: '/w/.trackside', hosts: ['node-7'] },
    { id: 'multi', root: '/scratch/.trackside', hosts: ['node-7', 'me'] },
  ];
  const networkRoots = new Set(['/home/a/.trackside', '/scratch/.trackside']);
  const opts = { setting: 'auto' as const, networkRoots, hostname: 'me', canCheckLiveness: true };
  assert.deepEqual(livePlan(running, opts), { pollIds: ['nfs-here', 'multi'], liveness: true });
  assert.deepEqual(livePlan(running, { ...opts, setting: 'always' }).pollIds, ['nfs-here', 'local-other', 'multi']);
  assert.deepEqual(livePlan(running, { ...opts, setting: 'never' }).pollIds, []);
  assert.equal(livePlan([running[1]!], opts).liveness, false, "another host's run keeps the heartbeat rule");
  assert.equal(livePlan(running, { ...opts, canCheckLiveness: false }).liveness, false, 'a store without checkLiveness');
  const idle = livePlan([], opts);
  assert.equal(tickWanted(idle), false, 'nothing running: no timer');
  assert.equal(tickWanted(livePlan([running[1]!], { ...opts, networkRoots: new Set() })), false);
  assert.equal(pollLiveSetting('always'), 'always');
  assert.equal(pollLiveSetting('bogus'), 'auto');
  assert.equal(pollLiveSetting(undefined), 'auto');
});

test('the live tick runs every second only while on, and never overlaps a slow check', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let calls = 0;
  let release: (() => void) | undefined;
  const tick = new LiveTick(() => {
    calls++;
    return new Promise<void>((resolve) => (release = resolve));
  });
  t.mock.timers.tick(5000);
  assert.equal(calls, 0, 'off: no work');
  tick.set(true);
  t.mock.timers.tick(999);
  assert.equal(calls, 0);
  t.mock.timers.tick(1);
  assert.equal(calls, 1);
  t.mock.timers.tick(5000);
  assert.equal(calls, 1, 'the first check has not settled: no second one');
  release!();
  await new Promise<void>((resolve) => setImmediate(resolve));
  t.mock.timers.tick(1000);
  assert.equal(calls, 2);
  tick.set(false);
  release!();
  await new Promise<void>((resolve) => setImmediate(resolve));
  t.mock.timers.tick(10_000);
  assert.equal(calls, 2, 'switched off: stays off');
  tick.set(true);
  tick.dispose();
  t.mock.timers.tick(10_000);
  assert.equal(calls, 2, 'disposed');
});
