/**
 * Weight sparsity as stored and computed: which share of the weights is kept and how many index bits locate them.
 *
 * - N:M structured sparsity keeps N of every M consecutive weights, each kept value with a ⌈log₂ M⌉-bit index of
 *   its position in the group (NVIDIA's compressed 2:4 format: 2-bit indices; Mishra et al., "Accelerating Sparse
 *   Deep Neural Networks", arXiv:2104.08378, 2021, §3). Index bits per weight = N · ⌈log₂ M⌉ / M.
 *   2:4 → 1 bit per weight; 4:8 → 1.5 (SparseGPT evaluates 2:4 and 4:8: Frantar & Alistarh, arXiv:2301.00774).
 * - Unstructured sparsity keeps a `density` share of the weights anywhere, located by a bitmap of one bit per
 *   weight (the bitmap format of sparse accelerators: SIGMA, Qin et al., HPCA 2020, §IV; Cerebras' and SparTen's
 *   bitmasks). A CSR-style list (an index per kept value) costs fewer bits only below a density of
 *   1 / index bits; the engine stores the bitmap, which is what the accelerators it models read.
 *
 * Stored bytes per weight of a format of `b` bytes: density · b + index bits / 8 (2:4: b/2 + 1/8).
 */
import type { Workload } from '../schema/workload';

/** How the sparse weights are laid out in memory. */
export interface SparsityLayout {
  /** The workload's name for it: `2:4`, `4:8`, `unstructured`. */
  pattern: Exclude<Workload['weightSparsity'], 'none'>;
  /** Share of the weights kept (non-zero), 0 < density ≤ 1. */
  density: number;
  /** Index bits stored per weight (dense position), for locating the kept values. */
  indexBitsPerWeight: number;
}

/** Density of unstructured sparsity when the workload states none: half the weights kept (SparseGPT's 50 %). */
export const DEFAULT_UNSTRUCTURED_DENSITY = 0.5;

/** The N:M patterns the workload and the sparsity engines name. */
const structured: Record<'2:4' | '4:8', { kept: number; group: number }> = {
  '2:4': { kept: 2, group: 4 },
  '4:8': { kept: 4, group: 8 },
};

/** Index bits per weight of N:M: N kept values of M, each with a ⌈log₂ M⌉-bit position. */
export function nmIndexBitsPerWeight(kept: number, group: number): number {
  return (kept * Math.ceil(Math.log2(group))) / group;
}

/** The layout the workload's `weightSparsity` (and `weightDensity`) describe, or undefined when dense. */
export function sparsityLayout(
  workload: Pick<Workload, 'weightSparsity' | 'weightDensity'>,
): SparsityLayout | undefined {
  const pattern = workload.weightSparsity;
  if (pattern === 'none') return undefined;
  if (pattern === 'unstructured')
    return {
      pattern,
      density: workload.weightDensity ?? DEFAULT_UNSTRUCTURED_DENSITY,
      // A bitmap: one bit per weight, kept or not.
      indexBitsPerWeight: 1,
    };
  const { kept, group } = structured[pattern];
  return { pattern, density: kept / group, indexBitsPerWeight: nmIndexBitsPerWeight(kept, group) };
}

/** The 2:4 layout: half the weights kept, a 2-bit index each (1 bit per weight). */
export const TWO_FOUR: SparsityLayout = { pattern: '2:4', density: 0.5, indexBitsPerWeight: 1 };

/**
 * Stored bytes per weight of a sparse matrix whose dense values take `valueBytes` each: the kept values plus their
 * index bits. A block-quantized format's scales shrink with its values (blocks are formed over the kept values).
 */
export function storedSparseWeightBytes(valueBytes: number, layout: SparsityLayout): number {
  return layout.density * valueBytes + layout.indexBitsPerWeight / 8;
}

/**
 * How much faster a sparsity engine that reads `layout` makes the sparse GEMMs: its own `computeSpeedup`, never
 * more than skipping every zero allows (1 / density).
 */
export function sparseComputeSpeedup(engineSpeedup: number, layout: SparsityLayout): number {
  return Math.max(1, Math.min(engineSpeedup, 1 / layout.density));
}
