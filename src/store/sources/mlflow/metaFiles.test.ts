// meta.yaml read without the YAML parser (flatMeta) gives what the parser gives, and leaves to it whatever it does
// not read exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseYaml } from '../foreign/yaml';
import { flatMeta, metaOf } from './metaFiles';
import { MLFLOW_STATUS, runMetaYaml, writeExperiment } from '../../../../test/fixtures/mlflow';
import { tempRoot } from '../../../../test/fixtures/logs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { filePath } from './reader';
import { join } from 'node:path';

const VALUES = [
  'abc', 'run-0', 'file:///home/a b/mlruns/0/x/artifacts', 'file:///home/a/mlruns/0/x/artifacts', 'mlflow-artifacts:/0/x/artifacts', "''", "'1'", "'it''s'",
  "'a'b'", '"dq"', 'null', 'Null', 'NULL', '~', '', 'true', 'True', 'TRUE', 'false', 'FALSE', 'yes', 'no', 'on', '0', '-0', '7', '-5', '+5', '007',
  '0x1F', '0o17', '1e3', '1.5', '.inf', '-.inf', '.nan', '.NaN', '1700000000000', '12345678901234567890', 'abc:', 'a:b', 'a: b', 'a #b', 'a#b',
  '[]', '[a]', '{}', '- a', '&x a', '*x', '!!str 5', '|', '>', '%x', '@x', '`x', 'é', '/abs/path', 'C:/x', 'a\tb', 'x ',
  // Run ids are 32 hex digits, most starting with a digit; some such words are numbers to the parser.
  '00000000aaaaaaaaaaaaaaaaaaaaaaaa', '3f2b9c0d1e4a4b5c8d7e6f5a4b3c2d1e', '0a', '123abc', '1e5', '1E5', '12e34', '00e00', '1e5a', '9e', '1e',
  '0x1f', '0X1F', '0o17', '0O17', '0b101', '1_000', '0xg', '1.5e3', '1e+5', 'e5',
];

test('a flat meta.yaml reads as the YAML parser reads it, value by value; anything else is left to the parser', () => {
  let flat = 0;
  for (const v of VALUES) {
    for (const text of [`run_name: ${v}\n`, `status: 3\nrun_name: ${v}\ntags: []`, `a: 1\nrun_name: ${v}\r\n`]) {
      const fast = flatMeta(text);
      const parsed = parseYaml(text);
      if (fast === undefined) continue;
      flat++;
      assert.ok('value' in parsed, `${JSON.stringify(text)}: the parser refuses it`);
      assert.deepEqual(fast, parsed.value, JSON.stringify(text));
      assert.deepEqual(metaOf(text), { value: parsed.value });
    }
  }
  // The usual values are read without the parser, run ids that start with a digit included.
  assert.ok(flat >= 30, `${flat}`);
  assert.deepEqual(flatMeta('run_id: 3f2b9c0d1e4a4b5c8d7e6f5a4b3c2d1e\n'), { run_id: '3f2b9c0d1e4a4b5c8d7e6f5a4b3c2d1e' });
  for (const text of ['', 'a: 1\n\nb: 2\n', 'a: 1\na: 2\n', '# c\na: 1\n', 'a: 1 # c\n', 'A: 1\n', 'a:\n  b: 1\n', ' a: 1\n', 'a: 1\n---\n']) {
    assert.equal(flatMeta(text), undefined, JSON.stringify(text));
  }
});

test("the fixture writer's meta.yaml files and an experiment's read without the parser, as the parser reads them", () => {
  const r = tempRoot();
  try {
    const exp = writeExperiment(join(r.root, 'mlruns'), '1', 'exp');
    const texts = [readFileSync(join(exp, 'meta.yaml'), 'utf8')];
    for (const layout of ['new', 'old'] as const) {
      for (const status of Object.values(MLFLOW_STATUS)) {
        texts.push(runMetaYaml(join(exp, 'abc'), { runId: 'abc', experimentId: '1', layout, status, name: 'my run', endTime: status === 1 ? undefined : 5, lifecycle: status === 5 ? 'deleted' : 'active' }));
        texts.push(runMetaYaml(join(exp, 'abc'), { runId: 'abc', layout, status, name: 'run-1', artifactUri: 's3://bucket/x', user: 'bob' }));
      }
    }
    for (const text of texts) {
      const parsed = parseYaml(text);
      assert.ok('value' in parsed);
      const fast = flatMeta(text);
      if (!text.includes('my run')) assert.notEqual(fast, undefined, text);
      if (fast !== undefined) assert.deepEqual(fast, parsed.value, text);
    }
  } finally {
    r.cleanup();
  }
});

test("an artifact_uri's path is what fileURLToPath gives, with or without parsing the URL", () => {
  const uris = ['file:///home/a/mlruns/0/x/artifacts', 'file:///home/a b/x', 'file:///é/x', 'file:///a/./b', 'file:///a/../b', 'file:///a//b', 'file:///a/b%20c', 'file:///a?q', 'file:///a#f',
    'file:///a\\b', 'file:///a/b ', 'file:///a\tb', 'file:///a/.hidden', 'file:///a\x01', 'file:///a\x01b', 'file:///a|b^c{d}`e', 'file:///', 'file:///C:/x'];
  let fast = 0;
  for (const uri of uris) {
    let want: string | undefined;
    try {
      want = fileURLToPath(uri);
    } catch {
      want = undefined;
    }
    let got: string | undefined;
    try {
      got = filePath(uri);
    } catch {
      got = undefined;
    }
    assert.equal(got, want, uri);
    if (got === uri.slice(7)) fast++;
  }
  assert.ok(fast >= 5);
});
