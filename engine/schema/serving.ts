/**
 * A served workload (`Workload.serving`): the traffic a design serves, the scheduler that batches it, the
 * latency targets it is judged by, and — for several models sharing one design — each model's own traffic, SLO
 * and partition of the hardware. The simulator (`engine/serving/`) replays it request by request with every
 * scheduler step costed by the engine.
 */
import { z } from 'zod';
import { boundedText, countSchema, idSchema, libraryIdSchema } from './common';
import { parallelismSchema } from './workload-parallelism';

/** The most requests one simulation runs (and the most rows a trace holds). */
export const MAX_SERVING_REQUESTS = 1_000_000;
/** The most models one design serves at once. */
export const MAX_TENANTS = 8;

const rateSchema = z
  .number()
  .positive('must be greater than zero')
  .max(1e6, 'must be at most 1,000,000 per second');
const secondsSchema = z.number().positive('must be greater than zero').max(86_400, 'must be at most a day');
const tokensSchema = countSchema.max(10_000_000);

/**
 * How requests arrive:
 * - `poisson`: independent arrivals at `ratePerSecond` (exponential gaps);
 * - `gamma`: bursty arrivals, gamma-distributed gaps with mean 1 / rate and coefficient of variation `cv`
 *   (cv = 1 is Poisson; > 1 burstier, < 1 more regular);
 * - `closed`: `users` clients, each sending its next request `thinkSeconds` after its last one completed;
 * - `trace`: the arrival times and lengths of a recorded trace (`engine/serving/trace.ts` reads Azure LLM
 *   inference traces and BurstGPT, CSV or JSONL), replayed from its first arrival; `timeScale` > 1 replays it
 *   faster (a rate sweep scales it).
 */
export const trafficSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('poisson'), ratePerSecond: rateSchema }),
  z.strictObject({
    kind: z.literal('gamma'),
    ratePerSecond: rateSchema,
    cv: z.number().min(0.05, 'must be at least 0.05').max(100, 'must be at most 100'),
  }),
  z.strictObject({
    kind: z.literal('closed'),
    users: countSchema.max(100_000),
    thinkSeconds: z.number().min(0, 'must be zero or more').max(86_400, 'must be at most a day'),
  }),
  z.strictObject({
    kind: z.literal('trace'),
    /** Where the trace came from (a file name), for the report. */
    name: boundedText(200),
    /** Seconds from the trace's start, non-decreasing. */
    arrivalsSeconds: z.array(z.number().min(0, 'must be zero or more')).min(1).max(MAX_SERVING_REQUESTS),
    inputTokens: z.array(tokensSchema).max(MAX_SERVING_REQUESTS),
    outputTokens: z.array(tokensSchema).max(MAX_SERVING_REQUESTS),
    timeScale: z.number().positive().max(1e6).optional(),
  }),
]);
export type Traffic = z.infer<typeof trafficSchema>;

/**
 * Prompt or output lengths: `fixed`; `uniform` whole numbers in [min, max]; `lognormal` with a mean and a
 * coefficient of variation (clipped to [1, max]); `trace`: the trace's own column (only with trace traffic).
 */
export const lengthDistributionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), tokens: tokensSchema }),
  z.strictObject({ kind: z.literal('uniform'), min: tokensSchema, max: tokensSchema }),
  z.strictObject({
    kind: z.literal('lognormal'),
    mean: z.number().min(1, 'must be at least 1').max(10_000_000),
    cv: z.number().min(0, 'must be zero or more').max(20, 'must be at most 20'),
    max: tokensSchema.optional(),
  }),
  z.strictObject({ kind: z.literal('trace') }),
]);
export type LengthDistribution = z.infer<typeof lengthDistributionSchema>;

/**
 * Latency targets. A request meets the SLO when its time to first token and its mean time per output token are
 * both within target (a target left out always holds). Goodput is the share (and rate) of requests that meet
 * it; the SLO holds at a rate when at least `attainment` of the requests meet it (0.99: "p99 within target").
 */
export const sloSchema = z.strictObject({
  ttftSeconds: secondsSchema.optional(),
  tpotSeconds: secondsSchema.optional(),
  attainment: z.number().min(0.5, 'must be at least 0.5').max(1, 'must be at most 1'),
});
export type Slo = z.infer<typeof sloSchema>;

/**
 * Prefill on some chips and decode on others, the KV cache sent between them over the design's link:
 * `chips` splits the primary chip group's chips; `groups` uses two chip groups of the design.
 */
export const disaggregationSchema = z.discriminatedUnion('split', [
  z.strictObject({ split: z.literal('chips'), prefillChips: countSchema, decodeChips: countSchema }),
  z.strictObject({ split: z.literal('groups'), prefillGroup: idSchema, decodeGroup: idSchema }),
]);
export type Disaggregation = z.infer<typeof disaggregationSchema>;

