/**
 * Stage 4 of the engine, **lower**: model + workload + plan → the `OperatorGraph`, the operators of one prefill
 * and one decode step on one chip. Each operator carries its MACs, its element-wise work and the bytes it reads
 * and writes by tensor class, in the workload's number formats.
 *
 * Conventions (per chip, after tensor parallelism `tp` and expert parallelism `ep`):
 * - projections are split column- or row-wise over `tp` (Megatron-LM: Shoeybi et al. 2019), with an
 *   all-reduce of the hidden state after the attention output and after the FFN down projection;
 * - attention is FlashAttention-style (scores never written to memory: Dao et al. 2022); causal prefill does
 *   half the score work; decode reads the whole KV cache of the context once per step; grouped-query heads
 *   share their KV reads — unless the runtime declares `attention.kernel: 'unfused'` (llama.cpp without flash
 *   attention): then each query head reads its group's K and V and the score matrix crosses memory 4 times;
 * - MoE layers route each token to `activeExperts` experts: the experts touched in a step are the expected
 *   number of distinct ones, E·(1 − (1 − k/E)^tokens), each read once;
 * - a pipeline stage holds `layers / pp` layers (the slowest stage rounds up).
 */
import { sparseWeightBytes } from '../models/footprint';
import { residualStreamBytes, type Formats } from '../models/formats';
import type { Parallelism } from '../models/parallelism';
import type { GemmShape, Operator, PhaseOperators, TensorClass } from '../operators';
import type { ModelArchitecture } from '../schema/model';
import type { RuntimeAttention } from '../schema/runtime';
import type { Workload } from '../schema/workload';
import type { Plan } from './plan';

/** The operators of one prefill step and one decode step on one chip, in execution order. */
/*
 * Every operator literal lists its fields in the order of the `Operator` interface: objects of one shape keep the
 * cost, power and report loops over them monomorphic (a second shape made the pipeline measurably slower).
 */
export interface OperatorGraph {
  prefill: Operator[];
  decode: Operator[];
}

/**
 * Element-wise operations per element, counted from the reference implementations (Hugging Face
 * `transformers`). Engineering estimates: a fused kernel does the same arithmetic in fewer instructions, but the
 * count is what a vector unit's rate is stated in.
 */
const OPS_PER_ELEMENT = {
  /** RMSNorm: square, accumulate, scale by 1/rms, multiply by the gain. */
  norm: 4,
  /** The norm before the FFN, plus the residual add. */
  normAndResidual: 5,
  /** An exp-based non-linearity (SiLU, GELU): negate, exp, add, divide, multiply. */
  activation: 5,
  /** Gated FFN: the activation and its product with the up projection. */
  gatedActivation: 6,
  /** Rotary position embedding of q and k: 4 multiplies and 2 adds per pair of elements. */
  rope: 3,
  /** Softmax of one attention score: scale, running max, subtract, exp, accumulate-and-normalise. */
  scoreSoftmax: 5,
  /** Softmax of a router or vocabulary logit: exp, sum, divide. */
  logitSoftmax: 3,
  /** Combining an expert's output: multiply by its routing weight, add. */
  expertCombine: 2,
} as const;

/**
 * Tensors of `elements` each that an element-wise kernel reads plus writes, in the residual stream's width.
 * A pre-norm layer adds the sub-layer's output to the residual stream and normalises it in one fused kernel
 * (TensorRT-LLM's and vLLM's `fused_add_rms_norm`): it reads the sub-layer output and the residual and writes the
 * new residual and the normalised input of the next sub-layer — 4. A gated activation reads the gate and the up
 * projection and writes their product — 3; a plain activation reads one and writes one — 2.
 */
/**
 * Times an unfused attention's score matrix crosses memory: the first matmul writes it, the softmax reads it and
 * writes the probabilities in place, the second matmul reads them (llama.cpp `llm_build_kqv` without flash
 * attention: `ggml_mul_mat(k, q)` → `ggml_soft_max_ext` → `ggml_mul_mat(v, kq)`).
 */
