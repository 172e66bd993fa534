/**
 * What a model needs in one chip's memory under a parallel split: weights (a pipeline stage's layers, a tensor
 * shard of each matrix, the embedding on the first stage and the LM head on the last), the KV cache of the
 * chip's sequences, and the activations of the largest step held at once. Used by the plan stage (does a split
 * fit?) and the map stage (where does it go?).
 */
import type { ModelArchitecture } from '../schema/model';
import type { Formats } from './formats';
import type { Parallelism } from './parallelism';

/** Bytes one chip must hold. */
export interface Footprint {
  weights: number;
  /** KV cache of one sequence at the given context. */
  kvPerSequence: number;
  /** KV cache of the chip's sequences. */
  kv: number;
  /** Working activations of the largest step (prefill). */
  activations: number;
}

/** Weight elements of one layer on one chip, excluding embeddings. */
function layerWeightElements(arch: ModelArchitecture, plan: Parallelism, moeLayer: boolean): number {
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
  return attention + ffn + 2 * H;
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
 * Serving engines prefill in chunks of a bounded number of tokens (TensorRT-LLM's default `max_num_tokens` is
 * 8,192; vLLM's chunked-prefill budget is of the same order), so the activations held at once are those of one
 * chunk however many prompts are in flight. Without the bound, 1,085 prompts of 20,000 tokens "needed" 1.9 TiB of
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
): Footprint {
  const stageFraction = Math.ceil(arch.layers / plan.pipeline) / arch.layers;
  const moeLayers = arch.moe ? arch.layers - arch.moe.firstDenseLayers : 0;
  const denseLayers = arch.layers - moeLayers;
  const layerElements =
    denseLayers * layerWeightElements(arch, plan, false) + moeLayers * layerWeightElements(arch, plan, true);
  const embeddings = (arch.vocabSize * arch.hiddenSize * (arch.tiedEmbeddings ? 1 : 2)) / plan.tensor;
  // The first stage holds the embedding, the last the LM head; with one stage, both.
  const embeddingShare = plan.pipeline === 1 ? embeddings : embeddings / 2;
  const weights = (layerElements * stageFraction + embeddingShare) * formats.weightBytes;
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
  // An operator's input and output buffers are alive together: twice the widest tensor.
  const activations =
    Math.min(promptTokensPerChip, PREFILL_CHUNK_TOKENS) * widest * formats.activationBytes * 2;
  return { weights, kvPerSequence, kv: kvPerSequence * sequencesPerChip, activations };
}
