/**
 * What a scheduler step costs, from engine evaluations: `buildStepCost` evaluates the design on buckets (decode
 * steps over batch × context, prefill steps over prompt tokens; about 200 evaluations, a few tenths of a second)
 * and interpolates between them, so the simulator (`simulate.ts`) costs each step with a few multiplications and
 * never calls the engine.
 *
 * The pieces, each an engine evaluation at the `figures` detail with the plan pinned (the split the engine picks
 * at the scheduler's largest batch, so every bucket runs the same split and no bucket jumps to another plan):
 *
 * - `D(b, c)`: a decode step of b sequences each with c tokens of context (`decodeContext`), b on `edgeNodes` up
 *   to the scheduler's largest batch; c ∈ 1 and four values a factor 4 apart up to the longest context a step
 *   sees. The evaluations hold prompts of 1 token, so the KV cache they place stays in the chips' own memory
 *   whatever the context read: every bucket is priced as a serving engine runs it (KV on the device), including
 *   buckets whose b × c the memory could not hold (the scheduler never reaches them, but interpolation reads their
 *   corners). A decode step is weights streamed once + per-token compute + KV read ∝ b × c, of the form
 *   α + β·b + γ·c + δ·b·c, which bilinear interpolation in (b, c) reproduces exactly; what it misses is where a
 *   cell straddles a roofline switch (memory- to compute-bound) or a tile-wave step.
 * - `F(T)`: T prompt tokens as one prompt (or as few prompts of the model's longest context as hold them), the
 *   time to first token of a lone prompt; T on `edgeNodes` up to the step's token budget.
 * - `L(T)`: the same T tokens as prompts of `SHORT_PROMPT` tokens: the GEMMs over T tokens with little attention.
 * - `A(T)`: attention per attended (query, key) pair: (F(T) − L(T)) / the pairs F attends beyond L (causal
 *   pairs, counted as `engine/stages/lower.ts` counts them).
 *
 * A step with P prompt tokens over r prompts with K tokens of prefix already cached (chunked prefill) and n
 * decodes with C tokens of context in total costs
 *
 *   prefill alone:  F(P) + A(P) · (pairs − pairs of F(P)),  pairs = P·K/r + P·(P/r + 1)/2  (r equal chunks, each
 *                   attending its prefix and itself causally: a chunk's attention over its prefix is never free)
 *   decode alone:   D(n, C/n)
 *   mixed:          L(P + n) + A(P) · (pairs − pairs of L(P)) + [D(n, C/n) − D(n, 1)]
 *
 * The mixed step runs the GEMMs once over all P + n tokens (weights streamed once, as in vLLM's chunked prefill
 * that packs decodes beside a prompt chunk) and adds the decodes' KV reads (their step less the same step at
 * context 1). It is kept within [max(prefill alone, decode alone), prefill alone + decode alone]: running both in
 * one step is never faster than the longer part nor slower than the two one after the other. Energy follows the
 * same formulas on the phases' energies. Sliding-window layers are costed by the engine in every bucket, but the
 * pair count above (and the KV per token) assume full attention.
 */
import type { CatalogIndex } from '../catalog';
import type { Diagnostic } from '../diagnostics';
import { evaluate } from '../evaluate';
import type { Report } from '../report';
import type { DesignDocument } from '../schema/design';
import type { Disaggregation } from '../schema/serving';
import type { Workload } from '../schema/workload';
import { groupLinks } from '../stages/hetero';
import { computeChipGroups, resolve } from '../stages/resolve';
import { chipGroupAlone, partitionDesign } from './partition';
import type { StepBatch, StepCostModel, StepCostOut } from './types';

/** The scheduler's bounds the cost is built for (vLLM's max_num_seqs and max_num_batched_tokens). */
export interface StepCostLimits {
  maxBatch: number;
  maxTokensPerStep: number;
}

export type StepCostResult = { ok: true; cost: StepCostModel } | { ok: false; message: string };

