/**
 * Issue 16 §5: compression units in an evaluation — a decompressor slower than its memory bounds decode and says
 * so, the counterfactual without a unit is the design with the block removed, sparse weights are stored with
 * their index bits only where a sparsity engine of that pattern reads them, and the expansion of block-quantized
 * weights is costed on the memory path or in the compute unit.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate';
import type { Report } from '../report';
import type { BlockType } from '../schema/block-type';
import { defaultWorkload, type Workload } from '../schema/workload';
import { blockTypeOf } from '../testing/block-readings';
import { testBlockTypes, testCatalog, testDesign, testFormats } from '../testing/fixtures';
import type { NumberFormat } from '../schema/number-format';
import type { DesignDocument } from '../schema/design';
import { withoutBlock } from './compression';

const base = blockTypeOf(
  'test.sparsity-engine',
  'sparsity',
  {
    computeSpeedup: 2,
    throughputBytesPerSecond: 1e15,
    energyJoulesPerBit: 0,
    staticPowerWatts: 0,
    areaSquareMetres: 2e-6,
  },
  { category: 'compression' },
);
const sparsityType: BlockType = {
  ...base,
  params: [
    {
      key: 'pattern',
      name: 'pattern',
      kind: 'enum',
      options: [
        { value: '2:4', label: '2:4' },
        { value: '4:8', label: '4:8' },
        { value: 'unstructured', label: 'unstructured' },
      ],
      default: '2:4',
      description: 'test parameter pattern',
    },
    ...base.params,
  ],
};
const catalog = testCatalog({ blockTypes: [...testBlockTypes, sparsityType] });

function run(
  design: DesignDocument,
  workload: Partial<Workload> = {},
  detail: 'full' | 'summary' = 'full',
): Report {
  const result = evaluate(
    {
      design,
      workload: {
        ...defaultWorkload('toy'),
        parallelism: { mode: 'manual', tensor: 1, pipeline: 1, expert: 1 },
        ...workload,
      },
    },
    catalog,
    { detail },
  );
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('; '));
  return result.report;
}

/** A tile reading its DRAM (1 TB/s) through a weight decompressor of ratio 2 and the given throughput. */
function decompressorDesign(throughputBytesPerSecond: number): DesignDocument {
  return testDesign(
    {
      tile: { type: 'test.array' },
      codec: { type: 'test.decompress', params: { throughputBytesPerSecond } },
      dram: { type: 'test.dram' },
    },
    [
      ['tile', 'codec'],
      ['codec', 'dram'],
    ],
  );
}

/** Logical weight bytes one decode step reads, from the report's operators. */
function decodeWeightBytes(report: Report): number {
  return report.decode.operators.reduce((sum, operator) => sum + operator.bytes.weights * operator.repeat, 0);
}

describe('a weight decompressor on the memory path', () => {
  it('slower than the memory feeding it, it bounds decode and says so', () => {
    const throughput = 1e10;
    const report = run(decompressorDesign(throughput));
    const unit = report.compression?.units[0];
    expect(unit?.blockId).toBe('codec');
    // Every weight byte the decode step reads comes through it, expanded.
    const bytes = decodeWeightBytes(report);
    expect(unit?.decodeBytesPerStep).toBeCloseTo(bytes, 0);
    expect(unit?.decodeBusySeconds).toBeCloseTo(bytes / throughput, 12);
    // The memory behind it feeds ratio × its stored bytes per second: the DRAM's 1e12 B/s (the codec itself is the
    // path's narrowest node), 2e12 expanded bytes/s, far more than it expands.
    expect(unit?.feedBytesPerSecond).toBe(2 * 1e12);
    expect(unit?.boundsDecode).toBe(true);
    // Its time is the decode step's floor: the step takes at least the bytes over its throughput.
    expect(report.decode.secondsPerStep).toBeGreaterThanOrEqual(bytes / throughput);
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'compression-unit-bound', severity: 'warning', blockId: 'codec' }),
    );
    expect(unit?.sentence).toContain('bounds decode');
  });

  it('faster than its memory, it does not bound decode', () => {
    const report = run(decompressorDesign(1e15));
    expect(report.compression?.units[0]?.boundsDecode).toBe(false);
    expect(report.diagnostics.map((d) => d.code)).not.toContain('compression-unit-bound');
  });

  it('costs expanded bytes × 8 × its energy per bit', () => {
    const energyJoulesPerBit = 2e-13;
    const design = decompressorDesign(1e15);
    const codec = design.blocks.find((block) => block.id === 'codec');
    if (codec) codec.params = { ...codec.params, energyJoulesPerBit };
    const report = run(design);
    const unit = report.compression?.units[0];
    expect(unit?.decodeEnergyJoulesPerStep).toBeCloseTo(
      decodeWeightBytes(report) * 8 * energyJoulesPerBit,
      12,
    );
  });
});

