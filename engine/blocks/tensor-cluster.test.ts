import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BlockType } from '../schema/block-type';
import { readingOf, unitOf } from '../testing/block-readings';
import { testBlockTypes } from '../testing/fixtures';
import { tensorCluster, tileUtilization } from './tensor-cluster';

const smType = testBlockTypes.find((type) => type.id === 'test.sm') as BlockType;

/** `sms` SMs with output tiles of 128 × 128, or 64 × 128 for short M (the fixture's defaults). */
const cluster = (sms: number) => unitOf(tensorCluster, readingOf(smType), sms);

describe('tensor-cluster: peak rates', () => {
  it('does the stated BF16 MACs per cycle per SM and tiles by the stated tile sizes', () => {
    const unit = unitOf(tensorCluster, readingOf(smType, { bf16MacsPerCycle: 512, fp8Rate: 2 }));
    expect(unit.macsPerCycle.bf16).toBe(512);
    expect(unit.macsPerCycle.fp8).toBe(1024);
    expect(unit.geometry).toEqual({ kind: 'tiles', tileM: 128, tileN: 128, minTileM: 64 });
  });
});

describe('tensor-cluster: how a GEMM fills the SMs', () => {
  it('fills them completely with whole tiles', () => {
    expect(tileUtilization(cluster(100), { m: 4096, k: 4096, n: 4096, batch: 1 })).toBe(1);
  });

  it('loses the padding of partial tiles, but not a partial last wave (stream-K)', () => {
    // M = 200 needs 2 rows of 128-row tiles (256 rows); 2 × 8 = 16 tiles on 10 SMs is 1.6 waves, which stream-K
    // spreads evenly.
    expect(tileUtilization(cluster(10), { m: 200, k: 4096, n: 1024, batch: 1 })).toBeCloseTo(200 / 256, 12);
  });

  it('uses the smallest tile height that holds a short M', () => {
    // M = 8 and M = 64 fit a 64-row tile; M = 96 needs 128 rows.
    const shape = (m: number) => ({ m, k: 4096, n: 128 * 100, batch: 1 });
    expect(tileUtilization(cluster(100), shape(8))).toBeCloseTo(8 / 64, 12);
    expect(tileUtilization(cluster(100), shape(64))).toBeCloseTo(1, 12);
    expect(tileUtilization(cluster(100), shape(96))).toBeCloseTo(96 / 128, 12);
  });

  it('splits K over idle SMs when the output has fewer tiles than SMs', () => {
    // M = 8, N = 512: 4 output tiles on 100 SMs. K = 4096 splits 25 ways (64 chunks possible): all 100 SMs busy.
    expect(tileUtilization(cluster(100), { m: 8, k: 4096, n: 512, batch: 1 })).toBeCloseTo(8 / 64, 12);
  });

  it('splits K no finer than 64 elements a chunk', () => {
    // K = 128 splits 2 ways at most: 4 tiles × 2 = 8 of 100 SMs busy.
    expect(tileUtilization(cluster(100), { m: 8, k: 128, n: 512, batch: 1 })).toBeCloseTo(
      (8 / 64) * (8 / 100),
      12,
    );
  });

  it('stays between 0 and 1 for any shape', () => {
    const dimension = fc.integer({ min: 1, max: 20_000 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        dimension,
        dimension,
        dimension,
        fc.integer({ min: 1, max: 64 }),
        (sms, m, k, n, batch) => {
          const utilization = tileUtilization(cluster(sms), { m, k, n, batch });
          expect(utilization).toBeGreaterThan(0);
          expect(utilization).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('is what the cost stage asks the model for', () => {
    const unit = cluster(100);
    const shape = { m: 8, k: 128, n: 512, batch: 1 };
    expect(tensorCluster.shapeUtilization?.(unit, shape)).toBe(tileUtilization(unit, shape));
  });
});
