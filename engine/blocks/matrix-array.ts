/**
 * `matrix-array`: a systolic array or NPU core — rows × columns of MACs, weight-stationary (Jouppi et al., "In-
 * Datacenter Performance Analysis of a Tensor Processing Unit", ISCA 2017). Serves `compute.systolic` and
 * `compute.npu`.
 */
import type { ComputeUnit } from '../machine';
import type { GemmShape } from '../operators';
import type { BlockModel } from './block-model';
import { computeSpec, computeTransfer, logicStaticPower, statedArea } from './compute-common';

/**
 * K on rows, N on columns, M streams through. Each weight tile takes `rows` cycles to load (double-buffered behind
 * the previous tile) and M cycles to stream the rows of the left operand, so a tile costs max(M, rows) cycles; the
 * pipeline fills once (rows + cols cycles) per run of tiles; tiles run in waves over the instances.
 */
export function arrayUtilization(unit: ComputeUnit, shape: GemmShape): number {
  const geometry = unit.geometry;
  if (geometry.kind !== 'array') return 1;
  const m = Math.max(1, Math.ceil(shape.m));
  const k = Math.max(1, Math.ceil(shape.k));
  const n = Math.max(1, Math.ceil(shape.n));
  const batch = Math.max(1, Math.ceil(shape.batch));
  const instances = Math.max(1, unit.instances);
  const tiles = Math.ceil(k / geometry.rows) * Math.ceil(n / geometry.cols) * batch;
  const cellUse =
    (k / (Math.ceil(k / geometry.rows) * geometry.rows)) *
    (n / (Math.ceil(n / geometry.cols) * geometry.cols));
  const waves = Math.ceil(tiles / instances);
  const streaming = (waves * m) / (waves * Math.max(m, geometry.rows) + geometry.rows + geometry.cols);
  return cellUse * streaming * (tiles / (waves * instances));
}

export const matrixArray: BlockModel = {
  id: 'matrix-array',
  summary:
    'A systolic array or NPU core: rows × columns of MACs, weight-stationary (Jouppi et al., ISCA 2017).',
  crossable: false,
  chipFabric: false,
  hostsWorkload: true,
  compute(reading, tech) {
    const rows = reading.number('rows');
    const cols = reading.number('cols');
    return computeSpec(reading, tech, {
      bf16MacsPerCycle: rows * cols,
      geometry: { kind: 'array', rows, cols },
    });
  },
  shapeUtilization: arrayUtilization,
  transfer: computeTransfer,
  staticPower: logicStaticPower,
  areaSquareMetres: statedArea,
};