describe('the counterfactual without a unit', () => {
  it('equals evaluating the design with the block removed (the path joined by a plain link)', () => {
    const design = decompressorDesign(1e11);
    const report = run(design);
    const without = report.compression?.units[0]?.without;
    const removed = run(
      testDesign({ tile: { type: 'test.array' }, dram: { type: 'test.dram' } }, [['tile', 'dram']]),
      {},
      'summary',
    );
    expect(without?.tpotSeconds).toBe(removed.request.tpotSeconds);
    expect(without?.decodeEnergyJoulesPerToken).toBe(removed.decode.energyJoulesPerToken);
    expect(without?.maxBatch).toBe(removed.memory.maxBatch);
    expect(without?.weightsBytesPerChip).toBe(removed.memory.weightsBytesPerChip);
    // Without the ratio-2 decompressor the weights are stored whole: twice the bytes.
    expect(without?.weightsBytesPerChip).toBeCloseTo(2 * report.memory.weightsBytesPerChip, 0);
  });

  it('withoutBlock bridges each memory-side neighbour to each compute-side one and drops the block', () => {
    const without = withoutBlock(decompressorDesign(1e11), 'codec');
    expect(without.blocks.map((block) => block.id)).toEqual(['tile', 'dram']);
    expect(without.links.map((link) => [link.from.block, link.to.block])).toEqual([['dram', 'tile']]);
  });

  it('a 2:4 sparsity engine: TPOT, area and the sentence', () => {
    const design = testDesign(
      { tile: { type: 'test.array' }, sparse: { type: 'test.sparsity-engine' }, dram: { type: 'test.dram' } },
      [
        ['tile', 'sparse'],
        ['tile', 'dram'],
      ],
    );
    const report = run(design, { weightSparsity: '2:4' });
    const unit = report.compression?.units.find((candidate) => candidate.kind === 'sparsity');
    const removed = run(withoutBlock(design, 'sparse'), { weightSparsity: '2:4' }, 'summary');
    expect(unit?.without?.tpotSeconds).toBe(removed.request.tpotSeconds);
    expect(unit?.areaSquareMetres).toBe(2e-6);
    const cut = Math.round(
      ((removed.request.tpotSeconds - report.request.tpotSeconds) / removed.request.tpotSeconds) * 100,
    );
    expect(cut).toBeGreaterThan(0);
    expect(report.compression?.sentence).toContain(`cuts decode TPOT ${cut} %`);
    expect(report.compression?.sentence).toContain('adds 2.0 mm²');
  });

  it('the area it adds is the area the chip’s area report gives the block', () => {
    const design = testDesign(
      { tile: { type: 'test.array' }, sparse: { type: 'test.sparsity-engine' }, dram: { type: 'test.dram' } },
      [
        ['tile', 'sparse'],
        ['tile', 'dram'],
      ],
    );
    const report = run(design, { weightSparsity: '2:4' });
    const unit = report.compression?.units.find((candidate) => candidate.blockId === 'sparse');
    const block = report.area?.blocks.find((candidate) => candidate.blockId === 'sparse');
    expect(block?.areaSquareMetres).toBe(2e-6);
    expect(unit?.areaSquareMetres).toBe(block?.areaSquareMetres);
  });
});

