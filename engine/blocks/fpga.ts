/**
 * `fpga`: FPGA fabric running a GEMM overlay — MACs from DSP slices; a bitstream loaded per phase costs its
 * reconfiguration time on every request. Serves `compute.fpga`. Named configurations (the `configurations` table)
 * are chosen per phase by `stages/reconfiguration.ts`, which evaluates the fabric as each configuration sets it.
 */
import { simd, type BlockModel, type BlockReading, type Transfer } from './block-model';
import { computeSpec, computeTransfer, logicStaticPower, statedArea } from './compute-common';

/**
 * The overlay's memory ports bound the bytes reaching the fabric (AXI ports × width × clock, UG1393 "HBM
 * Configuration and Use"); 0 leaves the limit to the memory paths.
 */
function fpgaTransfer(reading: BlockReading): Transfer {
  const own = computeTransfer(reading);
  const ports = reading.numberOr('memoryPortBandwidthBytesPerSecond', 0);
  return ports > 0 ? { ...own, bandwidthBytesPerSecond: ports } : own;
}

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
  transfer: fpgaTransfer,
  staticPower: logicStaticPower,
  areaSquareMetres: statedArea,
};
