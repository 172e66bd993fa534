import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate';
import { defaultWorkload } from '../schema/workload';
import { testCatalog, testDesign, testGroupedDesign } from '../testing/fixtures';
import { designFigures } from './design';
import { roofs } from './roofline';

const catalog = testCatalog();

describe('designFigures', () => {
  it('adds up the whole system: every unit of a chip, times the chips', () => {
    // testGroupedDesign: 16 tiles of 128 × 128 MACs at 1 GHz per chip, 4 chips, each with a DRAM of
    // 64 GiB at 1 TB/s (the fixture's defaults) behind an SRAM.
    const figures = designFigures(testGroupedDesign(), catalog);
    expect(figures).toEqual({
      chips: 4,
      peakDenseBf16FlopsPerSecond: 2 * 128 * 128 * 16 * 1e9 * 4,
      memoryBandwidthBytesPerSecond: 1e12 * 4,
      memoryCapacityBytes: 64 * 2 ** 30 * 4,
      powerWatts: undefined,
    });
  });

  it("adds a chip's two kinds of unit, where the roofline takes the faster one", () => {
    const design = testDesign(
      {
        tile: { type: 'test.array' },
        sm: { type: 'test.sm', params: { bf16MacsPerCycle: 4096, clockHertz: 2e9 } },
        dram: { type: 'test.dram' },
      },
      [
        ['tile', 'dram'],
        ['sm', 'dram'],
      ],
    );
    const arrayPeak = 2 * 128 * 128 * 1e9;
    const smPeak = 2 * 4096 * 2e9;
    expect(designFigures(design, catalog).peakDenseBf16FlopsPerSecond).toBe(arrayPeak + smPeak);
    const result = evaluate({ design, workload: defaultWorkload('toy') }, catalog);
    if (!result.ok) throw new Error('the design does not evaluate');
    expect(roofs(result.report).compute[0]?.flopsPerSecond).toBe(Math.max(arrayPeak, smPeak));
  });
});
