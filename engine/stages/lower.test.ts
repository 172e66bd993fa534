import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Formats } from '../models/formats';
import type { Parallelism } from '../models/parallelism';
import { countParameters } from '../models/parameters';
import type { Operator } from '../operators';
import type { ModelArchitecture } from '../schema/model';
import type { RuntimeAttention } from '../schema/runtime';
import { defaultWorkload } from '../schema/workload';
import { testModels, toyArchitecture } from '../testing/fixtures';
import { attendedPairs, expectedDistinctExperts, lower, lowerStep, type StepShape } from './lower';
import type { Plan } from './plan';

const bf16: Formats = {
  weightBytes: 2,
  activationBytes: 2,
  kvBytes: 2,
  weightClass: 'bf16',
  attentionClass: 'bf16',
};

function split(tensor = 1, pipeline = 1, expert = 1): Parallelism {
  return { tensor, pipeline, expert, dataReplicas: 1, chipsUsed: tensor * pipeline, automatic: false };
}

const prefill = (sequences: number, tokens: number): StepShape => ({
  phase: 'prefill',
  sequences,
  queryTokens: tokens,
  contextTokens: tokens,
});
const decode = (sequences: number, context: number): StepShape => ({
  phase: 'decode',
  sequences,
  queryTokens: 1,
  contextTokens: context,
});

function operatorsOf(
  step: StepShape,
  options: {
    arch?: ModelArchitecture;
    parallelism?: Parallelism;
    formats?: Formats;
    attention?: RuntimeAttention;
  } = {},
): Operator[] {
  return lowerStep(
    options.arch ?? toyArchitecture,
    options.formats ?? bf16,
    options.parallelism ?? split(),
    step,
    false,
    options.attention,
  ).operators;
}

function find(operators: readonly Operator[], id: string): Operator {
  const operator = operators.find((candidate) => candidate.id === id);
  if (!operator) throw new Error(`no operator ${id} among ${operators.map((entry) => entry.id).join(', ')}`);
  return operator;
}

const ids = (operators: readonly Operator[]) => operators.map((operator) => operator.id);
const total = (operators: readonly Operator[], of: (operator: Operator) => number) =>
  operators.reduce((sum, operator) => sum + of(operator) * operator.repeat, 0);

const toyMoe = testModels.find((model) => model.id === 'toy-moe')?.architecture as ModelArchitecture;
const moe = toyMoe.moe as NonNullable<ModelArchitecture['moe']>;

describe('lower: the GEMMs of a layer', () => {
  const { hiddenSize: H, heads, kvHeads, headDim, intermediateSize: I, vocabSize, layers } = toyArchitecture;

  it('multiplies tokens × input × output for the QKV, output and FFN projections, once per layer', () => {
    const tokens = 2 * 16;
    const operators = operatorsOf(prefill(2, 16));
    const expected: [string, number][] = [
      ['attention.qkv', tokens * H * (heads + 2 * kvHeads) * headDim],
      ['attention.out', tokens * heads * headDim * H],
      ['ffn.up', tokens * H * 2 * I], // gate and up
      ['ffn.down', tokens * I * H],
    ];
    for (const [id, macs] of expected) {
      expect(find(operators, id).macs, id).toBe(macs);
      expect(find(operators, id).repeat, id).toBe(layers);
    }
  });

  it('computes logits for the last token of each sequence only', () => {
    const head = find(operatorsOf(prefill(3, 16)), 'head.logits');
    expect(head.gemm).toEqual({ m: 3, k: H, n: vocabSize, batch: 1 });
    expect(head.macs).toBe(3 * H * vocabSize);
    expect(head.repeat).toBe(1);
  });

  it('does one MAC per weight a decode token passes through, and reads each weight once a step', () => {
    const params = countParameters(toyArchitecture);
    const layer = params.perLayer[0];
    if (!layer) throw new Error('the toy model has layers');
    const tableElements = vocabSize * H;
    for (const sequences of [1, 3]) {
      const operators = operatorsOf(decode(sequences, 64));
      const weightGemms = operators.filter((operator) => operator.kind === 'matmul');
      // Every layer's projections and FFN, and the untied LM head.
      expect(total(weightGemms, (operator) => operator.macs)).toBe(
        sequences * (layers * (layer.attention + layer.ffn) + tableElements),
      );
      // Every weight once, whatever the batch — but the embedding table only one row per token.
      expect(total(operators, (operator) => operator.bytes.weights)).toBe(
        (params.total - tableElements + sequences * H) * bf16.weightBytes,
      );
    }
  });

  it('writes each new token’s K and V to the cache in the QKV projection', () => {
    const kvFp8 = { ...bf16, kvBytes: 1 };
    const qkv = find(operatorsOf(prefill(2, 16), { formats: kvFp8 }), 'attention.qkv');
    expect(qkv.bytes.kv).toBe(2 * 16 * 2 * kvHeads * headDim * 1);
  });
});

