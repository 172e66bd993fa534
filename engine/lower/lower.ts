/**
 * Stage 2 of the engine, lower: model + workload + parallelism → the operators of one prefill and one decode
 * step on one chip. Each operator carries its MACs, its element-wise work and the bytes it reads and writes by
 * tensor class, in the workload's number formats.
 *
 * Conventions (per chip, after tensor parallelism `tp` and expert parallelism `ep`):
 * - projections are split column- or row-wise over `tp` (Megatron-LM: Shoeybi et al. 2019), with an
 *   all-reduce of the hidden state after the attention output and after the FFN down projection;
 * - attention is FlashAttention-style (scores never written to memory: Dao et al. 2022); causal prefill does
 *   half the score work; decode reads the whole KV cache of the context once per step; grouped-query heads
 *   share their KV reads;
 * - MoE layers route each token to `activeExperts` experts: the experts touched in a step are the expected
 *   number of distinct ones, E·(1 − (1 − k/E)^tokens), each read once;
 * - a pipeline stage holds `layers / pp` layers (the slowest stage rounds up).
 */
import type { Parallelism } from '../plan';
import type { ModelArchitecture } from '../schema/model';
import type { ComputeClass, NumberFormat } from '../schema/number-format';
import type { GemmShape, Operator, PhaseOperators, TensorClass } from '../operators';

/** Byte sizes and arithmetic of the workload's formats. */
export interface Formats {
  weightBytes: number;
  activationBytes: number;
  kvBytes: number;
  /** MAC class of GEMMs against weights. */
  weightClass: ComputeClass;
  /** MAC class of attention GEMMs against the KV cache. */
  attentionClass: ComputeClass;
}

const widths: Record<ComputeClass, number> = {
  fp4: 4,
  int4: 4.5,
  fp8: 8,
  int8: 8.5,
  bf16: 16,
  tf32: 19,
  fp32: 32,
};

/** The arithmetic two operands meet in: the wider of their classes (storage-only formats take the other's). */
export function meetClass(activations: NumberFormat, other: NumberFormat): ComputeClass {
  const active = activations.computeClass ?? 'bf16';
  const second = other.computeClass ?? active;
  return widths[second] > widths[active] ? second : active;
}

export function formatsOf(weights: NumberFormat, activations: NumberFormat, kv: NumberFormat): Formats {
  return {
    weightBytes: weights.effectiveBitsPerElement / 8,
    activationBytes: activations.effectiveBitsPerElement / 8,
    kvBytes: kv.effectiveBitsPerElement / 8,
    weightClass: meetClass(activations, weights),
    attentionClass: meetClass(activations, kv),
  };
}

/** What one step processes on one replica. */
export interface StepShape {
  phase: 'prefill' | 'decode';
  /** Sequences in the step (the micro-batch one pipeline stage sees). */
  sequences: number;
  /** New tokens per sequence (the prompt in prefill, 1 in decode). */
  queryTokens: number;
  /** Tokens each new token attends to at the end of the step (prompt length in prefill, context in decode). */
  contextTokens: number;
}

function bytes(weights: number, kv: number, activations: number): Record<TensorClass, number> {
  return { weights, kv, activations };
}

/** Expected number of distinct experts `tokens` tokens touch when each picks `k` of `experts` uniformly. */
export function expectedDistinctExperts(experts: number, k: number, tokens: number): number {
  if (tokens <= 0) return 0;
  return experts * (1 - Math.pow(1 - k / experts, tokens));
}

/** Score-matrix entries one sequence computes with causal masking and an optional sliding window. */
function attendedPairs(queryTokens: number, contextTokens: number, window: number | undefined): number {
  const span = window ?? Infinity;
  if (queryTokens === 1) return Math.min(contextTokens, span);
  // Query i (1-based, at position contextTokens − queryTokens + i) sees min(position, window) keys.
  const start = contextTokens - queryTokens;
  let pairs = 0;
  if (!Number.isFinite(span)) {
    pairs = queryTokens * start + (queryTokens * (queryTokens + 1)) / 2;
  } else {
    for (let i = 1; i <= queryTokens; i += 1) pairs += Math.min(start + i, span);
  }
  return pairs;
}

