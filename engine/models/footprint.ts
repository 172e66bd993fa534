/**
 * What a model needs in one chip's memory under a parallel split: weights (a pipeline stage's layers, a tensor
 * shard of each matrix, the embedding on the first stage and the LM head on the last), the KV cache of the
 * chip's sequences, and the activations of the largest step held at once. Used by the plan stage (does a split
 * fit?) and the map stage (where does it go?).
 */
import type { ModelArchitecture } from '../schema/model';
import { residualStreamBytes, type Formats } from './formats';
import type { Parallelism } from './parallelism';
import { storedSparseWeightBytes, TWO_FOUR, type SparsityLayout } from './sparsity';

/** Bytes one chip must hold. */
export interface Footprint {
  weights: number;
  /** KV cache of one sequence at the given context. */
  kvPerSequence: number;
  /** KV cache of the chip's sequences. */
  kv: number;
  /** Working activations of the largest step (prefill). */
  activations: number;
  /**
   * Activation bytes one more sequence's prompt adds to `activations`, until `activationsCap` (a full prefill
   * chunk) is reached; absent in hand-made footprints, where the activations are taken as fixed.
   */
  activationsPerSequence?: number;
  /** Activations of one full prefill chunk: the most held at once however many prompts; absent = no bound. */
  activationsCap?: number;
}

/** How a chip stores the model, beyond the number formats (all optional: the defaults are what `footprint` did). */
export interface FootprintOptions {
  /**
   * Tokens a prefill step holds activations for at most (the runtime's chunk, `prefillChunkTokens`); Infinity
   * when whole prompts are prefilled at once. Default `PREFILL_CHUNK_TOKENS`.
   */
  prefillChunkTokens?: number;
  /** The GEMM weights are stored sparse (kept values and their indices: `sparseWeightBytes`). */
  sparseWeights?: boolean;
  /** Their layout when `sparseWeights` (`models/sparsity.ts`); absent = 2:4. */
  sparsity?: SparsityLayout;
}

/**
 * Stored bytes per weight of a 2:4-sparse matrix whose dense values take `valueBytes` each: two of every four
 * values are kept, each with a 2-bit index of its position in the group of four (NVIDIA's compressed format:
 * Mishra et al., "Accelerating Sparse Deep Neural Networks", 2021, §3) —
 *
 *   (2 · valueBytes + 2 · 2 bits / 8) / 4 = valueBytes / 2 + 1/8 bytes per weight
 *
 * (BF16: 1.125 bytes, 1.78× smaller; FP8: 0.625 bytes, 1.6×). A block-quantized format's scales shrink with its
 * values (blocks are formed over the kept values).
 */
export function sparseWeightBytes(valueBytes: number, layout: SparsityLayout = TWO_FOUR): number {
  return storedSparseWeightBytes(valueBytes, layout);
}

/**
 * Weight elements of one layer on one chip, excluding embeddings: the GEMM matrices (`matrices`, which 2:4
 * sparsity applies to) and the norm gains (`vectors`).
 */
function layerWeightElements(
  arch: ModelArchitecture,
  plan: Parallelism,
  moeLayer: boolean,
): { matrices: number; vectors: number } {
  const H = arch.hiddenSize;
  const tp = plan.tensor;
  let attention: number;
  if (arch.attention === 'mla' && arch.mla) {
    const mla = arch.mla;
    const qHead = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
    const q =
      mla.qLoraRank > 0
        ? H * mla.qLoraRank + (mla.qLoraRank * arch.heads * qHead) / tp
        : (H * arch.heads * qHead) / tp;
    attention =
      q +
      H * (mla.kvLoraRank + mla.qkRopeHeadDim) +
      (mla.kvLoraRank * arch.heads * (mla.qkNopeHeadDim + mla.vHeadDim)) / tp +
      (arch.heads * mla.vHeadDim * H) / tp;
  } else {
    const kvHeads = Math.max(1, arch.kvHeads / tp);
    attention = H * (arch.heads / tp + 2 * kvHeads) * arch.headDim + (arch.heads / tp) * arch.headDim * H;
  }
  const gates = arch.gatedFfn ? 3 : 2;
  let ffn: number;
  if (moeLayer && arch.moe) {
    const moe = arch.moe;
    const routed = (moe.experts * gates * H * moe.expertIntermediateSize) / tp;
    const shared =
      (moe.sharedExperts * gates * H * (moe.sharedExpertIntermediateSize ?? moe.expertIntermediateSize)) / tp;
    ffn = routed + shared + H * moe.experts;
  } else {
    ffn = (gates * H * arch.intermediateSize) / tp;
  }
  return { matrices: attention + ffn, vectors: 2 * H };
}

