import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate';
import type { Operator } from '../operators';
import type { Report } from '../report';
import type { NumberFormat } from '../schema/number-format';
import type { Runtime } from '../schema/runtime';
import { defaultWorkload } from '../schema/workload';
import { testCatalog, testDesign, testFormats } from '../testing/fixtures';
import { costOperator, type CostContext } from './cost';
import { resolve } from './resolve';
import { weightDequantization } from './dequant';

/** A block format like GGUF q4_0: 4.5 bits a weight, 4 operations to expand each into the arithmetic's format. */
const q4: NumberFormat = {
  format: 'tessera.numberFormat',
  version: 1,
  id: 'q4-blocks',
  name: 'Q4 blocks',
  kind: 'block',
  bitsPerElement: 4,
  effectiveBitsPerElement: 4.5,
  blockSize: 32,
  computeClass: null,
  dequantOpsPerElement: 4,
  description: 'test block format',
  source: { citation: 'test' },
};
/** The same storage, multiplied natively (as MXFP4 on FP4 tensor cores). */
const native: NumberFormat = { ...q4, id: 'q4-native', computeClass: 'int4' };

const tiled: Runtime = {
  format: 'tessera.runtime',
  version: 1,
  id: 'tiled',
  name: 'tiled',
  description: 'a runtime whose GEMM dequantizes a weight tile per 32 tokens',
  stepOverheadSeconds: 0,
  operatorOverheadSeconds: 0,
  dequantTileTokens: 32,
  source: { citation: 'test' },
};

const catalog = testCatalog();

/** A GEMM of m tokens against a k × n weight matrix stored in `format`, arithmetic in `computeClass`. */
function gemm(
  m: number,
  k: number,
  n: number,
  format: NumberFormat,
  computeClass: Operator['computeClass'],
): Operator {
  return {
    id: 'gemm',
    name: 'GEMM',
    kind: 'matmul',
    part: 'ffn',
    repeat: 1,
    gemm: { m, k, n, batch: 1 },
    macs: m * k * n,
    vectorOps: 0,
    bytes: { weights: (k * n * format.effectiveBitsPerElement) / 8, kv: 0, activations: (m * k + m * n) * 2 },
    computeClass,
    elementBytes: 2,
    sparse: false,
    collective: undefined,
  };
}

/** One unit of `type` on a fast DRAM (so the GEMMs are compute-bound), optionally behind a decompression unit. */
function context(
  type: 'test.vector' | 'test.array',
  params: Record<string, number>,
  options: { format?: NumberFormat; runtime?: Runtime; decompressor?: boolean } = {},
): CostContext {
  const blocks = {
    unit: { type, params },
    dram: { type: 'test.dram', params: { bandwidthBytesPerSecond: 1e15 } },
    ...(options.decompressor ? { unzip: { type: 'test.decompress', params: { compressionRatio: 1 } } } : {}),
  };
  const links: [string, string][] = options.decompressor
    ? [
        ['unit', 'unzip'],
        ['unzip', 'dram'],
      ]
    : [['unit', 'dram']];
  const machine = resolve(testDesign(blocks, links), catalog);
  const everything = [{ levelIndex: 0, fraction: 1 }];
  return {
    chip: machine.chip,
    network: undefined,
    placement: { weights: everything, kv: everything, activations: everything },
    dramBandwidthScale: 1,
    sparseWeights: false,
    dequant: weightDequantization(options.format ?? q4, options.runtime),
  };
}