const SCORE_PASSES = 4;

const TENSORS_PER_ELEMENT = {
  addAndNorm: 4,
  gatedActivation: 3,
  activation: 2,
} as const;

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

export function lower(
  arch: ModelArchitecture,
  formats: Formats,
  plan: Plan,
  workload: Workload,
  attention?: RuntimeAttention,
): OperatorGraph {
  const sparse = workload.weightSparsity !== 'none';
  // Stored bytes drive traffic: sparse matrices kept compressed (values and indices) read fewer bytes.
  const stored: Formats =
    plan.storage?.sparseWeights === true
      ? { ...formats, matrixWeightBytes: sparseWeightBytes(formats.weightBytes, plan.storage.sparsity) }
      : formats;
  const prefill = lowerStep(
    arch,
    stored,
    plan.parallelism,
    {
      phase: 'prefill',
      sequences: plan.batchPerReplica,
      queryTokens: workload.inputTokens,
      contextTokens: workload.inputTokens,
    },
    sparse,
    attention,
  );
  const decode = lowerStep(
    arch,
    stored,
    plan.parallelism,
    { phase: 'decode', sequences: plan.decodeSequences, queryTokens: 1, contextTokens: plan.decodeContext },
    sparse,
    attention,
  );
  return { prefill: prefill.operators, decode: decode.operators };
}

/** Expected number of distinct experts `tokens` tokens touch when each picks `k` of `experts` uniformly. */
export function expectedDistinctExperts(experts: number, k: number, tokens: number): number {
  if (tokens <= 0) return 0;
  return experts * (1 - Math.pow(1 - k / experts, tokens));
}

/**
 * Score-matrix entries one sequence computes with causal masking and an optional sliding window `w`: the
 * `queryTokens` (n) queries sit at positions c + 1 … c + n after c = `contextTokens` − n cached tokens, and the
 * query at position p attends to min(p, w) keys. With F(m) = Σ_{p=1..m} min(p, w) — m(m + 1)/2 while m ≤ w, else
 * w(w + 1)/2 + (m − w)·w — the total is F(c + n) − F(c), in constant time for any number of tokens.
 */
export function attendedPairs(
  queryTokens: number,
  contextTokens: number,
  window: number | undefined,
): number {
  const span = window ?? Infinity;
  if (queryTokens === 1) return Math.min(contextTokens, span);
  const cached = Math.max(0, contextTokens - queryTokens);
  const prefixPairs = (positions: number): number =>
    positions <= span
      ? (positions * (positions + 1)) / 2
      : (span * (span + 1)) / 2 + (positions - span) * span;
  return prefixPairs(cached + queryTokens) - prefixPairs(cached);
}

function bytes(weights: number, kv: number, activations: number): Record<TensorClass, number> {
  return { weights, kv, activations };
}

/** Everything the pieces of a step share: sizes per chip and the operator builders. */
interface Step {
  arch: ModelArchitecture;
  formats: Formats;
  plan: Parallelism;
  step: StepShape;
  sparse: boolean;
  /** How the runtime computes attention; undefined: fused (FlashAttention). */
  attention: RuntimeAttention | undefined;
  /** Tokens in the step: sequences × new tokens. */
  tokens: number;
  /** Layers of the stage, as a share of the model's (the slowest stage rounds up). */
  stageShare: (layers: number) => number;
  layers: number;
  /** Query heads on the chip. */
  heads: number;
  gemm(
    id: string,
    name: string,
    part: Operator['part'],
    repeat: number,
    shape: GemmShape,
    weightElements: number,
    extraVector?: number,
  ): Operator;
  elementwise(
    id: string,
    name: string,
    part: Operator['part'],
    repeat: number,
    elements: number,
    opsPerElement: number,
    weightElements?: number,
    tensors?: number,
  ): Operator;
  allReduce(id: string, name: string, repeat: number, elements: number): Operator;
}

