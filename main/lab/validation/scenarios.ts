/**
 * How the accuracy suite turns a measured setup into engine runs: scaling a single-chip preset out to N chips,
 * and the serving models that connect one engine report (one prefill, one decode step) to what benchmarks
 * measure — static batches, offline max-load throughput with in-flight batching, online serving at a request
 * rate. Each model is stated where it is defined, so a reader can judge the comparison.
 */
import type { CatalogIndex } from '../../../engine/catalog';
import { evaluate } from '../../../engine/evaluate';
import type { Report } from '../../../engine/report';
import type { DesignDocument } from '../../../engine/schema/design';
import type { Workload } from '../../../engine/schema/workload';

/**
 * The design with its chip group replicated `count` times and the chips joined through a non-blocking switch
 * outside the chip group, attached to each chip's chip-to-chip link. Returns undefined when the chip has no
 * chip-to-chip link to attach.
 */
export function scaleOut(
  design: DesignDocument,
  count: number,
  catalog: CatalogIndex,
): DesignDocument | undefined {
  const chip = design.groups.find((group) => group.kind === 'chip');
  if (!chip) return undefined;
  if (count === chip.count) return design;
  const members = new Set(chip.blocks);
  const linkBlock = design.blocks.find(
    (block) => members.has(block.id) && block.type === 'interconnect.chip-link',
  );
  if (!linkBlock) return undefined;
  const linkType = catalog.blockTypes.get(linkBlock.type);
  const linkSpec = linkType?.params.find((param) => param.key === 'bandwidthBytesPerSecond');
  const perChip =
    typeof linkBlock.params.bandwidthBytesPerSecond === 'number'
      ? linkBlock.params.bandwidthBytesPerSecond
      : linkSpec?.kind === 'number'
        ? linkSpec.default
        : 1e11;
  const hasSwitch = design.links.some(
    (link) =>
      (link.from.block === linkBlock.id && link.from.port === 'b') ||
      (link.to.block === linkBlock.id && link.to.port === 'b'),
  );
  return {
    ...design,
    name: `${design.name} ×${count}`,
    groups: design.groups.map((group) => (group.id === chip.id ? { ...group, count } : group)),
    blocks: hasSwitch
      ? design.blocks
      : [
          ...design.blocks,
          {
            id: 'validation-switch',
            type: 'interconnect.switch',
            name: 'Switch',
            params: { bandwidthBytesPerSecond: perChip * count, latencySeconds: 5e-7 },
            position: { x: 800, y: 200 },
          },
        ],
    links: hasSwitch
      ? design.links
      : [
          ...design.links,
          {
            id: 'validation-switch-link',
            from: { block: linkBlock.id, port: 'b' },
            to: { block: 'validation-switch', port: 'port' },
            params: {},
          },
        ],
  };
}

export class ScenarioError extends Error {}

export function run(design: DesignDocument, workload: Workload, catalog: CatalogIndex): Report {
  const result = evaluate({ design, workload }, catalog);
  if (!result.ok)
    throw new ScenarioError(
      result.diagnostics
        .filter((diagnostic) => diagnostic.severity === 'error')
        .map((diagnostic) => diagnostic.message)
        .join(' '),
    );
  return result.report;
}

/** Static batching (all requests start together and run to the end): output tokens over the whole batch's time. */
export function staticBatchOutputTokensPerSecond(report: Report): number {
  const { batch, outputTokens } = report.workload;
  return (batch * outputTokens) / (report.prefill.seconds + outputTokens * report.decode.secondsPerStep);
}

/**
 * Requests a scheduler keeps in flight at most: TensorRT-LLM's default max_batch_size, 2,048
 * (`BuildConfig.max_batch_size: int = 2048` in tensorrt_llm/builder.py, the default trtllm-build uses;
 * https://github.com/NVIDIA/TensorRT-LLM/blob/008b2b8d23af95e4e19fa6f354f9c5f6349b2bfc/tensorrt_llm/builder.py).
 */
export const SCHEDULER_MAX_BATCH = 2048;

