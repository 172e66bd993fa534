import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate';
import type { Report } from '../report';
import type { DesignDocument } from '../schema/design';
import { defaultWorkload, type Workload } from '../schema/workload';
import { testCatalog, testDesign } from '../testing/fixtures';
import {
  decades,
  ridgeIntensity,
  roofLines,
  rooflinePoints,
  rooflineWindow,
  roofs,
  type Roofs,
} from './roofline';

const catalog = testCatalog();

function simulate(design: DesignDocument, workload: Partial<Workload> = {}): Report {
  const result = evaluate(
    { design, workload: { ...defaultWorkload('toy'), batch: 4, ...workload } },
    catalog,
  );
  if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.report;
}

/**
 * 16 systolic tiles (128 × 128 MACs at the fixture's 1 GHz), a small fast SRAM (8 MiB at the fixture's
 * 10 TB/s) and a large DRAM at 1 TB/s: the 31 MiB of weights do not fit the SRAM, so it holds only
 * activations and the weights stream from DRAM.
 */
function tilesWithSram(sram: Record<string, string | number> = {}): DesignDocument {
  return testDesign(
    {
      tile: { type: 'test.array' },
      sram: { type: 'test.sram', params: { capacityBytes: 8 * 2 ** 20, ...sram } },
      dram: { type: 'test.dram', params: { bandwidthBytesPerSecond: 1e12 } },
    },
    [
      ['tile', 'sram'],
      ['tile', 'dram'],
    ],
    [{ id: 'tiles', name: 'Tiles', kind: 'cluster', count: 16, blocks: ['tile'] }],
  );
}

// 2 FLOP per MAC × 128 × 128 MACs per cycle × 16 tiles × 1 GHz.
const tilesBf16 = 2 * 128 * 128 * 16 * 1e9;

describe('roofs', () => {
  const report = simulate(tilesWithSram());
  const roof = roofs(report);

  it('has one bandwidth roof per storage level, fastest first, and takes the level holding weights as main', () => {
    const sram = report.memory.levels.find((level) => level.levelId === 'sram');
    const dram = report.memory.levels.find((level) => level.levelId === 'dram');
    // The premise: the SRAM is faster but holds no weights.
    expect(sram?.used.weights).toBe(0);
    expect(dram?.used.weights).toBeGreaterThan(0);
    expect(roof.memory).toEqual([
      { levelId: 'sram', name: 'sram', bandwidthBytesPerSecond: 1e13 },
      { levelId: 'dram', name: 'dram', bandwidthBytesPerSecond: 1e12 },
    ]);
    expect(roof.main).toBe(roof.memory[1]);
  });

  it("puts the BF16 roof at the fastest unit's peak and the ridge at peak ÷ main bandwidth", () => {
    expect(roof.compute).toEqual([
      {
        label: 'BF16 peak',
        computeClass: 'bf16',
        flopsPerSecond: tilesBf16,
        ridgeIntensity: tilesBf16 / 1e12,
      },
    ]);
    expect(ridgeIntensity(tilesBf16, 1e12)).toBe(524.288);
    expect(ridgeIntensity(tilesBf16, 0)).toBe(0);
  });

  it("adds the workload's arithmetic when it is not BF16", () => {
    const fp8 = roofs(simulate(tilesWithSram(), { weights: 'fp8', activations: 'fp8', kv: 'fp8' }));
    // The fixture's arrays do FP8 at twice the BF16 rate.
    expect(fp8.compute.map((compute) => [compute.label, compute.flopsPerSecond])).toEqual([
      ['BF16 peak', tilesBf16],
      ['FP8 peak', 2 * tilesBf16],
    ]);
    expect(fp8.compute[1]?.ridgeIntensity).toBe((2 * tilesBf16) / (fp8.main?.bandwidthBytesPerSecond ?? 0));
  });

  it('takes the fastest unit, not the sum, when a chip has two kinds of compute unit', () => {
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
    expect(arrayPeak).toBeGreaterThan(smPeak);
    const compute = roofs(simulate(design)).compute;
    expect(compute.map((roof) => roof.flopsPerSecond)).toEqual([arrayPeak]);
  });

  it('draws no roof for a cache: no tensor streams from it', () => {
    const cached = roofs(simulate(tilesWithSram({ usage: 'cache' })));
    expect(cached.memory.map((memory) => memory.levelId)).toEqual(['dram']);
    expect(cached.main?.levelId).toBe('dram');
  });

  /** The report with the weights held as given, by level id (bytes). */
  function holding(weights: Record<string, number>): Report {
    return {
      ...report,
      memory: {
        ...report.memory,
        levels: report.memory.levels.map((level) => ({
          ...level,
          used: { ...level.used, weights: weights[level.levelId] ?? 0 },
        })),
      },
    };
  }

  it('takes as main the level whose share of the weights takes longest to read when they are split', () => {
    // 10 MiB at 10 TB/s is read in 1.05 µs, 21 MiB at 1 TB/s in 22 µs: a GEMM waits for the DRAM.
    expect(roofs(holding({ sram: 10 * 2 ** 20, dram: 21 * 2 ** 20 })).main?.levelId).toBe('dram');
    // 30 MiB at 10 TB/s takes 3.1 µs, 0.5 MiB at 1 TB/s 0.52 µs: the SRAM.
    expect(roofs(holding({ sram: 30 * 2 ** 20, dram: 2 ** 19 })).main?.levelId).toBe('sram');
  });

  it('takes the fastest storage level as main when no level holds weights', () => {
    expect(roofs(holding({})).main?.levelId).toBe('sram');
  });
});

