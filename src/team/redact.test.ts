import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globRegex, looksSecretParam, Scrubber, REDACTED } from './redact';

test('secrets: env keys named like secrets at any depth, --flag values, URL passwords and exclude globs', () => {
  const s = new Scrubber(['*.ckpt', 'HOME']);
  const scrubbed: string[] = [];
  const env = s.env({ vars: { AWS_SECRET_ACCESS_KEY: 'x', auth_header: 'y', PATH: '/bin', HOME: '/h' }, db_password: 'p', git: { remote: 'https://u:pw@host/r.git' }, list: [{ api_token: 't' }] }, scrubbed) as Record<string, Record<string, unknown>>;
  assert.deepEqual(env.vars, { AWS_SECRET_ACCESS_KEY: REDACTED, auth_header: REDACTED, PATH: '/bin', HOME: REDACTED });
  assert.equal(env.db_password, REDACTED);
  assert.equal(env.git.remote, 'https://host/r.git');
  assert.deepEqual(env.list, [{ api_token: REDACTED }]);
  assert.deepEqual(scrubbed.sort(), ['env.db_password', 'env.list[0].api_token', 'env.vars.AWS_SECRET_ACCESS_KEY', 'env.vars.HOME', 'env.vars.auth_header']);
  assert.deepEqual(s.argv(['t.py', '--password', 'p', '--Token=x', '--lr', '0.1', 'PASSWD=z'], []), ['t.py', '--password', REDACTED, `--Token=${REDACTED}`, '--lr', '0.1', `PASSWD=${REDACTED}`]);
  assert.ok(s.excluded('model.ckpt') && !s.excluded('dir/model.ckpt'));
  assert.ok(globRegex('**/*.ckpt').test('dir/model.ckpt'));
  for (const k of ['hf_token', 'db.password', 'wandbApiKey', 'api_key', 'aws.secret_access_key', 'AUTH', 'private-key']) assert.ok(looksSecretParam(k), k);
  for (const k of ['max_tokens', 'key_dim', 'tokenizer', 'num_keys', 'monkey', 'author', 'lr']) assert.ok(!looksSecretParam(k), k);
  const params: string[] = [];
  assert.deepEqual(s.values({ lr: 0.1, hf_token: 'hf_x', 'model.ckpt': 'a' }, 'params', params), { lr: 0.1, hf_token: REDACTED, 'model.ckpt': REDACTED });
  assert.deepEqual(params, ['params.hf_token', 'params.model.ckpt']);
});
