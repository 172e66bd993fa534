/**
 * The served benchmarks of the accuracy suite, run through Tessera's serving simulator (`engine/serving/`): the
 * row's requests replayed against the runtime's scheduler, every step costed by `buildStepCost` from engine
 * evaluations of the design. Three loads, as the benchmarks ran them:
 *
 * - `rate`: requests at a request rate — Poisson arrivals (an assumption: the TensorRT-LLM table does not say how
 *   its client spaced requests; serving benchmarks given a rate, e.g. vLLM's benchmark_serving, draw exponential
 *   gaps), or all at once for an unbounded rate (the benchmark sends every request at the start);
 * - `saturate`: offline max-load (trtllm-bench throughput): every request queued at t = 0, throughput = output
 *   tokens over the whole run, as the benchmark reports it;
 * - `closed`: a closed loop of clients (NIM's AIPerf at a concurrency), each sending its next request when its
 *   last one completes.
 *
 * Nothing here is fitted: the scheduler settings are the runtimes' cited defaults.
 */
import type { CatalogIndex } from '../../../engine/catalog';
import type { DesignDocument } from '../../../engine/schema/design';
import type { Runtime } from '../../../engine/schema/runtime';
import { defaultServing } from '../../../engine/schema/serving';
import type { Workload } from '../../../engine/schema/workload';
import { simulate } from '../../../engine/serving/simulate';
import { buildStepCost } from '../../../engine/serving/step-cost';
import { buildStream } from '../../../engine/serving/traffic';
import type {
  ClosedLoop,
  RequestStream,
  SchedulerSettings,
  ServingFigures,
  StepCostModel,
} from '../../../engine/serving/types';
import { ScenarioError } from './scenarios';

/**
 * Requests TensorRT-LLM keeps in flight at most: max_batch_size, default 2,048 (`BuildConfig.max_batch_size: int =
 * 2048` in tensorrt_llm/builder.py, the default trtllm-build uses;
 * https://github.com/NVIDIA/TensorRT-LLM/blob/008b2b8d23af95e4e19fa6f354f9c5f6349b2bfc/tensorrt_llm/builder.py).
 * With the Triton backend the runtime batch is the engine's, not triton_max_batch_size (Triton TensorRT-LLM
 * backend docs, "Model Configuration").
 */
export const TENSORRT_LLM_MAX_BATCH = 2048;

/**
 * Tokens one TensorRT-LLM iteration processes at most when the runtime profile does not state it: max_num_tokens,
 * default 8,192 (`BuildConfig.max_num_tokens: int = 8192`, same file; TensorRT-LLM documentation, "Tuning Max
 * Batch Size and Max Num Tokens"). Generation tokens count against it.
 */
export const TENSORRT_LLM_MAX_NUM_TOKENS = 8192;

/**
 * Tokens per paged KV block in TensorRT-LLM: `PluginConfig.tokens_per_block: int = 128` (tensorrt_llm/plugin/
 * plugin.py, https://github.com/NVIDIA/TensorRT-LLM/blob/035b99e0d09d4f2dfdb949810cf7245112aa4165/tensorrt_llm/plugin/plugin.py).
 * It only decides the last, partly filled block of each request.
 */
export const TENSORRT_LLM_TOKENS_PER_BLOCK = 128;

/**
 * The scheduler a runtime serves with, at its defaults:
 *
 * - TensorRT-LLM: in-flight batching — every iteration runs one token of each generating request and, in what
 *   is left of max_num_tokens, whole prompts first come first served (`fcfs`); chunked context is off unless
 *   asked (the scheduler's context_chunking_policy defaults to none); max_batch_size 2,048; max_num_tokens the
 *   runtime profile's `prefillChunkTokens` (8,192);
 * - anything else: vLLM's defaults (`defaultServing()`: max_num_seqs 256, max_num_batched_tokens 8,192 with
 *   chunked prefill, block size 16, recompute preemption).
 */
export function schedulerFor(runtime: Runtime | undefined): SchedulerSettings {
  if (runtime?.id === 'tensorrt-llm')
    return {
      policy: 'fcfs',
      maxBatch: TENSORRT_LLM_MAX_BATCH,
      maxTokensPerStep: runtime.prefillChunkTokens ?? TENSORRT_LLM_MAX_NUM_TOKENS,
      chunkedPrefill: false,
      kvBlockTokens: TENSORRT_LLM_TOKENS_PER_BLOCK,
      preemption: 'recompute',
    };
  const { disaggregation: _, ...scheduler } = defaultServing().scheduler;
  return scheduler;
}

/** How the benchmark loaded the server. */
export type Load =
  | { kind: 'rate'; ratePerSecond: number; requests: number }
  | { kind: 'saturate'; requests?: number }
  | { kind: 'closed'; users: number; requests: number };

