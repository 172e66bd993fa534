/**
 * `memory`: a storage or staging level — register file, SRAM, cache, HBM, LPDDR, GDDR. One physics for all of
 * them: capacity, a sustained share of peak bandwidth, a load-to-use latency and a read energy per bit; the
 * `dram` trait marks off-chip DRAM (its bandwidth follows the memory clock of an operating point, and its
 * refresh and PHY power does not follow the core voltage).
 */
import type { MemoryUsage } from '../machine';
import type { BlockModel, BlockReading, Transfer } from './block-model';

function sustained(reading: BlockReading): Transfer {
  return {
    bandwidthBytesPerSecond:
      reading.number('bandwidthBytesPerSecond') * reading.number('achievableBandwidthFraction'),
    latencySeconds: reading.numberOr('latencySeconds', 0),
    energyJoulesPerBit: reading.numberOr('energyJoulesPerBit', 0),
  };
}

export const memory: BlockModel = {
  id: 'memory',
  summary: 'A memory level: capacity, achievable bandwidth, latency and read energy per bit.',
  crossable: true,
  chipFabric: false,
  hostsWorkload: false,
  memory: (reading) => ({
    name: reading.block.name,
    usage: reading.choice('usage') as MemoryUsage,
    capacityBytes: reading.number('capacityBytes'),
    bandwidthBytesPerSecond: reading.number('bandwidthBytesPerSecond'),
    achievableBandwidthFraction: reading.number('achievableBandwidthFraction'),
    latencySeconds: reading.number('latencySeconds'),
    energyJoulesPerBit: reading.numberOr('energyJoulesPerBit', 0),
    dram: reading.trait('dram'),
  }),
  transfer: sustained,
  // A GEMM's operands can be tiled into any memory they pass through on the way.
  onPath: (reading) => ({ stagingBytes: reading.number('capacityBytes') }),
  staticPower: (reading) => ({
    watts: reading.numberOr('staticPowerWatts', 0),
    scalesWithVoltage: !reading.trait('dram'),
  }),
  areaSquareMetres: (reading) => reading.numberOr('areaSquareMetres', 0),
};
