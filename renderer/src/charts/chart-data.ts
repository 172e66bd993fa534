/**
 * What the charts show, derived from a report without any drawing: operator time split by what bound it, the
 * roofline's roofs, the storage levels, the blocks drawing most power. The option builders and the summary
 * sentences both read from here, so a chart and the sentence a screen reader hears never disagree.
 */
import type { Bound } from '../../../engine/report';
import type {
  BlockReport,
  MemoryLevelReport,
  OperatorReport,
  PhaseReport,
  Report,
} from '../../../engine/report';
import { formatQuantity } from '../../../engine/units';

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

/**
 * An operator's time split so the parts add up to its time: the engine overlaps compute with memory traffic
 * (`max(compute, memory)`), so only the larger of the two is on the critical path and the smaller one is
 * hidden under it. Overhead (dispatch and latency) and communication add. This is the same attribution as the
 * phase's `boundShares`, so the bars and the "x % memory-bound" sentence agree.
 */
export function exposedSeconds(operator: OperatorReport): Record<Bound, number> {
  const overhead = operator.overheadSeconds;
  const communication = operator.communicationSeconds;
  // The remainder rather than max(compute, memory), so the parts sum to `seconds` exactly.
  const overlapped = Math.max(0, operator.seconds - overhead - communication);
  const computeLeads = operator.computeSeconds >= operator.memorySeconds;
  return {
    compute: computeLeads ? overlapped : 0,
    memory: computeLeads ? 0 : overlapped,
    communication,
    overhead,
  };
}

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

/**
 * The time of all operators of a phase. Shares are taken of this sum, not of the phase's `seconds`: in
 * decode an operator's time counts every micro-batch a chip runs, which the step time does not, so only this
 * sum makes the shares add up to 100 % (as the phase's `boundShares` do).
 */
export function operatorSeconds(phase: PhaseReport): number {
  return phase.operators.reduce((sum, operator) => sum + operator.seconds, 0);
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

/** A compute roof: the highest FLOP/s a chip reaches, and the intensity where the memory roof meets it. */
export interface ComputeRoof {
  label: string;
  flopsPerSecond: number;
  /** FLOP per byte where memory bandwidth × intensity reaches this roof. */
  ridgeIntensity: number;
}

/** The arithmetic a workload runs in, when it is not BF16 (the report gives the BF16 peak only). */
export interface ArithmeticRoof {
  /** The number format's name, e.g. "FP8". */
  name: string;
  flopsPerSecond: number;
}

export interface Roofs {
  /** The level whose bandwidth is the memory roof. */
  level: MemoryLevelReport | undefined;
  bandwidthBytesPerSecond: number;
  /** The BF16 roof first, then the workload's arithmetic where it differs. */
  compute: ComputeRoof[];
}

/**
 * The roofs of a report's roofline. Compute: the peak BF16 FLOP/s of the fastest compute unit (operators run
 * on one unit at a time, so units do not add). Memory: the fastest level that holds weights — the stream
 * every matrix multiply reads; a faster level that holds only activations would draw a roof no weight-bound
 * operator can reach. Without such a level, the fastest storage level.
 */
export function roofs(report: Report, arithmetic?: ArithmeticRoof): Roofs {
  const holding = report.memory.levels.filter((level) => level.used.weights > 0);
  const storage = report.memory.levels.filter((level) => level.usage === 'storage');
  const candidates = holding.length > 0 ? holding : storage;
  const level = candidates.reduce<MemoryLevelReport | undefined>(
    (best, candidate) =>
      best === undefined || candidate.bandwidthBytesPerSecond > best.bandwidthBytesPerSecond
        ? candidate
        : best,
    undefined,
  );
  const bandwidth = level?.bandwidthBytesPerSecond ?? 0;
  const ridge = (flopsPerSecond: number): number => (bandwidth > 0 ? flopsPerSecond / bandwidth : 0);
  const peak = Math.max(0, ...report.machine.computeUnits.map((unit) => unit.peakBf16FlopsPerSecond));
  const compute: ComputeRoof[] = [];
  if (peak > 0) compute.push({ label: 'BF16 peak', flopsPerSecond: peak, ridgeIntensity: ridge(peak) });
  // A roof within 0.1 % of the BF16 one would draw on top of it.
  if (arithmetic && arithmetic.flopsPerSecond > 0 && Math.abs(arithmetic.flopsPerSecond - peak) > peak * 1e-3)
    compute.push({
      label: `${arithmetic.name} peak`,
      flopsPerSecond: arithmetic.flopsPerSecond,
      ridgeIntensity: ridge(arithmetic.flopsPerSecond),
    });
  return { level, bandwidthBytesPerSecond: bandwidth, compute };
}

/** One operator on the roofline. */
export interface RooflinePoint {
  operator: OperatorReport;
  /** FLOP per byte moved. */
  intensity: number;
  /** FLOP/s while it runs. */
  flopsPerSecond: number;
}

/**
 * The operators a log-log roofline can place: those that do arithmetic and move bytes. Norms, activations,
 * gathers and collectives report no FLOPs (their element-wise work is not multiply-accumulate) and would sit
 * at minus infinity on a log axis.
 */
export function rooflinePoints(phase: PhaseReport): RooflinePoint[] {
  return phase.operators
    .filter((operator) => operator.arithmeticIntensity > 0 && operator.achievedFlopsPerSecond > 0)
    .map((operator) => ({
      operator,
      intensity: operator.arithmeticIntensity,
      flopsPerSecond: operator.achievedFlopsPerSecond,
    }));
}

/** The levels tensors are stored in; caches hold copies, so they do not count against capacity. */
export function storageLevels(report: Report): MemoryLevelReport[] {
  const storage = report.memory.levels.filter((level) => level.usage === 'storage');
  return storage.length > 0 ? storage : report.memory.levels;
}

export function usedBytes(level: MemoryLevelReport): number {
  return level.used.weights + level.used.kv + level.used.activations;
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

/** "41 %", "8.4 %", "0.12 %": two significant figures, a space before the sign as in the rest of the app. */
export function percent(share: number): string {
  return `${formatQuantity(share * 100, 'ratio', 2)} %`;
}

/** FLOP/s with a prefix: the units module says "OP/s"; a roofline is read in floating-point operations. */
export function formatFlops(flopsPerSecond: number): string {
  return formatQuantity(flopsPerSecond, 'operationsPerSecond').replace(/OP\/s$/, 'FLOP/s');
}

export function formatIntensity(flopsPerByte: number): string {
  return `${formatQuantity(flopsPerByte, 'ratio')} FLOP/B`;
}

/** Tooltips are HTML; block and model names are typed by people, so they are escaped before going in. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