describe('lower: attention', () => {
  const { heads, kvHeads, headDim, layers } = toyArchitecture;

  it('reads the whole KV cache once per decode step: sequences × context × 2 × KV heads × head size', () => {
    // An FP8 cache, so its bytes differ from the BF16 activations'.
    const formats = { ...bf16, kvBytes: 1 };
    const attention = find(operatorsOf(decode(3, 100), { formats }), 'attention.scores');
    expect(attention.bytes.kv).toBe(3 * 100 * 2 * kvHeads * headDim * 1);
    expect(attention.repeat).toBe(layers);
    // q·k and p·v for every head and every cached token.
    expect(attention.macs).toBe(3 * heads * 100 * 2 * headDim);
    // Grouped-query heads share their KV: 4 query rows per KV head, one GEMM per sequence and KV head.
    expect(attention.gemm).toEqual({ m: heads / kvHeads, k: headDim, n: 100, batch: 3 * kvHeads, loop: 'n' });
  });

  describe('unfused (llama.cpp without flash attention)', () => {
    // f32 scores, as llama.cpp's kq (GGML_PREC_F32).
    const unfused: RuntimeAttention = { kernel: 'unfused', scoreBytes: 4, source: { citation: 'test' } };
    const fused: RuntimeAttention = { ...unfused, kernel: 'fused' };

    it('reads K and V once per query head and moves the score matrix through memory four times', () => {
      const sequences = 3;
      const context = 100;
      const fusedOp = find(operatorsOf(decode(sequences, context)), 'attention.scores');
      const op = find(operatorsOf(decode(sequences, context), { attention: unfused }), 'attention.scores');
      // mul_mat(K, Q) broadcasts each of the 2 KV heads over its 4 query heads: K and V read 8 times, not 2.
      expect(op.bytes.kv).toBe(sequences * context * 2 * heads * headDim * 2);
      expect(op.bytes.kv).toBe(fusedOp.bytes.kv * (heads / kvHeads));
      // Scores: heads × context f32 per sequence, written, read and rewritten by the softmax, read again.
      expect(op.bytes.activations - fusedOp.bytes.activations).toBe(sequences * heads * context * 4 * 4);
      // The same arithmetic; one matrix-vector product per sequence and query head.
      expect(op.macs).toBe(fusedOp.macs);
      expect(op.gemm).toEqual({ m: 1, k: headDim, n: context, batch: sequences * heads, loop: 'n' });
    });

    it('writes the causal score pairs of a prefill to memory', () => {
      const T = 16;
      const fusedOp = find(operatorsOf(prefill(2, T)), 'attention.scores');
      const op = find(operatorsOf(prefill(2, T), { attention: unfused }), 'attention.scores');
      expect(op.bytes.activations - fusedOp.bytes.activations).toBe(2 * heads * ((T * (T + 1)) / 2) * 4 * 4);
      expect(op.bytes.kv).toBe(0);
    });

    it('leaves a runtime that declares fused attention as FlashAttention', () => {
      expect(find(operatorsOf(decode(3, 100), { attention: fused }), 'attention.scores')).toEqual(
        find(operatorsOf(decode(3, 100)), 'attention.scores'),
      );
    });
  });

  it('computes T(T + 1) / 2 score pairs per head in a causal prefill of T tokens', () => {
    const T = 16;
    const attention = find(operatorsOf(prefill(2, T)), 'attention.scores');
    expect(attention.macs).toBe(2 * heads * ((T * (T + 1)) / 2) * 2 * headDim);
    // FlashAttention: the prompt's KV is computed in the step, not read from the cache.
    expect(attention.bytes.kv).toBe(0);
  });

  it('bounds the pairs and the cache read by a sliding window', () => {
    const W = 4;
    const T = 16;
    const arch: ModelArchitecture = { ...toyArchitecture, slidingWindow: W };
    // Query i sees min(i, W) keys: 1 + 2 + … + W, then W for each of the T − W later queries.
    const pairs = (W * (W + 1)) / 2 + (T - W) * W;
    expect(find(operatorsOf(prefill(1, T), { arch }), 'attention.scores').macs).toBe(
      heads * pairs * 2 * headDim,
    );
    const decodeStep = find(operatorsOf(decode(1, 100), { arch }), 'attention.scores');
    expect(decodeStep.macs).toBe(heads * W * 2 * headDim);
    expect(decodeStep.bytes.kv).toBe(W * 2 * kvHeads * headDim * 2);
  });

  it('splits alternating sliding-window layers from global ones', () => {
    // Five layers, the first of each pair local (Gemma 2): three local, two global.
    const arch: ModelArchitecture = {
      ...toyArchitecture,
      layers: 5,
      slidingWindow: 4,
      slidingWindowLayers: 'alternate',
    };
    const operators = operatorsOf(decode(1, 100), { arch });
    expect(find(operators, 'attention.local').repeat).toBe(3);
    expect(find(operators, 'attention.global').repeat).toBe(2);
    expect(find(operators, 'attention.local').bytes.kv).toBe(4 * 2 * kvHeads * headDim * 2);
    expect(find(operators, 'attention.global').bytes.kv).toBe(100 * 2 * kvHeads * headDim * 2);
  });
});

