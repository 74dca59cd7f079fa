// Finds every *.test.ts under src/ and test/unit/ and runs them with node's test runner (TypeScript via tsx).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = [...find('src', []), ...find('test/unit', [])].sort();
if (files.length === 0) {
  console.error('No unit tests found under src/ or test/unit/.');
  process.exit(1);
}
const filter = process.argv.slice(2);
const chosen = filter.length ? files.filter((f) => filter.some((s) => f.includes(s))) : files;
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...chosen], { stdio: 'inherit' });
process.exit(res.status ?? 1);
