/**
 * Kernels and their fixed costs, by runtime. One Tessera operator (a norm, a projection, the attention) runs as
 * one or more GPU kernels depending on how far the runtime fuses them, and every kernel pays a fixed cost:
 *
 * - on the device, the gap between dependent kernels (launch, ramp-up and drain of the grid: the unit's
 *   `dispatchOverheadSeconds`), once per kernel;
 * - on the host, the launch itself (`launchSeconds` of the runtime's `kernels` profile) — unless the phase runs
 *   from a captured CUDA graph, which the host launches once. The host launches asynchronously, ahead of the
 *   device, so a phase takes the longer of the two streams: the device's work or the host's launches.
 *
 * Kernel counts of an unfused runtime are read off the reference implementation (Hugging Face `transformers`,
 * `LlamaForCausalLM` in eager mode); a fused runtime (TensorRT-LLM, vLLM) runs each Tessera operator as one
 * kernel, except the attention, which also writes the new K and V to the cache with rotary embedding in a kernel
 * of its own (TensorRT-LLM `applyBiasRopeUpdateKVCache`, vLLM `rotary_embedding` + `reshape_and_cache`).
 */
import type { ComputeUnit } from '../machine';
import type { Operator } from '../operators';
import type { Runtime } from '../schema/runtime';

export type Fusion = 'fused' | 'unfused';
export type Phase = 'prefill' | 'decode';

/**
 * Kernels of one operator under Hugging Face `transformers` eager execution, by operator id (per expert for the
 * expert GEMMs, which loop over the experts a step touches):
 * - RMSNorm: cast to FP32, square, mean, add ε, rsqrt, multiply, cast back, multiply by the gain — 8;
 * - FFN norm: the residual add and an RMSNorm — 9; the output projection's residual add is counted with it;
 * - QKV: three projections, and rotary embedding of q and k (multiply by cos, rotate half: slice, negate,
 *   concatenate; multiply by sin, add: 5 each) plus the cos/sin tables (4) — 17;
 * - attention: the cache's two concatenations, repeating K and V for grouped-query heads (2), one fused
 *   scaled-dot-product kernel — 5;
 * - output projection: a copy to contiguous and the GEMM — 2; gate and up projections — 2; SiLU and the
 *   product — 2; down projection — 1;
 * - a router: GEMM, softmax, top-k, normalise, one-hot mask — 5; per expert: index, gather, two GEMMs — 4 up,
 *   and down, weight and index-add — 3;
 * - the LM head: the GEMM and the cast to FP32 — 2; embedding and collectives — 1.
 */
const UNFUSED_KERNELS: Record<string, number> = {
  embedding: 1,
  'attention.norm': 8,
  'attention.qkv': 17,
  'attention.scores': 5,
  'attention.local': 5,
  'attention.global': 5,
  'attention.out': 2,
  'ffn.norm': 9,
  'ffn.up': 2,
  'ffn.activation': 2,
  'ffn.down': 1,
  'moe.router': 5,
  'moe.activation': 2,
  'moe.permute': 1,
  'moe.unpermute': 1,
  'head.norm': 8,
  'head.logits': 2,
};

/** Per expert touched in a step, in an eager loop over experts. */
const UNFUSED_KERNELS_PER_EXPERT: Record<string, number> = { 'moe.up': 4, 'moe.down': 3 };

/** Kernels one run of an operator launches under a runtime's fusion; one without a runtime kernel profile. */
export function kernelsOf(operator: Operator, fusion: Fusion | undefined): number {
  if (fusion === undefined) return 1;
  if (fusion === 'fused') return operator.kind === 'attention' ? 2 : 1;
  const perExpert = UNFUSED_KERNELS_PER_EXPERT[operator.id];
  if (perExpert !== undefined) return perExpert * Math.max(1, Math.ceil(operator.gemm?.batch ?? 1));
  return UNFUSED_KERNELS[operator.id] ?? 1;
}

/** The runtime's fusion; undefined for the hardware alone (each operator one dispatch). */
export function fusionOf(runtime: Runtime | undefined): Fusion | undefined {
  return runtime?.kernels?.fusion;
}

/** The device's fixed cost of one run of an operator: its kernels × the unit's gap per kernel. */
export function deviceOverheadSeconds(
  operator: Operator,
  unit: ComputeUnit,
  runtime: Runtime | undefined,
): number {
  return kernelsOf(operator, fusionOf(runtime)) * unit.dispatchOverheadSeconds;
}

/**
 * Seconds the device waits for the host in one phase: the host launches every kernel of a stage's operators
 * (`launchSeconds` each) unless the phase is graph-captured; the device runs them as they come. A stage takes
 * the longer of its launches and its device time (`deviceSeconds`, one stage at the top clock), so the wait is
 * what the launches exceed the device time by, for each of the stages a pass crosses.
 */
export function hostLaunchWaitSeconds(
  operators: readonly Operator[],
  deviceSeconds: number,
  runtime: Runtime | undefined,
  phase: Phase,
  stages: number,
): number {
  const profile = runtime?.kernels;
  if (!profile || profile.launchSeconds <= 0 || profile.graphs.includes(phase)) return 0;
  let launches = 0;
  for (const operator of operators) launches += operator.repeat * kernelsOf(operator, profile.fusion);
  return stages * Math.max(0, launches * profile.launchSeconds - deviceSeconds);
}
