import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactParams, parseParamInput } from './overrides';
import { blockedReason, buildPlan, chooseInterpreter, inheritedOverrides, type PlanInput } from './plan';

const run: PlanInput['run'] = {
  id: '20260101-000000-abcd1234',
  name: 'baseline',
  root: '/w/.trackside',
  argv: ['/w/train.py', '--lr', '0.01', '--epochs=3'],
  params: { lr: 0.01, epochs: 3, 'model.depth': 4 },
  overrides: {},
};
const py = { path: '/w/.venv/bin/python', source: 'recorded' as const };

test('interpreter: recorded when it exists, else the Python extension, else python3', () => {
  assert.deepEqual(chooseInterpreter({ recorded: '/a/python', recordedExists: true, pythonExtension: '/b/python' }), { path: '/a/python', source: 'recorded' });
  const ext = chooseInterpreter({ recorded: '/a/python', recordedExists: false, pythonExtension: '/b/python' });
  assert.equal(ext.path, '/b/python');
  assert.match(ext.note ?? '', /no longer exists/);
  assert.equal(chooseInterpreter({ recordedExists: false }).path, 'python3');
  assert.equal(chooseInterpreter({ recordedExists: false, windows: true }).path, 'python');
});

test('a plain rerun: same argv, only the Trackside variables, and the review shows the exact line', () => {
  const plan = buildPlan({ run, overrides: {}, interpreter: py, cwd: '/w', shell: 'posix', shellName: 'bash' });
  assert.equal(plan.commandText, '/w/.venv/bin/python /w/train.py --lr 0.01 --epochs=3');
  assert.deepEqual(plan.env, { TRACKSIDE_PARENT_RUN: run.id, TRACKSIDE_DIR: '/w/.trackside' });
  assert.deepEqual(plan.changed, []);
  assert.ok(plan.review.includes(plan.commandText as string));
  assert.match(plan.review, /Overrides: none/);
  assert.match(plan.review, /Working directory: \/w\n/);
});

test('overrides rewrite argv and travel in TRACKSIDE_CONFIG_OVERRIDES; the review says which way', () => {
  const plan = buildPlan({ run, overrides: { lr: 0.02, 'model.depth': 8 }, interpreter: py, cwd: '/w', shell: 'posix', shellName: 'bash' });
  assert.deepEqual(plan.args, ['/w/train.py', '--lr', '0.02', '--epochs=3']);
  assert.equal(plan.env.TRACKSIDE_CONFIG_OVERRIDES, '{"lr":0.02,"model.depth":8}');
  assert.deepEqual(plan.changed, ['lr', 'model.depth']);
  assert.deepEqual(plan.envOnly, ['model.depth']);
  assert.match(plan.review, /lr = 0\.01 → 0\.02 {2}\(argument and environment\)/);
  assert.match(plan.review, /model\.depth = 4 → 8 {2}\(environment\)/);
});

test("a parent's own overrides carry over, so a plain rerun of a rerun is the same configuration", () => {
  const child = { ...run, params: { ...run.params, lr: 0.5, layers: '[1, 2]' }, overrides: { lr: 0.5, layers: '[1, 2]' } };
  const overrides = inheritedOverrides(child.overrides);
  assert.deepEqual(overrides, { lr: 0.5, layers: [1, 2] });
  const plan = buildPlan({ run: child, overrides, interpreter: py, cwd: '/w', shell: 'posix', shellName: 'bash' });
  assert.deepEqual(plan.changed, []);
  assert.equal(plan.env.TRACKSIDE_CONFIG_OVERRIDES, '{"layers":[1,2],"lr":0.5}');
  assert.match(plan.review, /as recorded/);
});

