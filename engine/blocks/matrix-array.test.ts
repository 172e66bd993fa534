import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BlockType } from '../schema/block-type';
import { readingOf, unitOf } from '../testing/block-readings';
import { testBlockTypes } from '../testing/fixtures';
import { arrayUtilization, matrixArray } from './matrix-array';

const arrayType = testBlockTypes.find((type) => type.id === 'test.array') as BlockType;

/** `instances` arrays of `rows` × `cols` MACs. */
function array(rows = 128, cols = 128, instances = 1) {
  return unitOf(matrixArray, readingOf(arrayType, { rows, cols }), instances);
}

describe('matrix-array: peak rates', () => {
  it('does rows × cols BF16 MACs per cycle, and the type’s multiple of that in narrower formats', () => {
    const unit = unitOf(matrixArray, readingOf(arrayType, { rows: 64, cols: 32, fp8Rate: 2, int4Rate: 0 }));
    expect(unit.macsPerCycle.bf16).toBe(64 * 32);
    expect(unit.macsPerCycle.fp8).toBe(64 * 32 * 2);
    expect(unit.macsPerCycle.int4).toBe(0);
    expect(unit.geometry).toEqual({ kind: 'array', rows: 64, cols: 32 });
  });
});

describe('matrix-array: how a GEMM fills it (weight-stationary)', () => {
  it('loses only the pipeline fill on a GEMM that fills the array and streams long', () => {
    // K = N = 256: 4 weight tiles of 128 × 128, each streaming M = 4096 rows; one fill of rows + cols cycles.
    const utilization = arrayUtilization(array(), { m: 4096, k: 256, n: 256, batch: 1 });
    expect(utilization).toBeCloseTo((4 * 4096) / (4 * 4096 + 128 + 128), 12);
  });

  it('spends rows cycles on each tile of a decode GEMV, whatever the one row it streams', () => {
    // M = 1: every one of the 16 tiles of a 512 × 512 matrix takes 128 cycles to load for 1 cycle of work.
    const utilization = arrayUtilization(array(), { m: 1, k: 512, n: 512, batch: 1 });
    expect(utilization).toBeCloseTo((16 * 1) / (16 * 128 + 128 + 128), 12);
  });

  it('wastes the cells a partial tile leaves empty', () => {
    // K = 200 on 128 rows (2 tiles, 200 of 256 rows used); N = 100 on 128 columns (1 tile, 100 used).
    const utilization = arrayUtilization(array(), { m: 10_000, k: 200, n: 100, batch: 1 });
    const streaming = (2 * 10_000) / (2 * 10_000 + 128 + 128);
    expect(utilization).toBeCloseTo((200 / 256) * (100 / 128) * streaming, 12);
  });

  it('runs tiles in waves over the instances, losing the empty part of the last wave', () => {
    // 2 × 3 = 6 tiles on 4 arrays: 2 waves of 4 slots, 6 used.
    const utilization = arrayUtilization(array(128, 128, 4), { m: 1024, k: 256, n: 384, batch: 1 });
    const streaming = (2 * 1024) / (2 * 1024 + 128 + 128);
    expect(utilization).toBeCloseTo(streaming * (6 / 8), 12);
  });

  it('is the useful MACs over the MACs the arrays could do in the cycles the GEMM takes', () => {
    const dimension = fc.integer({ min: 1, max: 5000 });
    fc.assert(
      fc.property(
        fc.record({
          rows: fc.integer({ min: 1, max: 256 }),
          cols: fc.integer({ min: 1, max: 256 }),
          instances: fc.integer({ min: 1, max: 64 }),
          m: dimension,
          k: dimension,
          n: dimension,
          batch: fc.integer({ min: 1, max: 16 }),
        }),
        ({ rows, cols, instances, m, k, n, batch }) => {
          const tiles = Math.ceil(k / rows) * Math.ceil(n / cols) * batch;
          const waves = Math.ceil(tiles / instances);
          // Each wave: every array holds one weight tile for max(M, rows) cycles; the pipeline fills once.
          const cycles = waves * Math.max(m, rows) + rows + cols;
          const utilization = arrayUtilization(array(rows, cols, instances), { m, k, n, batch });
          expect(utilization).toBeCloseTo((m * k * n * batch) / (instances * rows * cols * cycles), 12);
          expect(utilization).toBeGreaterThan(0);
          expect(utilization).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('is what the cost stage asks the model for', () => {
    const unit = array();
    const shape = { m: 1, k: 512, n: 512, batch: 1 };
    expect(matrixArray.shapeUtilization?.(unit, shape)).toBe(arrayUtilization(unit, shape));
  });

  it('fills a unit of another geometry fully (it answers only for arrays)', () => {
    const unit = { ...array(), geometry: { kind: 'simd' as const } };
    expect(arrayUtilization(unit, { m: 1, k: 7, n: 7, batch: 1 })).toBe(1);
  });
});
