import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilter } from './evaluate';
import { filterProblem, parseFilter } from './parser';
import { tokenize } from './lexer';
import { FilterError } from './errors';
import { metric, run, T0 } from '../../../test/fixtures/explorerRuns';

const runs = [
  run('a', { name: 'baseline', tags: ['baseline'], params: { lr: 0.001, 'optimizer.name': 'adam', bs: 32 }, metrics: { 'val/acc': metric(0.95), 'val/loss': metric(0.2, { min: 0.15 }) } }),
  run('b', { name: 'big lr', params: { lr: 0.1, 'optimizer.name': 'sgd', bs: 64 }, metrics: { 'val/acc': metric(0.7), 'val/loss': metric(NaN) }, status: 'failed' }),
  run('c', { name: 'wide', tags: ['baseline', 'wide'], params: { lr: 0.005, 'optimizer.name': 'adam', 'batch size': 16 }, metrics: { 'val/acc': metric(0.92) }, starred: true }),
  run('d', { name: 'live', status: 'running', endTime: undefined, params: { lr: '0.02' }, startTime: T0, project: 'cifar', group: 'sweep-1' }),
];

function ids(filter: string, now = T0 + 600_000): string[] {
  const keep = compileFilter(filter, () => now);
  return runs.filter(keep).map((r) => r.id);
}

function problem(filter: string): string {
  const err = filterProblem(filter);
  assert.ok(err, `expected '${filter}' not to parse`);
  return err.message;
}

test('the example from the issue parses and selects the right runs', () => {
  assert.deepEqual(ids('params.lr < 0.01 and metrics.val/acc > 0.9 and status = finished and tag:baseline'), ['a', 'c']);
});

test('numbers in every notation', () => {
  assert.deepEqual(ids('params.lr < 1e-2'), ['a', 'c']);
  assert.deepEqual(ids('params.lr <= 5E-3'), ['a', 'c']);
  assert.deepEqual(ids('params.lr >= .1'), ['b']);
  assert.deepEqual(ids('params.lr = 0.001'), ['a']);
  assert.deepEqual(ids('params.lr == 0.001'), ['a']);
});

test('a param logged as text still compares as a number', () => {
  assert.deepEqual(ids('params.lr > 0.01 and params.lr < 0.05'), ['d']);
});

test('or, not, parentheses and precedence', () => {
  assert.deepEqual(ids('status = failed or status = running'), ['b', 'd']);
  assert.deepEqual(ids('not tag:baseline'), ['b', 'd']);
  assert.deepEqual(ids('tag:wide or status = failed and params.bs = 64'), ['b', 'c']);
  assert.deepEqual(ids('(tag:wide or status = failed) and params.bs = 64'), ['b']);
  assert.deepEqual(ids('!(status = finished)'), ['b', 'd']);
  assert.deepEqual(ids('status = finished && params.bs > 16 || is:running'), ['a', 'd']);
  assert.deepEqual(ids('NOT status=finished AND NOT is:running'), ['b']);
});

test('juxtaposed terms mean and; a minus negates a shorthand', () => {
  assert.deepEqual(ids('tag:baseline is:starred'), ['c']);
  assert.deepEqual(ids('tag:baseline -tag:wide'), ['a']);
});

test('quoted strings, contains and != ', () => {
  assert.deepEqual(ids('params.optimizer.name = "adam"'), ['a', 'c']);
  assert.deepEqual(ids("params.optimizer.name != 'adam'"), ['b', 'd']);
  assert.deepEqual(ids('name ~ "lr"'), ['b']);
  assert.deepEqual(ids('name:li'), ['a', 'd']);
  assert.deepEqual(ids('params."batch size" = 16'), ['c']);
  assert.deepEqual(ids('"big lr"'), ['b']);
  assert.deepEqual(ids('name = "it\\"s"'), []);
});

test('bare words search names, ids, projects, groups and tags', () => {
  assert.deepEqual(ids('wide'), ['c']);
  assert.deepEqual(ids('cifar'), ['d']);
  assert.deepEqual(ids('SWEEP'), ['d']);
});

test('missing values only match !=, and NaN never compares', () => {
  assert.deepEqual(ids('metrics.val/acc > 0'), ['a', 'b', 'c']);
  assert.deepEqual(ids('metrics.val/loss < 1'), ['a']);
  assert.deepEqual(ids('metrics.val/loss > 1'), []);
  assert.deepEqual(ids('metrics.val/loss = nan'), ['b']);
  assert.deepEqual(ids('params.bs != 64'), ['a', 'c', 'd']);
  assert.deepEqual(ids('group = null'), ['a', 'b', 'c']);
  assert.deepEqual(ids('group != none'), ['d']);
});

test('metric aggregates with a dotted suffix', () => {
  assert.deepEqual(ids('metrics.val/loss.min < 0.18'), ['a']);
  assert.deepEqual(ids('metrics.val/acc.count = 101'), ['a', 'b', 'c']);
});