test('a hostile recorded command is shown verbatim, quoted as data, and flagged', () => {
  const hostile = { ...run, argv: ['-c', 'touch /tmp/pwned; echo $HOME `id`'] };
  const plan = buildPlan({ run: hostile, overrides: {}, interpreter: { path: '/bin/sh', source: 'recorded' }, cwd: '/w', shell: 'posix', shellName: 'bash' });
  assert.equal(plan.commandText, "/bin/sh -c 'touch /tmp/pwned; echo $HOME `id`'");
  assert.match(plan.review, /does not look like Python/);
  assert.ok(plan.review.includes(plan.commandText as string));
  assert.equal(plan.needsExtraConfirmation, true);
  assert.equal(plan.extraConfirmationReasons.length, 2);
  assert.match(plan.extraConfirmationReasons[0]!, /\/bin\/sh does not look like a Python interpreter/);
  assert.match(plan.extraConfirmationReasons[1]!, /-c/);
});

test('a second confirmation only for what is unusual: not Python, or -c code from the log', () => {
  const plain = buildPlan({ run, overrides: {}, interpreter: py, cwd: '/w', shell: 'posix', shellName: 'bash' });
  assert.equal(plain.needsExtraConfirmation, false);
  assert.deepEqual(plain.extraConfirmationReasons, []);
  const code = buildPlan({ run: { ...run, argv: ['-c', 'import os; os.system("id")'] }, overrides: {}, interpreter: py, cwd: '/w', shell: 'posix', shellName: 'bash' });
  assert.equal(code.needsExtraConfirmation, true);
  assert.match(code.review, /python -c/);
  const windowsPy = buildPlan({ run, overrides: {}, interpreter: { path: 'C:\\Py\\py.exe', source: 'default' }, cwd: 'C:\\w', shell: 'cmd', shellName: 'cmd' });
  assert.equal(windowsPy.needsExtraConfirmation, false);
  const node = buildPlan({ run, overrides: {}, interpreter: { path: '/usr/bin/node', source: 'recorded' }, cwd: '/w', shell: 'posix', shellName: 'bash' });
  assert.deepEqual(node.extraConfirmationReasons, ['the program /usr/bin/node does not look like a Python interpreter']);
});

test('in a worktree the script and working directory move into it, the run root does not', () => {
  const plan = buildPlan({ run, overrides: {}, interpreter: py, cwd: '/w/sub', shell: 'posix', shellName: 'bash', worktree: { repo: '/w', dir: '/tmp/wt' } });
  assert.equal(plan.args[0], '/tmp/wt/train.py');
  assert.equal(plan.cwd, '/tmp/wt/sub');
  assert.equal(plan.env.TRACKSIDE_DIR, '/w/.trackside');
  assert.match(plan.review, /temporary git worktree \/tmp\/wt/);
});

test('a command the shell cannot express is refused with the reason', () => {
  const plan = buildPlan({ run: { ...run, argv: ['t.py', 'a\nb'] }, overrides: {}, interpreter: py, cwd: 'C:\\w', shell: 'cmd', shellName: 'cmd' });
  assert.equal(plan.commandText, undefined);
  assert.match(plan.unquotable ?? '', /newline/);
  assert.match(plan.review, /cannot be typed into cmd/);
});

test('runs whose command line does not reproduce them are blocked with the reason', () => {
  const kernel = buildPlan({ run: { ...run, argv: ['/venv/lib/python3.11/site-packages/ipykernel_launcher.py', '-f', '/k.json'] }, overrides: {}, interpreter: py, cwd: '/w', shell: 'posix', shellName: 'bash' });
  assert.match(kernel.blocked ?? '', /Jupyter kernel/);
  assert.match(kernel.review, /^Cannot rerun: /);
  const empty = buildPlan({ run: { ...run, argv: [] }, overrides: {}, interpreter: py, cwd: '/w', shell: 'posix', shellName: 'bash' });
  assert.match(empty.blocked ?? '', /no command line/);
  assert.equal(buildPlan({ run, overrides: {}, interpreter: py, cwd: '/w', shell: 'posix', shellName: 'bash' }).blocked, undefined);
});

