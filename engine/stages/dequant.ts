/**
 * Dequantization of block-quantized weights — part of the **cost** stage (`cost.ts` calls `addDequantization`
 * once per operator).
 *
 * Weights stored in a block format (GGUF q4_0, q8_0, q4_K_M; NF4; MXFP4; INT4 with group scales) are not what
 * the unit multiplies: unless the multiply itself runs in the stored format, the GEMM kernel expands every weight
 * it loads — unpack the bits, convert to float, apply the block's scale and offset, convert to the arithmetic's
 * width — on the unit's vector path. That costs `dequantOpsPerElement` operations per weight element (the
 * format's library entry counts them from ggml's dequantize kernels and the format's definition), and a tiled GEMM
 * does it once per weight tile it loads, not once per weight:
 *
 *   dequantization ops = weight elements × passes × ops per element,   passes = ⌈M / tokens per weight tile⌉
 *
 * where M is the GEMM's rows (tokens). The tile is the runtime's kernel when it states one (llama.cpp's Metal
 * `kernel_mul_mm` dequantizes a 64-row weight tile for every 32 tokens), else the unit's own: a GPU SM's output
 * tile height (`tileM`, shrunk for small M as the tensor-cluster model does), one pass for a weight-stationary
 * array (M streams through a loaded tile), and for SIMD lanes and CPU cores the side of a square tile that holds
 * half of the local buffer. Decode (M = batch) dequantizes every weight once per step; a 512-token prefill does it
 * 16 times under llama.cpp, which is why quantized prompt processing is slower than FP16's on the same GPU.
 *
 * Where the work goes: on SIMD units (Apple GPU cores, CPUs) the same lanes that multiply also dequantize, so the
 * time adds to the compute time; on units with a separate matrix engine (GPU SMs' tensor cores, systolic arrays)
 * the vector path dequantizes the next tile while the engine multiplies this one (Frantar et al., "MARLIN:
 * Mixed-Precision Auto-Regressive Parallel Inference on Large Language Models", arXiv:2408.11743), so only what
 * exceeds the compute time shows. A decompression unit on the memory path (`compress.weights`: hardware
 * dequantization of packed formats) hands the unit ready weights: the share of weights that comes through one costs
 * the unit nothing.
 */
import { compressionFor, type Chip, type ComputeUnit } from '../machine';
import type { Operator } from '../operators';
import type { NumberFormat } from '../schema/number-format';
import type { Runtime } from '../schema/runtime';
import type { ClassPlacement } from './map';

/** The weights' format as the cost stage needs it, when expanding it costs work. */
export interface WeightDequantization {
  format: NumberFormat;
  /** Vector operations per weight element per pass. */
  opsPerElement: number;
  /** Tokens one dequantized weight tile serves in the runtime's kernel; undefined = the unit's own tile. */
  tileTokens: number | undefined;
}

/** What dequantizing the weights costs in this workload, or undefined when the format needs none. */
export function weightDequantization(
  weights: NumberFormat | undefined,
  runtime: Runtime | undefined,
): WeightDequantization | undefined {
  const ops = weights?.dequantOpsPerElement ?? 0;
  if (!weights || ops <= 0) return undefined;
  return { format: weights, opsPerElement: ops, tileTokens: runtime?.dequantTileTokens };
}

/** Times one run of a GEMM of `m` rows dequantizes each of its weights on `unit`. */
export function dequantPasses(
  m: number,
  unit: ComputeUnit,
  tileTokens: number | undefined,
  elementBytes: number,
): number {
  if (tileTokens !== undefined) return Math.ceil(m / tileTokens);
  const geometry = unit.geometry;
  switch (geometry.kind) {
    case 'array':
      return 1;
    case 'tiles': {
      // The tile height the tensor-cluster model picks: the smallest multiple of minTileM covering M, up to tileM.
      const tileM = Math.min(geometry.tileM, Math.ceil(m / geometry.minTileM) * geometry.minTileM);
      return Math.ceil(m / tileM);
    }
    case 'simd': {
      const side = Math.max(1, Math.floor(Math.sqrt(unit.localBufferBytes / (2 * elementBytes))));
      return Math.ceil(m / side);
    }
  }
}

/** Share of the operator's weights that reaches `unitIndex` through a decompression unit (already dequantized). */
function decompressedShare(unitIndex: number, chip: Chip, placement: ClassPlacement): number {
  const paths = chip.paths[unitIndex] ?? [];
  let share = 0;
  for (const { levelIndex, fraction } of placement.weights) {
    const path = paths[levelIndex];
    if (path && compressionFor(path, 'weights')) share += fraction;
  }
  return Math.min(1, share);
}

/** Vector operations one run of `operator` on unit `unitIndex` spends dequantizing its weights. */
export function dequantOps(
  operator: Operator,
  unitIndex: number,
  chip: Chip,
  placement: ClassPlacement,
  dequant: WeightDequantization | undefined,
): number {
  const unit = chip.units[unitIndex];
  if (!dequant || !unit || !operator.gemm || operator.macs <= 0 || operator.bytes.weights <= 0) return 0;
  // The multiply runs in the stored format itself (MXFP4 on FP4 tensor cores): the hardware applies the scales.
  if (operator.computeClass === dequant.format.computeClass) return 0;
  const onUnit = 1 - decompressedShare(unitIndex, chip, placement);
  if (onUnit <= 0) return 0;
  const elements = operator.bytes.weights / (dequant.format.effectiveBitsPerElement / 8);
  const passes = dequantPasses(operator.gemm.m, unit, dequant.tileTokens, operator.elementBytes);
  return elements * onUnit * passes * dequant.opsPerElement;
}

/**
 * Adds the dequantization of the operator's weights to `cost` (compute time at the top clock, and dynamic energy):
 * added on SIMD units, hidden under the compute time on units with a separate matrix engine.
 */
export function addDequantization(
  cost: { computeSeconds: number; computeJoules: number },
  operator: Operator,
  unitIndex: number,
  context: { chip: Chip; placement: ClassPlacement; dequant?: WeightDequantization | undefined },
): void {
  const ops = dequantOps(operator, unitIndex, context.chip, context.placement, context.dequant);
  const unit = context.chip.units[unitIndex];
  if (ops <= 0 || !unit) return;
  const seconds = ops / Math.max(1, unit.vectorOpsPerCycle * unit.instances * unit.clockHertz);
  cost.computeSeconds =
    unit.geometry.kind === 'simd' ? cost.computeSeconds + seconds : Math.max(cost.computeSeconds, seconds);
  cost.computeJoules += ops * unit.energyJoulesPerVectorOp;
}