/** Context nodes of the decode grid: 1, and this many log-spaced values up to the longest context. */
const CONTEXT_NODES = 4;
/** Ratio between neighbouring context nodes (the longest context divided by 4, 16, 64). */
const CONTEXT_RATIO = 4;
/**
 * Prompt length of the buckets `L(T)` is measured with: long enough that attention's per-sequence overheads
 * (a kernel's tile per sequence, its LM-head row) are a small share — one-token prompts cost a 70B model's
 * prefill 25 % more than the same tokens in one prompt on a DGX H100 — short enough that its causal pairs are few.
 */
const SHORT_PROMPT = 64;

/** Attended pairs of T tokens as prompts of `SHORT_PROMPT` (one prompt when T is shorter). */
function shortPairs(tokens: number): number {
  return tokens <= SHORT_PROMPT ? (tokens * (tokens + 1)) / 2 : (tokens * (SHORT_PROMPT + 1)) / 2;
}

/** A piecewise-linear function on sorted nodes, extrapolated along its end segments (no allocation per call). */
class Piecewise {
  constructor(
    readonly x: Float64Array,
    readonly y: Float64Array,
  ) {}

  at(value: number): number {
    const { x, y } = this;
    if (x.length === 1) return y[0] ?? 0;
    const i = segment(x, value);
    const x0 = x[i] ?? 0;
    const x1 = x[i + 1] ?? 0;
    const t = (value - x0) / (x1 - x0);
    return (y[i] ?? 0) + t * ((y[i + 1] ?? 0) - (y[i] ?? 0));
  }
}

/**
 * The segment [nodes[i], nodes[i + 1]] that holds `value` (bisection), the first or last past the ends so that
 * values beyond the grid extrapolate along the end segment.
 */
function segment(nodes: Float64Array, value: number): number {
  let low = 0;
  let high = nodes.length - 1;
  if (high <= 0) return 0;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (value > (nodes[middle] ?? 0)) low = middle;
    else high = middle;
  }
  return low;
}

/** A function on a grid of batch × context, bilinear in each cell, extrapolated linearly past the edges. */
class Bilinear {
  constructor(
    readonly batches: Float64Array,
    readonly contexts: Float64Array,
    /** values[i * contexts.length + j] at batches[i], contexts[j]. */
    readonly values: Float64Array,
  ) {}

  at(batch: number, context: number): number {
    const { batches, contexts, values } = this;
    const columns = contexts.length;
    const i = segment(batches, batch);
    const j = segment(contexts, context);
    const i1 = batches.length > 1 ? i + 1 : i;
    const j1 = columns > 1 ? j + 1 : j;
    const b0 = batches[i] ?? 0;
    const b1 = batches[i1] ?? 0;
    const c0 = contexts[j] ?? 0;
    const c1 = contexts[j1] ?? 0;
    const tb = i1 === i ? 0 : (batch - b0) / (b1 - b0);
    const tc = j1 === j ? 0 : (context - c0) / (c1 - c0);
    const v00 = values[i * columns + j] ?? 0;
    const v01 = values[i * columns + j1] ?? 0;
    const v10 = values[i1 * columns + j] ?? 0;
    const v11 = values[i1 * columns + j1] ?? 0;
    return (1 - tb) * ((1 - tc) * v00 + tc * v01) + tb * ((1 - tc) * v10 + tc * v11);
  }
}

/**
 * Nodes of the batch and prompt-token axes: powers of two and their halfway 1.5× (2, 3, 4, 6, 8, 12, …), each also
 * one past it, up to `top`. A GEMM's time is a staircase in its rows (one more wave of output tiles every tile
 * multiple: a 35 % step at 257 prompt tokens for Llama 3 70B at TP 8 on an H100, a 50 % step at 129 sequences
 * for Llama 2 13B on an A100), and tile multiples are powers of two times 1 or 3: a node on each side of such an
 * edge keeps the interpolation on one stair where a stair is a large share of the time. Halfway nodes also halve
 * the reach of a roofline kink (memory- to compute-bound) inside an interval.
 */