/**
 * The serving engine's scheduler, iteration-level (continuous) batching:
 * - `policy`: `fcfs` — every step runs one token of each running request, then the waiting prompts in arrival
 *   order fill what is left of the token budget (chunked when `chunkedPrefill`); `prefill-first` — while
 *   prompts wait and fit, a step runs prompts only and the running requests pause (vLLM's original scheduler);
 * - `maxBatch`: requests in flight at most (vLLM's max_num_seqs); `maxTokensPerStep`: tokens one step runs at
 *   most (max_num_batched_tokens), prompt chunks and decode tokens together;
 * - `kvBlockTokens`: the paged KV cache's block size; a request holds ceil(tokens / block) blocks;
 * - `preemption`: when the KV cache runs out, the newest running request is evicted and either recomputed from
 *   its prompt and the tokens it had (`recompute`) or has its blocks copied to host memory and back (`swap`).
 */
export const schedulerSchema = z.strictObject({
  policy: z.enum(['fcfs', 'prefill-first']),
  maxBatch: countSchema.max(100_000),
  maxTokensPerStep: countSchema.max(10_000_000),
  chunkedPrefill: z.boolean(),
  kvBlockTokens: countSchema.max(65_536),
  preemption: z.enum(['recompute', 'swap']),
  disaggregation: disaggregationSchema.optional(),
});
export type Scheduler = z.infer<typeof schedulerSchema>;

/**
 * The part of the design a model runs on: `chips` whole chips of the primary chip group; `share` a fraction of
 * every chip's compute units and of its memory (capacity and bandwidth), as MIG slicing does.
 */
export const partitionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('chips'), chips: countSchema }),
  z.strictObject({
    kind: z.literal('share'),
    compute: z.number().gt(0, 'must be greater than zero').max(1, 'must be at most 1'),
    memory: z.number().gt(0, 'must be greater than zero').max(1, 'must be at most 1'),
  }),
]);
export type Partition = z.infer<typeof partitionSchema>;

/**
 * One of several models served at once. Formats, parallelism and lengths left out are the workload's. A
 * partition left out is chosen by Tessera (in proportion to each model's demand).
 */
export const tenantSchema = z.strictObject({
  id: idSchema,
  model: libraryIdSchema,
  weights: libraryIdSchema.optional(),
  activations: libraryIdSchema.optional(),
  kv: libraryIdSchema.optional(),
  parallelism: parallelismSchema.optional(),
  traffic: trafficSchema,
  input: lengthDistributionSchema.optional(),
  output: lengthDistributionSchema.optional(),
  slo: sloSchema.optional(),
  partition: partitionSchema.optional(),
});
export type Tenant = z.infer<typeof tenantSchema>;

/**
 * How tenants share the design: `static` keeps each partition fixed; `dynamic` moves compute units and memory
 * between models every `intervalSeconds` in proportion to their load, each move stalling the units moved for
 * `reallocationSeconds`. The report shows both side by side when `dynamic` is asked for.
 */
export const sharingSchema = z.strictObject({
  mode: z.enum(['static', 'dynamic']),
  intervalSeconds: secondsSchema,
  reallocationSeconds: z.number().min(0, 'must be zero or more').max(3600, 'must be at most an hour'),
});
export type Sharing = z.infer<typeof sharingSchema>;

export const servingSchema = z.strictObject({
  traffic: trafficSchema,
  /** Prompt lengths; left out: the workload's `inputTokens` (the trace's for trace traffic). */
  input: lengthDistributionSchema.optional(),
  /** Output lengths; left out: the workload's `outputTokens` (the trace's for trace traffic). */
  output: lengthDistributionSchema.optional(),
  /** Requests simulated (a trace: at most its rows). */
  requests: countSchema.max(MAX_SERVING_REQUESTS),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  slo: sloSchema.optional(),
  scheduler: schedulerSchema,
  /** Several models at once; left out: the workload's own model alone on the whole design. */
  tenants: z.array(tenantSchema).min(1).max(MAX_TENANTS).optional(),
  sharing: sharingSchema.optional(),
});
export type Serving = z.infer<typeof servingSchema>;

/**
 * vLLM's defaults for a serving engine (max_num_seqs 256, max_num_batched_tokens 8,192 with chunked prefill,
 * block size 16, recompute preemption; vLLM engine arguments documentation), 1,000 Poisson requests at 1 per
 * second, an SLO of 1 s to the first token and 100 ms per output token, 99 % of requests within it.
 */
export function defaultServing(): Serving {
  return {
    traffic: { kind: 'poisson', ratePerSecond: 1 },
    requests: 1000,
    seed: 1,
    slo: { ttftSeconds: 1, tpotSeconds: 0.1, attainment: 0.99 },
    scheduler: {
      policy: 'fcfs',
      maxBatch: 256,
      maxTokensPerStep: 8192,
      chunkedPrefill: true,
      kvBlockTokens: 16,
      preemption: 'recompute',
    },
  };
}
