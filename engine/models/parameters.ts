/**
 * Parameter counts of a model architecture: how many weights it holds in memory, and how many of them one
 * token passes through (they differ for mixture-of-experts models).
 *
 * The count follows the weight shapes of the reference implementations (Hugging Face `transformers`, the
 * GPT-2 and DeepSeek-V3 code). It is exact for the projections, FFNs, experts, routers and embeddings. It
 * leaves out a few small tensors the architecture schema does not describe: Gemma 2's extra post-norms,
 * Qwen 3's per-head q/k norms, GPT-J's LM-head bias, DeepSeek-V3's router score bias and MLA projection
 * biases, each below 0.01 % of any model in the library.
 */
import type { ModelArchitecture } from '../schema/model';

/** Weights of one transformer layer, as plain counts, for a run of identical layers. */
export interface LayerParameters {
  /** Whether the layer's FFN is dense or a mixture of experts. */
  kind: 'dense' | 'moe';
  /** Index of the first layer of the run (0 for the first layer of the model). */
  firstLayer: number;
  /** How many consecutive layers have these weights. */
  layers: number;
  /** Attention projections (q, k, v, o, or MLA's low-rank matrices and their norms), biases included. */
  attention: number;
  /** Every FFN weight the layer holds: the dense FFN, or the router, all routed experts and shared ones. */
  ffn: number;
  /** The FFN weights one token uses: the dense FFN, or the router, its top-k experts and the shared ones. */
  ffnActivePerToken: number;
  /** The layer's normalization weights (and biases, for LayerNorm). */
  norms: number;
  /** `attention + ffn + norms`. */
  total: number;
  /** `attention + ffnActivePerToken + norms`. */
  activePerToken: number;
}

/** Parameter count of a whole model, as plain counts. */
export interface ParameterCount {
  /** Every weight of the model. */
  total: number;
  /** The weights one token passes through (embeddings included, by the convention model cards use). */
  activePerToken: number;
  /**
   * Token embedding table, learned position table and untied LM head: what model cards exclude when they
   * state "non-embedding" parameters.
   */
  embedding: number;
  /** The normalization after the last layer. */
  finalNorm: number;
  /**
   * The weights of one layer, for each run of identical layers, first layer first: one entry for a dense
   * model, two for DeepSeek-V3 (3 dense layers, then 58 MoE layers). Kept per run rather than per layer so
   * the count costs the same for 8 layers as for 8 million.
   */
  perLayer: LayerParameters[];
}

function normWeights(architecture: ModelArchitecture): number {
  // LayerNorm has a gain and a bias per channel; RMSNorm only a gain.
  return architecture.normalization === 'layernorm' ? 2 * architecture.hiddenSize : architecture.hiddenSize;
}

/**
 * Models normalized with LayerNorm in the library (GPT-2, GPT-3, GPT-J) follow the GPT-2 code, whose FFN
 * matrices carry biases, and whose attention output does too whenever q, k and v do. The RMSNorm families
 * bias at most their q, k and v (Qwen 2), which `attentionBias` states.
 */
function usesGptBiases(architecture: ModelArchitecture): boolean {
  return architecture.normalization === 'layernorm';
}

function attentionWeights(architecture: ModelArchitecture): number {
  const { hiddenSize, heads, mla } = architecture;
  if (mla) {
    // DeepSeek-V3 (modeling_deepseek.py): q is hidden → qLoraRank → heads × (nope + rope), with an RMSNorm on
    // the latent, or a single hidden → heads × (nope + rope) matrix when qLoraRank is 0. The KV path projects
    // hidden → kvLoraRank + rope (the rope part is the shared key), normalizes the latent, and expands it to
    // heads × (nope + vHeadDim). The output projection maps heads × vHeadDim back to hidden.
    const queryHeadDim = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
    const query =
      mla.qLoraRank > 0
        ? hiddenSize * mla.qLoraRank + mla.qLoraRank + mla.qLoraRank * heads * queryHeadDim
        : hiddenSize * heads * queryHeadDim;
    const keyValue =
      hiddenSize * (mla.kvLoraRank + mla.qkRopeHeadDim) +
      mla.kvLoraRank +
      mla.kvLoraRank * heads * (mla.qkNopeHeadDim + mla.vHeadDim);
    const output = heads * mla.vHeadDim * hiddenSize;
    return query + keyValue + output;
  }
  const queryWidth = heads * architecture.headDim;
  const keyValueWidth = architecture.kvHeads * architecture.headDim;
  const projections = 2 * hiddenSize * queryWidth + 2 * hiddenSize * keyValueWidth;
  if (architecture.attentionBias !== true) return projections;
  const queryKeyValueBias = queryWidth + 2 * keyValueWidth;
  const outputBias = usesGptBiases(architecture) ? hiddenSize : 0;
  return projections + queryKeyValueBias + outputBias;
}

