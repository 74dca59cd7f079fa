import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { commandLine, quoteCmdArg, quoteFish, quotePosix, quotePwsh, shellKindOf, UnquotableError } from './shellQuote';

const run = promisify(execFile);

const NASTY = [
  'plain',
  '',
  'with space',
  "it's",
  '"double"',
  '$HOME',
  '`touch /tmp/x`',
  '$(touch /tmp/x)',
  'a;b&&c||d|e>f<g',
  '!!',
  'hi!',
  '100%',
  '%PATH%',
  '^caret^',
  'line1\nline2',
  'tab\there',
  'back\\slash\\',
  'trailing\\"quote',
  '~user',
  '#comment',
  '=cmd',
  '*.py',
  '{a,b}',
  'ünïcødé ✓ 学习',
  '‘smart’ “quotes”',
  '--lr=0.01',
  "'; touch /tmp/pwned; '",
  '\x1b[31mred',
];

test('shells are recognised from their path', () => {
  assert.equal(shellKindOf('/bin/bash'), 'posix');
  assert.equal(shellKindOf('/usr/bin/zsh'), 'posix');
  assert.equal(shellKindOf('/opt/homebrew/bin/fish'), 'fish');
  assert.equal(shellKindOf('C:\\Program Files\\PowerShell\\7\\pwsh.exe'), 'pwsh');
  assert.equal(shellKindOf('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe'), 'pwsh');
  assert.equal(shellKindOf('C:\\Windows\\System32\\cmd.exe'), 'cmd');
  assert.equal(shellKindOf(undefined), 'posix');
});

test('bash reads every nasty argument back exactly, and runs nothing', async () => {
  const line = commandLine('posix', ['printf', '%s\\0', ...NASTY]);
  const { stdout } = await run('bash', ['--norc', '--noprofile', '-c', line]);
  assert.deepEqual(stdout.split('\0').slice(0, -1), NASTY);
});

test('interactive bash (history expansion on, as in a terminal) also reads them back exactly', async () => {
  const line = commandLine('posix', ['printf', '%s\\0', ...NASTY]);
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('bash', ['--norc', '--noprofile', '-i'], { env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), PS1: '' } });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', () => resolve(stdout));
    child.stdin.end(`set -H\n${line}\nexit\n`);
  });
  assert.deepEqual(out.split('\0').slice(0, -1), NASTY);
});

test('a line for bash stays one line and hides ! and \' from history expansion', () => {
  for (const arg of NASTY) {
    const q = quotePosix(arg);
    assert.ok(!q.includes('\n'), `newline in ${JSON.stringify(q)}`);
    if (q.startsWith("$'")) assert.ok(!/[!]/.test(q) && !q.slice(2, -1).includes("'"), q);
  }
  assert.equal(quotePosix('line1\nit\'s!'), "$'line1\\nit\\x27s\\x21'");
});

test('plain words stay readable and a first word with = is never an assignment', () => {
  assert.equal(commandLine('posix', ['/usr/bin/python3', 'train.py', '--lr', '0.01', 'opt.lr=3']), '/usr/bin/python3 train.py --lr 0.01 opt.lr=3');
  assert.equal(commandLine('posix', ['A=b', 'x']), "'A=b' x");
  assert.equal(quotePosix('=cmd'), "'=cmd'");
});

test('fish quoting', () => {
  assert.equal(quoteFish("it's"), "'it\\'s'");
  assert.equal(quoteFish('back\\slash'), "'back\\\\slash'");
  assert.equal(quoteFish('a\nb'), "'a'\\n'b'");
  assert.equal(quoteFish(''), "''");
  assert.equal(quoteFish('$HOME (x)'), "'$HOME (x)'");
  assert.equal(quoteFish('%self'), "'%self'");
  for (const arg of NASTY) assert.ok(!quoteFish(arg).includes('\n'));
});

test('PowerShell quoting: verbatim strings, doubled quotes including typographic ones, call operator', () => {
  assert.equal(quotePwsh("it's"), "'it''s'");
  assert.equal(quotePwsh('‘x’'), "'‘‘x’’'");
  assert.equal(quotePwsh('$env:PATH'), "'$env:PATH'");
  assert.equal(quotePwsh('a,b'), "'a,b'");
  assert.equal(quotePwsh('--%'), "'--%'");
  assert.equal(quotePwsh(''), "''");
  assert.equal(quotePwsh('a\nb'), "('a'+\"`u{a}\"+'b')");
  assert.equal(commandLine('pwsh', ['C:\\Py 3\\python.exe', 'train.py', '--lr', '0.01']), "& 'C:\\Py 3\\python.exe' train.py '--lr' 0.01");
});

// What a program started from cmd.exe sees: cmd removes carets (nothing here is in quotes for cmd), then the
// MS C runtime splits the rest.
function cmdThenCrt(line: string): string[] {
  let unescaped = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '^') i++;
    unescaped += line[i] ?? '';
  }
  const args: string[] = [];
  let i = 0;
  while (i < unescaped.length) {
    while (unescaped[i] === ' ' || unescaped[i] === '\t') i++;
    if (i >= unescaped.length) break;
    let cur = '';
    let quoted = false;
    for (; i < unescaped.length; i++) {
      const ch = unescaped[i] as string;
      if (ch === '\\') {
        let n = 0;
        while (unescaped[i] === '\\') {
          n++;
          i++;
        }
        if (unescaped[i] === '"') {
          cur += '\\'.repeat(Math.floor(n / 2));
          if (n % 2 === 1) cur += '"';
          else quoted = !quoted;
        } else {
          cur += '\\'.repeat(n);
          i--;
        }
      } else if (ch === '"') quoted = !quoted;
      else if (!quoted && (ch === ' ' || ch === '\t')) break;
      else cur += ch;
    }
    args.push(cur);
  }
  return args;
}

test('cmd.exe: every metacharacter is caret-escaped and the program gets its arguments back', () => {
  const printable = NASTY.filter((a) => !/[\n\t]/.test(a) && !a.includes('\u001b'));
  const line = commandLine('cmd', ['C:\\Program Files\\Python\\python.exe', ...printable]);
  assert.ok(line.startsWith('"C:\\Program Files\\Python\\python.exe" '));
  const rest = line.slice('"C:\\Program Files\\Python\\python.exe" '.length);
  assert.deepEqual(cmdThenCrt(rest), printable);
  // No unescaped metacharacter survives for cmd to act on.
  assert.doesNotMatch(rest.replace(/\^./g, ''), /[&|<>()%!"^]/);
  assert.equal(quoteCmdArg('%PATH%'), '^%PATH^%');
  assert.equal(quoteCmdArg('a b'), '^"a b^"');
});

test('what a shell cannot say is refused, not mangled', () => {
  assert.throws(() => quoteCmdArg('a\nb'), UnquotableError);
  assert.throws(() => commandLine('cmd', ['C:\\100%\\python.exe']), UnquotableError);
  assert.throws(() => quotePosix('a\u0000b'), UnquotableError);
  assert.throws(() => commandLine('posix', []), UnquotableError);
});
