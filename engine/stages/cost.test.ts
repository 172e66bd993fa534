import { describe, expect, it } from 'vitest';
import type { ComputeUnit } from '../machine';
import type { Operator } from '../operators';
import { resolve } from './resolve';
import { testCatalog, testDesign } from '../testing/fixtures';
import { costOperator, shapeUtilization, type CostContext } from './cost';

const catalog = testCatalog();

function gemmOperator(m: number, k: number, n: number, bytesPerElement = 2): Operator {
  return {
    id: 'gemm',
    name: 'GEMM',
    kind: 'matmul',
    part: 'ffn',
    repeat: 1,
    gemm: { m, k, n, batch: 1 },
    macs: m * k * n,
    vectorOps: 0,
    bytes: { weights: k * n * bytesPerElement, kv: 0, activations: (m * k + m * n) * bytesPerElement },
    computeClass: 'bf16',
    elementBytes: bytesPerElement,
    sparse: false,
    collective: undefined,
  };
}

/** One 128×128 tile at 1 GHz with a DRAM of the given bandwidth, all tensors in DRAM. */
function oneTile(dramBandwidth: number, tileParams: Record<string, number> = {}): CostContext {
  const design = testDesign(
    {
      tile: { type: 'test.array', params: tileParams },
      dram: { type: 'test.dram', params: { bandwidthBytesPerSecond: dramBandwidth, capacityBytes: 2 ** 40 } },
    },
    [['tile', 'dram']],
  );
  const machine = resolve(design, catalog);
  const everything = [{ levelIndex: 0, fraction: 1 }];
  return {
    chip: machine.chip,
    network: undefined,
    placement: { weights: everything, kv: everything, activations: everything },
    dramBandwidthScale: 1,
    sparseWeights: false,
  };
}

describe('shapeUtilization', () => {
  it('charges a systolic array for partial tiles and for filling the pipeline', () => {
    const unit = oneTile(1e12).chip.units[0] as ComputeUnit;
    // K = 200 on 128 rows: two weight tiles, 200 of 256 cells used; N = 128 fills the columns. Each tile streams
    // M = 1000 rows (longer than its 128-cycle load), and the pipeline fills once: 2 × 1000 / (2 × 1000 + 128 + 128).
    const expected = (200 / 256) * 1 * ((2 * 1000) / (2 * 1000 + 256));
    expect(shapeUtilization(unit, { m: 1000, k: 200, n: 128, batch: 1 })).toBeCloseTo(expected, 12);
  });

  it('charges GPU SMs for partial tiles and a partial last wave, and splits K when tiles are few', () => {
    const design = testDesign(
      { sm: { type: 'test.sm' }, dram: { type: 'test.dram' } },
      [['sm', 'dram']],
      [{ id: 'sms', name: 'SMs', kind: 'cluster', count: 100, blocks: ['sm'] }],
    );
    const unit = resolve(design, catalog).chip.units[0] as ComputeUnit;
    // 1300 × 1408 output = 11 × 11 = 121 tiles of 128 × 128 on 100 SMs: the padding of the last row of tiles
    // (1300 of 1408 rows) is lost, and the 121 tiles take 2 waves of 100 slots.
    expect(shapeUtilization(unit, { m: 1300, k: 4096, n: 1408, batch: 1 })).toBeCloseTo(
      ((1300 * 1408) / (121 * 128 * 128)) * (121 / 200),
      12,
    );
    // M = 8 (decode) uses 8 of the 64 rows of the smallest tile; 4096 / 128 = 32 output tiles fill 32 SMs, split-K ×3 fills 96 of 100.
    expect(shapeUtilization(unit, { m: 8, k: 4096, n: 4096, batch: 1 })).toBeCloseTo(
      (8 / 64) * (96 / 100),
      12,
    );
  });
});

describe('costOperator', () => {
  it('prices a large GEMM on one tile by its MACs, the array fill and the efficiency', () => {
    const context = oneTile(1e15, { computeEfficiency: 0.8 });
    const cost = costOperator(gemmOperator(1024, 1024, 1024), 0, context);
    // 1024³ MACs at 128 × 128 MACs per cycle × 1 GHz × 0.8 efficiency; 64 weight tiles of 1024 streamed rows
    // each, plus one pipeline fill of 256 cycles.
    const streaming = (64 * 1024) / (64 * 1024 + 256);
    const expected = 1024 ** 3 / (128 * 128 * 1e9 * 0.8 * streaming);
    expect(cost.computeSeconds).toBeCloseTo(expected, 15);
    expect(cost.memorySeconds).toBeLessThan(cost.computeSeconds);
  });

  it('prices a decode GEMV by its bytes over the bandwidth', () => {
    // 100 GB/s: slower than the 256 B/cycle at which one 128 × 128 BF16 tile can load weights at 1 GHz.
    const bandwidth = 1e11;
    const context = oneTile(bandwidth);
    const operator = gemmOperator(1, 4096, 4096);
    const cost = costOperator(operator, 0, context);
    const bytes = (4096 * 4096 + 4096 + 4096) * 2;
    expect(cost.memorySeconds).toBeCloseTo(bytes / bandwidth, 15);
    expect(cost.memorySeconds).toBeGreaterThan(cost.computeSeconds);
  });

  it('re-reads operands that do not fit the staging buffer (Hong–Kung bound)', () => {
    // A 4096³ GEMM with a 64 KiB buffer: traffic ≥ 2·M·N·K·2 B / √(64 KiB / 2 B) — far above the 96 MiB of compulsory traffic.
    const context = oneTile(1e12, { localBufferBytes: 65536 });
    const cost = costOperator(gemmOperator(4096, 4096, 4096), 0, context);
    const bound = (2 * 4096 ** 3 * 2) / Math.sqrt(65536 / 2);
    expect(cost.bytesByLevel[0]).toBeCloseTo(bound, 0);
  });

  it('is limited by weight loading when one tile cannot keep up with a fast memory', () => {
    // At 1 TB/s a GEMV delivers 1000 B/cycle but the tile loads 128 × 128 × 2 B per 128 cycles = 256 B/cycle.
    const cost = costOperator(gemmOperator(1, 4096, 4096), 0, oneTile(1e12));
    const tiles = 32 * 32;
    expect(cost.computeSeconds).toBeCloseTo((tiles * 128 + 256) / 1e9, 12);
    expect(cost.computeSeconds).toBeGreaterThan(cost.memorySeconds);
  });

  it('counts energy as MACs × energy per MAC plus bits moved × energy per bit', () => {
    const context = oneTile(1e12);
    const operator = gemmOperator(1, 512, 512);
    const cost = costOperator(operator, 0, context);
    expect(cost.computeJoules).toBeCloseTo(512 * 512 * 1e-12, 20);
    const bytes = (512 * 512 + 512 + 512) * 2;
    expect(cost.transferJoules).toBeCloseTo(bytes * 8 * 1e-12, 20);
  });
});
