/** `cpu`: a cluster of CPU cores with SIMD units, on the chip. Serves `compute.cpu`. */
import { simd, type BlockModel } from './block-model';
import { computeSpec, computeTransfer, logicStaticPower, statedArea } from './compute-common';

export const cpu: BlockModel = {
  id: 'cpu',
  summary: 'CPU cores with SIMD: cores × BF16 MACs per core per cycle.',
  crossable: false,
  chipFabric: false,
  hostsWorkload: true,
  compute: (reading, tech) =>
    computeSpec(reading, tech, {
      bf16MacsPerCycle: reading.number('cores') * reading.number('bf16MacsPerCyclePerCore'),
      geometry: simd,
    }),
  transfer: computeTransfer,
  staticPower: logicStaticPower,
  areaSquareMetres: statedArea,
};