function stepOf(
  arch: ModelArchitecture,
  formats: Formats,
  plan: Parallelism,
  step: StepShape,
  sparse: boolean,
  attention: RuntimeAttention | undefined,
): Step {
  const tp = plan.tensor;
  const a = formats.activationBytes;
  const r = residualStreamBytes(formats);
  const w = formats.matrixWeightBytes ?? formats.weightBytes;
  const dense = formats.weightBytes;
  const layersPerStage = Math.ceil(arch.layers / plan.pipeline);
  const stageShare = (layers: number): number => (layers / arch.layers) * layersPerStage;
  return {
    arch,
    formats,
    plan,
    step,
    sparse,
    attention,
    tokens: step.sequences * step.queryTokens,
    stageShare,
    layers: stageShare(arch.layers),
    heads: arch.heads / tp,
    gemm: (id, name, part, repeat, shape, weightElements, extraVector = 0) => ({
      id,
      name,
      kind: 'matmul',
      part,
      repeat,
      gemm: shape,
      macs: shape.m * shape.k * shape.n * shape.batch,
      vectorOps: extraVector,
      bytes: bytes(weightElements * w, 0, (shape.m * shape.k * a + shape.m * shape.n * r) * shape.batch),
      computeClass: formats.weightClass,
      elementBytes: a,
      sparse,
      collective: undefined,
    }),
    elementwise: (id, name, part, repeat, elements, opsPerElement, weightElements = 0, tensors = 2) => ({
      id,
      name,
      kind: 'elementwise',
      part,
      repeat,
      gemm: undefined,
      macs: 0,
      vectorOps: elements * opsPerElement,
      bytes: bytes(weightElements * dense, 0, tensors * elements * r),
      computeClass: formats.weightClass,
      elementBytes: r,
      sparse: false,
      collective: undefined,
    }),
    allReduce: (id, name, repeat, elements) => ({
      id,
      name,
      kind: 'collective',
      part: 'communication',
      repeat,
      gemm: undefined,
      macs: 0,
      // The reduction's additions, on the chip's vector units.
      vectorOps: tp > 1 ? elements : 0,
      bytes: bytes(0, 0, 0),
      computeClass: formats.weightClass,
      elementBytes: r,
      sparse: false,
      collective: { kind: 'all-reduce', bytes: elements * r, participants: tp },
    }),
  };
}

/** The operators of one step of `arch` on one chip. */
export function lowerStep(
  arch: ModelArchitecture,
  formats: Formats,
  plan: Parallelism,
  step: StepShape,
  sparse: boolean,
  attention?: RuntimeAttention,
): PhaseOperators {
  const s = stepOf(arch, formats, plan, step, sparse, attention);
  const H = arch.hiddenSize;
  const operators: Operator[] = [embedding(s)];
  operators.push(
    s.elementwise(
      'attention.norm',
      'Attention norm',
      'attention',
      s.layers,
      s.tokens * H,
      OPS_PER_ELEMENT.norm,
      H,
      TENSORS_PER_ELEMENT.addAndNorm,
    ),
  );
  const projections = attentionProjections(s);
  operators.push(...projections.operators, ...attentionCores(s, projections.kvElementsPerToken));
  operators.push(...attentionOutput(s));
  if (arch.parallelAttentionFfn !== true)
    operators.push(
      s.elementwise(
        'ffn.norm',
        'FFN norm and residual',
        'ffn',
        s.layers,
        s.tokens * H,
        OPS_PER_ELEMENT.normAndResidual,
        H,
        TENSORS_PER_ELEMENT.addAndNorm,
      ),
    );
  operators.push(...denseFfn(s), ...moeFfn(s), ...stageEnd(s), ...head(s));
  return { phase: step.phase, operators };
}

