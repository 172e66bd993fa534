/** `vector`: a SIMD / vector unit; its lanes fill at any GEMM shape. Serves `compute.vector`. */
import { simd, type BlockModel } from './block-model';
import { computeSpec, computeTransfer, logicStaticPower, statedArea } from './compute-common';

export const vector: BlockModel = {
  id: 'vector',
  summary: 'A SIMD or vector unit: one BF16 MAC per lane per cycle.',
  crossable: false,
  chipFabric: false,
  hostsWorkload: true,
  compute: (reading, tech) =>
    computeSpec(reading, tech, { bf16MacsPerCycle: reading.number('lanes'), geometry: simd }),
  transfer: computeTransfer,
  staticPower: logicStaticPower,
  areaSquareMetres: statedArea,
};