test('durations with units, dates, steps and flags', () => {
  // Finished runs took 60 s; the running one has run 10 minutes at `now`.
  assert.deepEqual(ids('duration > 5m'), ['d']);
  assert.deepEqual(ids('duration <= 90s'), ['a', 'b', 'c']);
  assert.deepEqual(ids('duration < 1h and duration > 0.5min'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(ids('started >= 2026-01-10'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(ids('started < "2026-01-10"'), []);
  assert.deepEqual(ids('step >= 100 and starred = true'), ['c']);
  assert.deepEqual(ids('is:starred'), ['c']);
  assert.deepEqual(ids('archived = false'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(ids('project:cifar'), ['d']);
});

test('an empty filter matches everything', () => {
  assert.equal(parseFilter('   '), undefined);
  assert.deepEqual(ids(''), ['a', 'b', 'c', 'd']);
});

test('errors say what was expected and at which column', () => {
  assert.equal(problem('params.lr < '), "expected a value after '<', found the end of the filter at column 13");
  assert.equal(problem('metrics.val/acc > 0.9 and params.lr <'), "expected a value after '<', found the end of the filter at column 38");
  assert.match(problem('params.lr < and x'), /expected a value after '<', found 'and' at column 13/);
  assert.match(problem('(status = finished'), /expected '\)' to close the '\(' at column 1, found the end of the filter at column 19/);
  assert.match(problem('status = finished)'), /unexpected '\)' with no '\(' to close at column 18/);
  assert.match(problem('status = finshed'), /unknown status 'finshed' \(one of running, finished, failed, killed, crashed\) at column 10/);
  assert.match(problem('status < finished'), /status is compared with = or !=, not '<' at column 8/);
  assert.match(problem('lr < 0.1'), /unknown field 'lr' \(use params\.lr, metrics\.lr/);
  assert.match(problem('lr < 0.1'), /at column 1$/);
  assert.match(problem('name = "open'), /unterminated string starting at column 8/);
  assert.match(problem('tag:a and'), /expected a condition after 'and' at column 10/);
  assert.match(problem('and tag:a'), /'and' needs a condition on its left at column 1/);
  assert.match(problem('tag:a or or tag:b'), /expected a condition after 'or' at column 10/);
  assert.match(problem('params. = 3'), /expected a key after 'params\.' at column 8/);
  assert.match(problem('< 3'), /expected a field before '<' at column 1/);
  assert.match(problem('duration > fast'), /expected a duration like 90s/);
  assert.match(problem('started > yesterdayish'), /expected a date like 2024-05-01/);
  assert.match(problem('is:great'), /unknown flag 'is:great'/);
  assert.match(problem('tag:'), /expected a value after 'tag:' at column 5/);
  assert.match(problem('a & b'), /'&' is not an operator; use 'and' or 'or' at column 3/);
  assert.match(problem('()'), /expected a condition after '\(' at column 2/);
});

test('errors carry their column for the UI', () => {
  try {
    parseFilter('status = finished and params.lr <');
    assert.fail('should throw');
  } catch (err) {
    assert.ok(err instanceof FilterError);
    assert.equal(err.column, 34);
  }
});

test('the lexer keeps metric keys whole and splits operators without spaces', () => {
  const kinds = tokenize('metrics.val/acc>=0.9&&tag:x').map((t) => `${t.kind}:${t.text}`);
  assert.deepEqual(kinds, ['word:metrics.val/acc', 'op:>=', 'number:0.9', 'op:&&', 'word:tag:x', 'eof:']);
  assert.deepEqual(tokenize('2024-05-01 1e-3 -4').map((t) => t.kind), ['word', 'number', 'number', 'eof']);
});

test('hostile input is just text', () => {
  assert.deepEqual(ids('"<img src=x onerror=alert(1)>"'), []);
  assert.equal(filterProblem('name = "<script>"'), undefined);
  assert.doesNotThrow(() => filterProblem('('.repeat(50) + 'tag:a' + ')'.repeat(50)));
});

test('source: picks runs by the tool that wrote them; runs without a source are Trackside\'s own', () => {
  const mixed = [run('own'), { ...run('m1'), source: 'mlflow', readOnly: true }, { ...run('s1'), source: 'sacred', readOnly: true }];
  const pick = (f: string) => mixed.filter(compileFilter(f)).map((r) => r.id);
  assert.deepEqual(pick('source:mlflow'), ['m1']);
  assert.deepEqual(pick('source:trackside'), ['own']);
  assert.deepEqual(pick('-source:trackside'), ['m1', 's1']);
  assert.deepEqual(pick('source = sacred or source = mlflow'), ['m1', 's1']);
  assert.deepEqual(pick('source:ml'), []);
});
