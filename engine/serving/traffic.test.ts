import { describe, expect, it } from 'vitest';
import { buildStream, gammaAt } from './traffic';
import type { ClosedLoop, RequestStream } from './types';

function gapStats(arrivals: Float64Array): { mean: number; cv: number } {
  let sum = 0;
  let squares = 0;
  let previous = 0;
  for (const arrival of arrivals) {
    const gap = arrival - previous;
    previous = arrival;
    sum += gap;
    squares += gap * gap;
  }
  const mean = sum / arrivals.length;
  const variance = squares / arrivals.length - mean * mean;
  return { mean, cv: Math.sqrt(variance) / mean };
}

const fixed = { inputTokens: 100, outputTokens: 10 };

describe('buildStream', () => {
  it('Poisson gaps are exponential: mean 1/λ and coefficient of variation 1', () => {
    const stream = buildStream(
      { kind: 'poisson', ratePerSecond: 4 },
      undefined,
      undefined,
      fixed,
      100_000,
      1,
    );
    const { mean, cv } = gapStats((stream as RequestStream).arrivals);
    expect(Math.abs(mean - 0.25) / 0.25).toBeLessThan(0.02);
    expect(Math.abs(cv - 1)).toBeLessThan(0.02);
  });

  it('gamma gaps with cv = 1 match the exponential, and cv = 3 gives cv ≈ 3 at the same mean', () => {
    for (const cv of [1, 3, 0.5]) {
      const stream = buildStream(
        { kind: 'gamma', ratePerSecond: 10, cv },
        undefined,
        undefined,
        fixed,
        100_000,
        2,
      );
      const stats = gapStats((stream as RequestStream).arrivals);
      expect(Math.abs(stats.mean - 0.1) / 0.1).toBeLessThan(0.03);
      expect(Math.abs(stats.cv - cv) / cv).toBeLessThan(0.05);
    }
  });

  it('gamma draws have mean k for shapes above and below 1 (Marsaglia–Tsang and its boost)', () => {
    for (const shape of [0.2, 1, 4.5]) {
      let sum = 0;
      for (let index = 0; index < 50_000; index += 1) sum += gammaAt(shape, 9, 1, index);
      expect(Math.abs(sum / 50_000 - shape) / shape).toBeLessThan(0.03);
    }
  });

  it('is the same stream for the same seed and a different one for another seed', () => {
    const make = (seed: number) =>
      buildStream(
        { kind: 'gamma', ratePerSecond: 3, cv: 2 },
        { kind: 'lognormal', mean: 500, cv: 1 },
        { kind: 'uniform', min: 1, max: 400 },
        fixed,
        1000,
        seed,
      ) as RequestStream;
    const a = make(1);
    expect(make(1)).toEqual(a);
    const b = make(2);
    expect(b.arrivals).not.toEqual(a.arrivals);
    expect(b.input).not.toEqual(a.input);
  });

  it("draws a request's lengths independently of the arrival process", () => {
    const lengths = { kind: 'lognormal', mean: 500, cv: 1 } as const;
    const a = buildStream(
      { kind: 'poisson', ratePerSecond: 3 },
      lengths,
      lengths,
      fixed,
      100,
      1,
    ) as RequestStream;
    const b = buildStream(
      { kind: 'gamma', ratePerSecond: 9, cv: 4 },
      lengths,
      lengths,
      fixed,
      100,
      1,
    ) as RequestStream;
    expect(b.input).toEqual(a.input);
  });

  it('draws lognormal lengths with the asked mean, clipped to [1, max]; uniform within [min, max]', () => {
    const stream = buildStream(
      { kind: 'poisson', ratePerSecond: 1 },
      { kind: 'lognormal', mean: 800, cv: 0.5 },
      { kind: 'uniform', min: 5, max: 9 },
      fixed,
      100_000,
      3,
    ) as RequestStream;
    let sum = 0;
    for (const tokens of stream.input) sum += tokens;
    expect(Math.abs(sum / 100_000 - 800) / 800).toBeLessThan(0.02);
    expect(Math.min(...stream.output)).toBe(5);
    expect(Math.max(...stream.output)).toBe(9);
    const clipped = buildStream(
      { kind: 'poisson', ratePerSecond: 1 },
      { kind: 'lognormal', mean: 800, cv: 3, max: 1000 },
      undefined,
      fixed,
      10_000,
      3,
    ) as RequestStream;
    expect(Math.max(...clipped.input)).toBe(1000);
    expect(Math.min(...clipped.input)).toBeGreaterThanOrEqual(1);
    expect(clipped.output.every((tokens) => tokens === 10)).toBe(true);
  });

  it("replays a trace from its first arrival, faster by timeScale or at a given rate, with the trace's lengths", () => {
    const traffic = {
      kind: 'trace' as const,
      name: 't.csv',
      arrivalsSeconds: [100, 101, 103, 104, 108],
      inputTokens: [10, 20, 30, 40, 50],
      outputTokens: [1, 2, 3, 4, 5],
      timeScale: 2,
    };
    const scaled = buildStream(traffic, undefined, undefined, fixed, 10, 1) as RequestStream;
    expect([...scaled.arrivals]).toEqual([0, 0.5, 1.5, 2, 4]);
    expect([...scaled.input]).toEqual([10, 20, 30, 40, 50]);
    expect([...scaled.output]).toEqual([1, 2, 3, 4, 5]);
    // 4 gaps over 8 s is 0.5/s; at 2/s the times shrink four-fold.
    const fast = buildStream(
      traffic,
      { kind: 'fixed', tokens: 7 },
      undefined,
      fixed,
      3,
      1,
      2,
    ) as RequestStream;
    expect(fast.arrivals.length).toBe(3);
    // The first 3 rows span 3 s (2 gaps): 2/s means 1 s.
    expect([...fast.arrivals]).toEqual([0, 1 / 3, 1]);
    expect([...fast.input]).toEqual([7, 7, 7]);
  });

  it('passes a closed loop through with its lengths, ignoring a rate', () => {
    const loop = buildStream(
      { kind: 'closed', users: 8, thinkSeconds: 2 },
      undefined,
      undefined,
      fixed,
      50,
      1,
      99,
    );
    expect((loop as ClosedLoop).users).toBe(8);
    expect((loop as ClosedLoop).thinkSeconds).toBe(2);
    expect(loop.input.length).toBe(50);
  });
});