/** KV-cache elements one token adds to one layer on one chip. */
export function kvElementsPerToken(arch: ModelArchitecture, plan: Parallelism): number {
  if (arch.attention === 'mla' && arch.mla) return arch.mla.kvLoraRank + arch.mla.qkRopeHeadDim;
  return 2 * Math.max(1, arch.kvHeads / plan.tensor) * arch.headDim;
}

/** Layers whose KV a token keeps in full (sliding-window layers keep only the window). */
function kvTokens(
  arch: ModelArchitecture,
  context: number,
): { fullLayers: number; windowLayers: number; window: number } {
  if (arch.slidingWindow === undefined) return { fullLayers: arch.layers, windowLayers: 0, window: context };
  const windowLayers = arch.slidingWindowLayers === 'alternate' ? Math.ceil(arch.layers / 2) : arch.layers;
  return {
    fullLayers: arch.layers - windowLayers,
    windowLayers,
    window: Math.min(context, arch.slidingWindow),
  };
}

/**
 * Serving engines prefill in chunks of a bounded number of tokens, so the activations held at once are those of
 * one chunk however many prompts are in flight. Each runtime states its chunk (`prefillChunkTokens`: TensorRT-LLM
 * 8,192, vLLM 2,048, llama.cpp 512; PyTorch eager none); with no runtime chosen, TensorRT-LLM's default
 * `max_num_tokens` of 8,192 applies. Without a bound, 1,085 prompts of 20,000 tokens "needed" 1.9 TiB of
 * activations per GPU and pushed everything to host memory.
 */
export const PREFILL_CHUNK_TOKENS = 8192;

export function footprint(
  arch: ModelArchitecture,
  formats: Formats,
  plan: Parallelism,
  sequencesPerChip: number,
  context: number,
  promptTokensPerChip: number,
  options: FootprintOptions = {},
): Footprint {
  const stageFraction = Math.ceil(arch.layers / plan.pipeline) / arch.layers;
  const moeLayers = arch.moe ? arch.layers - arch.moe.firstDenseLayers : 0;
  const denseLayers = arch.layers - moeLayers;
  const dense = layerWeightElements(arch, plan, false);
  const moe = layerWeightElements(arch, plan, true);
  const layerElements =
    denseLayers * (dense.matrices + dense.vectors) + moeLayers * (moe.matrices + moe.vectors);
  const embeddings = (arch.vocabSize * arch.hiddenSize * (arch.tiedEmbeddings ? 1 : 2)) / plan.tensor;
  // The first stage holds the embedding, the last the LM head; with one stage, both. Both stay dense under 2:4
  // sparsity, which prunes the layers' GEMM matrices (NVIDIA's ASP recipe leaves embeddings and the head dense).
  const embeddingShare = plan.pipeline === 1 ? embeddings : embeddings / 2;
  let weights =
    layerElements * stageFraction * formats.weightBytes +
    embeddingShare * (formats.embeddingWeightBytes ?? formats.weightBytes);
  if (options.sparseWeights === true) {
    const matrices = (denseLayers * dense.matrices + moeLayers * moe.matrices) * stageFraction;
    weights -= matrices * (formats.weightBytes - sparseWeightBytes(formats.weightBytes, options.sparsity));
  }
  const span = kvTokens(arch, context);
  const kvPerSequence =
    (span.fullLayers * context + span.windowLayers * span.window) *
    stageFraction *
    kvElementsPerToken(arch, plan) *
    formats.kvBytes;
  // The widest tensor a token carries at once: the attention projections' outputs beside the residual stream
  // (q, k, v and the hidden state: 4 × hidden with full multi-head attention), or the FFN's expanded
  // intermediate (both halves of a gated FFN; every active expert's share in a MoE layer).
  const widest = Math.max(
    arch.hiddenSize * 4,
    ((arch.gatedFfn ? 2 : 1) *
      (arch.moe ? arch.moe.expertIntermediateSize * arch.moe.activeExperts : arch.intermediateSize)) /
      plan.tensor,
  );
  // An operator's input and output buffers are alive together: twice the widest tensor, in the residual stream's
  // width (16-bit under FP8 and INT8 activations: the GEMMs write, and norms and activations read and write, 16-bit
  // tensors; only GEMM inputs are quantized — see `residualStreamBytes`).
  const perToken = widest * residualStreamBytes(formats) * 2;
  const chunk = options.prefillChunkTokens ?? PREFILL_CHUNK_TOKENS;
  const promptTokens = sequencesPerChip > 0 ? promptTokensPerChip / sequencesPerChip : promptTokensPerChip;
  return {
    weights,
    kvPerSequence,
    kv: kvPerSequence * sequencesPerChip,
    activations: Math.min(promptTokensPerChip, chunk) * perToken,
    activationsPerSequence: promptTokens * perToken,
    ...(Number.isFinite(chunk) ? { activationsCap: chunk * perToken } : {}),
  };
}