/**
 * Tokens one TensorRT-LLM iteration processes at most when the runtime does not state it: max_num_tokens,
 * default 8,192 (`BuildConfig.max_num_tokens: int = 8192`, same file; TensorRT-LLM documentation, "Tuning Max
 * Batch Size and Max Num Tokens").
 */
export const DEFAULT_MAX_NUM_TOKENS = 8192;

/**
 * Offline max-load throughput with in-flight batching: the batch is as large as memory (the KV cache at the
 * full sequence length) and the scheduler allow; in steady state every request costs its share of a batched
 * prefill plus its output tokens' share of the decode steps:
 *
 *   output tokens/s = B · output / (prefill(B) + output · decodeStep(B))
 */
export function maxLoad(
  design: DesignDocument,
  base: Workload,
  catalog: CatalogIndex,
): { report: Report; outputTokensPerSecond: number; batch: number } {
  const probe = run(design, { ...base, batch: 1 }, catalog);
  if (!probe.memory.fits) throw new ScenarioError('the model does not fit at batch 1');
  const batch = Math.max(1, Math.min(probe.memory.maxBatch, SCHEDULER_MAX_BATCH));
  const report = run(design, { ...base, batch }, catalog);
  return { report, outputTokensPerSecond: staticBatchOutputTokensPerSecond(report), batch };
}

/**
 * Time from a request's arrival to its first token under in-flight batching, with `others` requests decoding
 * (on average, by PASTA, what an arrival sees): when the engine is busy the request waits for the running
 * iteration to end (half a step on average, the residual of a deterministic step), then its prefill runs in an
 * iteration that also advances the others' decode by a step; before that it queues behind the prefills of
 * earlier arrivals at rate λ (an M/D/1 queue: wait = ρ · prefill / (2 (1 − ρ)), ρ = λ · prefill; Pollaczek–
 * Khinchine). An idle engine starts the prefill at once.
 */
export function firstTokenSeconds(prefill: number, step: number, others: number, rate: number): number {
  const busy = Math.min(1, Math.max(0, others));
  const load = Math.min(0.95, Math.max(0, rate * prefill));
  const queue = (load * prefill) / (2 * (1 - load));
  return busy * (step / 2 + step) + queue + prefill;
}

/**
 * Online serving at a request rate λ (Little's law): the requests in flight are B = λ · (time to first token +
 * output · time per token), never more than the max-load batch (memory and
 * the scheduler's limit). The decode steps of everyone stretch by the share of time the engine spends
 * prefilling new arrivals:
 *
 *   TPOT(λ) = decodeStep(B) / (1 − λ · prefill(1))
 *
 * (at capacity, prefill(B) / B per request instead: the max-load schedule)
 * and the first token waits as `firstTokenSeconds` says. Beyond the max-load capacity the system saturates and
 * requests complete at the capacity rate.
 */
export function onlineServing(
  design: DesignDocument,
  base: Workload,
  rate: number,
  catalog: CatalogIndex,
): { ttftSeconds: number; tpotSeconds: number; requestsPerSecond: number; saturated: boolean } {
  const single = run(design, { ...base, batch: 1 }, catalog);
  const load = maxLoad(design, base, catalog);
  const capacity = load.outputTokensPerSecond / base.outputTokens;
  const effectiveRate = Math.min(rate, capacity);
  // Below capacity each arrival is prefilled on its own; at capacity the engine runs the max-load schedule,
  // prefilling requests together (the share of time max-load throughput spends in prefill).
  const saturated = rate >= capacity;
  const prefillPerRequest = saturated ? load.report.prefill.seconds / load.batch : single.prefill.seconds;
  const prefillShare = Math.min(0.95, effectiveRate * prefillPerRequest);
  // Little's law B = λ · (prefill + output · TPOT(B)) has its right side growing with B more slowly than B
  // near the answer: bisect on B between 1 and the max-load batch.
  const stepAt = (batch: number): Report =>
    run(design, { ...base, batch: Math.max(1, Math.min(load.batch, Math.round(batch))) }, catalog);
  const excess = (report: Report, batch: number): number =>
    effectiveRate *
      (single.prefill.seconds + (base.outputTokens * report.decode.secondsPerStep) / (1 - prefillShare)) -
    batch;
  let low = 1;
  let high = load.batch;
  let report = stepAt(high);
  if (excess(report, high) < 0) {
    for (let iteration = 0; iteration < 40 && high - low > 0.5; iteration += 1) {
      const middle = (low + high) / 2;
      if (excess(stepAt(middle), middle) > 0) low = middle;
      else high = middle;
    }
    report = stepAt(high);
  }
  const batch = high;
  return {
    ttftSeconds: firstTokenSeconds(
      single.prefill.seconds,
      report.decode.secondsPerStep,
      batch,
      effectiveRate,
    ),
    tpotSeconds: report.decode.secondsPerStep / (1 - prefillShare),
    requestsPerSecond: effectiveRate,
    saturated,
  };
}

