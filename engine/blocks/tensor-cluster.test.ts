import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BlockType } from '../schema/block-type';
import { readingOf, unitOf } from '../testing/block-readings';
import { testBlockTypes } from '../testing/fixtures';
import { mainLoopShare, tensorCluster, tileUtilization, waves } from './tensor-cluster';

const smType = testBlockTypes.find((type) => type.id === 'test.sm') as BlockType;

/** `sms` SMs with output tiles of 128 × 128, or 64 × 128 for short M (the fixture's defaults). */
const cluster = (sms: number) => unitOf(tensorCluster, readingOf(smType), sms);

describe('tensor-cluster: peak rates', () => {
  it('does the stated BF16 MACs per cycle per SM and tiles by the stated tile sizes', () => {
    const unit = unitOf(tensorCluster, readingOf(smType, { bf16MacsPerCycle: 512, fp8Rate: 2 }));
    expect(unit.macsPerCycle.bf16).toBe(512);
    expect(unit.macsPerCycle.fp8).toBe(1024);
    expect(unit.geometry).toEqual({ kind: 'tiles', tileM: 128, tileN: 128, minTileM: 64, prologueK: 0 });
  });
});

describe('tensor-cluster: how a GEMM fills the SMs', () => {
  it('fills them completely with whole tiles in whole waves', () => {
    // 32 × 25 = 800 tiles of 128 × 128: exactly 8 waves over 100 SMs.
    expect(tileUtilization(cluster(100), { m: 4096, k: 4096, n: 3200, batch: 1 })).toBe(1);
  });

  it('loses the padding of partial tiles and the idle SMs of a partial last wave', () => {
    // M = 200 needs 2 rows of 128-row tiles (256 rows); 2 × 8 = 16 tiles on 10 SMs run in 2 waves of 10 slots.
    expect(tileUtilization(cluster(10), { m: 200, k: 4096, n: 1024, batch: 1 })).toBeCloseTo(
      (200 / 256) * (16 / 20),
      12,
    );
  });

  it('takes two waves for one tile more than there are SMs (wave quantization)', () => {
    const sms = 100;
    // N = 128 · (SMs + 1) with M = 128: SMs + 1 whole tiles. One wave holds SMs tiles, so the last tile runs alone
    // in a second wave: the GEMM takes the time of 2 waves for the work of 101 tiles.
    const tiles = sms + 1;
    expect(waves(tiles, sms)).toBe(2);
    const shape = { m: 128, k: 4096, n: 128 * tiles, batch: 1 };
    expect(tileUtilization(cluster(sms), shape)).toBeCloseTo(tiles / (2 * sms), 12);
    // Exactly SMs tiles fill one wave.
    expect(tileUtilization(cluster(sms), { ...shape, n: 128 * sms })).toBeCloseTo(1, 12);
  });

  it('pays a prologue per tile: a short K loop spends a larger share outside its main loop', () => {
    const prologue = 512;
    const unit = unitOf(tensorCluster, readingOf(smType, { prologueK: prologue }), 100);
    // 100 whole tiles (one wave); the main loop is K / (K + prologue) of each tile's time.
    for (const k of [256, 4096, 16384]) {
      const shape = { m: 128, k, n: 128 * 100, batch: 1 };
      expect(tileUtilization(unit, shape)).toBeCloseTo(k / (k + prologue), 12);
      expect(mainLoopShare(k, prologue)).toBeCloseTo(k / (k + prologue), 12);
    }
  });

  it('loops fused attention over the context: output tiles are query rows × head dim', () => {
    const unit = unitOf(tensorCluster, readingOf(smType, { prologueK: 512 }), 100);
    // 2048 queries of 64 sequence-heads: 16 tiles of 128 rows each, 1024 tiles in 11 waves over 100 SMs; each
    // loops over 1024 keys (N), not over the 128-element head dim (K).
    const shape = { m: 2048, k: 128, n: 1024, batch: 64, loop: 'n' as const };
    expect(tileUtilization(unit, shape)).toBeCloseTo((1024 / (11 * 100)) * (1024 / (1024 + 512)), 12);
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
