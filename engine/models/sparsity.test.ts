/** Sparse weights as stored: kept values plus the index bits that locate them, and what skipping zeros can save. */
import { describe, expect, it } from 'vitest';
import {
  nmIndexBitsPerWeight,
  sparseComputeSpeedup,
  sparsityLayout,
  storedSparseWeightBytes,
} from './sparsity';
import { layoutBitsPerElement } from './format-layout';

describe('sparsity layouts', () => {
  it('N:M keeps N of M weights, each with a ⌈log₂ M⌉-bit position', () => {
    expect(nmIndexBitsPerWeight(2, 4)).toBe((2 * 2) / 4);
    expect(nmIndexBitsPerWeight(4, 8)).toBe((4 * 3) / 8);
    expect(sparsityLayout({ weightSparsity: '2:4' })).toEqual({
      pattern: '2:4',
      density: 2 / 4,
      indexBitsPerWeight: 1,
    });
    expect(sparsityLayout({ weightSparsity: '4:8' })).toEqual({
      pattern: '4:8',
      density: 4 / 8,
      indexBitsPerWeight: 1.5,
    });
    expect(sparsityLayout({ weightSparsity: 'none' })).toBeUndefined();
  });

  it('unstructured sparsity keeps its density and pays a one-bit-per-weight bitmap', () => {
    expect(sparsityLayout({ weightSparsity: 'unstructured', weightDensity: 0.3 })).toEqual({
      pattern: 'unstructured',
      density: 0.3,
      indexBitsPerWeight: 1,
    });
    // Without a density, half the weights are kept.
    expect(sparsityLayout({ weightSparsity: 'unstructured' })?.density).toBe(0.5);
  });

  it('stores density × value bytes plus the index bits: BF16 2:4 is 1.125 bytes per weight', () => {
    const bf16 = 2;
    const twoFour = sparsityLayout({ weightSparsity: '2:4' });
    const fourEight = sparsityLayout({ weightSparsity: '4:8' });
    const unstructured = sparsityLayout({ weightSparsity: 'unstructured', weightDensity: 0.3 });
    if (!twoFour || !fourEight || !unstructured) throw new Error('layouts expected');
    expect(storedSparseWeightBytes(bf16, twoFour)).toBe(bf16 / 2 + 1 / 8);
    expect(storedSparseWeightBytes(bf16, fourEight)).toBe(bf16 / 2 + (4 * 3) / 8 / 8);
    expect(storedSparseWeightBytes(bf16, unstructured)).toBeCloseTo(0.3 * bf16 + 1 / 8, 12);
    // FP8 2:4: 0.625 bytes, 1.6× smaller (the ratio the block type's description quotes).
    expect(1 / storedSparseWeightBytes(1, twoFour)).toBe(1.6);
  });

  it('a sparsity engine skips at most every zero: the speed-up is capped at 1 / density', () => {
    const half = { pattern: 'unstructured' as const, density: 0.5, indexBitsPerWeight: 1 };
    const quarter = { ...half, density: 0.25 };
    expect(sparseComputeSpeedup(8, half)).toBe(2);
    expect(sparseComputeSpeedup(8, quarter)).toBe(4);
    expect(sparseComputeSpeedup(2, quarter)).toBe(2);
  });
});

describe('format layouts', () => {
  it('adds value bits, block scales and zero points, and super-block constants', () => {
    // Q4_K: 8 blocks of 32 with 6-bit scale and min, FP16 d and dmin per 256 (ggml-common.h block_q4_K).
    expect(
      layoutBitsPerElement({
        valueBits: 4,
        blockSize: 32,
        scaleBits: 6,
        zeroPointBits: 6,
        superBlockSize: 256,
        superBlockBits: 32,
      }),
    ).toBe(4 + 12 / 32 + 32 / 256);
    // MXFP4: an E8M0 scale per 32 (OCP MX v1.0).
    expect(layoutBitsPerElement({ valueBits: 4, blockSize: 32, scaleBits: 8, zeroPointBits: 0 })).toBe(4.25);
    // INT4 group 128 with an FP16 scale and a 4-bit zero point (AWQ).
    expect(layoutBitsPerElement({ valueBits: 4, blockSize: 128, scaleBits: 16, zeroPointBits: 4 })).toBe(
      4 + 20 / 128,
    );
  });
});
