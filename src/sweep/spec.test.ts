import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSweep, SweepSpecError, type SpecError } from './spec';
import type { NumberDim } from './space';

function errorsOf(text: string): SpecError[] {
  try {
    parseSweep(text, 'sweep.yaml');
  } catch (err) {
    assert.ok(err instanceof SweepSpecError, String(err));
    return err.errors;
  }
  assert.fail('expected errors');
}

test('a W&B sweep file reads unchanged, nested parameters flattened with dots', () => {
  const spec = parseSweep(
    [
      'program: train.py',
      'method: bayes',
      'metric:',
      '  name: val_loss',
      '  goal: minimize',
      'parameters:',
      '  lr:',
      '    distribution: log_uniform_values',
      '    min: 0.0001',
      '    max: 0.1',
      '  epochs:',
      '    value: 5',
      '  batch:',
      '    values: [16, 32, 64]',
      '    probabilities: [0.2, 0.5, 0.3]',
      '  layers:',
      '    min: 1',
      '    max: 4',
      '  optimizer:',
      '    parameters:',
      '      momentum: {min: 0.5, max: 0.99}',
      '      name: {values: [sgd, adam]}',
      '  wd: {distribution: log_uniform, min: -9.2, max: -2.3}',
      '  noise: {distribution: q_normal, mu: 0, sigma: 2, q: 0.5}',
      'early_terminate: {type: hyperband, min_iter: 3, eta: 2}',
      'run_cap: 20',
      'concurrency: 2',
      'seed: 7',
      'launcher: {type: slurm, partition: debug, time: "00:10:00", args: ["--nice=10"]}',
      'gpus: 2',
    ].join('\n'),
    'sweep.yaml',
  );
  assert.equal(spec.method, 'bayes');
  assert.deepEqual(spec.metric, { name: 'val_loss', goal: 'minimize' });
  assert.deepEqual(spec.command, ['${env}', '${interpreter}', '${program}', '${args}']);
  assert.deepEqual(spec.space.dims.map((d) => [d.key, d.kind === 'number' ? d.distribution : d.kind]), [
    ['lr', 'log_uniform_values'], ['epochs', 'constant'], ['batch', 'categorical'], ['layers', 'int_uniform'],
    ['optimizer.momentum', 'uniform'], ['optimizer.name', 'categorical'], ['wd', 'log_uniform'], ['noise', 'q_normal'],
  ]);
  const lr = spec.space.dims[0] as NumberDim;
  assert.equal(lr.scale, 'log');
  assert.ok(Math.abs(lr.lo - Math.log(0.0001)) < 1e-12);
  const wd = spec.space.dims[6] as NumberDim;
  assert.ok(Math.abs((wd.min ?? 0) - Math.exp(-9.2)) < 1e-12, 'log_uniform takes natural logs as bounds');
  assert.deepEqual(spec.earlyTerminate, { type: 'hyperband', minIter: 3, maxIter: undefined, eta: 2, s: undefined });
  assert.deepEqual(spec.launcher, { type: 'slurm', slurm: { partition: 'debug', time: '00:10:00', mem: undefined, gres: undefined, account: undefined, qos: undefined, cpusPerTask: undefined, args: ['--nice=10'] } });
  assert.deepEqual(spec.gpus, ['0', '1']);
  assert.equal(spec.runCap, 20);
  assert.equal(spec.seed, 7);
});

test('errors carry line and column, name unknown keys, and are all reported at once', () => {
  const errors = errorsOf(['program: t.py', 'method: grid', 'parameters:', '  lr:', '    min: 0.5', '    max: 0.1', '  x:', '    valeus: [1, 2]', 'cuncurrency: 2'].join('\n'));
  assert.deepEqual(errors.map((e) => [e.line, e.column]), [[5, 5], [7, 3], [8, 5], [9, 1]]);
  assert.match(errors[0].message, /min \(0.5\) is greater than max \(0.1\)/);
  assert.match(errors[2].message, /unknown key "valeus"/);
  assert.match(errors[3].message, /unknown key "cuncurrency"/);
});

test('an empty space, a missing method, a bad distribution, a bad macro and YAML syntax are errors', () => {
  assert.match(errorsOf('program: t.py\nmethod: random\nparameters: {}\n')[0].message, /search space is empty/);
  assert.match(errorsOf('program: t.py\nparameters: {a: {values: [1]}}\n')[0].message, /method is missing/);
  const bad = errorsOf('program: t.py\nmethod: random\nparameters:\n  a: {distribution: gamma, min: 1, max: 2}\n');
  assert.deepEqual([bad[0].line, bad[0].column], [4, 21]);
  assert.match(bad[0].message, /unknown distribution "gamma"/);
  assert.match(errorsOf('program: t.py\nmethod: random\ncommand: [python, "${prog}"]\nparameters: {a: {values: [1]}}\n')[0].message, /unknown macro \$\{prog\}/);
  const syntax = errorsOf('program: t.py\nmethod: random\nparameters:\n  a: [1, 2\n');
  assert.ok(syntax[0].line >= 4);
  assert.match(errorsOf('')[0].message, /empty/);
  assert.match(errorsOf('program: t.py\nmethod: grid\nparameters: {a: {min: 0.0, max: 1.5}}\n')[0].message, /grid sweep needs a finite parameter/);
  assert.match(errorsOf('program: t.py\nmethod: bayes\nparameters: {a: {values: [1, 2]}}\n')[0].message, /needs a metric/);
  assert.match(errorsOf('program: t.py\nmethod: random\nparameters: {a: {values: [1, 2], probabilities: [0.5, 0.6]}}\n')[0].message, /sum to 1/);
  assert.match(errorsOf('program: t.py\nmethod: random\nparameters: {a: {values: [1]}}\nlauncher: kubernetes\n')[0].message, /launcher must be local or slurm/);
});

test('alias bombs stop at the alias limit instead of filling memory', () => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${new Array(10).fill('*' + String.fromCharCode(96 + i)).join(', ')}]`);
  const errors = errorsOf(lines.join('\n'));
  assert.match(errors[0].message, /alias/i);
});

test('the JSON schema VS Code validates sweep files with names the same keys and distributions as the parser', async () => {
  const { readFile } = await import('node:fs/promises');
  const { resolve } = await import('node:path');
  const { TOP_KEYS, PARAM_KEYS, SLURM_KEYS } = await import('./spec');
  const { DISTRIBUTIONS } = await import('./space');
  const schema = JSON.parse(await readFile(resolve(__dirname, '../../schemas/sweep.schema.json'), 'utf8'));
  assert.deepEqual(Object.keys(schema.properties).sort(), [...TOP_KEYS].sort());
  assert.deepEqual(Object.keys(schema.definitions.parameter.properties).sort(), [...PARAM_KEYS].sort());
  assert.deepEqual([...schema.definitions.parameter.properties.distribution.enum].sort(), [...DISTRIBUTIONS].sort());
  assert.deepEqual(Object.keys(schema.properties.launcher.oneOf[1].properties).sort(), [...SLURM_KEYS].sort());
  const pkg = JSON.parse(await readFile(resolve(__dirname, '../../package.json'), 'utf8'));
  const contributed = pkg.contributes.yamlValidation as Array<{ fileMatch: string[]; url: string }>;
  assert.ok(contributed.some((c) => c.url === './schemas/sweep.schema.json' && c.fileMatch.includes('*.sweep.yaml')));
});
