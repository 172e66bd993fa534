/**
 * The workload's number formats as the engine computes with them: bytes per element of weights, activations and
 * KV cache (scales included), and the arithmetic class each GEMM runs in.
 */
import type { ComputeClass, NumberFormat } from '../schema/number-format';

/** Byte sizes and arithmetic of the workload's formats. */
export interface Formats {
  weightBytes: number;
  /**
   * Stored bytes per element of the layers' GEMM weight matrices when they differ from `weightBytes` (2:4-sparse
   * matrices kept compressed: `sparseWeightBytes`); absent = `weightBytes`.
   */
  matrixWeightBytes?: number;
  /**
   * Stored bytes per element of the token embedding and the LM head when they differ from `weightBytes`: a
   * runtime whose quantized checkpoints quantize only the layers' linear layers keeps them 16-bit
   * (`Runtime['embeddingsQuantized']`); absent = `weightBytes`.
   */
  embeddingWeightBytes?: number;
  activationBytes: number;
  kvBytes: number;
  /** MAC class of GEMMs against weights. */
  weightClass: ComputeClass;
  /** MAC class of attention GEMMs against the KV cache. */
  attentionClass: ComputeClass;
}

/**
 * Operand bits, to order the classes when two operands meet. An integer class sorts half a bit above the float
 * class of the same width only so that the order is total (an FP8 × INT8 GEMM is taken to run in INT8); the half
 * bit has no physical meaning.
 */
const widths: Record<ComputeClass, number> = {
  fp4: 4,
  int4: 4.5,
  fp8: 8,
  int8: 8.5,
  bf16: 16,
  tf32: 19,
  fp32: 32,
};

/** The arithmetic two operands meet in: the wider of their classes (storage-only formats take the other's). */
export function meetClass(activations: NumberFormat, other: NumberFormat): ComputeClass {
  const active = activations.computeClass ?? 'bf16';
  const second = other.computeClass ?? active;
  return widths[second] > widths[active] ? second : active;
}

export function formatsOf(weights: NumberFormat, activations: NumberFormat, kv: NumberFormat): Formats {
  return {
    weightBytes: weights.effectiveBitsPerElement / 8,
    activationBytes: activations.effectiveBitsPerElement / 8,
    kvBytes: kv.effectiveBitsPerElement / 8,
    weightClass: meetClass(activations, weights),
    attentionClass: meetClass(activations, kv),
  };
}

/**
 * Bytes of one element of the residual stream: what norms, activations, residual adds and all-reduces read and
 * write, and what GEMMs and attention write. Narrow activation formats (FP8, INT8) quantize only the inputs of
 * GEMMs; the residual stream, the GEMMs' outputs and the tensor-parallel all-reduces stay in 16-bit (FP8 recipes:
 * Micikevicius et al., FP8 Formats for Deep Learning, 2022; NVIDIA Transformer Engine; TensorRT-LLM's FP8
 * all-reduce and norm kernels read and write FP16/BF16).
 */
export function residualStreamBytes(formats: Formats): number {
  return Math.max(formats.activationBytes, RESIDUAL_STREAM_MIN_BYTES);
}

/** The narrowest residual stream in practice: 16-bit (BF16 or FP16). */
const RESIDUAL_STREAM_MIN_BYTES = 2;
