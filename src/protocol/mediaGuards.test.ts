import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCompareMessage } from './compareGuards';
import { parseDashboardMessage } from './dashboardGuards';
import { MAX_TABLE_PAGE } from './media';

test('media requests pass both panels\' guards; bad steps, paths and sorts are refused', () => {
  for (const parse of [parseDashboardMessage, parseCompareMessage]) {
    assert.deepEqual(parse({ type: 'media/get', requestId: 1, runIds: ['a', 'a'], key: 'samples', step: 'latest' }), { ok: true, value: { type: 'media/get', requestId: 1, runIds: ['a'], key: 'samples', step: 'latest' } });
    assert.equal(parse({ type: 'media/get', requestId: 1, runIds: ['a'], key: 'k', step: -1 }).ok, false);
    assert.equal(parse({ type: 'media/get', requestId: 1, runIds: ['a'], key: 'k', step: 1.5 }).ok, false);
    assert.equal(parse({ type: 'media/get', requestId: 1, runIds: [], key: 'k', step: 1 }).ok, false);
    const table = parse({ type: 'media/table', requestId: 2, runId: 'a', key: 'k', step: 3, offset: 0, limit: 10 ** 9, sort: { column: 1, descending: true } });
    assert.ok(table.ok && table.value.type === 'media/table' && table.value.limit === MAX_TABLE_PAGE && table.value.sort?.column === 1);
    assert.equal(parse({ type: 'media/table', requestId: 2, runId: 'a', key: 'k', step: 3, offset: 0, limit: 5, sort: { column: 'x', descending: true } }).ok, false);
    assert.equal(parse({ type: 'media/open', runId: 'a', path: 'media/s/1.png' }).ok, true);
    for (const path of ['../x.png', '/etc/passwd', 'media/../../x', 'media\\..\\x', 'artifacts/model.pt', 'C:/x']) {
      assert.equal(parse({ type: 'media/open', runId: 'a', path }).ok, false, path);
    }
    const hist = parse({ type: 'media/histograms', requestId: 3, runIds: ['a'], key: 'w', budget: 10 ** 6 });
    assert.ok(hist.ok && hist.value.type === 'media/histograms' && hist.value.budget === 1000);
  }
});
