/** Summary statistics for benchmark samples. Pure, so the unit tests pin them down. */

function sorted(samples: readonly number[]): number[] {
  if (samples.length === 0) throw new RangeError('no samples');
  for (const s of samples) if (!Number.isFinite(s)) throw new RangeError(`not a finite sample: ${s}`);
  return [...samples].sort((a, b) => a - b);
}

/**
 * The p-th percentile (0..100) by the nearest-rank method: the smallest sample with at least p% of the samples at or
 * below it. Always one of the samples, so a p95 of 20 runs is the 19th smallest, never an interpolated value.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const s = sorted(samples);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[rank - 1]!;
}

/** The median; for an even count, the mean of the two middle samples. */
export function median(samples: readonly number[]): number {
  const s = sorted(samples);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One measurement taken in a numbered round, beside the other runs of that round. */
export interface RoundSample {
  round: number;
  value: number;
}

/**
 * The median over rounds of `ours / base`, each ratio taken within one round: where the machine's speed moves
 * between rounds (the host moving a vCPU), both sides of each ratio saw the same machine. Rounds missing on either
 * side are skipped; NaN when no round has both.
 */
export function medianRoundRatio(ours: readonly RoundSample[], base: readonly RoundSample[]): number {
  const byRound = new Map(base.map((b) => [b.round, b.value]));
  const ratios: number[] = [];
  for (const o of ours) {
    const b = byRound.get(o.round);
    if (b !== undefined && b > 0) ratios.push(o.value / b);
  }
  return ratios.length === 0 ? Number.NaN : median(ratios);
}

export interface Summary {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  const s = sorted(samples);
  return { n: s.length, median: median(s), p95: percentile(s, 95), min: s[0]!, max: s[s.length - 1]! };
}

/** A seeded generator (mulberry32), so "random" jump targets are the same every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
