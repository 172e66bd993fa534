import { describe, expect, it } from 'vitest';
import type { BlockType } from '../schema/block-type';
import { readingOf } from '../testing/block-readings';
import { testBlockTypes } from '../testing/fixtures';
import { fabric } from './fabric';

const fabricType = testBlockTypes.find((type) => type.id === 'test.fabric') as BlockType;

describe('fabric: a NoC, bus, link or switch', () => {
  it('carries bytes at its peak bandwidth times the achievable fraction, with its latency and energy', () => {
    const reading = readingOf(fabricType, {
      bandwidthBytesPerSecond: 9e11,
      achievableBandwidthFraction: 0.7,
      latencySeconds: 1e-6,
      energyJoulesPerBit: 1.3e-12,
    });
    expect(fabric.transfer(reading)).toEqual({
      bandwidthBytesPerSecond: 9e11 * 0.7,
      latencySeconds: 1e-6,
      energyJoulesPerBit: 1.3e-12,
    });
  });

  it('is crossed on the way to memory and carries chip-to-chip traffic outside the chips', () => {
    expect(fabric).toMatchObject({ crossable: true, chipFabric: true, hostsWorkload: false });
    expect('compute' in fabric).toBe(false);
    expect('memory' in fabric).toBe(false);
  });

  it('leaks on the core supply', () => {
    expect(fabric.staticPower(readingOf(fabricType, { staticPowerWatts: 3 }))).toEqual({
      watts: 3,
      scalesWithVoltage: true,
    });
  });
});