function edgeNodes(top: number): number[] {
  const nodes = new Set<number>([1]);
  for (let value = 2; value < top; value *= 2)
    for (const node of [value, value * 1.5])
      if (node < top) {
        nodes.add(node);
        if (node + 1 < top) nodes.add(node + 1);
      }
  nodes.add(Math.max(1, Math.round(top)));
  return [...nodes].sort((a, b) => a - b);
}

function errorsOf(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  return (errors.length > 0 ? errors : diagnostics)
    .slice(0, 3)
    .map((diagnostic) => diagnostic.message)
    .join(' ');
}

/** The workload a bucket is evaluated with: no serving scenario, the plan pinned, the engine's paging left out. */
function pinnedWorkload(workload: Workload, report: Report): Workload {
  const { serving: _serving, requestsPerHour: _rate, memoryPolicy, ...rest } = workload;
  const pinned: Workload = {
    ...rest,
    parallelism: {
      mode: 'manual',
      tensor: report.parallelism.tensor,
      pipeline: report.parallelism.pipeline,
      expert: report.parallelism.expert,
    },
  };
  if (memoryPolicy) {
    // The simulator pages the KV cache itself (`kvBlockTokens` of the scheduler): the engine's expected half-empty
    // last block would count the waste twice.
    const { kvBlockTokens: _block, ...policy } = memoryPolicy;
    pinned.memoryPolicy = policy;
  }
  return pinned;
}

/** Host memory bandwidth a request's KV blocks move over, for the chips one sequence's KV cache spans. */
function hostBandwidth(
  design: DesignDocument,
  catalog: CatalogIndex,
  chipsPerReplica: number,
): number | undefined {
  const machine = resolve(design, catalog);
  const { chip } = machine;
  let best = 0;
  chip.levels.forEach((level, levelIndex) => {
    if (!level.shared || level.usage !== 'storage') return;
    for (const paths of chip.paths) {
      const path = paths[levelIndex];
      if (path && path.bandwidthBytesPerSecond > best) best = path.bandwidthBytesPerSecond;
    }
  });
  return best > 0 ? best * chipsPerReplica : undefined;
}

/** Seconds and joules of one grid point. */
interface Pair {
  seconds: Float64Array;
  joules: Float64Array;
}

function pair(length: number): Pair {
  return { seconds: new Float64Array(length), joules: new Float64Array(length) };
}

/**
 * The step-cost model of `workload`'s model on `design`: a few dozen engine evaluations on buckets, interpolated
 * (module comment). `limits` are the scheduler's batch and token budget. Refuses (with the engine's message) a
 * workload the engine cannot evaluate, and a design whose weights leave no room for a KV cache.
 */
export function buildStepCost(
  design: DesignDocument,
  workload: Workload,
  catalog: CatalogIndex,
  limits: StepCostLimits,
): StepCostResult {
  const built = buildWithPlan(design, workload, catalog, limits);
  return built.ok ? { ok: true, cost: built.cost } : built;
}

