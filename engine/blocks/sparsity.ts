/**
 * `sparsity`: a sparsity engine (2:4 or 4:8 structured, or unstructured with a bitmap) linked straight to a compute block: 2:4-sparse GEMMs of that
 * block run `computeSpeedup` times faster (NVIDIA Ampere sparse tensor cores: Mishra et al., "Accelerating
 * Sparse Deep Neural Networks", 2021 — 2× the dense math rate). Bytes cross it at its throughput. With it, the
 * weights are stored in its compressed format — kept values plus 2-bit indices, `sparseWeightBytes` in
 * `models/footprint.ts` — which the plan's storage (`stages/storage.ts`) decides per workload, since the saving
 * depends on the weight format.
 */
import type { BlockModel } from './block-model';
import { codec } from './codec';

export const sparsity: BlockModel = {
  id: 'sparsity',
  summary: 'A 2:4 sparsity engine: sparse GEMMs of the compute block it is linked to run faster.',
  ...codec,
  sparsitySpeedup: (reading) => reading.number('computeSpeedup'),
  // A type without a `pattern` parameter reads 2:4, the pattern sparse tensor cores read.
  sparsityPattern: (reading) =>
    reading.type.params.some((param) => param.key === 'pattern') ? reading.choice('pattern') : '2:4',
};
