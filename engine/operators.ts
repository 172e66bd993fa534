/**
 * Operators: what the lower stage produces and the cost stage prices. Every number is for one chip and one
 * run of the operator; `repeat` says how many times the phase runs it (the layers of a pipeline stage).
 */
import type { ComputeClass } from './schema/number-format';

export type OperatorKind = 'matmul' | 'attention' | 'elementwise' | 'gather' | 'collective';
export type TensorClass = 'weights' | 'kv' | 'activations';
export const tensorClasses: readonly TensorClass[] = ['weights', 'kv', 'activations'];

export interface GemmShape {
  /** Rows of the left operand (tokens, or query rows per head group). */
  m: number;
  /** Reduction dimension. */
  k: number;
  /** Columns of the output. */
  n: number;
  /** Independent GEMMs of this shape (heads, experts). */
  batch: number;
  /**
   * The dimension a tile's main loop walks: K for a GEMM (the default); N for fused attention (FlashAttention),
   * whose output tile is M × head dim and whose loop runs over the context's key/value blocks.
   */
  loop?: 'k' | 'n';
}

export type CollectiveKind = 'all-reduce' | 'all-to-all' | 'send-recv';

export interface Collective {
  kind: CollectiveKind;
  /** Bytes of the tensor being reduced or exchanged, on one chip. */
  bytes: number;
  /** Chips taking part. */
  participants: number;
}

export interface Operator {
  /** Stable id within its phase, e.g. `ffn.down`. */
  id: string;
  /** A person's name for it, e.g. "FFN down projection". */
  name: string;
  kind: OperatorKind;
  /** Which part of the model it belongs to, for grouping in reports. */
  part: 'embedding' | 'attention' | 'ffn' | 'moe' | 'head' | 'communication';
  repeat: number;
  gemm: GemmShape | undefined;
  /** Multiply-accumulates. */
  macs: number;
  /** Element-wise operations (norms, softmax, activations, residual adds). */
  vectorOps: number;
  /** Bytes read plus written, by tensor class. */
  bytes: Record<TensorClass, number>;
  /** The arithmetic its MACs run in. */
  computeClass: ComputeClass;
  /** Bytes of one operand element (for the re-read bound of GEMMs). */
  elementBytes: number;
  /** Weights are 2:4 structured-sparse (a sparsity engine halves the MACs). */
  sparse: boolean;
  collective: Collective | undefined;
}

/** One phase of inference on one chip: the operators of one step, in order. */
export interface PhaseOperators {
  phase: 'prefill' | 'decode';
  operators: Operator[];
}