/** A gather of one embedding row per token (only the first stage). */
function embedding(s: Step): Operator {
  const H = s.arch.hiddenSize;
  return {
    id: 'embedding',
    name: 'Token embedding',
    kind: 'gather',
    part: 'embedding',
    repeat: 1,
    gemm: undefined,
    macs: 0,
    vectorOps: 0,
    bytes: bytes(
      Math.min(s.tokens, s.arch.vocabSize) * H * (s.formats.embeddingWeightBytes ?? s.formats.weightBytes),
      0,
      s.tokens * H * residualStreamBytes(s.formats),
    ),
    computeClass: s.formats.weightClass,
    elementBytes: residualStreamBytes(s.formats),
    sparse: false,
    collective: undefined,
  };
}

/** Query, key and value projections (MLA: low-rank down and up projections), writing the new KV entries. */
function attentionProjections(s: Step): { operators: Operator[]; kvElementsPerToken: number } {
  const { arch, tokens, heads, layers } = s;
  const H = arch.hiddenSize;
  const kvB = s.formats.kvBytes;
  const withKvWrite = (operator: Operator, kvElementsPerToken: number): Operator => ({
    ...operator,
    bytes: { ...operator.bytes, kv: tokens * kvElementsPerToken * kvB },
  });
  if (arch.attention === 'mla' && arch.mla) {
    const mla = arch.mla;
    const qHead = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
    const kvElementsPerToken = mla.kvLoraRank + mla.qkRopeHeadDim;
    const operators: Operator[] =
      mla.qLoraRank > 0
        ? [
            s.gemm(
              'attention.q-down',
              'Query down projection',
              'attention',
              layers,
              { m: tokens, k: H, n: mla.qLoraRank, batch: 1 },
              H * mla.qLoraRank,
            ),
            s.gemm(
              'attention.q-up',
              'Query up projection',
              'attention',
              layers,
              { m: tokens, k: mla.qLoraRank, n: heads * qHead, batch: 1 },
              mla.qLoraRank * heads * qHead,
            ),
          ]
        : [
            s.gemm(
              'attention.q',
              'Query projection',
              'attention',
              layers,
              { m: tokens, k: H, n: heads * qHead, batch: 1 },
              H * heads * qHead,
            ),
          ];
    const kvDown = s.gemm(
      'attention.kv-down',
      'KV latent projection',
      'attention',
      layers,
      { m: tokens, k: H, n: kvElementsPerToken, batch: 1 },
      H * kvElementsPerToken,
    );
    const upWidth = heads * (mla.qkNopeHeadDim + mla.vHeadDim);
    operators.push(
      withKvWrite(kvDown, kvElementsPerToken),
      s.gemm(
        'attention.kv-up',
        'KV up projection',
        'attention',
        layers,
        { m: tokens, k: mla.kvLoraRank, n: upWidth, batch: 1 },
        mla.kvLoraRank * upWidth,
      ),
    );
    return { operators, kvElementsPerToken };
  }
  const kvHeads = Math.max(1, arch.kvHeads / s.plan.tensor);
  const kvElementsPerToken = 2 * kvHeads * arch.headDim;
  const width = (heads + 2 * kvHeads) * arch.headDim;
  const rope = tokens * (heads + kvHeads) * arch.headDim * OPS_PER_ELEMENT.rope;
  const qkv = s.gemm(
    'attention.qkv',
    'QKV projection',
    'attention',
    layers,
    { m: tokens, k: H, n: width, batch: 1 },
    H * width,
    rope,
  );
  return { operators: [withKvWrite(qkv, kvElementsPerToken)], kvElementsPerToken };
}

