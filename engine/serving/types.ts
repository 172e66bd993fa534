/**
 * The serving simulator's contract: what a scheduler step costs (`StepCostModel`, built from engine evaluations
 * by `step-cost.ts`), the request stream the simulator replays (`RequestStream`, from `traffic.ts`), and what it
 * reports (`ServingReport`, the stable format `tessera serve --json` prints and the app draws).
 *
 * Module map (engine/serving/):
 * - `traffic.ts`   Traffic + lengths + seed → RequestStream (arrivals, prompt and output lengths), deterministic
 * - `trace.ts`     Azure LLM inference trace / BurstGPT rows (CSV, JSONL) → a `trace` Traffic
 * - `step-cost.ts` design, workload, catalog → StepCostModel (engine evaluations on buckets, interpolated)
 * - `partition.ts` design, Partition → the design a tenant runs on (whole chips, or a share of each chip)
 * - `simulate.ts`  RequestStream + SchedulerSettings + StepCostModel → ServingRun (event-driven, iteration level)
 * - `metrics.ts`   per-request times → LatencyStats, goodput, series
 * - `serve.ts`     design, workload, catalog, options → ServingReport (rates, knee, max rate within SLO,
 *                  tenants, static vs dynamic sharing); the one entry point the app, the CLI and validation use
 */
import type { Scheduler, Slo } from '../schema/serving';

/** One scheduler step's batch: prompt tokens (whole prompts or chunks) beside decoding requests. */
export interface StepBatch {
  /** Prompt tokens this step processes (over every request prefilling in it). */
  prefillTokens: number;
  /** Requests whose prompt (or a chunk of it) runs in this step. */
  prefillRequests: number;
  /**
   * Tokens already in the KV cache that the prompt chunks attend to (sum over the prefilling requests of the
   * tokens before their chunk); 0 without chunking.
   */
  prefillContextTokens: number;
  /** Requests generating one token each in this step. */
  decodeRequests: number;
  /** Sum over the decoding requests of their context (prompt + tokens generated so far). */
  decodeContextTokens: number;
}

/** The time and energy of one step, written into a reused object (the simulator calls this per step). */
export interface StepCostOut {
  seconds: number;
  joules: number;
}

/**
 * What the simulator needs to know about the hardware, for one model on one partition. Every figure comes from
 * engine evaluations of the design (`step-cost.ts`); the simulator never calls the engine itself.
 */
export interface StepCostModel {
  /** Time and energy of a step with this batch. Must be cheap: an interpolation, never an evaluation. */
  step(batch: StepBatch, out: StepCostOut): void;
  /** Tokens the KV cache holds beside the weights (the map stage's free memory / KV bytes per token). */
  kvCapacityTokens: number;
  /** Bytes of KV cache per token (all layers, as stored), for swapping and disaggregated transfer. */
  kvBytesPerToken: number;
  /** Host memory bandwidth (B/s) a swapped request's blocks move over; undefined: no host path (swap refused). */
  swapBytesPerSecond: number | undefined;
  /** Power (W) of the partition while no step runs. */
  idleWatts: number;
  /** Tokens/s of decode at the largest batch that fits (memory and scheduler): the ceiling of throughput. */
  maxDecodeTokensPerSecond: number;
  /** One prompt of `tokens` alone on an idle partition: seconds (the TTFT at a vanishing rate). */
  singlePrefillSeconds(tokens: number): number;
  /** What the cost is built from, for the report: e.g. "34 engine evaluations, batch 1–256 × context 128–8k". */
  basis: string;
}

/** Requests in arrival order: arrival time (s), prompt and output tokens. */
export interface RequestStream {
  arrivals: Float64Array;
  input: Int32Array;
  output: Int32Array;
}

/** A closed loop: `users` clients with `thinkSeconds` between a completion and their next request. */
export interface ClosedLoop {
  users: number;
  thinkSeconds: number;
  requests: number;
  input: Int32Array;
  output: Int32Array;
}

/** The scheduler as the simulator runs it (the schema's settings, disaggregation resolved into costs). */
export interface SchedulerSettings extends Omit<Scheduler, 'disaggregation'> {
  /** Prefill on its own partition, decode on another, the KV cache sent between them. */
  disaggregated?: {
    prefill: StepCostModel;
    /** KV transfer: bytes/s and latency of the modelled link between the two chip sets. */
    transferBytesPerSecond: number;
    transferLatencySeconds: number;
  };
}

export interface SimulationInput {
  stream: RequestStream | ClosedLoop;
  scheduler: SchedulerSettings;
  /** The decode partition's cost (or the only one's). */
  cost: StepCostModel;
  slo?: Slo;
  /** How much to record: time series points (≤) and batch-timeline steps (≤). */
  record?: { seriesPoints: number; timelineSteps: number };
  /** Called now and then with the share done, 0–1; return false to stop (the run then throws `cancelled`). */
  progress?: (done: number) => boolean;
}

