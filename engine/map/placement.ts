/**
 * Stage 3 of the engine, map: how many bytes of weights, KV cache and activations one chip holds, and where
 * they live. Each tensor class goes to the fastest storage level with room (fastest = highest sustained
 * bandwidth from the chip's main compute unit) and spills down; a class may be split across levels. A
 * compression unit on the path to a level shrinks what the compressed class occupies there.
 */
import type { Formats } from '../lower/lower';
import type { Chip, MemoryPath } from '../machine';
import type { TensorClass } from '../operators';
import type { Parallelism } from '../plan';
import type { ModelArchitecture } from '../schema/model';

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
  const widest = Math.max(
    arch.hiddenSize * 4,
    ((arch.gatedFfn ? 2 : 1) *
      (arch.moe ? arch.moe.expertIntermediateSize * arch.moe.activeExperts : arch.intermediateSize)) /
      plan.tensor,
  );
  const activations =
    Math.min(promptTokensPerChip, PREFILL_CHUNK_TOKENS) * widest * formats.activationBytes * 2;
  return { weights, kvPerSequence, kv: kvPerSequence * sequencesPerChip, activations };
}

/** Where a tensor class lives: fractions of its bytes per level index (summing to 1). */
export type Placement = Record<TensorClass, { levelIndex: number; fraction: number }[]>;

export interface PlacementResult {
  placement: Placement;
  /** Bytes each level holds, by class (as stored, after compression). */
  used: { weights: number; kv: number; activations: number }[];
  /** Bytes that found no room (0 when the model fits). */
  overflowBytes: number;
}

/** Order in which classes claim the fastest memory: small and hot first, then what every step reads. */
const claimOrder: TensorClass[] = ['activations', 'weights', 'kv'];

export function place(chip: Chip, primaryUnit: number, needs: Footprint): PlacementResult {
  const paths = chip.paths[primaryUnit] ?? [];
  const storage = chip.levels
    .map((level, levelIndex) => ({ level, levelIndex, path: paths[levelIndex] }))
    .filter(
      (entry): entry is { level: Chip['levels'][number]; levelIndex: number; path: MemoryPath } =>
        entry.level.usage === 'storage' && entry.path !== undefined,
    )
    .sort(
      (a, b) =>
        b.path.bandwidthBytesPerSecond - a.path.bandwidthBytesPerSecond || a.levelIndex - b.levelIndex,
    );
  const room = new Map(storage.map(({ level, levelIndex }) => [levelIndex, level.capacityBytes]));
  const used = chip.levels.map(() => ({ weights: 0, kv: 0, activations: 0 }));
  const placement: Placement = { weights: [], kv: [], activations: [] };
  let overflowBytes = 0;
  for (const tensorClass of claimOrder) {
    let remaining = needs[tensorClass];
    if (remaining <= 0) {
      const fastest = storage[0];
      if (fastest) placement[tensorClass].push({ levelIndex: fastest.levelIndex, fraction: 1 });
      continue;
    }
    const total = remaining;
    for (const { levelIndex, path } of storage) {
      if (remaining <= 0) break;
      const compression =
        tensorClass === 'weights'
          ? path.weightCompression
          : tensorClass === 'kv'
            ? path.kvCompression
            : undefined;
      const ratio = compression?.ratio ?? 1;
      const free = room.get(levelIndex) ?? 0;
      const logical = Math.min(remaining, free * ratio);
      if (logical <= 0) continue;
      placement[tensorClass].push({ levelIndex, fraction: logical / total });
      room.set(levelIndex, free - logical / ratio);
      const entry = used[levelIndex];
      if (entry) entry[tensorClass] += logical / ratio;
      remaining -= logical;
    }
    if (remaining > 0) {
      overflowBytes += remaining;
      // What does not fit is costed as if it lived in the slowest level (the report says it does not fit).
      const slowest = storage.at(-1);
      if (slowest) {
        const existing = placement[tensorClass].find((entry) => entry.levelIndex === slowest.levelIndex);
        if (existing) existing.fraction += remaining / total;
        else placement[tensorClass].push({ levelIndex: slowest.levelIndex, fraction: remaining / total });
      }
    }
  }
  return { placement, used, overflowBytes };
}
