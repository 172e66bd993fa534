/**
 * `sparsity`: a 2:4 structured-sparsity engine linked straight to a compute block: 2:4-sparse GEMMs of that
 * block run `computeSpeedup` times faster (NVIDIA Ampere sparse tensor cores: Mishra et al., "Accelerating
 * Sparse Deep Neural Networks", 2021 — 2× the dense math rate). Bytes cross it at its throughput.
 */
import type { BlockModel } from './block-model';
import { codec } from './codec';

export const sparsity: BlockModel = {
  id: 'sparsity',
  summary: 'A 2:4 sparsity engine: sparse GEMMs of the compute block it is linked to run faster.',
  ...codec,
  sparsitySpeedup: (reading) => reading.number('computeSpeedup'),
};