function ffnWeights(architecture: ModelArchitecture, width: number): number {
  const { hiddenSize, gatedFfn } = architecture;
  // A gated FFN (SwiGLU, GeGLU) has gate and up matrices into the width and a down matrix out of it.
  const matrices = gatedFfn ? 3 : 2;
  const weights = matrices * hiddenSize * width;
  if (!usesGptBiases(architecture)) return weights;
  return weights + (gatedFfn ? 2 : 1) * width + hiddenSize;
}

function layerParameters(
  architecture: ModelArchitecture,
  kind: 'dense' | 'moe',
  firstLayer: number,
  layers: number,
): LayerParameters {
  const attention = attentionWeights(architecture);
  // Parallel blocks (GPT-J) normalize once and feed the same input to attention and FFN.
  const norms = (architecture.parallelAttentionFfn === true ? 1 : 2) * normWeights(architecture);
  const { moe } = architecture;
  if (kind === 'dense' || moe === undefined) {
    const ffn = ffnWeights(architecture, architecture.intermediateSize);
    return {
      kind: 'dense',
      firstLayer,
      layers,
      attention,
      ffn,
      ffnActivePerToken: ffn,
      norms,
      total: attention + ffn + norms,
      activePerToken: attention + ffn + norms,
    };
  }
  const router = architecture.hiddenSize * moe.experts;
  const expert = ffnWeights(architecture, moe.expertIntermediateSize);
  const shared =
    moe.sharedExperts *
    ffnWeights(architecture, moe.sharedExpertIntermediateSize ?? moe.expertIntermediateSize);
  const ffn = router + moe.experts * expert + shared;
  const ffnActivePerToken = router + moe.activeExperts * expert + shared;
  return {
    kind: 'moe',
    firstLayer,
    layers,
    attention,
    ffn,
    ffnActivePerToken,
    norms,
    total: attention + ffn + norms,
    activePerToken: attention + ffnActivePerToken + norms,
  };
}

/**
 * Counts the parameters of `architecture`.
 *
 * - Embeddings: vocabSize × hiddenSize, once more for an untied LM head, plus maxContext × hiddenSize for
 *   learned positions.
 * - Attention: q = hiddenSize × heads × headDim, k and v = hiddenSize × kvHeads × headDim each,
 *   o = heads × headDim × hiddenSize (MHA, GQA and MQA alike); MLA counts its low-rank matrices.
 * - FFN: 3 × hiddenSize × width when gated, 2 × when plain; MoE layers add a router of hiddenSize × experts,
 *   every routed expert and the shared experts; the first `firstDenseLayers` layers are dense.
 * - Norms: two per layer (one for parallel blocks) and a final one; RMSNorm has hiddenSize weights,
 *   LayerNorm twice that.
 *
 * Pure and deterministic; every count is a whole number of weights.
 */
export function countParameters(architecture: ModelArchitecture): ParameterCount {
  const { hiddenSize } = architecture;
  const tokenTable = architecture.vocabSize * hiddenSize;
  const positionTable = architecture.positional === 'learned' ? architecture.maxContext * hiddenSize : 0;
  const outputHead = architecture.tiedEmbeddings ? 0 : tokenTable;
  const embedding = tokenTable + positionTable + outputHead;
  const finalNorm = normWeights(architecture);
  const denseLayers = Math.min(
    architecture.moe?.firstDenseLayers ?? architecture.layers,
    architecture.layers,
  );
  const perLayer: LayerParameters[] = [];
  if (denseLayers > 0) perLayer.push(layerParameters(architecture, 'dense', 0, denseLayers));
  if (denseLayers < architecture.layers)
    perLayer.push(layerParameters(architecture, 'moe', denseLayers, architecture.layers - denseLayers));
  let layersTotal = 0;
  let layersActive = 0;
  for (const run of perLayer) {
    layersTotal += run.layers * run.total;
    layersActive += run.layers * run.activePerToken;
  }
  return {
    total: embedding + layersTotal + finalNorm,
    activePerToken: embedding + layersActive + finalNorm,
    embedding,
    finalNorm,
    perLayer,
  };
}