/**
 * TensorRT-LLM's in-flight batching scheduler, iteration by iteration (the C++ executor's loop; TensorRT-LLM
 * documentation, "Tuning Max Batch Size and Max Num Tokens" and "Paged Attention, IFB, and Request Scheduling"):
 *
 * - a request is admitted (first come, first served) while fewer than `maxBatch` requests are in flight and
 *   the KV cache has room for one more whole sequence (`kvRequests`: the GUARANTEED_NO_EVICT policy, TensorRT-LLM's
 *   default — "Useful Runtime Options" in its performance tuning guide — admits a request only when it can
 *   complete without eviction, i.e. with room for input + output);
 * - every iteration runs one token for each request in the generation phase and, in the tokens left of
 *   `maxNumTokens` (generation tokens count against it), the whole prompts of the oldest admitted requests still
 *   waiting for their context phase (without chunked context a prompt runs in one iteration; chunking is off
 *   unless asked — the perf-overview's own gptManagerBenchmark command passes --enable_chunked_context, and the
 *   scheduler's context_chunking_policy defaults to none); the context phase ends with the request's first token;
 * - arrivals during an iteration are admitted when it ends.
 *
 * Returns the means the serving benchmarks report: time to first token (arrival to the end of its context
 * iteration), inter-token latency per request ((last token − first token) / (output − 1)), and requests per
 * second over the run (requests / (last completion − first arrival)).
 */
export interface SchedulerLimits {
  maxBatch: number;
  maxNumTokens: number;
  kvRequests: number;
}

/** The time of one engine iteration: `contextTokens` prompt tokens beside `generating` generation-phase requests. */
export type IterationSeconds = (contextTokens: number, generating: number) => number;

export interface ServingSimulation {
  ttftSeconds: number;
  itlSeconds: number;
  requestsPerSecond: number;
  /** Most requests in flight at once. */
  peakBatch: number;
}

