/**
 * Per-request times → the figures of a serving run: latency statistics (nearest-rank percentiles), goodput under
 * an SLO, and the evenly sampled time series.
 */
import type { Slo } from '../schema/serving';
import type { LatencyStats } from './types';

/** Mean, p50, p90, p99 and max of an empty set: all zero (nothing was measured). */
const EMPTY: LatencyStats = { mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };

/**
 * The p-th percentile of sorted values by the nearest-rank method: the value at rank ⌈p/100 · n⌉ (1-based), so
 * the result is always one of the values (NIST/Hyndman & Fan definition 1; p99 of 100 values is the 99th).
 */
export function nearestRank(sorted: Float64Array, percent: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const rank = Math.min(n, Math.max(1, Math.ceil((percent / 100) * n)));
  return sorted[rank - 1] as number;
}

/** Mean, nearest-rank p50/p90/p99 and max of the values (NaN values are left out); all zero when empty. */
export function latencyStats(values: Float64Array | number[]): LatencyStats {
  let count = 0;
  for (let index = 0; index < values.length; index += 1) if (!Number.isNaN(values[index])) count += 1;
  if (count === 0) return { ...EMPTY };
  const sorted = new Float64Array(count);
  let at = 0;
  let sum = 0;
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] as number;
    if (Number.isNaN(value)) continue;
    sorted[at] = value;
    at += 1;
    sum += value;
  }
  sorted.sort();
  return {
    mean: sum / count,
    p50: nearestRank(sorted, 50),
    p90: nearestRank(sorted, 90),
    p99: nearestRank(sorted, 99),
    max: sorted[count - 1] as number,
  };
}

/**
 * Whether one request meets the SLO: its TTFT and its TPOT within target (a target left out holds; a request
 * with one output token has no TPOT, so that target holds for it).
 */
export function meetsSlo(slo: Slo, ttftSeconds: number, tpotSeconds: number): boolean {
  if (slo.ttftSeconds !== undefined && !(ttftSeconds <= slo.ttftSeconds)) return false;
  if (slo.tpotSeconds !== undefined && !Number.isNaN(tpotSeconds) && !(tpotSeconds <= slo.tpotSeconds))
    return false;
  return true;
}

/**
 * Goodput (DistServe, Zhong et al., OSDI 2024): the share of completed requests meeting the SLO, their rate over
 * the run, and whether the share reaches the SLO's attainment.
 */
export function goodput(
  slo: Slo,
  ttft: Float64Array,
  tpot: Float64Array,
  completed: number,
  durationSeconds: number,
): { share: number; requestsPerSecond: number; meetsSlo: boolean } {
  let met = 0;
  for (let index = 0; index < ttft.length; index += 1) {
    const first = ttft[index] as number;
    if (Number.isNaN(first)) continue;
    if (meetsSlo(slo, first, tpot[index] as number)) met += 1;
  }
  const share = completed > 0 ? met / completed : 0;
  return {
    share,
    requestsPerSecond: durationSeconds > 0 ? met / durationSeconds : 0,
    meetsSlo: completed > 0 && share >= slo.attainment,
  };
}

/**
 * Samples of a run's state at evenly spaced times, at most `limit`: sampled every `interval` seconds, and when
 * the samples reach the limit every other one is dropped and the interval doubled (the run's length is not
 * known in advance).
 */
export class SeriesRecorder {
  readonly time: number[] = [];
  readonly queue: number[] = [];
  readonly running: number[] = [];
  readonly kv: number[] = [];
  private next: number;

  constructor(
    private readonly limit: number,
    private interval: number,
    start: number,
  ) {
    this.next = start;
  }

  /** Whether a sample is due at `time` (cheap; call before `add`). */
  due(time: number): boolean {
    return this.limit > 0 && time >= this.next;
  }

  add(time: number, queue: number, running: number, kvUtilization: number): void {
    this.time.push(time);
    this.queue.push(queue);
    this.running.push(running);
    this.kv.push(kvUtilization);
    this.next = Math.max(this.next + this.interval, time);
    if (this.time.length >= this.limit) {
      for (const list of [this.time, this.queue, this.running, this.kv]) {
        let kept = 0;
        for (let index = 0; index < list.length; index += 2) {
          list[kept] = list[index] as number;
          kept += 1;
        }
        list.length = kept;
      }
      this.interval *= 2;
      this.next = (this.time.at(-1) ?? time) + this.interval;
    }
  }
}
