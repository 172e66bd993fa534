/**
 * How a report's time and memory break down: an operator's time by what it waited on, a phase's operator
 * time, the levels tensors are stored in and what each holds. The app's charts and the exported report's
 * tables and charts read these, so their bars and shares agree.
 */
import type { Bound } from '../report';
import type { MemoryLevelReport, OperatorReport, PhaseReport, Report } from '../report';

/**
 * An operator's time split by what it waited on, so the parts add up to its time: the engine overlaps
 * compute with memory traffic (`max(compute, memory)`), so only the larger of the two is on the critical
 * path and the smaller one is hidden under it. Overhead (dispatch and latency) and communication add. This is
 * the attribution of the phase's `boundShares`, so the bars and the "x % memory-bound" sentence agree.
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

/**
 * The time of all operators of a phase, seconds. Operator shares are taken of this sum, not of the phase's
 * `seconds`: in decode an operator's time counts every micro-batch a chip runs, which the step time does
 * not, so only this sum makes the shares add up to 100 % (as the phase's `boundShares` do).
 */
export function operatorSeconds(phase: PhaseReport): number {
  return phase.operators.reduce((sum, operator) => sum + operator.seconds, 0);
}

/**
 * The levels tensors are stored in (caches hold copies, so they do not count against capacity and the cost
 * model moves no tensor through them); every level when a design has no storage level at all.
 */
export function storageLevels(report: Report): MemoryLevelReport[] {
  const storage = report.memory.levels.filter((level) => level.usage === 'storage');
  return storage.length > 0 ? storage : report.memory.levels;
}

/** Bytes one chip holds in a level: weights, KV cache and activations. */
export function usedBytes(level: MemoryLevelReport): number {
  return level.used.weights + level.used.kv + level.used.activations;
}