/** `buildStepCost`, with the chips one replica of the pinned split spans (one sequence's KV cache lives there). */
function buildWithPlan(
  design: DesignDocument,
  workload: Workload,
  catalog: CatalogIndex,
  limits: StepCostLimits,
): { ok: true; cost: StepCostModel; chipsPerReplica: number } | { ok: false; message: string } {
  const { serving: _serving, ...plain } = workload;
  const maxBatch = Math.max(1, Math.floor(limits.maxBatch));
  const maxTokens = Math.max(1, Math.floor(limits.maxTokensPerStep));
  let evaluations = 0;
  const run = (candidate: Workload, detail: 'summary' | 'figures'): Report | string => {
    evaluations += 1;
    const result = evaluate({ design, workload: candidate }, catalog, { detail });
    return result.ok ? result.report : errorsOf(result.diagnostics) || 'the engine could not evaluate it';
  };

  // The anchor: the split the engine runs at the scheduler's largest batch, idle power (the DVFS section, which a
  // request rate makes the engine report), and the workload's own memory figures.
  const anchor = run({ ...plain, batch: maxBatch, requestsPerHour: plain.requestsPerHour ?? 1 }, 'summary');
  if (typeof anchor === 'string')
    return { ok: false, message: `The design cannot serve this workload: ${anchor}` };
  const base = pinnedWorkload(plain, anchor);
  const replicas = Math.max(1, anchor.parallelism.dataReplicas);
  const chipsPerReplica = Math.max(1, anchor.parallelism.chipsUsed / replicas);

  // Room for the KV cache: the engine's largest batch at 2 tokens a sequence (1 in, 1 out), times 2.
  const probe = run({ ...base, batch: 1, inputTokens: 1, outputTokens: 1, decodeContext: 1 }, 'figures');
  if (typeof probe === 'string')
    return { ok: false, message: `The design cannot serve this workload: ${probe}` };
  const kvCapacityTokens = probe.memory.maxBatch * 2;
  if (kvCapacityTokens <= 0)
    return {
      ok: false,
      message: `The weights of ${anchor.model.name} leave no room for a KV cache in the chips' own memory (${probe.memory.availableBytesPerChip} bytes a chip, ${probe.memory.weightsBytesPerChip} bytes of weights): no request can be served.`,
    };
  const kvBytesPerToken =
    (probe.memory.kvBytesPerChip * chipsPerReplica) / (Math.max(1, probe.batchPerReplica) * 2);

  const averageContext = plain.decodeContext ?? plain.inputTokens + Math.floor(plain.outputTokens / 2);
  const modelContext = catalog.models.get(plain.model)?.architecture.maxContext;
  const longest = Math.max(
    plain.inputTokens + plain.outputTokens,
    Math.min(modelContext ?? plain.inputTokens + plain.outputTokens, kvCapacityTokens),
  );
  // Every batch the scheduler may run: each request holds at least one token, so short requests fit many more
  // than the workload's own lengths do.
  const topBatch = Math.max(1, Math.min(maxBatch, kvCapacityTokens));

  // Decode grid: batch × context.
  const batches = Float64Array.from(edgeNodes(topBatch));
  const contextList = [1];
  for (let k = CONTEXT_NODES - 1; k >= 0; k -= 1) {
    const value = Math.round(longest / CONTEXT_RATIO ** k);
    if (value > (contextList[contextList.length - 1] ?? 0)) contextList.push(value);
  }
  const contexts = Float64Array.from(contextList);
  const decode = pair(batches.length * contexts.length);
  for (let i = 0; i < batches.length; i += 1)
    for (let j = 0; j < contexts.length; j += 1) {
      const report = run(
        { ...base, batch: batches[i] ?? 1, inputTokens: 1, outputTokens: 1, decodeContext: contexts[j] ?? 1 },
        'figures',
      );
      if (typeof report === 'string')
        return { ok: false, message: `A decode step of the design cannot be costed: ${report}` };
      decode.seconds[i * contexts.length + j] = report.decode.seconds;
      decode.joules[i * contexts.length + j] = report.decode.energyJoules;
    }

  // Prefill: L(T) from T tokens as short prompts, A(T) from the same tokens as one prompt (or a few of the longest).
  const tokens = Float64Array.from(edgeNodes(maxTokens));
  const linear = pair(tokens.length);
  const whole = pair(tokens.length);
  const perPair = pair(tokens.length);
  const longestPrompt = Math.max(1, modelContext ?? maxTokens);
  /** Pairs the one-prompt bucket of T tokens attends (a few prompts of the longest context past it). */
  const longPairs = (total: number): number => {
    const prompts = Math.ceil(total / longestPrompt);
    const each = total / prompts;
    return (prompts * each * (each + 1)) / 2;
  };
  for (let k = 0; k < tokens.length; k += 1) {
    const total = tokens[k] ?? 1;
    const shortPrompts = Math.ceil(total / SHORT_PROMPT);
    const short = run(
      {
        ...base,
        batch: shortPrompts,
        inputTokens: Math.ceil(total / shortPrompts),
        outputTokens: 1,
        decodeContext: 1,
      },
      'figures',
    );
    const prompts = Math.ceil(total / longestPrompt);
    const each = Math.ceil(total / prompts);
    const long =
      prompts === shortPrompts
        ? short
        : run({ ...base, batch: prompts, inputTokens: each, outputTokens: 1, decodeContext: 1 }, 'figures');
    if (typeof short === 'string')
      return { ok: false, message: `A prefill step of the design cannot be costed: ${short}` };
    if (typeof long === 'string')
      return { ok: false, message: `A prefill step of the design cannot be costed: ${long}` };
    linear.seconds[k] = short.prefill.seconds;
    linear.joules[k] = short.prefill.energyJoules;
    whole.seconds[k] = long.prefill.seconds;
    whole.joules[k] = long.prefill.energyJoules;
    const extraPairs = (prompts * each * (each + 1)) / 2 - shortPairs(total);
    perPair.seconds[k] =
      extraPairs > 0 ? Math.max(0, long.prefill.seconds - short.prefill.seconds) / extraPairs : -1;
    perPair.joules[k] =
      extraPairs > 0 ? Math.max(0, long.prefill.energyJoules - short.prefill.energyJoules) / extraPairs : -1;
  }
  // Up to one short prompt, the two evaluations are the same: the per-pair cost is that of the first longer node.
  const firstLong = perPair.seconds.findIndex((value) => value >= 0);
  for (let k = 0; k < tokens.length; k += 1)
    if ((perPair.seconds[k] ?? 0) < 0) {
      perPair.seconds[k] = firstLong >= 0 ? (perPair.seconds[firstLong] ?? 0) : 0;
      perPair.joules[k] = firstLong >= 0 ? (perPair.joules[firstLong] ?? 0) : 0;
    }

  const decodeSeconds = new Bilinear(batches, contexts, decode.seconds);
  const decodeJoules = new Bilinear(batches, contexts, decode.joules);
  const linearSeconds = new Piecewise(tokens, linear.seconds);
  const linearJoules = new Piecewise(tokens, linear.joules);
  const wholeSeconds = new Piecewise(tokens, whole.seconds);
  const wholeJoules = new Piecewise(tokens, whole.joules);
  const pairSeconds = new Piecewise(tokens, perPair.seconds);
  const pairJoules = new Piecewise(tokens, perPair.joules);

  const step = (batch: StepBatch, out: StepCostOut): void => {
    const prompt = batch.prefillTokens > 0 ? batch.prefillTokens : 0;
    const decodes = batch.decodeRequests > 0 ? batch.decodeRequests : 0;
    if (prompt === 0 && decodes === 0) {
      out.seconds = 0;
      out.joules = 0;
      return;
    }
    let prefillSeconds = 0;
    let prefillJoules = 0;
    let extraSeconds = 0;
    let extraJoules = 0;
    if (prompt > 0) {
      const requests = Math.max(1, batch.prefillRequests);
      const prefix = Math.max(0, batch.prefillContextTokens);
      const pairs = (prompt * prefix) / requests + (prompt * (prompt / requests + 1)) / 2;
      const perPairSeconds = Math.max(0, pairSeconds.at(prompt));
      const perPairJoules = Math.max(0, pairJoules.at(prompt));
      // Alone: the one-prompt bucket, corrected by the pairs this step attends beyond (or short of) its pairs.
      const beyondWhole = pairs - longPairs(prompt);
      prefillSeconds = Math.max(0, wholeSeconds.at(prompt) + perPairSeconds * beyondWhole);
      prefillJoules = Math.max(0, wholeJoules.at(prompt) + perPairJoules * beyondWhole);
      // Beside decodes: the pairs beyond those the short-prompt bucket attends, added to the shared GEMMs.
      const beyondShort = pairs - shortPairs(prompt);
      extraSeconds = perPairSeconds * beyondShort;
      extraJoules = perPairJoules * beyondShort;
    }
    if (decodes === 0) {
      out.seconds = prefillSeconds;
      out.joules = prefillJoules;
      return;
    }
    const context = Math.max(1, batch.decodeContextTokens / decodes);
    const decodeAloneSeconds = Math.max(0, decodeSeconds.at(decodes, context));
    const decodeAloneJoules = Math.max(0, decodeJoules.at(decodes, context));
    if (prompt === 0) {
      out.seconds = decodeAloneSeconds;
      out.joules = decodeAloneJoules;
      return;
    }
    const kvSeconds = Math.max(0, decodeAloneSeconds - decodeSeconds.at(decodes, 1));
    const kvJoules = Math.max(0, decodeAloneJoules - decodeJoules.at(decodes, 1));
    const mixedSeconds = linearSeconds.at(prompt + decodes) + extraSeconds + kvSeconds;
    const mixedJoules = linearJoules.at(prompt + decodes) + extraJoules + kvJoules;
    out.seconds = Math.min(
      prefillSeconds + decodeAloneSeconds,
      Math.max(mixedSeconds, prefillSeconds, decodeAloneSeconds),
    );
    out.joules = Math.min(
      prefillJoules + decodeAloneJoules,
      Math.max(mixedJoules, prefillJoules, decodeAloneJoules),
    );
  };

  const singlePrefillSeconds = (promptTokens: number): number => {
    if (promptTokens <= 0) return 0;
    const extra = (promptTokens * (promptTokens + 1)) / 2 - longPairs(promptTokens);
    return Math.max(0, wholeSeconds.at(promptTokens) + Math.max(0, pairSeconds.at(promptTokens)) * extra);
  };

  const fullBatch = Math.max(
    1,
    Math.min(maxBatch, Math.floor(kvCapacityTokens / Math.max(1, averageContext))),
  );
  const fullStep = Math.max(Number.MIN_VALUE, decodeSeconds.at(fullBatch, averageContext));
  const idleWatts = anchor.dvfs?.idle.powerWatts ?? anchor.power.systemStaticWatts;
  const split = `TP ${anchor.parallelism.tensor} × PP ${anchor.parallelism.pipeline}${replicas > 1 ? ` × ${replicas} replicas` : ''}`;
  return {
    ok: true,
    chipsPerReplica,
    cost: {
      step,
      kvCapacityTokens,
      kvBytesPerToken,
      swapBytesPerSecond: hostBandwidth(design, catalog, chipsPerReplica),
      idleWatts,
      maxDecodeTokensPerSecond: fullBatch / fullStep,
      singlePrefillSeconds,
      basis: `${evaluations} engine evaluations (${split}): decode batch 1–${topBatch} × context 1–${Math.round(longest)}, prefill 1–${maxTokens} tokens, interpolated`,
    },
  };
}

