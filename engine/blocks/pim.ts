/**
 * `pim`: processing in memory — DRAM whose banks carry multiply-accumulate units (Samsung HBM-PIM "Aquabolt-XL",
 * SK hynix GDDR6-AiM). One block is both a memory level and a compute unit:
 *
 * - as memory it holds tensors and serves other compute blocks through its external interface (HBM2 or GDDR6
 *   pins), like any DRAM;
 * - as compute it runs GEMVs and element-wise work on the data in its own banks at the banks' internal bandwidth
 *   (all banks read at once: 4× the pins for HBM-PIM, 16× for GDDR6-AiM) and at the internal read energy, which
 *   skips the on-die wires, TSVs and I/O a read through the pins pays;
 * - its MAC rate is low (hundreds of MHz, a few thousand lanes), so large-M GEMMs stay on the host accelerator:
 *   the cost stage gives each operator to the unit that finishes it soonest, which makes decode GEMVs go to the
 *   PIM when its internal bandwidth beats the host's path through the pins, and prefill stay on the host.
 *
 * Sources: Kwon et al., "A 20nm 6GB Function-In-Memory DRAM, Based on HBM2 with a 1.2TFLOPS Programmable
 * Computing Unit Using Bank-Level Parallelism", ISSCC 2021; Lee et al., "Hardware Architecture and Software Stack
 * for PIM Based on Commercial DRAM Technology", ISCA 2021; Lee et al., "A 1ynm 1.25V 8Gb 16Gb/s/pin GDDR6-based
 * Accelerator-in-Memory supporting 1TFLOPS MAC Operation", ISSCC 2022. Parameter values are cited in
 * `library/blocks/memory.pim.json`.
 */
import { simd, type BlockModel, type BlockReading, type Transfer } from './block-model';
import { computeSpec, statedArea } from './compute-common';

/** Through the pins, as any other block reads it. */
function external(reading: BlockReading): Transfer {
  return {
    bandwidthBytesPerSecond:
      reading.number('bandwidthBytesPerSecond') * reading.number('achievableBandwidthFraction'),
    latencySeconds: reading.number('latencySeconds'),
    energyJoulesPerBit: reading.number('energyJoulesPerBit'),
  };
}

export const pim: BlockModel = {
  id: 'pim',
  summary:
    'Processing in memory: DRAM banks with MAC units, computing on their own data at the internal bandwidth (HBM-PIM, GDDR6-AiM).',
  crossable: false,
  chipFabric: false,
  hostsWorkload: true,
  compute: (reading, tech) =>
    computeSpec(reading, tech, { bf16MacsPerCycle: reading.number('macsPerCycle'), geometry: simd }),
  memory: (reading) => ({
    name: reading.block.name,
    usage: 'storage',
    capacityBytes: reading.number('capacityBytes'),
    bandwidthBytesPerSecond: reading.number('bandwidthBytesPerSecond'),
    achievableBandwidthFraction: reading.number('achievableBandwidthFraction'),
    latencySeconds: reading.number('latencySeconds'),
    energyJoulesPerBit: reading.number('energyJoulesPerBit'),
    dram: true,
  }),
  transfer: external,
  // All banks read in lock-step under one PIM command: the full internal bandwidth, at the internal energy.
  internalTransfer: (reading) => ({
    bandwidthBytesPerSecond: reading.number('internalBandwidthBytesPerSecond'),
    latencySeconds: reading.number('latencySeconds'),
    energyJoulesPerBit: reading.number('internalEnergyJoulesPerBit'),
  }),
  // DRAM background power (refresh, PHY) plus the PIM units' leakage, on the memory's own supply.
  staticPower: (reading) => ({ watts: reading.number('staticPowerWatts'), scalesWithVoltage: false }),
  areaSquareMetres: statedArea,
};
