import { describe, expect, it } from 'vitest';
import { resolve } from '../stages/resolve';
import { blockTypeOf, readingOf, unitOf } from '../testing/block-readings';
import { testBlockTypes, testCatalog, testDesign } from '../testing/fixtures';
import { host } from './host';

/** A host CPU of 32 cores with 512 GB of DRAM at 200 GB/s, of which 85 % is sustained, 100 ns away. */
const hostType = blockTypeOf(
  'test.host',
  'host',
  {
    cores: 32,
    bf16MacsPerCyclePerCore: 32,
    clockHertz: 3e9,
    fp32Rate: 0.5,
    vectorOpsPerCycle: 1024,
    computeEfficiency: 0.7,
    dispatchOverheadSeconds: 5e-6,
    energyJoulesPerMacBf16: 5e-12,
    energyJoulesPerVectorOp: 1e-12,
    dramCapacityBytes: 512e9,
    dramBandwidthBytesPerSecond: 2e11,
    dramAchievableBandwidthFraction: 0.85,
    dramLatencySeconds: 1e-7,
    dramEnergyJoulesPerBit: 2e-11,
    staticPowerWatts: 150,
  },
  { category: 'host' },
);
const catalog = testCatalog({ blockTypes: [...testBlockTypes, hostType] });

describe('host: its CPU', () => {
  it('does cores × BF16 MACs per core per cycle, and FP32 at its stated rate of that', () => {
    const unit = unitOf(host, readingOf(hostType));
    expect(unit.macsPerCycle.bf16).toBe(32 * 32);
    expect(unit.macsPerCycle.fp32).toBe(32 * 32 * 0.5);
    expect(unit.macsPerCycle.fp8).toBe(0);
    expect(unit.clockHertz).toBe(3e9);
  });

  it('feeds the accelerators rather than running the workload itself', () => {
    expect(host).toMatchObject({ hostsWorkload: false, crossable: false, chipFabric: false });
  });

  it('draws its power on its own supplies: not scaled with the accelerator’s voltage', () => {
    expect(host.staticPower(readingOf(hostType))).toEqual({ watts: 150, scalesWithVoltage: false });
  });
});

describe('host: its DRAM', () => {
  it('is a storage level named after the host, with the DRAM’s capacity, bandwidth, latency and energy', () => {
    expect(host.memory?.(readingOf(hostType, {}, 'Host'))).toEqual({
      name: 'Host DRAM',
      usage: 'storage',
      capacityBytes: 512e9,
      bandwidthBytesPerSecond: 2e11,
      achievableBandwidthFraction: 0.85,
      latencySeconds: 1e-7,
      energyJoulesPerBit: 2e-11,
      dram: true,
    });
  });

  it('serves its own cores at the sustained DRAM bandwidth with the DRAM’s latency', () => {
    expect(host.internalTransfer?.(readingOf(hostType))).toEqual({
      bandwidthBytesPerSecond: 2e11 * 0.85,
      latencySeconds: 1e-7,
      energyJoulesPerBit: 2e-11,
    });
    const reading = readingOf(hostType, { dramAchievableBandwidthFraction: 0.5, dramLatencySeconds: 3e-7 });
    expect(host.internalTransfer?.(reading)).toMatchObject({
      bandwidthBytesPerSecond: 2e11 * 0.5,
      latencySeconds: 3e-7,
    });
  });

  it('charges a route ending in it the DRAM latency once, as the level’s, not again as a hop', () => {
    expect(host.transfer(readingOf(hostType))).toEqual({
      bandwidthBytesPerSecond: 2e11 * 0.85,
      latencySeconds: 0,
      energyJoulesPerBit: 2e-11,
    });
  });
});

describe('host: in a design', () => {
  it('alone, is both the unit and the level, served at its internal bandwidth', () => {
    const machine = resolve(testDesign({ host: { type: 'test.host' } }, []), catalog);
    const path = machine.chip.paths[0]?.[0];
    expect(machine.chip.units.map((unit) => unit.id)).toEqual(['host']);
    expect(machine.chip.levels.map((level) => level.id)).toEqual(['host']);
    expect(path?.bandwidthBytesPerSecond).toBeCloseTo(2e11 * 0.85, 0);
    expect(path?.latencySeconds).toBe(1e-7);
  });

  it('outside the chips, shares its DRAM among them and runs none of the workload', () => {
    // Two chips, each reaching the host over a 100 GB/s link: the host's 170 GB/s sustained is 85 GB/s a chip.
    const machine = resolve(
      testDesign(
        {
          tile: { type: 'test.array' },
          hbm: { type: 'test.dram' },
          pcie: { type: 'test.link', params: { bandwidthBytesPerSecond: 1e11 } },
          host: { type: 'test.host' },
        },
        [
          ['tile', 'hbm'],
          ['tile', 'pcie'],
          ['pcie', 'host'],
        ],
        [{ id: 'chip', name: 'Chip', kind: 'chip', count: 2, blocks: ['tile', 'hbm', 'pcie'] }],
      ),
      catalog,
    );
    const { chip } = machine;
    const hostLevel = chip.levels.findIndex((level) => level.id === 'host');
    expect(chip.units.map((unit) => unit.id)).toEqual(['tile']);
    expect(chip.levels[hostLevel]).toMatchObject({ shared: true, capacityBytes: 512e9 / 2 });
    expect(chip.paths[0]?.[hostLevel]).toMatchObject({ limitedBy: 'host', latencySeconds: 1e-7 });
    expect(chip.paths[0]?.[hostLevel]?.bandwidthBytesPerSecond).toBeCloseTo((2e11 * 0.85) / 2, 0);
    expect(machine.systemStaticWatts).toBe(150);
  });
});
