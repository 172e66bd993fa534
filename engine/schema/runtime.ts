/**
 * Runtime profiles: the software that runs the model on the hardware (TensorRT-LLM, vLLM, PyTorch eager,
 * llama.cpp…). The same chip serves tokens at different rates under different runtimes; a profile states the
 * fixed host-side costs that the hardware model does not see, each calibrated against published measurements
 * and cited. Hardware/software co-design: pick the runtime in the workload.
 */
import { z } from 'zod';
import { countSchema, libraryIdSchema, nonNegative, sourceSchema } from './common';

export const runtimeSchema = z.strictObject({
  format: z.literal('tessera.runtime'),
  version: z.literal(1),
  id: libraryIdSchema,
  name: z.string().min(1),
  description: z.string().min(10),
  /** Host time per engine step (scheduling, sampling, Python), added once per prefill and per decode step. */
  stepOverheadSeconds: nonNegative(),
  /** Host time per operator launch on top of the unit's own dispatch overhead (eager frameworks). */
  operatorOverheadSeconds: nonNegative(),
  /**
   * The kinds of compute unit (block type ids, `compute.vector`, `compute.cpu`…) the runtime has kernels for; the
   * cost stage places operators only on these. Absent: every kind.
   */
  unitTypes: z.array(libraryIdSchema).min(1).optional(),
  /**
   * Tokens (GEMM rows) one dequantized weight tile serves in the runtime's GEMM kernel: a block-quantized weight is
   * dequantized once per this many tokens. Absent: the unit's own tile (see `engine/stages/dequant.ts`).
   */
  dequantTileTokens: z.number().int().positive().optional(),
  /**
   * Most prompt tokens one prefill step processes (TensorRT-LLM's `max_num_tokens`, vLLM's
   * `max_num_batched_tokens`, llama.cpp's `n_ubatch`): the activations held at once are those of one chunk.
   * Absent: whole prompts are prefilled at once (PyTorch eager).
   */
  prefillChunkTokens: countSchema.optional(),
  /**
   * How the runtime launches kernels (engine/stages/kernels.ts): `fused` (one kernel per Tessera operator) or
   * `unfused` (eager framework ops); the host time to launch one kernel; the phases it runs from CUDA graphs.
   */
  kernels: z
    .strictObject({
      fusion: z.enum(['fused', 'unfused']),
      launchSeconds: nonNegative(),
      graphs: z.array(z.enum(['prefill', 'decode'])),
      source: sourceSchema,
    })
    .optional(),
  /**
   * How the runtime computes attention (engine/stages/lower.ts): `fused` (FlashAttention: the scores stay on
   * chip, K and V are read once per KV head) or `unfused` (a matmul writes the score matrix, a softmax reads and
   * rewrites it, a second matmul reads it against V; grouped-query K and V are read once per query head).
   * `scoreBytes`: bytes per score element the unfused path stores. Absent: fused.
   */
  attention: z
    .strictObject({
      kernel: z.enum(['fused', 'unfused']),
      scoreBytes: z.number().positive(),
      source: sourceSchema,
    })
    .optional(),
  /**
   * How much device memory the runtime gives its KV cache (engine/stages/map.ts): `fraction` of the memory left
   * once the CUDA context (`reservedBytes`), the weights and the activations are in (`basis: 'free'`,
   * TensorRT-LLM's `kv_cache_free_gpu_mem_fraction`), or of the device's total memory, of which the weights and
   * activations take their share first (`basis: 'total'`, vLLM's `gpu_memory_utilization`). Absent: all of it.
   */
  kvCache: z
    .strictObject({
      basis: z.enum(['free', 'total']),
      fraction: z.number().gt(0).max(1),
      reservedBytes: nonNegative(),
    })
    .optional(),
  /**
   * Whether the runtime applies a model's sliding attention window by default (keeps only the window's KV and
   * attends over it). False: every layer keeps and attends over the full context. Absent: it does.
   */
  slidingWindow: z.boolean().optional(),
  /**
   * Whether the runtime's quantized checkpoints quantize the token embedding and the LM head with the layers.
   * False: only the layers' linear layers take a sub-16-bit weights format; the embedding and the LM head stay
   * 16-bit. Absent: they take the weights format.
   */
  embeddingsQuantized: z.boolean().optional(),
  source: sourceSchema,
  /** Sources of single fields, each naming the field it backs in `appliesTo`. */
  sources: z.array(sourceSchema).optional(),
});
export type Runtime = z.infer<typeof runtimeSchema>;

/** How a runtime computes attention (see `runtimeSchema.attention`). */
export type RuntimeAttention = NonNullable<Runtime['attention']>;
