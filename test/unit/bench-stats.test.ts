import assert from 'node:assert/strict';
import { median, quantile, ratio, slope, summarise } from '../../tools/bench/stats.ts';
import { formatNumber, verdict } from '../../tools/bench/report.ts';

describe('bench stats', () => {
  it('takes the median of odd and even samples, unsorted', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([7]), 7);
  });

  it('interpolates quantiles between ranks (type 7)', () => {
    const xs = Array.from({ length: 101 }, (_, i) => i);
    assert.equal(quantile(xs, 0.99), 99);
    assert.equal(quantile([10, 20], 0.5), 15);
    assert.ok(Math.abs(quantile([10, 20, 30, 40], 0.99) - 39.7) < 1e-9);
    assert.equal(quantile([3, 1, 2], 0), 1);
    assert.equal(quantile([3, 1, 2], 1), 3);
  });

  it('refuses an empty sample instead of inventing a zero', () => {
    assert.throws(() => median([]), /empty/);
    assert.throws(() => summarise([]), /empty/);
    assert.throws(() => quantile([1], 1.5), /outside/);
  });

  it('summarises', () => {
    assert.deepEqual(summarise([4, 2, 6, 8]), { n: 4, median: 5, min: 2, max: 8, mean: 5, p99: quantile([4, 2, 6, 8], 0.99) });
  });

  it('gives no ratio when a side has no number', () => {
    assert.equal(ratio(10, 5), 2);
    assert.equal(ratio(null, 5), null);
    assert.equal(ratio(10, null), null);
    assert.equal(ratio(10, 0), null);
    assert.equal(ratio(-3, 5), null);
  });

  it('fits a least-squares slope, ignoring a constant offset', () => {
    assert.equal(slope([0, 1, 2, 3], [10, 12, 14, 16]), 2);
    assert.ok(Math.abs(slope([0, 250, 500, 750, 1000], [100, 160, 240, 290, 350]) - 0.252) < 1e-9);
    assert.throws(() => slope([1], [1]), /two or more/);
    assert.throws(() => slope([2, 2], [1, 3]), /vertical/);
  });

  it('says which side wins in the direction that counts', () => {
    assert.equal(verdict(0.5, 'lower'), 'aox 2.00× better');
    assert.equal(verdict(0.5, 'higher'), 'Dovecot 2.00× better');
    assert.equal(verdict(3, 'higher'), 'aox 3.00× better');
    assert.equal(verdict(1.02, 'lower'), 'even');
    assert.equal(verdict(null, 'lower'), '');
  });

  it('formats numbers to about three significant figures', () => {
    assert.equal(formatNumber(12345.6), '12,346');
    assert.equal(formatNumber(123.4), '123');
    assert.equal(formatNumber(12.34), '12.3');
    assert.equal(formatNumber(1.234), '1.23');
    assert.equal(formatNumber(0.01234), '0.0123');
  });
});
