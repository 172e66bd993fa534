/**
 * `host`: a host CPU with its DRAM and PCIe root — a compute unit and a memory level in one block. Outside every
 * chip group its DRAM is shared by the chips (offloaded weights, spilled KV). Serves `host.cpu`.
 */
import { simd, type BlockModel, type BlockReading, type Transfer } from './block-model';
import { computeSpec, statedArea } from './compute-common';

function dram(reading: BlockReading): Transfer {
  return {
    bandwidthBytesPerSecond:
      reading.number('dramBandwidthBytesPerSecond') * reading.number('dramAchievableBandwidthFraction'),
    latencySeconds: reading.number('dramLatencySeconds'),
    energyJoulesPerBit: reading.number('dramEnergyJoulesPerBit'),
  };
}

export const host: BlockModel = {
  id: 'host',
  summary: 'A host CPU and its DRAM: cores × BF16 MACs per core, and DRAM capacity, bandwidth and energy.',
  crossable: false,
  chipFabric: false,
  // The host feeds the accelerators; it is not what a workload is placed on.
  hostsWorkload: false,
  compute: (reading, tech) =>
    computeSpec(reading, tech, {
      bf16MacsPerCycle: reading.number('cores') * reading.number('bf16MacsPerCyclePerCore'),
      geometry: simd,
    }),
  memory: (reading) => ({
    name: `${reading.block.name} DRAM`,
    usage: 'storage',
    capacityBytes: reading.number('dramCapacityBytes'),
    bandwidthBytesPerSecond: reading.number('dramBandwidthBytesPerSecond'),
    achievableBandwidthFraction: reading.number('dramAchievableBandwidthFraction'),
    latencySeconds: reading.number('dramLatencySeconds'),
    energyJoulesPerBit: reading.number('dramEnergyJoulesPerBit'),
    dram: true,
  }),
  // Routes through the host start or end in it; the DRAM's latency is charged once, as the level's.
  transfer: (reading) => ({ ...dram(reading), latencySeconds: 0 }),
  internalTransfer: dram,
  // CPU and DRAM power on the host's own supplies: not scaled by the accelerator's voltage.
  staticPower: (reading) => ({ watts: reading.numberOr('staticPowerWatts', 0), scalesWithVoltage: false }),
  areaSquareMetres: statedArea,
};
