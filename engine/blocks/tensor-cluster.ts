/**
 * `tensor-cluster`: GPU streaming multiprocessors with tensor cores. A GEMM is cut into output tiles that run in
 * waves over the SMs; too few tiles to fill them are split along K. Serves `compute.tensor-cluster`.
 */
import type { ComputeUnit } from '../machine';
import type { GemmShape } from '../operators';
import type { BlockModel } from './block-model';
import { computeSpec, computeTransfer, logicStaticPower, statedArea } from './compute-common';

/**
 * Split-K cuts the reduction into chunks of at least this many elements: shorter chunks cost more in the
 * partial-sum reduction than they win in parallelism (CUTLASS's split-K kernels use K slices of a multiple of
 * the 32–64-element tensor-core K tile).
 */
const MIN_SPLIT_K_ELEMENTS = 64;

export function tileUtilization(unit: ComputeUnit, shape: GemmShape): number {
  const geometry = unit.geometry;
  if (geometry.kind !== 'tiles') return 1;
  const m = Math.max(1, Math.ceil(shape.m));
  const k = Math.max(1, Math.ceil(shape.k));
  const n = Math.max(1, Math.ceil(shape.n));
  const batch = Math.max(1, Math.ceil(shape.batch));
  const instances = Math.max(1, unit.instances);
  const tileM = Math.min(geometry.tileM, Math.ceil(m / geometry.minTileM) * geometry.minTileM);
  const outputTiles = Math.ceil(m / tileM) * Math.ceil(n / geometry.tileN) * batch;
  const tileUse = (m * n * batch) / (outputTiles * tileM * geometry.tileN);
  // At least one tile per SM: stream-K kernels split the last partial wave's work over every SM, so no wave is
  // left part-empty (Osama et al., Stream-K, PPoPP 2023; CUTLASS and cuBLAS on Ampere and later).
  if (outputTiles >= instances) return tileUse;
  // Too few output tiles to fill the SMs: kernels split K across the idle ones (split-K).
  const splitK = Math.max(
    1,
    Math.min(Math.floor(instances / outputTiles), Math.ceil(k / MIN_SPLIT_K_ELEMENTS)),
  );
  return tileUse * ((outputTiles * splitK) / instances);
}

export const tensorCluster: BlockModel = {
  id: 'tensor-cluster',
  summary:
    'GPU SMs with tensor cores: output tiles in waves, stream-K and split-K (Osama et al., PPoPP 2023).',
  crossable: false,
  chipFabric: false,
  hostsWorkload: true,
  compute(reading, tech) {
    return computeSpec(reading, tech, {
      bf16MacsPerCycle: reading.number('bf16MacsPerCycle'),
      geometry: {
        kind: 'tiles',
        tileM: reading.number('tileM'),
        tileN: reading.number('tileN'),
        minTileM: reading.number('minTileM'),
      },
    });
  },
  shapeUtilization: tileUtilization,
  transfer: computeTransfer,
  staticPower: logicStaticPower,
  areaSquareMetres: statedArea,
};