test('Windows PowerShell 5.1 is warned about arguments it cannot pass', () => {
  const quoted = { ...run, argv: ['t.py', '--name', 'say "hi"'] };
  const old = buildPlan({ run: quoted, overrides: {}, interpreter: py, cwd: 'C:\\w', shell: 'pwsh', shellName: 'powershell' });
  assert.match(old.review, /Windows PowerShell 5\.1/);
  const modern = buildPlan({ run: quoted, overrides: {}, interpreter: py, cwd: 'C:\\w', shell: 'pwsh', shellName: 'pwsh' });
  assert.doesNotMatch(modern.review, /Windows PowerShell 5\.1/);
});

test('a big integer is rerun with every digit: inherited, edited or untouched, in argv and TRACKSIDE_CONFIG_OVERRIDES', () => {
  const big = '18446744073709551617';
  const bigRun = { ...run, argv: ['/w/train.py', '--seed', big], params: exactParams({ ...run.params, seed: 18446744073709551616 }, { seed: big }), overrides: { seed: 18446744073709551616 } };
  const inherited = inheritedOverrides(bigRun.overrides, { seed: big });
  assert.deepEqual(inherited, { seed: { $int: big } });
  const plain = buildPlan({ run: bigRun, overrides: inherited, interpreter: py, cwd: '/w', shell: 'posix', shellName: 'bash' });
  assert.equal(plain.env.TRACKSIDE_CONFIG_OVERRIDES, `{"seed":{"$int":"${big}"}}`);
  assert.deepEqual(plain.changed, [], 'the same integer: a reproduction');
  assert.deepEqual(plain.args, ['/w/train.py', '--seed', big]);
  assert.match(plain.review, new RegExp(`seed = ${big} {2}\\(environment, as recorded\\)`));
  const typed = parseParamInput('18446744073709551619').value;
  const edited = buildPlan({ run: bigRun, overrides: { seed: typed }, interpreter: py, cwd: '/w', shell: 'posix', shellName: 'bash' });
  assert.equal(edited.env.TRACKSIDE_CONFIG_OVERRIDES, '{"seed":{"$int":"18446744073709551619"}}');
  assert.deepEqual(edited.args, ['/w/train.py', '--seed', '18446744073709551619']);
  assert.deepEqual(edited.changed, ['seed'], 'one double apart is still a change');
  assert.match(edited.review, new RegExp(`seed = ${big} → 18446744073709551619`));
});

test('a run of a format that records no command says which format, instead of a generic refusal', () => {
  assert.match(blockedReason([], 'lightning') ?? '', /^Lightning's CSVLogger does not record the command/);
  assert.match(blockedReason([], 'huggingface') ?? '', /training_args\.bin .* is a pickle and is never loaded/);
  assert.match(blockedReason([], 'mlflow') ?? '', /MLflow run recorded no local script/);
  assert.equal(blockedReason([], undefined), 'the run recorded no command line (not even a script), so there is nothing to run.');
  // Where the format records the command (MLflow's script, Sacred's main file and command), the run is rerun.
  assert.equal(blockedReason(['train.py'], 'mlflow'), undefined);
  assert.equal(blockedReason(['/p/train.py', 'main', 'with', 'lr=0.5'], 'sacred'), undefined);
});

test("rerunning an MLflow run warns that MLflow does not record the script's arguments", () => {
  const input: PlanInput = {
    run: { ...run, argv: ['/w/train.py'], source: 'mlflow' },
    overrides: {},
    interpreter: { path: '/usr/bin/python3', source: 'default' },
    cwd: '/w',
    shell: 'posix',
    shellName: 'bash',
  };
  const plan = buildPlan(input);
  assert.equal(plan.blocked, undefined);
  assert.ok(plan.warnings.some((w) => /MLflow records the script but not its arguments/.test(w)), plan.warnings.join('\n'));
  assert.ok(!buildPlan({ ...input, run: { ...run } }).warnings.some((w) => /MLflow/.test(w)));
});
