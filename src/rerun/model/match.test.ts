import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alreadyRan, sameConfiguration, type Candidate } from './match';

const code = { commit: 'c1', tree: 't1' };
const cand = (id: string, over: Partial<Candidate['run']> = {}, c: Candidate['code'] = code, script = 'train.py'): Candidate => ({
  run: { id, project: 'p', status: 'finished', params: { lr: 0.01, layers: '[64, 64]' }, startTime: 1, endTime: 2, ...over },
  script,
  code: c,
});

test('a finished run with the same configuration, script and code matches; newest first', () => {
  const q = { project: 'p', script: 'train.py', params: { lr: 0.01, layers: '[64,64]' }, code };
  const hits = alreadyRan(q, [cand('old'), cand('new', { endTime: 10 }), cand('other', { params: { lr: 0.02, layers: '[64, 64]' } })]);
  assert.deepEqual(hits.map((h) => h.run.id), ['new', 'old']);
});

test('different code, dirty diff, status, project, script or an extra param do not match', () => {
  const q = { project: 'p', script: 'train.py', params: { lr: 0.01, layers: '[64, 64]' }, code };
  assert.deepEqual(alreadyRan(q, [
    cand('commit', {}, { commit: 'c2', tree: 't1' }),
    cand('diff', {}, { commit: 'c1', tree: 't2' }),
    { ...cand('unknown'), code: undefined },
    cand('failed', { status: 'failed' }),
    cand('running', { status: 'running' }),
    cand('project', { project: 'q' }),
    cand('script', {}, code, 'eval.py'),
    cand('extra', { params: { lr: 0.01, layers: '[64, 64]', seed: 1 } }),
  ]), []);
  assert.deepEqual(alreadyRan({ ...q, code: undefined }, [cand('x')]), []);
});

test('the cheap pre-filter agrees on configuration', () => {
  const q = { project: 'p', script: 'train.py', params: { lr: 0.01, layers: '[64, 64]' } };
  assert.ok(sameConfiguration(q, cand('a').run));
  assert.ok(!sameConfiguration(q, cand('b', { status: 'crashed' }).run));
});

test('runs whose params are one double apart but different integers are different configurations', () => {
  const big = '18446744073709551617';
  const q = { project: 'p', script: 'train.py', params: { lr: 0.01, layers: '[64,64]', seed: { $int: big } }, code };
  const same = cand('same', { params: { lr: 0.01, layers: '[64, 64]', seed: 18446744073709551616 }, exactInts: { params: { seed: big } } });
  const twin = cand('twin', { params: { lr: 0.01, layers: '[64, 64]', seed: 18446744073709551616 }, exactInts: { params: { seed: '18446744073709551616' } } });
  const bare = cand('bare', { params: { lr: 0.01, layers: '[64, 64]', seed: 18446744073709551616 } });
  assert.deepEqual(alreadyRan(q, [same, twin, bare]).map((h) => h.run.id), ['same']);
  assert.ok(sameConfiguration(q, same.run));
  assert.ok(!sameConfiguration(q, twin.run));
});