describe('dequantization of block-quantized weights', () => {
  // 64 lanes at 1 GHz, 1,024 vector operations per cycle (the test units' defaults), efficiency 1.
  const lanes = { lanes: 64, clockHertz: 1e9, vectorOpsPerCycle: 1024 };
  const macSeconds = (m: number, k: number, n: number): number => (m * k * n) / (64 * 1e9);

  it('adds weights × ⌈M / tile⌉ × ops per weight to a SIMD unit’s compute time (the runtime’s 32-token tile)', () => {
    const [m, k, n] = [512, 1024, 1024];
    const cost = costOperator(
      gemm(m, k, n, q4, 'bf16'),
      0,
      context('test.vector', lanes, { runtime: tiled }),
    );
    const ops = k * n * Math.ceil(m / 32) * 4;
    expect(cost.computeSeconds).toBeCloseTo(macSeconds(m, k, n) + ops / (1024 * 1e9), 15);
    // Energy: each dequantization operation at the vector energy (1e-13 J) on top of the MACs (1e-12 J).
    expect(cost.computeJoules).toBeCloseTo(m * k * n * 1e-12 + ops * 1e-13, 18);
  });

  it('dequantizes each weight once per decode step (M = 1)', () => {
    const [m, k, n] = [1, 4096, 4096];
    const cost = costOperator(
      gemm(m, k, n, q4, 'bf16'),
      0,
      context('test.vector', lanes, { runtime: tiled }),
    );
    expect(cost.computeSeconds).toBeCloseTo(macSeconds(m, k, n) + (k * n * 4) / (1024 * 1e9), 15);
  });

  it('without a runtime tile, uses the square tile half the local buffer holds', () => {
    // 64 KiB buffer, 2-byte elements: a side of √(65536 / 4) = 128 tokens, so 512 tokens take 4 passes.
    const [m, k, n] = [512, 1024, 1024];
    const cost = costOperator(
      gemm(m, k, n, q4, 'bf16'),
      0,
      context('test.vector', { ...lanes, localBufferBytes: 65536 }),
    );
    expect(cost.computeSeconds).toBeCloseTo(macSeconds(m, k, n) + (k * n * 4 * 4) / (1024 * 1e9), 15);
  });

  it('costs nothing when the multiply runs in the stored format, or for a format with nothing to expand', () => {
    const [m, k, n] = [512, 1024, 1024];
    const plain = costOperator(gemm(m, k, n, native, 'int4'), 0, {
      ...context('test.vector', { ...lanes, int4Rate: 1 }),
      dequant: undefined,
    });
    const withFormat = costOperator(
      gemm(m, k, n, native, 'int4'),
      0,
      context('test.vector', { ...lanes, int4Rate: 1 }, { format: native, runtime: tiled }),
    );
    expect(withFormat.computeSeconds).toBe(plain.computeSeconds);
    expect(weightDequantization(testFormats[0], tiled)).toBeUndefined();
  });

  it('costs the unit nothing when a decompression unit on the memory path expands the weights', () => {
    const [m, k, n] = [512, 1024, 1024];
    const behind = costOperator(
      gemm(m, k, n, q4, 'bf16'),
      0,
      context('test.vector', lanes, { runtime: tiled, decompressor: true }),
    );
    expect(behind.computeSeconds).toBeCloseTo(macSeconds(m, k, n), 15);
  });

  it('hides under a matrix engine’s compute time, and shows only where it takes longer', () => {
    // A 128 × 128 array: the vector path dequantizes while the array multiplies (max, not sum).
    const [m, k, n] = [1024, 1024, 1024];
    const array = { clockHertz: 1e9 };
    const without = costOperator(gemm(m, k, n, q4, 'bf16'), 0, context('test.array', array)).computeSeconds;
    const weights = k * n;
    // Weight-stationary: one pass whatever M. With 1,024 vector ops per cycle it hides under the MACs...
    const fast = costOperator(gemm(m, k, n, q4, 'bf16'), 0, context('test.array', array, { format: q4 }));
    expect((weights * 4) / (1024 * 1e9)).toBeLessThan(without);
    expect(fast.computeSeconds).toBe(without);
    // ...with one vector op per cycle it is 4 ops × 1 Mi weights = 4.2 ms, longer than the MACs.
    const slow = costOperator(
      gemm(m, k, n, q4, 'bf16'),
      0,
      context('test.array', { ...array, vectorOpsPerCycle: 1 }, { format: q4 }),
    );
    expect(slow.computeSeconds).toBeCloseTo(Math.max(without, (weights * 4) / 1e9), 15);
    expect(slow.computeSeconds).toBeGreaterThan(without);
  });
});

describe('dequantization in a whole evaluation', () => {
  it('slows a quantized prefill on a SIMD unit by the dequantization the formula gives', () => {
    const formats = [...testFormats, q4];
    const quantized = testCatalog({ formats, runtimes: [tiled] });
    const design = testDesign(
      {
        lanes: { type: 'test.vector', params: { lanes: 64, vectorOpsPerCycle: 64 } },
        dram: { type: 'test.dram', params: { bandwidthBytesPerSecond: 1e15 } },
      },
      [['lanes', 'dram']],
    );
    const run = (weights: string): Report => {
      const result = evaluate(
        {
          design,
          workload: {
            ...defaultWorkload('toy'),
            weights,
            inputTokens: 256,
            outputTokens: 2,
            runtime: 'tiled',
          },
        },
        quantized,
      );
      if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
      return result.report;
    };
    const quantizedRun = run('q4-blocks').prefill.operators.find((operator) => operator.id === 'ffn.down');
    expect(quantizedRun).toBeDefined();
    // ffn.down of the toy model: K = 1536, N = 512, M = 256 tokens → 8 passes of 4 ops per weight, at 64 ops per
    // cycle; the report sums the operator over its repeats (one per layer).
    const ffnDown = quantizedRun as Report['prefill']['operators'][number];
    const macs = 256 * 1536 * 512;
    const dequantSeconds = (1536 * 512 * 8 * 4) / (64 * 1e9);
    expect(ffnDown.computeSeconds).toBeCloseTo(ffnDown.repeat * (macs / (64 * 1e9) + dequantSeconds), 12);
  });
});
