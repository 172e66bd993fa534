/**
 * What the charts show, derived from a report without any drawing: the operator-time bars, the byte axis of
 * the memory chart, the blocks drawing most power. The option builders and the summary sentences both read
 * from here, so a chart and the sentence a screen reader hears never disagree. Figures the exported report
 * shows too (the roofs, an operator's time by bound, percentages) come from `engine/figures`.
 */
import type { Bound } from '../../../engine/report';
import { exposedSeconds, operatorSeconds } from '../../../engine/figures';
import type { BlockReport, OperatorReport, PhaseReport } from '../../../engine/report';

export type Phase = 'prefill' | 'decode';

export const phaseNames: Record<Phase, string> = { prefill: 'Prefill', decode: 'Decode' };

/** How a sentence names the phase: "41 % of the decode step". */
export const phaseNouns: Record<Phase, string> = { prefill: 'prefill', decode: 'decode step' };

export const boundNames: Record<Bound, string> = {
  compute: 'Compute',
  memory: 'Memory',
  communication: 'Communication',
  overhead: 'Overhead',
};

export const bounds: readonly Bound[] = ['compute', 'memory', 'communication', 'overhead'];

/** One bar of the operator-time chart: an operator, or the operators too small to show one by one. */
export interface OperatorTime {
  label: string;
  /** The operators in the bar: one, or several for "other". */
  operators: OperatorReport[];
  seconds: number;
  exposed: Record<Bound, number>;
  /** Share of the phase's operator time. */
  share: number;
}

/** Operators by time, longest first, ties by id so the order is stable. */
export function operatorsByTime(phase: PhaseReport): OperatorReport[] {
  return [...phase.operators].sort((a, b) => b.seconds - a.seconds || a.id.localeCompare(b.id));
}

/**
 * The bars of the operator-time chart: the `limit` longest operators and one "other" bar for the rest. When a
 * single operator would be left over it gets its own bar, since an "other" of one says less than its name.
 */
export function operatorTimes(phase: PhaseReport, limit = 12): OperatorTime[] {
  const sorted = operatorsByTime(phase);
  const total = operatorSeconds(phase);
  const shown = sorted.length > limit + 1 ? sorted.slice(0, limit) : sorted;
  const rest = sorted.slice(shown.length);
  const labels = uniqueLabels(shown.map((operator) => ({ name: operator.name, id: operator.id })));
  const bars: OperatorTime[] = shown.map((operator, index) => ({
    label: labels[index] ?? operator.id,
    operators: [operator],
    seconds: operator.seconds,
    exposed: exposedSeconds(operator),
    share: total > 0 ? operator.seconds / total : 0,
  }));
  if (rest.length > 0) {
    const exposed: Record<Bound, number> = { compute: 0, memory: 0, communication: 0, overhead: 0 };
    for (const operator of rest) {
      const parts = exposedSeconds(operator);
      for (const bound of bounds) exposed[bound] += parts[bound];
    }
    const seconds = rest.reduce((sum, operator) => sum + operator.seconds, 0);
    bars.push({
      label: `Other (${rest.length} operators)`,
      operators: rest,
      seconds,
      exposed,
      share: total > 0 ? seconds / total : 0,
    });
  }
  return bars;
}

/** The time unit of an axis: milliseconds when the longest bar reaches one, else microseconds. */
export interface TimeUnit {
  symbol: 'ms' | 'µs';
  /** Seconds per unit. */
  seconds: number;
}

export function timeUnitFor(longestSeconds: number): TimeUnit {
  return longestSeconds >= 1e-3 ? { symbol: 'ms', seconds: 1e-3 } : { symbol: 'µs', seconds: 1e-6 };
}

export const bytesPerGibibyte = 2 ** 30;

/**
 * A byte axis from zero past `bytes` in steps that are round in binary units (4 MiB, 20 GiB), about four of
 * them: ECharts picks decimal steps, which in GiB give labels like "2.05 MiB" for a small SRAM.
 */
export function byteAxis(bytes: number): { intervalBytes: number; maxBytes: number } {
  // Some room past the end, so a capacity marker there stands clear of the axis end.
  const reach = Math.max(bytes, 1) * 1.05;
  const target = reach / 4;
  const prefix = 1024 ** Math.max(0, Math.floor(Math.log(target) / Math.log(1024)));
  const scaled = target / prefix;
  const step = [1, 2, 4, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000].find((nice) => nice >= scaled) ?? 1024;
  const intervalBytes = step * prefix;
  return { intervalBytes, maxBytes: Math.ceil(reach / intervalBytes) * intervalBytes };
}

/** The blocks drawing most power in a phase, highest first, ties by id. */
export function blocksByPower(phase: PhaseReport, limit = 10): BlockReport[] {
  return [...phase.blocks]
    .sort((a, b) => b.averagePowerWatts - a.averagePowerWatts || a.blockId.localeCompare(b.blockId))
    .slice(0, limit);
}

/** A batch-sweep point: what a sweep over batch sizes reports for each. */
export interface BatchSweepPoint {
  batch: number;
  tokensPerSecond: number;
  tpotSeconds: number;
  /** Whether the weights and KV cache fit at this batch. */
  fits: boolean;
}

/**
 * Axis labels that tell items apart: names as they are, and the id after any name two items share (two blocks
 * may both be called "HBM"; a category axis would show them as one).
 */
export function uniqueLabels(items: readonly { name: string; id: string }[]): string[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.name, (counts.get(item.name) ?? 0) + 1);
  return items.map((item) => ((counts.get(item.name) ?? 0) > 1 ? `${item.name} (${item.id})` : item.name));
}