export interface Served {
  figures: ServingFigures;
  cost: StepCostModel;
  scheduler: SchedulerSettings;
  requests: number;
}

/** Seed of the Poisson arrivals: any fixed one (the run must be deterministic); not chosen for any row. */
const SEED = 1;

/**
 * Requests in flight at most under a saturating load of fixed lengths: the scheduler's max batch, or the whole
 * sequences the KV cache holds, whichever is fewer.
 */
export function steadyBatch(
  cost: StepCostModel,
  scheduler: SchedulerSettings,
  input: number,
  output: number,
): number {
  const blocks = Math.ceil((input + output) / scheduler.kvBlockTokens) * scheduler.kvBlockTokens;
  return Math.max(1, Math.min(scheduler.maxBatch, Math.floor(cost.kvCapacityTokens / blocks)));
}

/**
 * Waves of a full batch an offline run holds when the source does not state its request count: enough that the
 * first wave's ramp-up and the last one's drain are a small share of the run.
 */
export const STEADY_STATE_WAVES = 8;

/**
 * The Poisson stream conditioned on running at the offered rate: its arrival times scaled so that the
 * `requests − 1` gaps average exactly 1 / rate. One draw of 500 exponential gaps has a mean within ±4.5 % (1σ,
 * 1 / √500) of 1 / rate; unscaled, that one seed's draw would show as a request-throughput error of its size at
 * every rate of the table (the source reports the offered rate, not its client's realised one). The gaps keep
 * their exponential spread, so queueing at a burst is as Poisson makes it.
 */
export function atOfferedRate(stream: RequestStream, ratePerSecond: number): RequestStream {
  const count = stream.arrivals.length;
  const first = stream.arrivals[0] ?? 0;
  const span = (stream.arrivals[count - 1] ?? first) - first;
  if (count < 2 || !(span > 0)) return stream;
  const scale = (count - 1) / ratePerSecond / span;
  const arrivals = stream.arrivals.map((time) => (time - first) * scale);
  return { ...stream, arrivals };
}

/** Every request at t = 0. */
function burst(requests: number, input: number, output: number): RequestStream {
  return {
    arrivals: new Float64Array(requests),
    input: new Int32Array(requests).fill(input),
    output: new Int32Array(requests).fill(output),
  };
}

/** The workload served under `load` on `design`, with the runtime's scheduler and the engine's step costs. */
export function served(
  design: DesignDocument,
  workload: Workload,
  catalog: CatalogIndex,
  load: Load,
): Served {
  const runtime = workload.runtime !== undefined ? catalog.runtimes.get(workload.runtime) : undefined;
  const scheduler = { ...schedulerFor(runtime) };
  const built = buildStepCost(design, workload, catalog, {
    maxBatch: scheduler.maxBatch,
    maxTokensPerStep: scheduler.maxTokensPerStep,
  });
  if (!built.ok) throw new ScenarioError(built.message);
  const cost = built.cost;
  const input = workload.inputTokens;
  const output = workload.outputTokens;
  // TensorRT-LLM's capacity scheduler, GUARANTEED_NO_EVICT by default ("Useful Runtime Options" in its
  // performance tuning guide; capacity_scheduler_policy in the Triton backend's model configuration), admits a
  // request only when the KV cache can hold it to completion: with the benchmarks' fixed lengths, at most the
  // whole sequences that fit are in flight, and nothing is ever evicted.
  if (runtime?.id === 'tensorrt-llm') scheduler.maxBatch = steadyBatch(cost, scheduler, input, output);
  const fixed = (tokens: number) => ({ kind: 'fixed' as const, tokens });
  const defaults = { inputTokens: input, outputTokens: output };
  let stream: RequestStream | ClosedLoop;
  let requests: number;
  if (load.kind === 'saturate') {
    requests = load.requests ?? STEADY_STATE_WAVES * steadyBatch(cost, scheduler, input, output);
    stream = burst(requests, input, output);
  } else if (load.kind === 'rate') {
    requests = load.requests;
    stream = Number.isFinite(load.ratePerSecond)
      ? atOfferedRate(
          buildStream(
            { kind: 'poisson', ratePerSecond: load.ratePerSecond },
            fixed(input),
            fixed(output),
            defaults,
            requests,
            SEED,
          ) as RequestStream,
          load.ratePerSecond,
        )
      : burst(requests, input, output);
  } else {
    requests = load.requests;
    stream = buildStream(
      { kind: 'closed', users: load.users, thinkSeconds: 0 },
      fixed(input),
      fixed(output),
      defaults,
      requests,
      SEED,
    );
  }
  const run = simulate({ stream, scheduler, cost });
  return { figures: run.figures, cost, scheduler, requests };
}
