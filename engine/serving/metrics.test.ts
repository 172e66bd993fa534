import { describe, expect, it } from 'vitest';
import { goodput, latencyStats, SeriesRecorder } from './metrics';

describe('latencyStats', () => {
  it('takes nearest-rank percentiles: of 1..100, p50 is 50, p90 90, p99 99', () => {
    const values = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(latencyStats(values)).toEqual({ mean: 50.5, p50: 50, p90: 90, p99: 99, max: 100 });
  });

  it('of 10 values, p99 is the largest (rank ⌈9.9⌉ = 10); NaN values are left out; empty is all zero', () => {
    const values = Float64Array.from([5, 1, NaN, 3, 2, 4, 6, 7, 8, 9, 10]);
    expect(latencyStats(values)).toEqual({ mean: 5.5, p50: 5, p90: 9, p99: 10, max: 10 });
    expect(latencyStats([])).toEqual({ mean: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  });
});

describe('goodput', () => {
  it('counts requests meeting both targets; one output token has no TPOT to miss', () => {
    const ttft = Float64Array.from([0.5, 2, 0.5, 0.5]);
    const tpot = Float64Array.from([0.05, 0.05, 0.2, NaN]);
    const slo = { ttftSeconds: 1, tpotSeconds: 0.1, attainment: 0.5 };
    expect(goodput(slo, ttft, tpot, 4, 10)).toEqual({ share: 0.5, requestsPerSecond: 0.2, meetsSlo: true });
    expect(goodput({ ...slo, attainment: 0.9 }, ttft, tpot, 4, 10).meetsSlo).toBe(false);
  });
});

describe('SeriesRecorder', () => {
  it('keeps at most its limit of evenly spaced samples, however long the run', () => {
    const series = new SeriesRecorder(10, 1, 0);
    for (let time = 0; time < 1000; time += 0.25) if (series.due(time)) series.add(time, 0, 0, 0);
    expect(series.time.length).toBeLessThanOrEqual(10);
    expect(series.time.length).toBeGreaterThanOrEqual(5);
    const gaps = series.time.slice(1).map((time, index) => time - (series.time[index] as number));
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThan(1e-9);
  });
});
