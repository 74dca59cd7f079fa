// Issue 16 across the process boundary: the real Python logger logs every media kind (standard library inputs
// only, so this runs with any python3), and the store reads back exactly what it logged, the files included.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { openStore } from '../../src/store';
import type { RunStore } from '../../src/store';
import { loggerEnv, runPython } from './pythonLogger';

const SCRIPT = `
import json, trackside
with trackside.init(project="media", name="media-rt", system_metrics=False) as run:
    for s in range(4):
        pixels = [[[(x * 40 + s) % 256, y * 30, 200] for x in range(6)] for y in range(5)]  # 5 x 6 RGB
        run.log({
            "loss": 1.0 / (s + 1),
            "samples": trackside.Image(pixels, caption="<img src=x onerror=alert(1)> step %d" % s),
            "weights": trackside.Histogram([float(v) for v in range(s, s + 10)] + [float("nan"), float("inf")], bins=5),
            "preds": trackside.Table(["id", "score"], [[i, i * 0.5 + s] for i in range(3)]),
            "note": trackside.Text("# step %d\\n<script>x</script>" % s),
        }, step=s * 10)
print(json.dumps({"id": run.id}))
`;

let dir: string;
let root: string;
let id: string;
let store: RunStore;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trackside-media-rt-'));
  root = join(dir, '.trackside');
  const { stdout } = await runPython(SCRIPT, [], dir, loggerEnv(root));
  id = (JSON.parse(stdout.trim().split('\n').pop()!) as { id: string }).id;
  store = await openStore({ roots: [root] });
  await store.index();
});

after(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

test('every media kind the logger writes is indexed by key, kind and step', () => {
  const keys = store.mediaKeys(id).map((k) => [k.key, k.kind, k.count]);
  assert.deepEqual(keys, [
    ['note', 'text', 4],
    ['preds', 'table', 4],
    ['samples', 'image', 4],
    ['weights', 'histogram', 4],
  ]);
  assert.deepEqual(store.mediaSteps(id, 'samples'), [0, 10, 20, 30]);
});

test('an image comes back as the PNG file the logger encoded, caption kept as text', async () => {
  const at = await store.mediaAt(id, 'samples', 25);
  assert.equal(at?.step, 20, 'the nearest step at or below the one asked for');
  const image = at!.images![0]!;
  assert.equal(image.caption, '<img src=x onerror=alert(1)> step 2');
  assert.equal(image.width, 6);
  assert.equal(image.height, 5);
  assert.equal(image.file.state, 'ok');
  const png = await readFile((image.file as { abs: string }).abs);
  assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  // The IHDR says 6 x 5, and the pixel rows inflate to height x (1 filter byte + width x 3 channels).
  assert.equal(png.readUInt32BE(16), 6);
  assert.equal(png.readUInt32BE(20), 5);
  const idat = png.indexOf('IDAT');
  const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
  assert.equal(raw.length, 5 * (1 + 6 * 3));
});

test('a histogram keeps its counts and counts NaN and infinity apart', async () => {
  const latest = await store.mediaAt(id, 'weights', 'latest');
  assert.equal(latest?.step, 30);
  const hist = latest!.hist!;
  assert.equal(hist.counts.reduce((a, b) => a + b, 0), 10);
  assert.equal(hist.nan, 1);
  assert.equal(hist.posinf, 1);
  assert.equal(hist.edges.length, hist.counts.length + 1);
  const series = store.histogramSeries(id, 'weights', 10)!;
  assert.deepEqual(series.steps, [0, 10, 20, 30]);
});

test('a table sorts, and a text is read back as written', async () => {
  const page = await store.mediaTable({ runId: id, key: 'preds', step: 'latest', sort: { column: 1, descending: true } });
  assert.deepEqual(page?.columns, ['id', 'score']);
  assert.deepEqual(page?.rows, [
    [2, 4],
    [1, 3.5],
    [0, 3],
  ]);
  const text = await store.mediaText(id, 'note', 10);
  assert.equal(text?.text, '# step 1\n<script>x</script>');
});

test('a media file deleted after logging is shown as missing, and nothing else is lost', async () => {
  const at = await store.mediaAt(id, 'samples', 0);
  await unlink((at!.images![0]!.file as { abs: string }).abs);
  const again = await store.mediaAt(id, 'samples', 0);
  assert.equal(again!.images![0]!.file.state, 'missing');
  assert.equal((await store.mediaAt(id, 'samples', 10))!.images![0]!.file.state, 'ok');
  assert.equal(store.getRun(id)?.metrics['loss']?.count, 4);
});
