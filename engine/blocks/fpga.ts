/**
 * `fpga`: FPGA fabric running a GEMM overlay — MACs from DSP slices; a bitstream loaded per phase costs its
 * reconfiguration time on every request. Serves `compute.fpga`.
 */
import { simd, type BlockModel } from './block-model';
import { computeSpec, computeTransfer, logicStaticPower, statedArea } from './compute-common';

export const fpga: BlockModel = {
  id: 'fpga',
  summary: 'FPGA fabric: DSP slices × MACs per DSP per cycle, with reconfiguration time between phases.',
  crossable: false,
  chipFabric: false,
  hostsWorkload: true,
  compute(reading, tech) {
    const perPhase = reading.choice('bitstreamPolicy') === 'per-phase';
    return computeSpec(reading, tech, {
      bf16MacsPerCycle: reading.number('dspSlices') * reading.number('bf16MacsPerDspPerCycle'),
      geometry: simd,
      reconfigurationSeconds: perPhase ? reading.number('reconfigurationSeconds') : 0,
    });
  },
  transfer: computeTransfer,
  staticPower: logicStaticPower,
  areaSquareMetres: statedArea,
};