/** The operators of one step of `arch` on one chip. */
export function lowerStep(
  arch: ModelArchitecture,
  formats: Formats,
  plan: Parallelism,
  step: StepShape,
  sparse: boolean,
): PhaseOperators {
  const { tensor: tp, pipeline: pp, expert: ep } = plan;
  const H = arch.hiddenSize;
  const tokens = step.sequences * step.queryTokens;
  const a = formats.activationBytes;
  const w = formats.weightBytes;
  const kvB = formats.kvBytes;
  const layersPerStage = Math.ceil(arch.layers / pp);
  const stageShare = (layers: number): number => (layers / arch.layers) * layersPerStage;
  const operators: Operator[] = [];
  const gemm = (
    id: string,
    name: string,
    part: Operator['part'],
    repeat: number,
    shape: GemmShape,
    weightElements: number,
    extraVector = 0,
  ): Operator => ({
    id,
    name,
    kind: 'matmul',
    part,
    repeat,
    gemm: shape,
    macs: shape.m * shape.k * shape.n * shape.batch,
    vectorOps: extraVector,
    bytes: bytes(weightElements * w, 0, (shape.m * shape.k + shape.m * shape.n) * shape.batch * a),
    computeClass: formats.weightClass,
    elementBytes: a,
    sparse,
    collective: undefined,
  });
  const elementwise = (
    id: string,
    name: string,
    part: Operator['part'],
    repeat: number,
    elements: number,
    opsPerElement: number,
    weightElements = 0,
  ): Operator => ({
    id,
    name,
    kind: 'elementwise',
    part,
    repeat,
    gemm: undefined,
    macs: 0,
    vectorOps: elements * opsPerElement,
    bytes: bytes(weightElements * w, 0, 2 * elements * a),
    computeClass: formats.weightClass,
    elementBytes: a,
    sparse: false,
    collective: undefined,
  });
  const allReduce = (id: string, name: string, repeat: number, elements: number): Operator => ({
    id,
    name,
    kind: 'collective',
    part: 'communication',
    repeat,
    gemm: undefined,
    macs: 0,
    vectorOps: tp > 1 ? elements : 0,
    bytes: bytes(0, 0, 0),
    computeClass: formats.weightClass,
    elementBytes: a,
    sparse: false,
    collective: { kind: 'all-reduce', bytes: elements * a, participants: tp },
  });

  // Embedding: a gather of one row per token (only the first stage).
  operators.push({
    id: 'embedding',
    name: 'Token embedding',
    kind: 'gather',
    part: 'embedding',
    repeat: 1,
    gemm: undefined,
    macs: 0,
    vectorOps: 0,
    bytes: bytes(Math.min(tokens, arch.vocabSize) * H * w, 0, tokens * H * a),
    computeClass: formats.weightClass,
    elementBytes: a,
    sparse: false,
    collective: undefined,
  });

  const layers = stageShare(arch.layers);
  const heads = arch.heads / tp;
  operators.push(elementwise('attention.norm', 'Attention norm', 'attention', layers, tokens * H, 4, H));

  // Attention projections and the KV cache.
  let kvElementsPerToken: number;
  if (arch.attention === 'mla' && arch.mla) {
    const mla = arch.mla;
    const qHead = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
    kvElementsPerToken = mla.kvLoraRank + mla.qkRopeHeadDim;
    if (mla.qLoraRank > 0) {
      operators.push(
        gemm(
          'attention.q-down',
          'Query down projection',
          'attention',
          layers,
          { m: tokens, k: H, n: mla.qLoraRank, batch: 1 },
          H * mla.qLoraRank,
        ),
      );
      operators.push(
        gemm(
          'attention.q-up',
          'Query up projection',
          'attention',
          layers,
          { m: tokens, k: mla.qLoraRank, n: heads * qHead, batch: 1 },
          mla.qLoraRank * heads * qHead,
        ),
      );
    } else {
      operators.push(
        gemm(
          'attention.q',
          'Query projection',
          'attention',
          layers,
          { m: tokens, k: H, n: heads * qHead, batch: 1 },
          H * heads * qHead,
        ),
      );
    }
    const kvDown = gemm(
      'attention.kv-down',
      'KV latent projection',
      'attention',
      layers,
      { m: tokens, k: H, n: kvElementsPerToken, batch: 1 },
      H * kvElementsPerToken,
    );
    operators.push({ ...kvDown, bytes: { ...kvDown.bytes, kv: tokens * kvElementsPerToken * kvB } });
    operators.push(
      gemm(
        'attention.kv-up',
        'KV up projection',
        'attention',
        layers,
        { m: tokens, k: mla.kvLoraRank, n: heads * (mla.qkNopeHeadDim + mla.vHeadDim), batch: 1 },
        mla.kvLoraRank * heads * (mla.qkNopeHeadDim + mla.vHeadDim),
      ),
    );
  } else {
    const kvHeads = Math.max(1, arch.kvHeads / tp);
    kvElementsPerToken = 2 * kvHeads * arch.headDim;
    const qkv = gemm(
      'attention.qkv',
      'QKV projection',
      'attention',
      layers,
      { m: tokens, k: H, n: (heads + 2 * kvHeads) * arch.headDim, batch: 1 },
      H * (heads + 2 * kvHeads) * arch.headDim,
      tokens * (heads + kvHeads) * arch.headDim * 3,
    );
    operators.push({ ...qkv, bytes: { ...qkv.bytes, kv: tokens * kvElementsPerToken * kvB } });
  }

  // The attention itself, per layer kind (Gemma 2 alternates sliding-window and global layers).
  const kinds: { id: string; name: string; window: number | undefined; layers: number }[] =
    arch.slidingWindow === undefined
      ? [{ id: 'attention.scores', name: 'Attention', window: undefined, layers }]
      : arch.slidingWindowLayers === 'alternate'
        ? [
            {
              id: 'attention.local',
              name: 'Attention (sliding window)',
              window: arch.slidingWindow,
              layers: stageShare(Math.ceil(arch.layers / 2)),
            },
            {
              id: 'attention.global',
              name: 'Attention (global)',
              window: undefined,
              layers: stageShare(Math.floor(arch.layers / 2)),
            },
          ]
        : [
            {
              id: 'attention.scores',
              name: 'Attention (sliding window)',
              window: arch.slidingWindow,
              layers,
            },
          ];
  const qkDim =
    arch.attention === 'mla' && arch.mla ? arch.mla.qkNopeHeadDim + arch.mla.qkRopeHeadDim : arch.headDim;
  const vDim = arch.attention === 'mla' && arch.mla ? arch.mla.vHeadDim : arch.headDim;
  const kvHeadsPerChip = arch.attention === 'mla' ? heads : Math.max(1, arch.kvHeads / tp);
  const groupRows = heads / kvHeadsPerChip;
  for (const kind of kinds) {
    if (kind.layers <= 0) continue;
    const pairs = attendedPairs(step.queryTokens, step.contextTokens, kind.window);
    const macs = step.sequences * heads * pairs * (qkDim + vDim);
    const readContext = Math.min(step.contextTokens, kind.window ?? Infinity);
    const kvRead = step.phase === 'decode' ? step.sequences * readContext * kvElementsPerToken * kvB : 0;
    const qElements = tokens * heads * qkDim;
    operators.push({
      id: kind.id,
      name: kind.name,
      kind: 'attention',
      part: 'attention',
      repeat: kind.layers,
      gemm: {
        m: step.phase === 'decode' ? groupRows : step.queryTokens,
        k: qkDim,
        n: step.phase === 'decode' ? readContext : step.contextTokens,
        batch: step.sequences * (step.phase === 'decode' ? kvHeadsPerChip : heads),
      },
      macs,
      vectorOps: step.sequences * heads * pairs * 5,
      bytes: bytes(
        0,
        kvRead,
        (qElements + tokens * heads * vDim + (step.phase === 'prefill' ? tokens * kvElementsPerToken : 0)) *
          a,
      ),
      computeClass: formats.attentionClass,
      elementBytes: a,
      sparse: false,
      collective: undefined,
    });
  }

  operators.push(
    gemm(
      'attention.out',
      'Attention output projection',
      'attention',
      layers,
      { m: tokens, k: heads * vDim, n: H, batch: 1 },
      heads * vDim * H,
    ),
  );
  if (tp > 1)
    operators.push(allReduce('attention.all-reduce', 'All-reduce after attention', layers, tokens * H));
  if (arch.parallelAttentionFfn !== true)
    operators.push(elementwise('ffn.norm', 'FFN norm and residual', 'ffn', layers, tokens * H, 5, H));

  // Feed-forward: dense layers, and MoE layers.
  const moe = arch.moe;
  const denseLayers = moe ? stageShare(moe.firstDenseLayers) : layers;
  const gates = arch.gatedFfn ? 2 : 1;
  if (denseLayers > 0) {
    const F = arch.intermediateSize / tp;
    operators.push(
      gemm(
        'ffn.up',
        arch.gatedFfn ? 'FFN gate and up projections' : 'FFN up projection',
        'ffn',
        denseLayers,
        { m: tokens, k: H, n: gates * F, batch: 1 },
        H * gates * F,
      ),
    );
    operators.push(
      elementwise('ffn.activation', 'FFN activation', 'ffn', denseLayers, tokens * F, arch.gatedFfn ? 6 : 5),
    );
    operators.push(
      gemm('ffn.down', 'FFN down projection', 'ffn', denseLayers, { m: tokens, k: F, n: H, batch: 1 }, F * H),
    );
  }
  if (moe) {
    const moeLayers = stageShare(arch.layers - moe.firstDenseLayers);
    if (moeLayers > 0) {
      const expertTp = Math.max(1, tp / ep);
      const Fe = moe.expertIntermediateSize / expertTp;
      const expertsHere = moe.experts / ep;
      // Tokens are spread over the experts of every chip of the expert-parallel group; this chip sees its share.
      const assignments = (tokens * moe.activeExperts) / ep;
      const touched = Math.min(
        expertsHere,
        expectedDistinctExperts(moe.experts, moe.activeExperts, tokens) / ep,
      );
      const rowsPerExpert = touched > 0 ? assignments / touched : 0;
      operators.push(
        gemm(
          'moe.router',
          'MoE router',
          'moe',
          moeLayers,
          { m: tokens, k: H, n: moe.experts, batch: 1 },
          H * moe.experts,
          tokens * moe.experts * 3,
        ),
      );
      if (ep > 1) {
        operators.push({
          ...allReduce('moe.dispatch', 'Expert dispatch (all-to-all)', moeLayers, 0),
          collective: { kind: 'all-to-all', bytes: tokens * moe.activeExperts * H * a, participants: ep },
          vectorOps: 0,
        });
      }
      const up = gemm(
        'moe.up',
        'Expert gate and up projections',
        'moe',
        moeLayers,
        { m: rowsPerExpert, k: H, n: gates * Fe, batch: touched },
        touched * H * gates * Fe,
      );
      operators.push(up);
      operators.push(
        elementwise(
          'moe.activation',
          'Expert activation',
          'moe',
          moeLayers,
          assignments * Fe,
          arch.gatedFfn ? 6 : 5,
        ),
      );
      operators.push(
        gemm(
          'moe.down',
          'Expert down projection',
          'moe',
          moeLayers,
          { m: rowsPerExpert, k: Fe, n: H, batch: touched },
          touched * Fe * H,
          assignments * H * 2,
        ),
      );
      if (ep > 1) {
        operators.push({
          ...allReduce('moe.combine', 'Expert combine (all-to-all)', moeLayers, 0),
          collective: { kind: 'all-to-all', bytes: tokens * moe.activeExperts * H * a, participants: ep },
          vectorOps: 0,
        });
      }
      if (moe.sharedExperts > 0) {
        const Fs =
          ((moe.sharedExpertIntermediateSize ?? moe.expertIntermediateSize) * moe.sharedExperts) / tp;
        operators.push(
          gemm(
            'moe.shared-up',
            'Shared expert gate and up',
            'moe',
            moeLayers,
            { m: tokens, k: H, n: gates * Fs, batch: 1 },
            H * gates * Fs,
          ),
        );
        operators.push(
          gemm(
            'moe.shared-down',
            'Shared expert down',
            'moe',
            moeLayers,
            { m: tokens, k: Fs, n: H, batch: 1 },
            Fs * H,
          ),
        );
      }
    }
  }
  if (tp > 1) operators.push(allReduce('ffn.all-reduce', 'All-reduce after FFN', layers, tokens * H));
  if (pp > 1) {
    operators.push({
      ...allReduce('pipeline.send', 'Send to next pipeline stage', 1, 0),
      collective: { kind: 'send-recv', bytes: tokens * H * a, participants: 2 },
      vectorOps: 0,
    });
  }

  // Final norm and LM head: only the last token of each sequence needs logits.
  const logitRows = step.sequences;
  operators.push(elementwise('head.norm', 'Final norm', 'head', 1, logitRows * H, 4, H));
  operators.push(
    gemm(
      'head.logits',
      'LM head',
      'head',
      1,
      { m: logitRows, k: H, n: arch.vocabSize / tp, batch: 1 },
      (H * arch.vocabSize) / tp,
      logitRows * (arch.vocabSize / tp) * 3,
    ),
  );
  return { phase: step.phase, operators };
}