describe('lower: tensor and pipeline parallelism', () => {
  const { hiddenSize: H, heads, headDim, intermediateSize: I, vocabSize, layers } = toyArchitecture;

  it('divides the heads, the FFN width and the vocabulary over the tensor group', () => {
    const tp = 2;
    const operators = operatorsOf(prefill(1, 16), { parallelism: split(tp) });
    // 8 query heads and 2 KV heads: 4 and 1 per chip.
    expect(find(operators, 'attention.qkv').gemm?.n).toBe((heads / tp + 2 * 1) * headDim);
    expect(find(operators, 'attention.out').gemm?.k).toBe((heads / tp) * headDim);
    expect(find(operators, 'ffn.up').gemm?.n).toBe((2 * I) / tp);
    expect(find(operators, 'ffn.down').gemm?.k).toBe(I / tp);
    expect(find(operators, 'head.logits').gemm?.n).toBe(vocabSize / tp);
  });

  it('keeps a whole KV head on each chip when the tensor group outnumbers the KV heads', () => {
    // 2 KV heads over 4 chips: each chip keeps one (replicated), beside its 2 query heads.
    const operators = operatorsOf(decode(1, 100), { parallelism: split(4) });
    expect(find(operators, 'attention.qkv').gemm?.n).toBe((heads / 4 + 2 * 1) * headDim);
    expect(find(operators, 'attention.scores').bytes.kv).toBe(100 * 2 * 1 * headDim * 2);
  });

  it('all-reduces the hidden state after attention and after the FFN, over the tensor group', () => {
    const tp = 4;
    const tokens = 3 * 16;
    const operators = operatorsOf(prefill(3, 16), { parallelism: split(tp) });
    for (const id of ['attention.all-reduce', 'ffn.all-reduce']) {
      const allReduce = find(operators, id);
      expect(allReduce.collective).toEqual({ kind: 'all-reduce', bytes: tokens * H * 2, participants: tp });
      expect(allReduce.repeat).toBe(layers);
    }
    expect(ids(operatorsOf(prefill(3, 16))).filter((id) => id.endsWith('all-reduce'))).toEqual([]);
  });

  it('runs a pipeline stage’s share of the layers, the slowest stage rounding up', () => {
    for (const pipeline of [1, 2, 3, 4]) {
      const operators = operatorsOf(prefill(1, 16), { parallelism: split(1, pipeline) });
      for (const id of ['attention.qkv', 'attention.scores', 'ffn.up', 'ffn.down'])
        expect(find(operators, id).repeat, `${id} at pp=${pipeline}`).toBe(Math.ceil(layers / pipeline));
    }
  });

  it('sends the hidden state to the next stage once per step when pipelined', () => {
    const tokens = 2 * 16;
    const send = find(operatorsOf(prefill(2, 16), { parallelism: split(1, 2) }), 'pipeline.send');
    expect(send.collective).toEqual({ kind: 'send-recv', bytes: tokens * H * 2, participants: 2 });
    expect(send.repeat).toBe(1);
    expect(ids(operatorsOf(prefill(2, 16)))).not.toContain('pipeline.send');
  });
});

