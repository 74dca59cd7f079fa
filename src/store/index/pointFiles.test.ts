import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DiskPointFiles, MemoryPointFiles, PointFileLost, type PointFiles } from './pointFiles';
import { tempRoot } from '../../../test/fixtures/logs';

const bytes = (...v: number[]) => Uint8Array.from(v);

for (const [kind, make] of [
  ['disk', (dir: string) => new DiskPointFiles(join(dir, 'points'))],
  ['memory', () => new MemoryPointFiles()],
] as Array<[string, (dir: string) => PointFiles]>) {
  test(`${kind} point files: writes land at the committed length, reads coalesce, short files reject`, async (t) => {
    const { root, cleanup } = tempRoot();
    t.after(cleanup);
    const files = make(root);
    const name = files.newName();
    assert.notEqual(files.newName(), name);
    await files.write(name, 0, bytes(1, 2, 3, 4));
    // Bytes a pass wrote but never committed (it died) are overwritten by the next write at the committed length.
    await files.write(name, 4, bytes(9, 9, 9, 9, 9, 9));
    await files.write(name, 4, bytes(5, 6));
    const [a, b, c] = await files.read(name, [
      [4, 2],
      [0, 2],
      [2, 2],
    ]);
    assert.deepEqual([...a, ...b, ...c], [5, 6, 1, 2, 3, 4]);
    await assert.rejects(files.read(name, [[4, 4]]), /ends before byte 8/);
    await assert.rejects(files.read(files.newName(), [[0, 1]]));
    // Writing past what a file holds means the index and the file disagree: the run must be reindexed.
    await assert.rejects(files.write(name, 100, bytes(1)), PointFileLost);
    await assert.rejects(files.write(files.newName(), 8, bytes(1)), PointFileLost);
    await files.prune(new Set());
    await assert.rejects(files.read(name, [[0, 1]]));
  });

  test(`${kind} point files: a write in two parts lays the second right after the first`, async (t) => {
    const { root, cleanup } = tempRoot();
    t.after(cleanup);
    const files = make(root);
    const name = files.newName();
    await files.write(name, 0, bytes(1, 2), bytes(3));
    await files.write(name, 3, bytes(4, 5, 6), bytes(7, 8));
    // Past the committed length again (a pass died): both parts replace what was there.
    await files.write(name, 3, bytes(9), bytes(10, 11));
    const [all] = await files.read(name, [[0, 6]]);
    assert.deepEqual([...all], [1, 2, 3, 9, 10, 11]);
    await assert.rejects(files.read(name, [[0, 7]]), /ends before byte 7/);
  });
}

test('disk point files: reads are aligned for float views, names from elsewhere are refused, prune spares others', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const dir = join(root, 'points');
  const files = new DiskPointFiles(dir);
  const keep = files.newName();
  const drop = files.newName();
  await files.write(keep, 0, new Uint8Array(new Float64Array([1.5, -2, NaN]).buffer));
  await files.write(drop, 0, bytes(1));
  writeFileSync(join(dir, 'notes.txt'), 'not ours');
  const [whole] = await files.read(keep, [[8, 16]]);
  assert.equal(whole.byteOffset % 8, 0);
  assert.deepEqual([...new Float64Array(whole.buffer, whole.byteOffset, 2)], [-2, NaN]);
  await assert.rejects(files.read('../../etc/passwd', [[0, 1]]), /not a point file name/);
  await assert.rejects(files.write('x/../../y.pts', 0, bytes(1)), /not a point file name/);
  await files.prune(new Set([keep]));
  assert.deepEqual(readdirSync(dir).sort(), [keep, `${keep.slice(0, 8)}.owner`, 'notes.txt', '.gitignore'].sort());
  assert.match(readFileSync(join(dir, '.gitignore'), 'utf8'), /^\*$/m, 'git ignores the folder');
  truncateSync(join(dir, keep), 4);
  await assert.rejects(files.write(keep, 24, bytes(1)), PointFileLost);
  assert.equal(statSync(join(dir, keep)).size, 4, 'a refused write leaves the file alone');
});