export function simulateInflightBatching(
  arrivals: readonly number[],
  inputTokens: number,
  outputTokens: number,
  limits: SchedulerLimits,
  iterationSeconds: IterationSeconds,
): ServingSimulation {
  const count = arrivals.length;
  if (count === 0) return { ttftSeconds: 0, itlSeconds: 0, requestsPerSecond: 0, peakBatch: 0 };
  const capacity = Math.max(1, Math.min(limits.maxBatch, limits.kvRequests));
  interface Flight {
    arrival: number;
    firstToken: number | undefined;
    tokens: number;
  }
  let active: Flight[] = [];
  let next = 0;
  let time = arrivals[0] ?? 0;
  let done = 0;
  let lastDone = time;
  let ttftSum = 0;
  let itlSum = 0;
  let peakBatch = 0;
  const finish = (flight: Flight): void => {
    const first = flight.firstToken ?? time;
    ttftSum += first - flight.arrival;
    if (outputTokens > 1) itlSum += (time - first) / (outputTokens - 1);
    done += 1;
    lastDone = time;
  };
  while (done < count) {
    while (next < count && (arrivals[next] ?? 0) <= time && active.length < capacity) {
      active.push({ arrival: arrivals[next] ?? 0, firstToken: undefined, tokens: 0 });
      next += 1;
    }
    if (active.length === 0) {
      time = Math.max(time, arrivals[next] ?? time);
      continue;
    }
    peakBatch = Math.max(peakBatch, active.length);
    const generating = active.filter((flight) => flight.firstToken !== undefined);
    let budget = limits.maxNumTokens - generating.length;
    const context: Flight[] = [];
    for (const flight of active) {
      if (flight.firstToken !== undefined) continue;
      // A prompt longer than the whole budget still runs alone (the engine's max_input_len allows it).
      const alone = context.length === 0 && generating.length === 0;
      if (inputTokens > budget && !alone) break;
      context.push(flight);
      budget -= inputTokens;
    }
    time += iterationSeconds(context.length * inputTokens, generating.length);
    for (const flight of generating) flight.tokens += 1;
    for (const flight of context) {
      flight.firstToken = time;
      flight.tokens = 1;
    }
    const remaining: Flight[] = [];
    for (const flight of active) {
      if (flight.tokens >= outputTokens) finish(flight);
      else remaining.push(flight);
    }
    active = remaining;
  }
  const span = lastDone - (arrivals[0] ?? 0);
  return {
    ttftSeconds: ttftSum / count,
    itlSeconds: outputTokens > 1 ? itlSum / count : 0,
    requestsPerSecond: span > 0 ? count / span : Number.POSITIVE_INFINITY,
    peakBatch,
  };
}

/**
 * Arrival times of `count` requests at `rate` per second: all at once for an unbounded rate (the benchmark
 * sends every request at the start), else a Poisson process (an assumption: the TensorRT-LLM table does not say
 * how its client spaced requests; serving benchmarks given a request rate, e.g. vLLM's benchmark_serving, draw
 * exponential gaps) — exponential gaps, here at the quantiles of a
 * golden-ratio (Weyl) sequence, so the run is deterministic and the gaps have the exponential's distribution
 * without a random seed.
 */
export function poissonArrivals(count: number, rate: number): number[] {
  const times: number[] = [];
  if (!Number.isFinite(rate)) return Array.from({ length: count }, () => 0);
  const golden = (Math.sqrt(5) - 1) / 2;
  let time = 0;
  for (let index = 0; index < count; index += 1) {
    times.push(time);
    const quantile = ((index + 1) * golden) % 1;
    time += -Math.log(1 - quantile) / rate;
  }
  return times;
}

