import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { models } from '../store';
import { modelCard } from './card';
import { keyMetric, lineageRows, modelRow, versionRow } from './present';

const HOSTILE = '<img src=x onerror=alert(1)> [click](command:workbench.action.terminal.new) https://evil.example ```\n# heading\n`tick` <script>x</script> ![i](https://evil.example/i.png) www.evil.example';

function version(over: Partial<models.ModelVersion> = {}): models.ModelVersion {
  return {
    format: 1, name: 'mnist_cnn', version: 3, ts: 1_700_000_000, by: HOSTILE, host: 'box', run: 'r2', runName: HOSTILE, project: 'p', parent: 'r1',
    artifact: 'artifacts/model.pt', file: 'runs/r2/artifacts/model.pt', copied: false, size: 10, sha256: 'a'.repeat(64), commit: 'abc123', dirty: true,
    params: { lr: 0.1, [HOSTILE]: HOSTILE, big: { $int: '18446744073709551617' } }, summary: { best_acc: 0.93, bad: { $float: 'NaN' } }, metrics: { loss: 0.2 }, env: { python: { version: '3.11' }, os: HOSTILE },
    description: HOSTILE, tags: [HOSTILE], aliases: ['champion'], ...over,
  };
}

// The renderer VS Code's Markdown preview uses, with HTML and linkify on: the most a card can be read with.
// (markdown-it ships without types; a module name held in a string keeps tsc from looking for them.)
const markdownIt = 'markdown-it';
let md: { render(text: string): string } | undefined;
async function render(text: string): Promise<string> {
  const { default: MarkdownIt } = (await import(markdownIt)) as { default: new (o: object) => { render(text: string): string } };
  md ??= new MarkdownIt({ html: true, linkify: true });
  return md.render(text);
}

test('a model card renders every recorded string as text: no link, image, HTML or heading forms from it', async () => {
  const v = version();
  const model: models.ModelInfo = { name: v.name, root: '/r', versions: [v], aliases: { champion: 3 }, history: [{ ts: 1_700_000_100, alias: 'champion', version: 3, by: HOSTILE, reason: HOSTILE }], description: HOSTILE, tags: [], problems: [] };
  const chain: models.Lineage = { runs: [{ runId: 'r2' }, { runId: 'r1' }], commit: 'abc123', dirty: true };
  const card = modelCard(model, v, { state: 'changed', path: '/r/runs/r2/artifacts/model.pt', reason: HOSTILE }, chain, 1_700_000_200_000);
  const html = await render(card);
  assert.doesNotMatch(html, /<a\b|<img\b|<script\b/);
  assert.equal((html.match(/<h1>/g) ?? []).length, 1, 'no heading from recorded text');
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/, 'the text is still there, shown literally');
  assert.match(card, /- Status when generated: \*\*changed\*\*/);
  assert.match(card, /`18446744073709551617`/, 'exact integers keep their digits');
  assert.match(card, /`best_acc`: `0\.93`/);
  assert.match(card, /Started from run `r1`, not in the index/);
  assert.match(card, /## Intended use/);
});

test('version rows show alias badges, the key metric and the file status; tooltips are inert', async () => {
  const v = version();
  const row = versionRow('/r', v, { state: 'missing', path: '/x', reason: 'gone' }, undefined);
  assert.equal(row.label, 'v3');
  assert.equal(row.description, 'file missing · @champion · best_acc 0.93');
  assert.equal(row.icon.id, 'error');
  assert.equal(row.contextValue, 'modelVersion missing aliased');
  assert.doesNotMatch(await render(row.tooltip!), /<a\b|<img\b|<script\b/);
  assert.equal(versionRow('/r', { ...v, aliases: [] }, { state: 'ok', path: '/x' }, { p: 'loss' }).description, 'loss 0.2');
  assert.deepEqual(keyMetric(v, '*'), { key: 'best_acc', value: '0.93' });
  const m = modelRow('/r', { name: 'mnist_cnn', root: '/r', versions: [v], aliases: { champion: 3 }, history: [], tags: [], problems: [] });
  assert.equal(m.description, '1 version · champion→v3');
});

test('lineage rows name the run, its parents (even when gone from the index) and the commit', () => {
  const v = version();
  const rows = lineageRows('/r', v, { runs: [{ runId: 'r2' }, { runId: 'r1' }], commit: 'abc1234567890' }, { state: 'ok', path: '/x' });
  assert.deepEqual(rows.map((r) => [r.label.slice(0, 9), r.runId, r.contextValue]), [
    ['Run <img ', 'r2', 'modelLineageGone'],
    ['From run ', 'r1', 'modelLineageGone'],
    ['Commit ab', undefined, 'modelCommit'],
    ['model.pt', undefined, 'modelFile ok'],
  ]);
});
