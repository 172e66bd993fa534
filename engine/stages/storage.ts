/**
 * How one chip stores the model beyond its number formats: whether the GEMM weights are kept 2:4-sparse (kept
 * values plus their indices) and how many prompt tokens a prefill step holds activations for (the runtime's
 * chunk). Decided once per evaluation from the machine, the workload and the runtime; the plan's footprint, the
 * lowered operators' bytes and the largest batch all follow it.
 */
import type { ComputeUnit, Machine } from '../machine';
import { PREFILL_CHUNK_TOKENS, type FootprintOptions } from '../models/footprint';
import { sparseComputeSpeedup, sparsityLayout, type SparsityLayout } from '../models/sparsity';
import type { Runtime } from '../schema/runtime';
import type { Workload } from '../schema/workload';

/** The storage choices of one evaluation (every field set). */
export type Storage = Required<Omit<FootprintOptions, 'sparsity'>> & { sparsity?: SparsityLayout };

/**
 * Whether `unit` has a sparsity engine that reads `layout` (its pattern; an engine that names none reads 2:4), and
 * how much faster it runs the sparse GEMMs then (`sparseComputeSpeedup`); 1 when it has none or another pattern.
 */
export function unitSparsitySpeedup(unit: ComputeUnit, layout: SparsityLayout | undefined): number {
  if (!layout || unit.sparsitySpeedup <= 1) return 1;
  if ((unit.sparsityPattern ?? '2:4') !== layout.pattern) return 1;
  return sparseComputeSpeedup(unit.sparsitySpeedup, layout);
}

/**
 * Sparse weights are stored compressed only when the unit that runs their GEMMs has a sparsity engine to read
 * that format (the engine's `pattern` is the workload's); without one they are stored and run dense. The prefill chunk is the runtime's (`prefillChunkTokens`; absent = whole prompts), or
 * `PREFILL_CHUNK_TOKENS` when no runtime is chosen.
 */
export function storageOf(
  machine: Machine,
  primaryUnit: number,
  workload: Workload,
  runtime: Runtime | undefined,
): Storage {
  const unit = machine.chip.units[primaryUnit];
  const layout = sparsityLayout(workload);
  const sparseWeights = layout !== undefined && unit !== undefined && unitSparsitySpeedup(unit, layout) > 1;
  return {
    sparseWeights,
    ...(sparseWeights ? { sparsity: layout } : {}),
    prefillChunkTokens:
      runtime === undefined ? PREFILL_CHUNK_TOKENS : (runtime.prefillChunkTokens ?? Number.POSITIVE_INFINITY),
  };
}