/** Linear interpolation through (x, y) points sorted by x; beyond the ends, the nearest segment's line. */
function interpolate(points: readonly (readonly [number, number])[], x: number): number {
  if (points.length === 1) return points[0]?.[1] ?? 0;
  let index = 1;
  while (index < points.length - 1 && (points[index]?.[0] ?? 0) < x) index += 1;
  const [x0, y0] = points[index - 1] ?? [0, 0];
  const [x1, y1] = points[index] ?? [1, 0];
  return x1 === x0 ? y1 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

/** 1, 2, 4, … below `limit`, and `limit`. */
function doublings(limit: number): number[] {
  const values: number[] = [];
  for (let value = 1; value < limit; value *= 2) values.push(value);
  values.push(Math.max(1, limit));
  return values;
}

/**
 * Online serving of `requests` requests at a request rate (Infinity: all sent at once) on TensorRT-LLM's
 * in-flight batching, simulated iteration by iteration (`simulateInflightBatching`) with iteration times from
 * the engine:
 *
 * - a context pass over k prompts is the engine's prefill at batch k (interpolated in prompt tokens);
 * - a generation step for b requests is the engine's decode step at batch b (interpolated in b);
 * - a mixed iteration runs the GEMMs once over all its tokens: with prompts present they are the prefill's (the
 *   b generation tokens add b / (k · input) to its work), so it costs the context pass plus what b generation
 *   requests add to a step beyond a single request's (their KV reads and per-token work): prefill(k) +
 *   decode(b) − decode(1). The weight stream, the launches and the step overhead are paid once.
 *
 * Scheduler limits: max_batch_size 2048 (`SCHEDULER_MAX_BATCH`, TensorRT-LLM's build default; with the Triton
 * backend the runtime batch is the engine's, not triton_max_batch_size: Triton TensorRT-LLM backend docs, "Model
 * Configuration"), max_num_tokens = the runtime's `prefillChunkTokens` (8,192, TensorRT-LLM's default), KV room =
 * the largest batch whose KV cache fits at input + output tokens.
 */
export function servingSimulation(
  design: DesignDocument,
  base: Workload,
  rate: number,
  requests: number,
  catalog: CatalogIndex,
): ServingSimulation & { limits: SchedulerLimits } {
  const probe = run(design, { ...base, batch: 1 }, catalog);
  if (!probe.memory.fits) throw new ScenarioError('the model does not fit at batch 1');
  const runtime = base.runtime !== undefined ? catalog.runtimes.get(base.runtime) : undefined;
  const maxNumTokens = runtime?.prefillChunkTokens ?? DEFAULT_MAX_NUM_TOKENS;
  const limits: SchedulerLimits = {
    maxBatch: SCHEDULER_MAX_BATCH,
    maxNumTokens,
    kvRequests: Math.max(1, probe.memory.maxBatch),
  };
  const inFlight = Math.max(1, Math.min(limits.maxBatch, limits.kvRequests, requests));
  const decode = doublings(inFlight).map(
    (batch) =>
      [
        batch,
        batch === 1
          ? probe.decode.secondsPerStep
          : run(design, { ...base, batch }, catalog).decode.secondsPerStep,
      ] as const,
  );
  const prompts = Math.max(1, Math.min(inFlight, Math.floor(maxNumTokens / base.inputTokens)));
  const prefill = doublings(prompts).map(
    (batch) =>
      [
        batch * base.inputTokens,
        batch === 1 ? probe.prefill.seconds : run(design, { ...base, batch }, catalog).prefill.seconds,
      ] as const,
  );
  const single = probe.decode.secondsPerStep;
  const iteration: IterationSeconds = (contextTokens, generating) => {
    const step = generating > 0 ? interpolate(decode, generating) : 0;
    if (contextTokens === 0) return step;
    return interpolate(prefill, contextTokens) + Math.max(0, step - single);
  };
  const result = simulateInflightBatching(
    poissonArrivals(requests, rate),
    base.inputTokens,
    base.outputTokens,
    limits,
    iteration,
  );
  return { ...result, limits };
}

/**
 * A closed loop of `concurrency` clients, each sending its next request when the last one finishes (NVIDIA NIM
 * benchmarks, vLLM's benchmark with --max-concurrency). Up to the largest batch that fits, every client is in
 * the decode batch; its tokens are delayed by the others' prefills. Clients beyond what fits wait in a queue
 * for a slot: their wait is added to the time to first token.
 */
export function closedLoop(
  design: DesignDocument,
  base: Workload,
  concurrency: number,
  catalog: CatalogIndex,
): { ttftSeconds: number; tpotSeconds: number; outputTokensPerSecond: number } {
  const single = run(design, { ...base, batch: 1 }, catalog);
  const slots = Math.max(1, Math.min(concurrency, single.memory.maxBatch, SCHEDULER_MAX_BATCH));
  const report = run(design, { ...base, batch: slots }, catalog);
  // Per request: its prefill, then `output` steps; the engine prefills others' prompts `slots` times per round.
  const roundSeconds = slots * single.prefill.seconds + base.outputTokens * report.decode.secondsPerStep;
  const tpot = roundSeconds / base.outputTokens;
  const requestSeconds = single.prefill.seconds + base.outputTokens * tpot;
  const requestsPerSecond = slots / requestSeconds;
  const queued = Math.max(0, concurrency - slots);
  // The other clients in flight keep the engine busy: a new request waits for the running iteration.
  return {
    ttftSeconds:
      firstTokenSeconds(single.prefill.seconds, report.decode.secondsPerStep, slots - 1, 0) +
      queued / requestsPerSecond,
    tpotSeconds: tpot,
    outputTokensPerSecond: requestsPerSecond * base.outputTokens,
  };
}
