/**
 * LLM model configs: the architecture facts the engine needs to lower a model into operators, taken from the
 * model's published `config.json` (or paper, where there is none), with the URL they came from.
 */
import { z } from 'zod';
import { boundedText, countSchema, libraryIdSchema, sourceSchema } from './common';

export const attentionKinds = ['mha', 'gqa', 'mqa', 'mla'] as const;
export type AttentionKind = (typeof attentionKinds)[number];

/** Multi-head latent attention (DeepSeek-V2/V3): the KV cache holds a compressed latent per token. */
export const mlaSchema = z.strictObject({
  qLoraRank: z.number().int().min(0),
  kvLoraRank: countSchema,
  qkNopeHeadDim: countSchema,
  qkRopeHeadDim: countSchema,
  vHeadDim: countSchema,
});
export type MlaConfig = z.infer<typeof mlaSchema>;

export const moeSchema = z.strictObject({
  /** Routed experts per MoE layer. */
  experts: countSchema,
  /** Routed experts each token is sent to (top-k). */
  activeExperts: countSchema,
  /** Experts every token goes through (DeepSeek's shared experts); 0 when none. */
  sharedExperts: z.number().int().min(0),
  /** FFN width of one routed expert. */
  expertIntermediateSize: countSchema,
  /** FFN width of one shared expert (defaults to the routed expert's). */
  sharedExpertIntermediateSize: countSchema.optional(),
  /** The first this many layers are dense (DeepSeek-V3: 3); they use `intermediateSize`. */
  firstDenseLayers: z.number().int().min(0),
});
export type MoeConfig = z.infer<typeof moeSchema>;

export const architectureSchema = z
  .strictObject({
    layers: countSchema,
    hiddenSize: countSchema,
    /** Query heads. */
    heads: countSchema,
    /** Key/value heads (= heads for MHA, 1 for MQA, fewer for GQA). */
    kvHeads: countSchema,
    headDim: countSchema,
    /** FFN width of a dense layer. */
    intermediateSize: countSchema,
    /** Gated FFNs (SwiGLU, GeGLU) have three weight matrices; plain ones (GELU, ReLU) two. */
    gatedFfn: z.boolean(),
    activation: z.enum(['silu', 'gelu', 'gelu-tanh', 'relu', 'relu2']),
    vocabSize: countSchema,
    tiedEmbeddings: z.boolean(),
    maxContext: countSchema,
    normalization: z.enum(['rmsnorm', 'layernorm']),
    positional: z.enum(['rope', 'learned', 'alibi', 'none']),
    attention: z.enum(attentionKinds),
    /** Sliding-window attention span in tokens, for the layers that use it. */
    slidingWindow: countSchema.optional(),
    /** Which layers use the sliding window: all of them (Mistral 7B) or every other one (Gemma 2). */
    slidingWindowLayers: z.enum(['all', 'alternate']).optional(),
    /** Attention and FFN read the same normalized input and run side by side (GPT-J). */
    parallelAttentionFfn: z.boolean().optional(),
    /** Whether projections carry bias vectors (GPT-2, Qwen's QKV). Only changes weight bytes slightly. */
    attentionBias: z.boolean().optional(),
    mla: mlaSchema.optional(),
    moe: moeSchema.optional(),
  })
  .refine((arch) => arch.heads % arch.kvHeads === 0, {
    message: 'heads must be a multiple of kvHeads',
    path: ['kvHeads'],
  })
  .refine((arch) => (arch.attention === 'mla') === (arch.mla !== undefined), {
    message: 'attention "mla" needs the mla block, and only it',
    path: ['mla'],
  })
  .refine((arch) => arch.moe === undefined || arch.moe.activeExperts <= arch.moe.experts, {
    message: 'activeExperts cannot exceed experts',
    path: ['moe', 'activeExperts'],
  });
export type ModelArchitecture = z.infer<typeof architectureSchema>;

export const modelSchema = z.strictObject({
  format: z.literal('tessera.model'),
  version: z.literal(1),
  id: libraryIdSchema,
  name: z.string().min(1),
  family: z.string().min(1),
  /** Where the architecture comes from: the `config.json` URL on Hugging Face, or the paper. */
  source: sourceSchema,
  architecture: architectureSchema,
  /** The parameter count the model's authors publish (total, and active per token for MoE), for checking. */
  publishedParameters: z
    .strictObject({
      total: z.number().positive(),
      active: z.number().positive().optional(),
      source: sourceSchema.optional(),
    })
    .optional(),
  /** The fields of the published config.json that the architecture was read from, verbatim. */
  hfConfig: z.record(z.string(), z.unknown()).optional(),
  /** Notes on how the model was read, and anything the engine does not model. */
  notes: boundedText(20_000).optional(),
});
export type ModelConfig = z.infer<typeof modelSchema>;