export interface LatencyStats {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** The figures of one simulated run (one model, one rate). Times in seconds, energy in joules. */
export interface ServingFigures {
  requests: number;
  completed: number;
  /** First arrival to last completion. */
  durationSeconds: number;
  /** Arrivals per second offered (requests / arrival span; closed loop: the completion rate). */
  offeredPerSecond: number;
  requestsPerSecond: number;
  outputTokensPerSecond: number;
  inputTokensPerSecond: number;
  ttft: LatencyStats;
  /** Each request's mean time per output token after the first. */
  tpot: LatencyStats;
  endToEnd: LatencyStats;
  /** Arrival to the start of its first prompt chunk. */
  queueWait: LatencyStats;
  /** Present with an SLO: share and rate of requests meeting it, and whether the run meets its attainment. */
  goodput?: { share: number; requestsPerSecond: number; meetsSlo: boolean };
  /** Requests waiting (time-weighted mean and most). */
  queue: { mean: number; max: number };
  /** Requests in flight (running or prefilling; time-weighted). */
  batch: { mean: number; max: number };
  /** Time-weighted mean requests in the system (waiting + running): Little's law says λ · mean end-to-end. */
  inSystemMean: number;
  kv: {
    capacityTokens: number;
    blockTokens: number;
    /** Share of blocks in use, time-weighted mean and peak. */
    meanUtilization: number;
    peakUtilization: number;
    /** Share of allocated block slots holding no token (the last block's tail), time-weighted. */
    fragmentation: number;
  };
  preemptions: number;
  /** Bytes swapped out and in (swap preemption) or sent prefill → decode (disaggregated). */
  kvMovedBytes: number;
  steps: number;
  energyJoules: number;
  energyPerRequestJoules: number;
  averagePowerWatts: number;
}

/** Time series over the run, evenly sampled (≤ `record.seriesPoints`). */
export interface ServingSeries {
  timeSeconds: number[];
  queue: number[];
  running: number[];
  kvUtilization: number[];
}

/** One scheduler step, for the batch timeline. */
export interface TimelineStep {
  startSeconds: number;
  seconds: number;
  prefillTokens: number;
  decodeRequests: number;
  /** The tenant (model) the step ran for; absent with one model. */
  tenant?: string;
}

export interface ServingRun {
  figures: ServingFigures;
  series: ServingSeries;
  timeline: TimelineStep[];
}

/** One rate of a latency–rate curve. */
export interface RatePoint {
  ratePerSecond: number;
  ttft: LatencyStats;
  tpot: LatencyStats;
  endToEnd: LatencyStats;
  requestsPerSecond: number;
  outputTokensPerSecond: number;
  goodputShare: number | undefined;
  meetsSlo: boolean | undefined;
  /** Completions fall behind arrivals (the queue grows through the run). */
  saturated: boolean;
}

export interface RateCurve {
  points: RatePoint[];
  /**
   * The saturation knee: the rate beyond which p50 end-to-end latency rises fastest (the point of the curve
   * farthest from the chord from its first to its last point, on normalised axes); undefined with < 3 points.
   */
  kneeRatePerSecond: number | undefined;
  /** The largest rate at which the SLO holds (bisected between curve points); undefined without an SLO. */
  maxRateWithinSlo: number | undefined;
}

/** How one model fared on its partition. */
export interface TenantResult {
  id: string;
  model: string;
  /** The partition it ran on, in words ("2 of 8 chips", "3/7 of compute, 1/2 of memory on each chip"). */
  partition: string;
  chosenByTessera: boolean;
  run: ServingRun;
  curve?: RateCurve;
}

export interface SharingResult {
  mode: 'static' | 'dynamic';
  tenants: { id: string; figures: ServingFigures }[];
  energyJoules: number;
  /** Moves of units between models (dynamic) and the time they stalled. */
  reallocations: number;
  reallocationSeconds: number;
}

export interface ServingReport {
  format: 'tessera.serving';
  version: 1;
  /** The run at the scenario's own traffic (the first tenant's with several models). */
  run: ServingRun;
  /** With a rate sweep (`rates`): the latency–rate curve, the knee and the largest rate within the SLO. */
  curve?: RateCurve;
  /** With several models: each on its partition. */
  tenants?: TenantResult[];
  /** With several models: the static partitions, and the dynamic reallocation when asked, side by side. */
  sharing?: { static: SharingResult; dynamic?: SharingResult; sentence: string };
  /** What the hardware offers the scheduler (the step-cost model's figures). */
  hardware: {
    kvCapacityTokens: number;
    kvBytesPerToken: number;
    maxDecodeTokensPerSecond: number;
    singlePrefillSeconds: number;
    basis: string;
  };
  /** One sentence: what the design sustains and what limits it. */
  sentence: string;
  warnings: string[];
}

/** What `serve` is asked beyond the workload: a rate sweep, and how much to record. */
export interface ServeOptions {
  /** Rates (requests/s) for a latency–rate curve; replaces the traffic's own rate per point. */
  rates?: number[];
  record?: { seriesPoints: number; timelineSteps: number };
  progress?: (done: number) => boolean;
}