describe('lower: mixture of experts', () => {
  const H = toyMoe.hiddenSize;
  const Fe = moe.expertIntermediateSize;

  it('counts the distinct experts tokens touch as E·(1 − (1 − k/E)^tokens)', () => {
    // One token touches exactly its k experts; two touch k + k·(1 − k/E) on average.
    expect(expectedDistinctExperts(8, 2, 1)).toBeCloseTo(2, 12);
    expect(expectedDistinctExperts(8, 2, 2)).toBeCloseTo(2 + 2 * (1 - 2 / 8), 12);
    expect(expectedDistinctExperts(8, 2, 0)).toBe(0);
  });

  it('never touches more experts than exist or than the tokens pick, and touches more as tokens grow', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 256 })
          .chain((experts) =>
            fc.tuple(fc.constant(experts), fc.integer({ min: 1, max: Math.min(16, experts) })),
          ),
        fc.integer({ min: 1, max: 100_000 }),
        ([experts, k], tokens) => {
          const touched = expectedDistinctExperts(experts, k, tokens);
          expect(touched).toBeLessThanOrEqual(Math.min(experts, k * tokens) * (1 + 1e-12));
          expect(touched).toBeGreaterThanOrEqual(k * (1 - 1e-12));
          expect(expectedDistinctExperts(experts, k, tokens + 1)).toBeGreaterThanOrEqual(touched);
        },
      ),
    );
  });

  it('reads the weights of the experts touched and does k experts’ MACs per token', () => {
    const tokens = 5;
    const operators = operatorsOf(prefill(1, tokens), { arch: toyMoe });
    const touched = expectedDistinctExperts(moe.experts, moe.activeExperts, tokens);
    const up = find(operators, 'moe.up');
    expect(up.gemm?.batch).toBeCloseTo(touched, 12);
    expect(up.bytes.weights).toBeCloseTo(touched * H * 2 * Fe * 2, 6);
    expect(up.macs).toBeCloseTo(tokens * moe.activeExperts * H * 2 * Fe, 6);
    const down = find(operators, 'moe.down');
    expect(down.macs).toBeCloseTo(tokens * moe.activeExperts * Fe * H, 6);
    expect(find(operators, 'moe.router').macs).toBe(tokens * H * moe.experts);
    expect(ids(operators)).not.toContain('ffn.up');
  });

  it('copies tokens to their experts’ rows and sums them back by routing weight', () => {
    const tokens = 6;
    const operators = operatorsOf(prefill(1, tokens), { arch: toyMoe });
    const assignments = tokens * moe.activeExperts;
    // Each kernel reads one side and writes the other: tokens × H and assignments × H 16-bit elements.
    expect(find(operators, 'moe.permute').bytes.activations).toBeCloseTo((tokens + assignments) * H * 2, 6);
    const unpermute = find(operators, 'moe.unpermute');
    expect(unpermute.bytes.activations).toBeCloseTo((assignments + tokens) * H * 2, 6);
    // Scaling each expert output by its weight and adding it: 2 operations per element of every assignment.
    expect(unpermute.vectorOps).toBeCloseTo(assignments * H * 2, 6);
    expect(ids(operators).indexOf('moe.permute')).toBeLessThan(ids(operators).indexOf('moe.up'));
  });

  it('runs dense FFNs in the first dense layers and experts in the rest', () => {
    const arch: ModelArchitecture = { ...toyMoe, moe: { ...moe, firstDenseLayers: 1 } };
    const operators = operatorsOf(decode(1, 10), { arch });
    expect(find(operators, 'ffn.up').repeat).toBe(1);
    expect(find(operators, 'moe.up').repeat).toBe(arch.layers - 1);
  });

  it('adds a dispatch and a combine all-to-all under expert parallelism, each chip serving its experts', () => {
    const tokens = 2 * 16;
    const ep = 2;
    const operators = operatorsOf(prefill(2, 16), { arch: toyMoe, parallelism: split(2, 1, ep) });
    for (const id of ['moe.dispatch', 'moe.combine'])
      expect(find(operators, id).collective).toEqual({
        kind: 'all-to-all',
        bytes: tokens * moe.activeExperts * H * 2,
        participants: ep,
      });
    // With ep = tp every expert is whole on one chip; each chip holds half the experts touched.
    const up = find(operators, 'moe.up');
    expect(up.gemm?.n).toBe(2 * Fe);
    expect(up.gemm?.batch).toBeCloseTo(
      expectedDistinctExperts(moe.experts, moe.activeExperts, tokens) / ep,
      12,
    );
    expect(ids(operatorsOf(prefill(2, 16), { arch: toyMoe }))).not.toContain('moe.dispatch');
  });
});