/** The attention itself, per layer kind (Gemma 2 alternates sliding-window and global layers). */
function attentionCores(s: Step, kvElementsPerToken: number): Operator[] {
  const { arch, step, tokens, heads, layers } = s;
  const kinds: { id: string; name: string; window: number | undefined; layers: number }[] =
    arch.slidingWindow === undefined
      ? [{ id: 'attention.scores', name: 'Attention', window: undefined, layers }]
      : arch.slidingWindowLayers === 'alternate'
        ? [
            {
              id: 'attention.local',
              name: 'Attention (sliding window)',
              window: arch.slidingWindow,
              layers: s.stageShare(Math.ceil(arch.layers / 2)),
            },
            {
              id: 'attention.global',
              name: 'Attention (global)',
              window: undefined,
              layers: s.stageShare(Math.floor(arch.layers / 2)),
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
  const mla = arch.attention === 'mla' ? arch.mla : undefined;
  const qkDim = mla ? mla.qkNopeHeadDim + mla.qkRopeHeadDim : arch.headDim;
  const vDim = mla ? mla.vHeadDim : arch.headDim;
  const kvHeadsPerChip = arch.attention === 'mla' ? heads : Math.max(1, arch.kvHeads / s.plan.tensor);
  const groupRows = heads / kvHeadsPerChip;
  // Queries come from the QKV projection and the output goes on to the output projection: residual-stream width.
  const a = residualStreamBytes(s.formats);
  const decode = step.phase === 'decode';
  // Unfused attention (llama.cpp without FlashAttention: mul_mat(K, Q) → soft_max → mul_mat(V, KQ)): the
  // matmuls broadcast each KV head over its query heads, so every query head reads its group's K and V, and the
  // score matrix goes through memory SCORE_PASSES times. Fused (FlashAttention): K and V once per KV head.
  const unfused = s.attention?.kernel === 'unfused';
  const kvReadsPerKvHead = unfused ? groupRows : 1;
  const scoreBytes = unfused ? (s.attention?.scoreBytes ?? 0) * SCORE_PASSES : 0;
  return kinds
    .filter((kind) => kind.layers > 0)
    .map((kind): Operator => {
      const pairs = attendedPairs(step.queryTokens, step.contextTokens, kind.window);
      const readContext = Math.min(step.contextTokens, kind.window ?? Infinity);
      const kvRead = decode
        ? step.sequences * readContext * kvElementsPerToken * s.formats.kvBytes * kvReadsPerKvHead
        : 0;
      const qElements = tokens * heads * qkDim;
      const scores = step.sequences * heads * pairs * scoreBytes;
      return {
        id: kind.id,
        name: kind.name,
        kind: 'attention',
        part: 'attention',
        repeat: kind.layers,
        // FlashAttention: an output tile of query rows × head dim loops over the keys each query attends to
        // (on average, with the causal mask: half the prompt in a prefill). Unfused decode: one matrix-vector
        // product per query head.
        gemm: {
          m: decode ? (unfused ? 1 : groupRows) : step.queryTokens,
          k: qkDim,
          n: decode ? readContext : Math.ceil(pairs / step.queryTokens),
          batch: step.sequences * (decode && !unfused ? kvHeadsPerChip : heads),
          loop: 'n',
        },
        macs: step.sequences * heads * pairs * (qkDim + vDim),
        vectorOps: step.sequences * heads * pairs * OPS_PER_ELEMENT.scoreSoftmax,
        bytes: bytes(
          0,
          kvRead,
          (qElements + tokens * heads * vDim + (decode ? 0 : tokens * kvElementsPerToken)) * a + scores,
        ),
        computeClass: s.formats.attentionClass,
        elementBytes: a,
        sparse: false,
        collective: undefined,
      };
    });
}

/** The attention output projection, and its all-reduce under tensor parallelism. */
function attentionOutput(s: Step): Operator[] {
  const { arch, tokens, heads, layers } = s;
  const H = arch.hiddenSize;
  const vDim = arch.attention === 'mla' && arch.mla ? arch.mla.vHeadDim : arch.headDim;
  const operators = [
    s.gemm(
      'attention.out',
      'Attention output projection',
      'attention',
      layers,
      { m: tokens, k: heads * vDim, n: H, batch: 1 },
      heads * vDim * H,
    ),
  ];
  if (s.plan.tensor > 1)
    operators.push(s.allReduce('attention.all-reduce', 'All-reduce after attention', layers, tokens * H));
  return operators;
}

/** The dense feed-forward layers of the stage. */
function denseFfn(s: Step): Operator[] {
  const { arch, tokens } = s;
  const H = arch.hiddenSize;
  const denseLayers = arch.moe ? s.stageShare(arch.moe.firstDenseLayers) : s.layers;
  if (denseLayers <= 0) return [];
  const gates = arch.gatedFfn ? 2 : 1;
  const F = arch.intermediateSize / s.plan.tensor;
  const ops = arch.gatedFfn ? OPS_PER_ELEMENT.gatedActivation : OPS_PER_ELEMENT.activation;
  return [
    s.gemm(
      'ffn.up',
      arch.gatedFfn ? 'FFN gate and up projections' : 'FFN up projection',
      'ffn',
      denseLayers,
      { m: tokens, k: H, n: gates * F, batch: 1 },
      H * gates * F,
    ),
    s.elementwise(
      'ffn.activation',
      'FFN activation',
      'ffn',
      denseLayers,
      tokens * F,
      ops,
      0,
      arch.gatedFfn ? TENSORS_PER_ELEMENT.gatedActivation : TENSORS_PER_ELEMENT.activation,
    ),
    s.gemm('ffn.down', 'FFN down projection', 'ffn', denseLayers, { m: tokens, k: F, n: H, batch: 1 }, F * H),
  ];
}

/** The mixture-of-experts layers of the stage: router, dispatch, experts, combine, shared experts. */
function moeFfn(s: Step): Operator[] {
  const { arch, tokens } = s;
  const moe = arch.moe;
  if (!moe) return [];
  const moeLayers = s.stageShare(arch.layers - moe.firstDenseLayers);
  if (moeLayers <= 0) return [];
  const H = arch.hiddenSize;
  const { tensor: tp, expert: ep } = s.plan;
  const gates = arch.gatedFfn ? 2 : 1;
  const Fe = moe.expertIntermediateSize / Math.max(1, tp / ep);
  // Tokens are spread over the experts of every chip of the expert-parallel group; this chip sees its share.
  const assignments = (tokens * moe.activeExperts) / ep;
  const touched = Math.min(
    moe.experts / ep,
    expectedDistinctExperts(moe.experts, moe.activeExperts, tokens) / ep,
  );
  const rowsPerExpert = touched > 0 ? assignments / touched : 0;
  const allToAll = (id: string, name: string): Operator => ({
    ...s.allReduce(id, name, moeLayers, 0),
    collective: {
      kind: 'all-to-all',
      bytes: tokens * moe.activeExperts * H * s.formats.activationBytes,
      participants: ep,
    },
    vectorOps: 0,
  });
  const operators: Operator[] = [
    s.gemm(
      'moe.router',
      'MoE router',
      'moe',
      moeLayers,
      { m: tokens, k: H, n: moe.experts, batch: 1 },
      H * moe.experts,
      tokens * moe.experts * OPS_PER_ELEMENT.logitSoftmax,
    ),
  ];
  if (ep > 1) operators.push(allToAll('moe.dispatch', 'Expert dispatch (all-to-all)'));
  // The grouped GEMMs read each expert's rows contiguously: a kernel copies every token to the rows of the
  // experts it picked (TensorRT-LLM `expandInputRowsKernel`, vLLM's fused-MoE gather), and another sums each
  // token's expert outputs by their routing weights back into token order (`finalizeMoeRoutingKernel`). Each
  // reads one side and writes the other: the chip's tokens (its received rows under expert parallelism) and its
  // expert assignments.
  const tokenRows = ep > 1 ? assignments : tokens;
  const perAssignment = assignments > 0 ? 1 + tokenRows / assignments : 0;
  const ops = arch.gatedFfn ? OPS_PER_ELEMENT.gatedActivation : OPS_PER_ELEMENT.activation;
  operators.push(
    s.elementwise(
      'moe.permute',
      'Expert permutation',
      'moe',
      moeLayers,
      assignments * H,
      0,
      0,
      perAssignment,
    ),
  );
  operators.push(
    s.gemm(
      'moe.up',
      'Expert gate and up projections',
      'moe',
      moeLayers,
      { m: rowsPerExpert, k: H, n: gates * Fe, batch: touched },
      touched * H * gates * Fe,
    ),
    s.elementwise(
      'moe.activation',
      'Expert activation',
      'moe',
      moeLayers,
      assignments * Fe,
      ops,
      0,
      arch.gatedFfn ? TENSORS_PER_ELEMENT.gatedActivation : TENSORS_PER_ELEMENT.activation,
    ),
    s.gemm(
      'moe.down',
      'Expert down projection',
      'moe',
      moeLayers,
      { m: rowsPerExpert, k: Fe, n: H, batch: touched },
      touched * Fe * H,
    ),
    s.elementwise(
      'moe.unpermute',
      'Expert combine by routing weights',
      'moe',
      moeLayers,
      assignments * H,
      OPS_PER_ELEMENT.expertCombine,
      0,
      perAssignment,
    ),
  );
  if (ep > 1) operators.push(allToAll('moe.combine', 'Expert combine (all-to-all)'));
  if (moe.sharedExperts > 0) {
    const Fs = ((moe.sharedExpertIntermediateSize ?? moe.expertIntermediateSize) * moe.sharedExperts) / tp;
    operators.push(
      s.gemm(
        'moe.shared-up',
        'Shared expert gate and up',
        'moe',
        moeLayers,
        { m: tokens, k: H, n: gates * Fs, batch: 1 },
        H * gates * Fs,
      ),
      s.gemm(
        'moe.shared-down',
        'Shared expert down',
        'moe',
        moeLayers,
        { m: tokens, k: Fs, n: H, batch: 1 },
        Fs * H,
      ),
    );
  }
  return operators;
}

/** The FFN's all-reduce under tensor parallelism, and the send to the next pipeline stage. */
function stageEnd(s: Step): Operator[] {
  const H = s.arch.hiddenSize;
  const operators: Operator[] = [];
  if (s.plan.tensor > 1)
    operators.push(s.allReduce('ffn.all-reduce', 'All-reduce after FFN', s.layers, s.tokens * H));
  if (s.plan.pipeline > 1)
    operators.push({
      ...s.allReduce('pipeline.send', 'Send to next pipeline stage', 1, 0),
      collective: {
        kind: 'send-recv',
        bytes: s.tokens * H * residualStreamBytes(s.formats),
        participants: 2,
      },
      vectorOps: 0,
    });
  return operators;
}

/** Final norm and LM head: only the last token of each sequence needs logits. */
function head(s: Step): Operator[] {
  const H = s.arch.hiddenSize;
  const rows = s.step.sequences;
  const vocab = s.arch.vocabSize / s.plan.tensor;
  return [
    s.elementwise(
      'head.norm',
      'Final norm',
      'head',
      1,
      rows * H,
      OPS_PER_ELEMENT.norm,
      H,
      TENSORS_PER_ELEMENT.addAndNorm,
    ),
    // The LM head stays dense under 2:4 sparsity, like the embedding (see `footprint`).
    {
      ...s.gemm(
        'head.logits',
        'LM head',
        'head',
        1,
        { m: rows, k: H, n: vocab, batch: 1 },
        H * vocab,
        rows * vocab * OPS_PER_ELEMENT.logitSoftmax,
      ),
      bytes: bytes(
        H * vocab * (s.formats.embeddingWeightBytes ?? s.formats.weightBytes),
        0,
        rows * H * s.formats.activationBytes + rows * vocab * residualStreamBytes(s.formats),
      ),
      sparse: false,
      // A 16-bit head (the runtime keeps it unquantized) multiplies in 16-bit arithmetic.
      ...(s.formats.embeddingWeightBytes !== undefined ? { computeClass: 'bf16' as const } : {}),
    },
  ];
}