describe('rooflinePoints', () => {
  it('places every operator with arithmetic at FLOP ÷ bytes and its achieved FLOP/s, and leaves out the rest', () => {
    const report = simulate(tilesWithSram());
    const points = rooflinePoints(report.prefill);
    const withArithmetic = report.prefill.operators.filter((operator) => operator.flops > 0);
    expect(withArithmetic.length).toBeLessThan(report.prefill.operators.length);
    expect(points.map((point) => point.operator)).toEqual(withArithmetic);
    for (const point of points) {
      const { bytes, flops } = point.operator;
      expect(point.intensity).toBeCloseTo(flops / (bytes.weights + bytes.kv + bytes.activations), 9);
      expect(point.flopsPerSecond).toBe(point.operator.achievedFlopsPerSecond);
    }
  });
});

describe('the roofline window and lines', () => {
  it('rounds to whole decades around the values, and has a default without any', () => {
    expect(decades([0.3, 42, 0, Number.NaN])).toEqual([0.1, 100]);
    expect(decades([1000])).toEqual([1000, 10000]);
    expect(decades([0, -1])).toBeUndefined();
    const empty: Roofs = { memory: [], main: undefined, compute: [] };
    expect(rooflineWindow([], empty)).toEqual({ xMin: 0.1, xMax: 1000, yMin: 1e9, yMax: 1e15 });
  });

  /** Roofs written out by hand: 1 PFLOP/s over a 2 TB/s main memory, a 10 TB/s SRAM and a 20 GB/s host. */
  const peak = 1e15;
  const sram = { levelId: 'sram', name: 'SRAM', bandwidthBytesPerSecond: 1e13 };
  const hbm = { levelId: 'hbm', name: 'HBM', bandwidthBytesPerSecond: 2e12 };
  const host = { levelId: 'host', name: 'Host', bandwidthBytesPerSecond: 2e10 };
  const roof: Roofs = {
    memory: [sram, hbm, host],
    main: hbm,
    compute: [
      { label: 'BF16 peak', computeClass: 'bf16', flopsPerSecond: peak, ridgeIntensity: peak / 2e12 },
    ],
  };
  const window = { xMin: 1, xMax: 1e4, yMin: 1e11, yMax: 1e16 };
  const lines = roofLines(roof, window);

  it('covers the ridge with the main memory roof and where that roof enters at the left edge', () => {
    const point = { operator: undefined as never, intensity: 3, flopsPerSecond: 5e12 };
    // Ridge 500 FLOP/B → up to 1,000; the HBM roof enters at 1 FLOP/B × 2 TB/s = 2 TFLOP/s.
    expect(rooflineWindow([point], roof)).toEqual({ xMin: 1, xMax: 1000, yMin: 1e12, yMax: 1e15 });
  });

  it('runs the main memory roof from the left edge up to the ridge, and the compute roof on to the right edge', () => {
    const main = lines.memory.find((line) => line.main);
    expect(main?.roof).toBe(hbm);
    expect(main?.points).toEqual([
      [1, 2e12],
      [500, 1e15],
    ]);
    expect(lines.compute.map((line) => line.points)).toEqual([
      [
        [500, peak],
        [1e4, peak],
      ],
    ]);
  });

  it('runs a faster level on along the compute roof to the main ridge, so the top has no gap', () => {
    const line = lines.memory.find((candidate) => candidate.roof === sram);
    // 1 PFLOP/s ÷ 10 TB/s = 100 FLOP/B, where the SRAM roof reaches the peak.
    expect(line?.points).toEqual([
      [1, 1e13],
      [100, peak],
      [500, peak],
    ]);
  });

  it('lets a slower level enter at the bottom edge and meet the compute roof at its own ridge', () => {
    const line = lines.memory.find((candidate) => candidate.roof === host);
    // Enters where 20 GB/s × x = 100 GFLOP/s (x = 5); meets the peak at 1 PFLOP/s ÷ 20 GB/s = 50,000 FLOP/B,
    // right of the window, so it leaves through the right edge at 20 GB/s × 10,000.
    expect(line?.points).toEqual([
      [5, 1e11],
      [1e4, 2e14],
    ]);
    expect(line?.main).toBe(false);
  });

  it('leaves out a roof with no part in the window', () => {
    const slow = { levelId: 'tape', name: 'Tape', bandwidthBytesPerSecond: 1e6 };
    const far = roofLines({ ...roof, memory: [...roof.memory, slow] }, window);
    expect(far.memory.map((line) => line.roof.levelId)).toEqual(['sram', 'hbm', 'host']);
  });

  it('draws memory roofs across the window when there is no compute roof, and compute roofs when there is no memory', () => {
    const memoryOnly = roofLines({ ...roof, compute: [] }, window);
    // Without a peak to meet, the HBM roof rises until it leaves through the top: 10 PFLOP/s ÷ 2 TB/s = 5,000.
    expect(memoryOnly.memory.find((line) => line.main)?.points).toEqual([
      [1, 2e12],
      [5000, 1e16],
    ]);
    const computeOnly = roofLines(
      {
        memory: [],
        main: undefined,
        compute: [{ label: 'BF16 peak', computeClass: 'bf16', flopsPerSecond: peak, ridgeIntensity: 0 }],
      },
      window,
    );
    expect(computeOnly.compute[0]?.points).toEqual([
      [1, peak],
      [1e4, peak],
    ]);
  });
});
