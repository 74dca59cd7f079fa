import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserEditsWriter, type EditsFileSystem } from './userEditsWriter';

/** An in-memory file system that yields on every operation, so concurrent writes interleave as on disk. */
function memoryFs(files = new Map<string, string>(), written: string[] = []): EditsFileSystem {
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  return {
    async read(path) {
      await tick();
      return files.get(path);
    },
    async write(path, text) {
      await tick();
      written.push(path);
      files.set(path, text);
    },
    async rename(from, to) {
      await tick();
      const text = files.get(from);
      if (text === undefined) throw new Error(`no such file: ${from}`);
      files.delete(from);
      files.set(to, text);
    },
    async remove(path) {
      files.delete(path);
    },
  };
}

test('two edits to one run at once both survive', async () => {
  const files = new Map([['/r/run1/user.json', '{"notes":"kept"}']]);
  const writer = new UserEditsWriter(memoryFs(files));
  await Promise.all([writer.write('/r/run1', { starred: true }), writer.write('/r/run1/', { tags: ['a'] }), writer.write('/r/run2', { archived: true })]);
  assert.deepEqual(JSON.parse(files.get('/r/run1/user.json')!), { notes: 'kept', starred: true, tags: ['a'] });
  assert.deepEqual(JSON.parse(files.get('/r/run2/user.json')!), { archived: true });
  assert.deepEqual([...files.keys()].filter((k) => k.endsWith('.tmp')), []);
});

test('a failed write does not block the next one, and temporary names never repeat', async () => {
  const files = new Map<string, string>();
  const written: string[] = [];
  const fs = memoryFs(files, written);
  let fail = true;
  const flaky: EditsFileSystem = { ...fs, rename: (from, to) => (fail ? ((fail = false), Promise.reject(new Error('disk full'))) : fs.rename(from, to)) };
  const writer = new UserEditsWriter(flaky);
  const other = new UserEditsWriter(fs);
  const first = writer.write('/r/run1', { starred: true });
  const second = writer.write('/r/run1', { notes: 'n' });
  await assert.rejects(first, /disk full/);
  await Promise.all([second, other.write('/r/run3', { starred: true }), new UserEditsWriter(fs).write('/r/run3', { notes: 'x' })]);
  assert.deepEqual(JSON.parse(files.get('/r/run1/user.json')!), { notes: 'n' });
  const names = written.map((p) => p.split('/').pop());
  assert.equal(new Set(names).size, names.length, names.join(' '));
  assert.deepEqual([...files.keys()].filter((k) => k.endsWith('.tmp')), []);
});