describe('lower: a plan’s two phases', () => {
  it('prefills the replica’s batch of prompts and decodes one micro-batch at the decode context', () => {
    const plan: Plan = {
      parallelism: split(1, 2),
      primaryUnit: 0,
      batchPerReplica: 6,
      totalContext: 96,
      decodeContext: 80,
      microbatches: 2,
      decodeSequences: 3,
      needs: { weights: 0, kvPerSequence: 0, kv: 0, activations: 0 },
    };
    const workload = { ...defaultWorkload('toy'), batch: 6, inputTokens: 64, outputTokens: 32 };
    const graph = lower(toyArchitecture, bf16, plan, workload);
    const H = toyArchitecture.hiddenSize;
    expect(find(graph.prefill, 'attention.qkv').gemm?.m).toBe(6 * 64);
    // A causal prefill of 64 tokens: each query attends to (64 · 65 / 2) / 64 = 32.5 keys on average, rounded up.
    expect(find(graph.prefill, 'attention.scores').gemm).toMatchObject({ m: 64, n: 33, batch: 6 * 8 });
    expect(find(graph.decode, 'attention.qkv').gemm?.m).toBe(3);
    expect(find(graph.decode, 'attention.scores').gemm).toMatchObject({ n: 80, batch: 3 * 2 });
    expect(find(graph.decode, 'pipeline.send').collective?.bytes).toBe(3 * H * 2);
  });

  it('marks the layers’ weight GEMMs sparse under 2:4 sparsity, and nothing else (the LM head stays dense)', () => {
    const plan: Plan = {
      parallelism: split(),
      primaryUnit: 0,
      batchPerReplica: 1,
      totalContext: 32,
      decodeContext: 24,
      microbatches: 1,
      decodeSequences: 1,
      needs: { weights: 0, kvPerSequence: 0, kv: 0, activations: 0 },
    };
    const workload = { ...defaultWorkload('toy'), weightSparsity: '2:4' as const };
    const graph = lower(toyArchitecture, bf16, plan, workload);
    const sparse = graph.decode.filter((operator) => operator.sparse).map((operator) => operator.id);
    expect(sparse).toEqual(
      graph.decode
        .filter((operator) => operator.kind === 'matmul' && operator.part !== 'head')
        .map((operator) => operator.id),
    );
  });

  it('reads 2:4-sparse matrices as stored when the plan keeps them compressed: b/2 + 1/8 bytes per weight', () => {
    const base: Plan = {
      parallelism: split(),
      primaryUnit: 0,
      batchPerReplica: 1,
      totalContext: 32,
      decodeContext: 24,
      microbatches: 1,
      decodeSequences: 1,
      needs: { weights: 0, kvPerSequence: 0, kv: 0, activations: 0 },
    };
    const workload = { ...defaultWorkload('toy'), weightSparsity: '2:4' as const };
    const dense = lower(toyArchitecture, bf16, base, workload);
    const stored = lower(
      toyArchitecture,
      bf16,
      { ...base, storage: { sparseWeights: true, prefillChunkTokens: 8192 } },
      workload,
    );
    // BF16: two of every four 2-byte values kept, each with a 2-bit index: (2 · 2 + 2 · 2 / 8) / 4 = 1.125 bytes.
    const ratio = 1.125 / 2;
    const H = toyArchitecture.hiddenSize;
    const F = toyArchitecture.intermediateSize;
    expect(find(stored.decode, 'ffn.down').bytes.weights).toBe(F * H * 1.125);
    expect(find(stored.decode, 'ffn.down').bytes.weights).toBe(
      find(dense.decode, 'ffn.down').bytes.weights * ratio,
    );
    // The LM head and the norm gains stay dense.
    expect(find(stored.decode, 'head.logits').bytes.weights).toBe(
      find(dense.decode, 'head.logits').bytes.weights,
    );
    expect(find(stored.decode, 'head.norm').bytes.weights).toBe(H * 2);
  });
});

