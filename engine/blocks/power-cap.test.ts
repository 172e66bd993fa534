import { describe, expect, it } from 'vitest';
import type { DesignDocument } from '../schema/design';
import { resolve } from '../stages/resolve';
import { blockTypeOf, readingOf } from '../testing/block-readings';
import { testCatalog, testDesign } from '../testing/fixtures';
import { powerCap } from './power-cap';

/** Four chips of a tile and a DRAM; the caps named are placed inside each chip or outside every chip. */
function capped(caps: { inside?: number; outside?: number }): DesignDocument {
  const blocks: Record<string, { type: string; params?: Record<string, number> }> = {
    tile: { type: 'test.array' },
    dram: { type: 'test.dram' },
  };
  const chipBlocks = ['tile', 'dram'];
  if (caps.inside !== undefined) {
    blocks.chipCap = { type: 'test.cap', params: { capWatts: caps.inside } };
    chipBlocks.push('chipCap');
  }
  if (caps.outside !== undefined) blocks.rackCap = { type: 'test.cap', params: { capWatts: caps.outside } };
  return testDesign(
    blocks,
    [['tile', 'dram']],
    [{ id: 'chip', name: 'Chip', kind: 'chip', count: 4, blocks: chipBlocks }],
  );
}

const capOf = (design: DesignDocument) => resolve(design, testCatalog()).chip.power.capWatts;

describe('power-cap', () => {
  it('sets the average-power limit it states', () => {
    const type = blockTypeOf('test.cap-only', 'power-cap', { capWatts: 700 }, { category: 'power' });
    expect(powerCap.capWatts?.(readingOf(type))).toBe(700);
    expect(powerCap.capWatts?.(readingOf(type, { capWatts: 350 }))).toBe(350);
    expect(powerCap.power).toBe('cap');
  });

  it('inside a chip, limits each chip', () => {
    expect(capOf(capped({ inside: 300 }))).toBe(300);
  });

  it('outside every chip, is shared by the chips', () => {
    expect(capOf(capped({ outside: 1000 }))).toBe(1000 / 4);
  });

  it('with both, the tighter one limits', () => {
    expect(capOf(capped({ inside: 300, outside: 1000 }))).toBe(250);
    expect(capOf(capped({ inside: 200, outside: 1000 }))).toBe(200);
  });

  it('leaves a chip without a cap unlimited', () => {
    expect(capOf(capped({}))).toBeUndefined();
  });
});
