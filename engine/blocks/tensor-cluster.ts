/**
 * `tensor-cluster`: GPU streaming multiprocessors with tensor cores. A GEMM is cut into output tiles that run in
 * waves over the SMs; too few tiles to fill them are split along the main loop. Serves `compute.tensor-cluster`.
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

/**
 * Waves of `tiles` output tiles over `sms` SMs: each SM runs one tile at a time, so the last wave may run part
 * empty (wave quantization: NVIDIA, Matrix Multiplication Background User's Guide, "Wave Quantization").
 */
export function waves(tiles: number, sms: number): number {
  return Math.ceil(tiles / Math.max(1, sms));
}

/** Share of the SMs' time a GEMM of `tiles` output tiles keeps busy over its whole waves. */
export function waveUtilization(tiles: number, sms: number): number {
  return tiles / (waves(tiles, sms) * Math.max(1, sms));
}

/**
 * Share of a tile's time spent in its main loop: a tile loads the first stages of its operands before its first
 * MMA and writes its output after the last, worth `prologue` elements of a loop of `loop` elements.
 */
export function mainLoopShare(loop: number, prologue: number): number {
  return loop / (loop + Math.max(0, prologue));
}

export function tileUtilization(unit: ComputeUnit, shape: GemmShape): number {
  const geometry = unit.geometry;
  if (geometry.kind !== 'tiles') return 1;
  const m = Math.max(1, Math.ceil(shape.m));
  const k = Math.max(1, Math.ceil(shape.k));
  const n = Math.max(1, Math.ceil(shape.n));
  const batch = Math.max(1, Math.ceil(shape.batch));
  const instances = Math.max(1, unit.instances);
  const tileM = Math.min(geometry.tileM, Math.ceil(m / geometry.minTileM) * geometry.minTileM);
  // Fused attention keeps an M × head-dim output tile and loops over the context (N); a GEMM loops over K.
  const attention = shape.loop === 'n';
  const loop = attention ? n : k;
  const outputTiles = attention
    ? Math.ceil(m / tileM) * batch
    : Math.ceil(m / tileM) * Math.ceil(n / geometry.tileN) * batch;
  const tileUse = attention
    ? (m * batch) / (outputTiles * tileM)
    : (m * n * batch) / (outputTiles * tileM * geometry.tileN);
  if (outputTiles >= instances)
    return tileUse * waveUtilization(outputTiles, instances) * mainLoopShare(loop, geometry.prologueK);
  // Too few output tiles to fill the SMs: kernels split the loop across the idle ones (split-K, flash-decoding),
  // each split paying its own prologue.
  const splits = Math.max(
    1,
    Math.min(Math.floor(instances / outputTiles), Math.ceil(loop / MIN_SPLIT_K_ELEMENTS)),
  );
  return (
    tileUse *
    ((outputTiles * splits) / instances) *
    mainLoopShare(Math.ceil(loop / splits), geometry.prologueK)
  );
}

export const tensorCluster: BlockModel = {
  id: 'tensor-cluster',
  summary: 'GPU SMs with tensor cores: output tiles in whole waves, split-K, and a prologue per tile.',
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
        prologueK: reading.numberOr('prologueK', 0),
      },
    });
  },
  shapeUtilization: tileUtilization,
  transfer: computeTransfer,
  staticPower: logicStaticPower,
  areaSquareMetres: statedArea,
};