describe('sparse weights as stored', () => {
  const design = (pattern: string) =>
    testDesign(
      {
        tile: { type: 'test.array' },
        sparse: { type: 'test.sparsity-engine', params: { pattern } },
        dram: { type: 'test.dram' },
      },
      [
        ['tile', 'sparse'],
        ['tile', 'dram'],
      ],
    );

  it('index bits are what separates 2:4 from 4:8 at the same density', () => {
    const bf16 = 2;
    const dense = run(design('2:4')).memory.weightsBytesPerChip;
    const twoFour = run(design('2:4'), { weightSparsity: '2:4' }).memory.weightsBytesPerChip;
    const fourEight = run(design('4:8'), { weightSparsity: '4:8' }).memory.weightsBytesPerChip;
    // Each matrix weight saves b − (b/2 + index bits / 8): 2:4 pays 1 index bit per weight, 4:8 1.5.
    const saved24 = bf16 - (bf16 / 2 + 1 / 8);
    const saved48 = bf16 - (bf16 / 2 + 1.5 / 8);
    expect((dense - twoFour) / (dense - fourEight)).toBeCloseTo(saved24 / saved48, 9);
  });

  it('unstructured sparsity at density d stores d × b + a 1-bit bitmap per matrix weight', () => {
    const bf16 = 2;
    const dense = run(design('unstructured')).memory.weightsBytesPerChip;
    const at = (density: number) =>
      run(design('unstructured'), { weightSparsity: 'unstructured', weightDensity: density }).memory
        .weightsBytesPerChip;
    // Savings are linear in what each matrix weight saves: b − (d·b + 1/8).
    const ratio = (dense - at(0.25)) / (dense - at(0.5));
    expect(ratio).toBeCloseTo((bf16 - (0.25 * bf16 + 1 / 8)) / (bf16 - (0.5 * bf16 + 1 / 8)), 9);
    const section = run(design('unstructured'), {
      weightSparsity: 'unstructured',
      weightDensity: 0.25,
    }).compression;
    expect(section?.weights).toMatchObject({ density: 0.25, indexBitsPerWeight: 1, storedSparse: true });
    expect(section?.weights.storedBitsPerWeight).toBe(0.25 * 16 + 1);
  });

  it('an engine of another pattern stores and runs them dense, with an info diagnostic', () => {
    const mismatched = run(design('2:4'), { weightSparsity: '4:8' });
    const dense = run(design('2:4'));
    expect(mismatched.memory.weightsBytesPerChip).toBe(dense.memory.weightsBytesPerChip);
    expect(mismatched.request.tpotSeconds).toBe(dense.request.tpotSeconds);
    expect(mismatched.diagnostics.map((d) => d.code)).toContain('sparsity-unused');
    expect(mismatched.compression?.weights.storedSparse).toBe(false);
  });

  it('the engine skips half the multiplies of the sparse GEMMs at 2:4', () => {
    const report = run(design('2:4'), { weightSparsity: '2:4' });
    const dense = run(design('2:4'));
    const allFlops = dense.decode.operators.reduce((sum, op) => sum + op.flops * op.repeat, 0);
    const sparseFlops = report.decode.operators.reduce((sum, op) => sum + op.flops * op.repeat, 0);
    // Skipped share = the sparse GEMMs' MACs × (1 − 1/2) of all MACs: what the flops lost.
    expect(report.compression?.weights.decodeMacsSkippedShare).toBeCloseTo(
      (allFlops - sparseFlops) / allFlops,
      9,
    );
  });
});

describe('expanding block-quantized weights', () => {
  const opsPerWeight = 4;
  const q4 = testFormats.find((format) => format.id === 'q4');
  if (!q4) throw new Error('q4 expected');
  // A Q4_0-like block format: 4-bit values and an FP16 scale per 32 (4.5 bits), 4 operations per weight to expand.
  const blockQ4: NumberFormat = {
    ...q4,
    id: 'q4-block',
    bitsPerElement: 4,
    effectiveBitsPerElement: 4.5,
    layout: { valueBits: 4, blockSize: 32, scaleBits: 16, zeroPointBits: 0 },
    dequantOpsPerElement: opsPerWeight,
  };
  const quantCatalog = testCatalog({ blockTypes: [...testBlockTypes], formats: [...testFormats, blockQ4] });
  const evaluateQ4 = (design: DesignDocument): Report => {
    const result = evaluate(
      {
        design,
        workload: {
          ...defaultWorkload('toy'),
          weights: 'q4-block',
          parallelism: { mode: 'manual', tensor: 1, pipeline: 1, expert: 1 },
        },
      },
      quantCatalog,
    );
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('; '));
    return result.report;
  };
  /** weights × passes × ops per weight over the decode GEMMs; a weight-stationary array makes one pass. */
  const expectedOps = (report: Report): number =>
    report.decode.operators
      .filter((operator) => operator.flops > 0 && operator.bytes.weights > 0)
      .reduce(
        (sum, operator) => sum + (operator.bytes.weights / (4.5 / 8)) * 1 * opsPerWeight * operator.repeat,
        0,
      );

  it('in the compute unit when no decompressor is on the path: weights × passes × ops per weight', () => {
    const report = evaluateQ4(
      testDesign({ tile: { type: 'test.array' }, dram: { type: 'test.dram' } }, [['tile', 'dram']]),
    );
    const section = report.compression;
    expect(section?.weights).toMatchObject({ valueBitsPerWeight: 4, metadataBitsPerWeight: 0.5 });
    expect(section?.expansion.where).toBe('compute');
    expect(section?.expansion.compute?.vectorOps).toBeCloseTo(expectedOps(report), 0);
    // At the test unit's 1e-13 J per vector operation.
    expect(section?.expansion.compute?.energyJoules).toBeCloseTo(expectedOps(report) * 1e-13, 12);
  });

  it('on the memory path when a decompressor is there, with the compute-side cost shown beside it', () => {
    const report = evaluateQ4(decompressorDesign(1e15));
    const section = report.compression;
    expect(section?.expansion.where).toBe('memory-path');
    expect(section?.expansion.memoryPath?.energyJoules).toBe(section?.units[0]?.decodeEnergyJoulesPerStep);
    expect(section?.expansion.compute?.vectorOps).toBeCloseTo(expectedOps(report), 0);
    expect(section?.expansion.sentence).toContain('on the memory path');
    // Why: the other way is the counterfactual without the decompressor.
    expect(section?.expansion.sentence).toContain('the memory path is the better choice');
  });
});
