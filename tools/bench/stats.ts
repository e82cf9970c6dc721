// Summary statistics of timing samples. Medians, not means: one slow run (a checkpoint, a page-cache
// miss) should not move the figure we compare.

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  mean: number;
  p99: number;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) by linear interpolation between the closest ranks (the "type 7"
 * definition used by R and NumPy). Throws on an empty sample: a missing measurement must never turn
 * into a zero.
 */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new Error('quantile of an empty sample');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile ${q} is outside [0, 1]`);
  const sorted = [...samples].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

export function summarise(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('summary of an empty sample');
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const s of samples) {
    sum += s;
    if (s < min) min = s;
    if (s > max) max = s;
  }
  return { n: samples.length, median: median(samples), min, max, mean: sum / samples.length, p99: quantile(samples, 0.99) };
}

/**
 * aox/Dovecot, or null when either side has no positive number: no division by zero shown as
 * Infinity, and no meaningless ratio of a negative measurement.
 */
export function ratio(aox: number | null, dovecot: number | null): number | null {
  if (aox === null || dovecot === null || !Number.isFinite(aox) || !Number.isFinite(dovecot) || aox <= 0 || dovecot <= 0) return null;
  return aox / dovecot;
}

/** Least-squares slope of y over x: the cost per unit of x, robust to a constant offset. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length || xs.length < 2) throw new Error('slope needs two or more (x, y) pairs');
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  if (den === 0) throw new Error('slope of a vertical line');
  return num / den;
}

/** A duration measured with performance.now(), in milliseconds. */
export async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}
