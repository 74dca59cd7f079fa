import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PLOT_WIDTH, MIN_POINTS, plotWidthFrom, pointsPerSeries } from './pointBudget';

test('a lone series gets about two points per pixel of its chart', () => {
  assert.equal(pointsPerSeries({ plotWidth: 600, runs: 1, charts: 1, max: 2000 }), 1200);
  assert.equal(pointsPerSeries({ plotWidth: 400, runs: 3, charts: 4, max: 2000 }), 800);
});

test('many overlaid runs share the chart\'s ink, down to a floor', () => {
  const twenty = pointsPerSeries({ plotWidth: 600, runs: 20, charts: 3, max: 2000 });
  const hundred = pointsPerSeries({ plotWidth: 600, runs: 100, charts: 3, max: 2000 });
  assert.equal(twenty, 1200);
  assert.equal(hundred, 240);
  assert.ok(hundred * 100 <= 600 * 40, 'total ink per chart stays within budget');
  assert.equal(pointsPerSeries({ plotWidth: 600, runs: 2000, charts: 1, max: 2000 }), MIN_POINTS);
});

test('a wider chart gets more points per series; the user\'s maximum is a ceiling', () => {
  assert.ok(pointsPerSeries({ plotWidth: 1200, runs: 100, charts: 1, max: 2000 }) > pointsPerSeries({ plotWidth: 600, runs: 100, charts: 1, max: 2000 }));
  assert.equal(pointsPerSeries({ plotWidth: 3000, runs: 1, charts: 1, max: 2000 }), 2000);
  assert.equal(pointsPerSeries({ plotWidth: 3000, runs: 1, charts: 1, max: 150 }), MIN_POINTS);
});

test('one message stays bounded when a panel has many charts', () => {
  const n = pointsPerSeries({ plotWidth: 600, runs: 10, charts: 500, max: 2000 });
  assert.equal(n, MIN_POINTS);
  assert.equal(pointsPerSeries({ plotWidth: 600, runs: 1, charts: 400, max: 2000 }), 500);
});

test('an unknown or nonsense width falls back to the default width', () => {
  const byDefault = pointsPerSeries({ plotWidth: DEFAULT_PLOT_WIDTH, runs: 5, charts: 2, max: 2000 });
  for (const w of [undefined, NaN, -3, 0, Infinity]) assert.equal(pointsPerSeries({ plotWidth: w, runs: 5, charts: 2, max: 2000 }), byDefault, String(w));
  assert.equal(pointsPerSeries({ plotWidth: 600, runs: 0, charts: 0, max: NaN }), MIN_POINTS);
});

test('plot widths from a webview are accepted only when plausible', () => {
  assert.equal(plotWidthFrom(612.4), 612);
  for (const bad of ['600', NaN, Infinity, 10, 1e9, null, undefined, {}]) assert.equal(plotWidthFrom(bad), undefined, String(bad));
});