describe('lower: the residual stream stays 16-bit under narrow activation formats', () => {
  const fp8: Formats = {
    weightBytes: 1,
    activationBytes: 1,
    kvBytes: 1,
    weightClass: 'fp8',
    attentionClass: 'fp8',
  };
  const { hiddenSize: H, heads, kvHeads, headDim } = toyArchitecture;

  it('reads FP8 GEMM inputs but writes 16-bit outputs, norms and all-reduces', () => {
    const tokens = 4 * 8;
    const operators = operatorsOf(prefill(4, 8), { formats: fp8, parallelism: split(2) });
    const width = ((heads + 2 * kvHeads) * headDim) / 2;
    // The QKV GEMM reads tokens × H FP8 elements (1 byte) and writes tokens × width 16-bit elements (2 bytes).
    expect(find(operators, 'attention.qkv').bytes.activations).toBe(tokens * H * 1 + tokens * width * 2);
    // An add-and-norm reads and writes the 16-bit residual stream (4 tensors: below).
    expect(find(operators, 'attention.norm').bytes.activations).toBe(4 * tokens * H * 2);
    // The tensor-parallel all-reduce moves 16-bit hidden states.
    expect(find(operators, 'ffn.all-reduce').collective?.bytes).toBe(tokens * H * 2);
  });

  it('keeps a format wider than 16-bit as it is', () => {
    const fp32: Formats = { ...bf16, activationBytes: 4 };
    const operators = operatorsOf(prefill(1, 8), { formats: fp32 });
    expect(find(operators, 'attention.norm').bytes.activations).toBe(4 * 8 * H * 4);
  });
});

describe('lower: element-wise traffic of fused kernels', () => {
  const { hiddenSize: H, intermediateSize: I } = toyArchitecture;

  it('adds the residual and normalises in one kernel: reads output and residual, writes residual and input', () => {
    const tokens = 2 * 8;
    const operators = operatorsOf(prefill(2, 8));
    for (const id of ['attention.norm', 'ffn.norm'])
      expect(find(operators, id).bytes.activations, id).toBe(4 * tokens * H * 2);
  });

  it('reads gate and up and writes their product in a gated activation', () => {
    const tokens = 2 * 8;
    expect(toyArchitecture.gatedFfn).toBe(true);
    expect(find(operatorsOf(prefill(2, 8)), 'ffn.activation').bytes.activations).toBe(3 * tokens * I * 2);
    const plain = { ...toyArchitecture, gatedFfn: false };
    expect(find(operatorsOf(prefill(2, 8), { arch: plain }), 'ffn.activation').bytes.activations).toBe(
      2 * tokens * I * 2,
    );
  });
});

describe('attendedPairs (issue 15 item 4)', () => {
  /** The definition, one query at a time: the query at position p sees min(p, window) keys. */
  function bruteForce(queryTokens: number, contextTokens: number, window: number | undefined): number {
    let pairs = 0;
    for (let p = contextTokens - queryTokens + 1; p <= contextTokens; p += 1)
      pairs += Math.min(p, window ?? Infinity);
    return pairs;
  }

  it('equals the sum over queries for every small prompt, cache and window', () => {
    for (let cached = 0; cached <= 12; cached += 1)
      for (let queries = 1; queries <= 12; queries += 1)
        for (const window of [undefined, 1, 2, 3, 5, 8, 13, 30])
          expect(attendedPairs(queries, cached + queries, window)).toBe(
            bruteForce(queries, cached + queries, window),
          );
  });

  it('counts 1e10- and 1e12-token prompts under a 4096-token window in closed form', () => {
    // Mistral 7B's window w = 4096 over n = 1e10 prompt tokens, nothing cached: the first w queries see 1 … w
    // keys (w(w + 1)/2 pairs), each of the other n − w sees w.
    const w = 4096;
    const n = 1e10;
    expect(attendedPairs(n, n, w)).toBe((w * (w + 1)) / 2 + (n - w) * w);
    // A query-at-a-time loop would take minutes here (past the test's time limit); the closed form does not.
    const trillion = 1e12;
    expect(attendedPairs(trillion, trillion, w)).toBe((w * (w + 1)) / 2 + (trillion - w) * w);
    // After c = 1000 cached tokens a 3-token chunk's queries sit at positions 1001 … 1003, all past a 500 window.
    expect(attendedPairs(3, 1003, 500)).toBe(3 * 500);
    // … and under a 1002 window: 1001 + 1002 + 1002.
    expect(attendedPairs(3, 1003, 1002)).toBe(1001 + 1002 + 1002);
  });
});
