import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argText, rewriteArgv } from './argv';

test('--key value and --key=value are rewritten, dashes and underscores alike', () => {
  const r = rewriteArgv(['train.py', '--lr', '0.01', '--batch-size=32', '--weight_decay', '0'], { lr: 0.02, batch_size: 64, 'weight-decay': 0.1 });
  assert.deepEqual(r.argv, ['train.py', '--lr', '0.02', '--batch-size=64', '--weight_decay', '0.1']);
  assert.deepEqual(r.edits.map((e) => [e.key, e.index, e.before, e.after]), [
    ['lr', 2, '0.01', '0.02'],
    ['batch_size', 3, '--batch-size=32', '--batch-size=64'],
    ['weight-decay', 5, '0', '0.1'],
  ]);
  assert.deepEqual(r.envOnly, []);
});

test('dotted keys match dotted options and Hydra overrides; unknown keys go through the environment only', () => {
  const r = rewriteArgv(['train.py', '--optimizer.lr', '1e-3', 'model.depth=4', '+trainer.seed=1'], {
    'optimizer.lr': 0.0005,
    'model.depth': 8,
    'trainer.seed': 2,
    dropout: 0.5,
  });
  assert.deepEqual(r.argv, ['train.py', '--optimizer.lr', '0.0005', 'model.depth=8', '+trainer.seed=2']);
  assert.deepEqual(r.envOnly, ['dropout']);
});

test('every occurrence is rewritten (the last one wins in argparse), nothing after -- and not the script', () => {
  const r = rewriteArgv(['--lr', '--lr', '1', '--lr=2', '--', '--lr', '3'], { lr: 9 });
  assert.deepEqual(r.argv, ['--lr', '--lr', '9', '--lr=9', '--', '--lr', '3']);
});

test('negative values are values; the next option is not', () => {
  assert.deepEqual(rewriteArgv(['t.py', '--shift', '-0.5'], { shift: 1 }).argv, ['t.py', '--shift', '1']);
  const flag = rewriteArgv(['t.py', '--amp', '--lr', '1'], { amp: false, lr: 1 });
  assert.deepEqual(flag.argv, ['t.py', '--lr', '1']);
  assert.deepEqual(flag.envOnly, []);
  const on = rewriteArgv(['t.py', '--amp'], { amp: true });
  assert.deepEqual(on.argv, ['t.py', '--amp']);
  assert.equal(on.edits.length, 0);
  // A flag without a value cannot carry a number: the environment does.
  assert.deepEqual(rewriteArgv(['t.py', '--amp'], { amp: 3 }).envOnly, ['amp']);
});

test('a value equal to the recorded one is matched but not counted as an edit', () => {
  const r = rewriteArgv(['t.py', '--lr', '0.01'], { lr: 0.01 });
  assert.equal(r.edits.length, 0);
  assert.deepEqual(r.envOnly, []);
});

test('values are written in the style of the token they replace', () => {
  assert.equal(argText(false, 'True'), 'False');
  assert.equal(argText(true, 'true'), 'true');
  assert.equal(argText(null, 'None'), 'None');
  assert.equal(argText(null), 'null');
  assert.equal(argText([1, 2]), '[1,2]');
  assert.equal(argText(Number.NaN), 'nan');
  assert.equal(argText(Number.NEGATIVE_INFINITY), '-inf');
  assert.equal(argText('a b; rm -rf /'), 'a b; rm -rf /');
  const r = rewriteArgv(['t.py', '--shuffle', 'True'], { shuffle: false });
  assert.deepEqual(r.argv, ['t.py', '--shuffle', 'False']);
});

test('an exact big integer is written as its digits on the command line, Hydra style included', () => {
  const big = '18446744073709551619';
  const r = rewriteArgv(['train.py', '--seed', '1', '+trainer.seed=1'], { seed: { $int: big }, 'trainer.seed': { $int: `-${big}` } });
  assert.deepEqual(r.argv, ['train.py', '--seed', big, `+trainer.seed=-${big}`]);
  assert.equal(argText({ $int: big }), big);
  assert.equal(argText({ $int: 'x', y: 1 }), '{"$int":"x","y":1}', 'not a tag: JSON as before');
});
