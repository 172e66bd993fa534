import { describe, expect, it } from 'vitest';
import { storageBytes } from '../machine';
import type { BlockType } from '../schema/block-type';
import { resolve } from '../stages/resolve';
import { readingOf } from '../testing/block-readings';
import { testBlockTypes, testCatalog, testDesign } from '../testing/fixtures';
import { memory } from './memory';

const typeOf = (id: string) => testBlockTypes.find((type) => type.id === id) as BlockType;
const sramType = typeOf('test.sram');
const dramType = typeOf('test.dram');

const hbm = {
  capacityBytes: 80e9,
  bandwidthBytesPerSecond: 3.35e12,
  achievableBandwidthFraction: 0.8,
  latencySeconds: 5e-7,
  energyJoulesPerBit: 3.9e-12,
  staticPowerWatts: 25,
};

describe('memory: a storage or staging level', () => {
  it('holds its capacity and states its peak bandwidth, latency and read energy', () => {
    expect(memory.memory?.(readingOf(dramType, hbm, 'HBM3'))).toEqual({
      name: 'HBM3',
      usage: 'storage',
      capacityBytes: 80e9,
      bandwidthBytesPerSecond: 3.35e12,
      achievableBandwidthFraction: 0.8,
      latencySeconds: 5e-7,
      energyJoulesPerBit: 3.9e-12,
      dram: true,
    });
  });

  it('passes bytes at its sustained bandwidth: the peak times the achievable fraction', () => {
    expect(memory.transfer(readingOf(dramType, hbm))).toEqual({
      bandwidthBytesPerSecond: 3.35e12 * 0.8,
      latencySeconds: 5e-7,
      energyJoulesPerBit: 3.9e-12,
    });
  });

  it('stages a GEMM’s tiles on the way to a level behind it, up to its capacity', () => {
    expect(memory.onPath?.(readingOf(sramType, { capacityBytes: 50e6 }))).toEqual({ stagingBytes: 50e6 });
  });

  it('is a cache or storage as the block says; a cache is no room for tensors', () => {
    expect(memory.memory?.(readingOf(sramType, { usage: 'cache' })).usage).toBe('cache');
    const chip = resolve(
      testDesign(
        {
          tile: { type: 'test.array' },
          l2: { type: 'test.sram', params: { usage: 'cache', capacityBytes: 50e6 } },
          dram: { type: 'test.dram', params: { capacityBytes: 16e9 } },
        },
        [
          ['tile', 'l2'],
          ['l2', 'dram'],
        ],
      ),
      testCatalog(),
    ).chip;
    expect(storageBytes(chip, 0)).toBe(16e9);
  });
});

describe('memory: static power and the dram trait', () => {
  it('leaks on the core supply when on the chip, so its static power follows the voltage', () => {
    expect(memory.staticPower(readingOf(sramType, { staticPowerWatts: 2 }))).toEqual({
      watts: 2,
      scalesWithVoltage: true,
    });
  });

  it('draws DRAM refresh and PHY power on its own supply, not scaled with the core voltage', () => {
    expect(memory.staticPower(readingOf(dramType, { staticPowerWatts: 5 }))).toEqual({
      watts: 5,
      scalesWithVoltage: false,
    });
    expect(memory.memory?.(readingOf(dramType)).dram).toBe(true);
    expect(memory.memory?.(readingOf(sramType)).dram).toBe(false);
  });

  it('splits a chip’s static power into what follows the voltage and what does not', () => {
    const { power, blockStaticWatts } = resolve(
      testDesign(
        {
          tile: { type: 'test.array', params: { staticPowerWatts: 1 } },
          sram: { type: 'test.sram', params: { staticPowerWatts: 2 } },
          dram: { type: 'test.dram', params: { staticPowerWatts: 5 } },
        },
        [
          ['tile', 'sram'],
          ['sram', 'dram'],
        ],
        [{ id: 'banks', name: 'Banks', kind: 'cluster', count: 4, blocks: ['sram'] }],
      ),
      testCatalog(),
    ).chip;
    // The tile and 4 SRAM banks leak on the core supply; the DRAM does not.
    expect(power.staticScaledWatts).toBe(1 + 4 * 2);
    expect(power.staticFixedWatts).toBe(5);
    expect(blockStaticWatts).toEqual({ tile: 1, sram: 8, dram: 5 });
  });
});
