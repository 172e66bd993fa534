/**
 * How one chip stores the model beyond its number formats: whether the GEMM weights are kept 2:4-sparse (kept
 * values plus their indices) and how many prompt tokens a prefill step holds activations for (the runtime's
 * chunk). Decided once per evaluation from the machine, the workload and the runtime; the plan's footprint, the
 * lowered operators' bytes and the largest batch all follow it.
 */
import type { Machine } from '../machine';
import { PREFILL_CHUNK_TOKENS, type FootprintOptions } from '../models/footprint';
import type { Runtime } from '../schema/runtime';
import type { Workload } from '../schema/workload';

/** The storage choices of one evaluation (every field set). */
export type Storage = Required<FootprintOptions>;

/**
 * 2:4-sparse weights are stored compressed only when the unit that runs their GEMMs has a sparsity engine to
 * read that format (the engine's `pattern` is 2:4, the only one the workload can name); without one they are
 * stored and run dense. The prefill chunk is the runtime's (`prefillChunkTokens`; absent = whole prompts), or
 * `PREFILL_CHUNK_TOKENS` when no runtime is chosen.
 */
export function storageOf(
  machine: Machine,
  primaryUnit: number,
  workload: Workload,
  runtime: Runtime | undefined,
): Storage {
  const unit = machine.chip.units[primaryUnit];
  return {
    sparseWeights: workload.weightSparsity === '2:4' && unit !== undefined && unit.sparsitySpeedup > 1,
    prefillChunkTokens:
      runtime === undefined ? PREFILL_CHUNK_TOKENS : (runtime.prefillChunkTokens ?? Number.POSITIVE_INFINITY),
  };
}