export type DisaggregatedResult =
  | {
      ok: true;
      prefill: StepCostModel;
      decode: StepCostModel;
      transferBytesPerSecond: number;
      transferLatencySeconds: number;
    }
  | { ok: false; message: string };

/**
 * Prefill on some chips, decode on others (DistServe, Zhong et al. 2024; Splitwise, Patel et al. 2024), each side
 * costed by `buildStepCost` on its own design, and the KV cache sent between them over the design's modelled link:
 *
 * - `chips`: the primary chip group split — two designs with its count set to `prefillChips` and `decodeChips`
 *   (refused when they add up to more chips than it has). The KV cache crosses the chips' own network (the
 *   `interconnect.chip-link` blocks and switches the resolve stage finds between chips): each chip of a prefill
 *   replica sends its shard of a sequence's cache over its own link, so the transfer runs at the per-chip
 *   bandwidth times the chips a replica spans on the narrower side.
 * - `groups`: two chip groups of the design, each evaluated alone (the others removed, as `stages/hetero.ts`
 *   evaluates each group alone); the KV cache takes the lowest-latency route between them over the design's
 *   links (`groupLinks`), at its narrowest bandwidth.
 */
export function buildDisaggregated(
  design: DesignDocument,
  workload: Workload,
  catalog: CatalogIndex,
  disaggregation: Disaggregation,
  limits: StepCostLimits,
): DisaggregatedResult {
  let prefillDesign: DesignDocument;
  let decodeDesign: DesignDocument;
  let link: { bandwidthBytesPerSecond: number; latencySeconds: number } | undefined;
  let perChip = false;
  if (disaggregation.split === 'chips') {
    const primary = computeChipGroups(design, catalog)[0];
    if (!primary)
      return {
        ok: false,
        message:
          'The design is one chip (it has no chip group): prefill and decode cannot run on separate chips.',
      };
    const { prefillChips, decodeChips } = disaggregation;
    if (prefillChips + decodeChips > primary.chips)
      return {
        ok: false,
        message: `Disaggregated serving asks for ${prefillChips} prefill + ${decodeChips} decode = ${prefillChips + decodeChips} chips, but "${primary.name}" has ${primary.chips}.`,
      };
    const prefillPart = partitionDesign(design, { kind: 'chips', chips: prefillChips }, catalog);
    if (!prefillPart.ok) return prefillPart;
    const decodePart = partitionDesign(design, { kind: 'chips', chips: decodeChips }, catalog);
    if (!decodePart.ok) return decodePart;
    prefillDesign = prefillPart.design;
    decodeDesign = decodePart.design;
    const network = resolve(design, catalog).network;
    if (
      !network ||
      !(network.bandwidthBytesPerSecond > 0) ||
      !Number.isFinite(network.bandwidthBytesPerSecond)
    )
      return {
        ok: false,
        message: `The chips of "${primary.name}" have no modelled link between them to send the KV cache over: add a chip-to-chip link (an interconnect.chip-link block, and a switch between the chips) to the design.`,
      };
    link = network;
    perChip = true;
  } else {
    const { prefillGroup, decodeGroup } = disaggregation;
    if (prefillGroup === decodeGroup)
      return {
        ok: false,
        message: `Prefill and decode both name chip group "${prefillGroup}": disaggregated serving needs two groups.`,
      };
    const prefillAlone = chipGroupAlone(design, prefillGroup);
    if (!prefillAlone.ok) return prefillAlone;
    const decodeAlone = chipGroupAlone(design, decodeGroup);
    if (!decodeAlone.ok) return decodeAlone;
    prefillDesign = prefillAlone.design;
    decodeDesign = decodeAlone.design;
    const route = groupLinks(design, catalog, [prefillGroup, decodeGroup])[0]?.[1];
    if (!route || !(route.bandwidthBytesPerSecond > 0) || !Number.isFinite(route.bandwidthBytesPerSecond))
      return {
        ok: false,
        message: `No modelled link joins chip groups "${prefillGroup}" and "${decodeGroup}" to send the KV cache over: link them (through a chip-to-chip link or a switch with a bandwidth) in the design.`,
      };
    link = route;
  }
  const prefill = buildWithPlan(prefillDesign, workload, catalog, limits);
  if (!prefill.ok) return { ok: false, message: `The prefill chips: ${prefill.message}` };
  const decode = buildWithPlan(decodeDesign, workload, catalog, limits);
  if (!decode.ok) return { ok: false, message: `The decode chips: ${decode.message}` };
  const lanes = perChip ? Math.min(prefill.chipsPerReplica, decode.chipsPerReplica) : 1;
  return {
    ok: true,
    prefill: prefill.cost,
    decode: decode.cost,
    transferBytesPerSecond: link.bandwidthBytesPerSecond * lanes,
    transferLatencySeconds: link.latencySeconds,
  };
}
