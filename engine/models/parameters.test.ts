/**
 * Small architectures whose parameter counts the tests work out from the weight shapes, term by term. The
 * library-wide check against published counts lives in main/services/models.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ModelArchitecture } from '../schema/model';
import { countParameters } from './parameters';

/** A toy Llama-style model: 2 layers, hidden 8, 4 query heads of 2, 2 KV heads, SwiGLU of width 16. */
const toyLlama: ModelArchitecture = {
  layers: 2,
  hiddenSize: 8,
  heads: 4,
  kvHeads: 2,
  headDim: 2,
  intermediateSize: 16,
  gatedFfn: true,
  activation: 'silu',
  vocabSize: 10,
  tiedEmbeddings: false,
  maxContext: 32,
  normalization: 'rmsnorm',
  positional: 'rope',
  attention: 'gqa',
};

describe('countParameters', () => {
  it('counts a toy GQA model with a gated FFN and an untied head', () => {
    const q = 8 * 4 * 2; // hidden × heads × headDim = 64
    const k = 8 * 2 * 2; // hidden × kvHeads × headDim = 32
    const v = k;
    const o = 4 * 2 * 8; // heads × headDim × hidden = 64
    const ffn = 3 * 8 * 16; // gate, up, down = 384
    const norms = 2 * 8; // two RMSNorm gains per layer
    const layer = q + k + v + o + ffn + norms; // 592
    const embedding = 2 * 10 * 8; // token table + LM head = 160
    const finalNorm = 8;
    const count = countParameters(toyLlama);
    expect(count.perLayer).toEqual([
      {
        kind: 'dense',
        firstLayer: 0,
        layers: 2,
        attention: q + k + v + o,
        ffn,
        ffnActivePerToken: ffn,
        norms,
        total: layer,
        activePerToken: layer,
      },
    ]);
    expect(count.embedding).toBe(embedding);
    expect(count.finalNorm).toBe(finalNorm);
    expect(count.total).toBe(embedding + 2 * layer + finalNorm); // 1352
    expect(count.activePerToken).toBe(count.total);
  });

  it('counts a tied head once', () => {
    const untied = countParameters(toyLlama);
    const tied = countParameters({ ...toyLlama, tiedEmbeddings: true });
    expect(untied.total - tied.total).toBe(10 * 8);
    expect(tied.embedding).toBe(10 * 8);
  });

  it('counts a toy GPT-2: learned positions, LayerNorm, plain FFN and biases everywhere', () => {
    const gpt: ModelArchitecture = {
      ...toyLlama,
      kvHeads: 4,
      attention: 'mha',
      gatedFfn: false,
      activation: 'gelu-tanh',
      intermediateSize: 32,
      tiedEmbeddings: true,
      normalization: 'layernorm',
      positional: 'learned',
      attentionBias: true,
    };
    const attention = 4 * 8 * 8 + 3 * 8 + 8; // q, k, v, o weights + q, k, v biases + o bias = 288
    const ffn = 2 * 8 * 32 + 32 + 8; // up and down weights + their biases = 552
    const norms = 2 * 2 * 8; // two LayerNorms, gain and bias each
    const layer = attention + ffn + norms; // 872
    const embedding = 10 * 8 + 32 * 8; // tied token table + position table = 336
    const finalNorm = 2 * 8;
    expect(countParameters(gpt).total).toBe(embedding + 2 * layer + finalNorm); // 2096
  });

  it('counts only the q, k and v biases of an RMSNorm model (Qwen 2)', () => {
    const withBias = countParameters({ ...toyLlama, attentionBias: true });
    const qkvBias = 4 * 2 + 2 * 2 * 2; // heads × headDim + 2 × kvHeads × headDim = 16
    expect(withBias.total - countParameters(toyLlama).total).toBe(2 * qkvBias);
  });

  it('normalizes once per layer in a parallel block (GPT-J)', () => {
    const sequential = countParameters({ ...toyLlama, normalization: 'layernorm' });
    const parallel = countParameters({ ...toyLlama, normalization: 'layernorm', parallelAttentionFfn: true });
    expect(sequential.total - parallel.total).toBe(2 * (2 * 8)); // one LayerNorm (gain + bias) per layer
  });

  it('counts a toy MoE with a dense first layer, shared experts, and active experts per token', () => {
    const moe: ModelArchitecture = {
      ...toyLlama,
      layers: 3,
      moe: {
        experts: 4,
        activeExperts: 2,
        sharedExperts: 1,
        expertIntermediateSize: 6,
        sharedExpertIntermediateSize: 12,
        firstDenseLayers: 1,
      },
    };
    const attention = 64 + 32 + 32 + 64;
    const norms = 16;
    const dense = attention + 3 * 8 * 16 + norms; // 592
    const router = 8 * 4;
    const expert = 3 * 8 * 6; // 144
    const shared = 3 * 8 * 12; // 288
    const moeLayer = attention + router + 4 * expert + shared + norms; // 1104
    const moeLayerActive = attention + router + 2 * expert + shared + norms; // 816
    const outside = 160 + 8;
    const count = countParameters(moe);
    expect(count.perLayer.map((run) => [run.kind, run.firstLayer, run.layers])).toEqual([
      ['dense', 0, 1],
      ['moe', 1, 2],
    ]);
    expect(count.total).toBe(outside + dense + 2 * moeLayer);
    expect(count.activePerToken).toBe(outside + dense + 2 * moeLayerActive);
  });

  it('counts MLA low-rank projections, with and without query compression', () => {
    const mla = {
      qLoraRank: 4,
      kvLoraRank: 3,
      qkNopeHeadDim: 2,
      qkRopeHeadDim: 1,
      vHeadDim: 2,
    };
    const architecture: ModelArchitecture = {
      ...toyLlama,
      kvHeads: 4,
      headDim: 3,
      attention: 'mla',
      mla,
    };
    const query = 8 * 4 + 4 + 4 * 4 * (2 + 1); // down, latent norm, up to heads × (nope + rope) = 84
    // down to the latent and the rope key, latent norm, up to k_nope and v = 83
    const keyValue = 8 * (3 + 1) + 3 + 3 * 4 * (2 + 2);
    const output = 4 * 2 * 8; // heads × vHeadDim × hidden = 64
    expect(countParameters(architecture).perLayer[0]?.attention).toBe(query + keyValue + output);

    const uncompressed = countParameters({ ...architecture, mla: { ...mla, qLoraRank: 0 } });
    expect(uncompressed.perLayer[0]?.attention).toBe(8 * 4 * 3 + keyValue + output);
  });

  it('costs the same for a million layers as for two', () => {
    const deep = countParameters({ ...toyLlama, layers: 1_000_000 });
    expect(deep.perLayer).toHaveLength(1);
    expect(deep.total).toBe(160 + 1_000_000 * 592 + 8);
  });
});
