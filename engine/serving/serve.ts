/**
 * Serving, composed: design + workload (with `serving`) + catalog → `ServingReport`. The one entry point the app,
 * the CLI and validation use. It checks the scenario, builds each model's step cost from engine evaluations
 * (`step-cost.ts`), its request stream (`traffic.ts`) and runs the simulator (`simulate.ts`):
 *
 * - one model: the run at the scenario's traffic; with `options.rates` a latency–rate curve (one run per rate,
 *   the same seed), its saturation knee and the largest rate within the SLO (bisected between curve points);
 * - several models (`serving.tenants`): each on its partition of the design (given, or chosen in proportion to
 *   its demand), simulated alone (static partitions share nothing), and with `sharing.mode: dynamic` also the
 *   lock-step reallocation of `sharing.ts`, side by side.
 *
 * Pure and deterministic. Cancellation: when `options.progress` returns false the simulator throws
 * `ServingCancelled`, which `serve` lets through to its caller (the worker turns it into a cancelled job).
 */
import type { CatalogIndex } from '../catalog';
import type { DesignDocument } from '../schema/design';
import type { LengthDistribution, Partition, Serving, Slo, Tenant, Traffic } from '../schema/serving';
import type { Workload } from '../schema/workload';
import { computeChipGroups } from '../stages/resolve';
import { partitionDesign } from './partition';
import { shareDynamically, type DynamicTenant } from './sharing';
import { ServingCancelled, simulate } from './simulate';
import { buildDisaggregated, buildStepCost } from './step-cost';
import { buildStream } from './traffic';
import type {
  RateCurve,
  RatePoint,
  SchedulerSettings,
  ServeOptions,
  ServingFigures,
  ServingReport,
  ServingRun,
  SharingResult,
  SimulationInput,
  StepCostModel,
  TenantResult,
} from './types';

export type ServeResult = { ok: true; report: ServingReport } | { ok: false; message: string };

/** Extra runs that bisect the largest rate within the SLO between the last passing and first failing rate. */
export const SLO_BISECTIONS = 5;
/** Units a chip's compute and memory are dealt out in when models share every chip (dynamic sharing's levels). */
export const SHARE_QUANTA = 8;
/**
 * Completions under this share of the offered rate, with more than one request waiting on average, is saturation
 * (a few requests' own latency alone lowers the completion rate of a short run, but leaves no queue).
 */
const SATURATION_THROUGHPUT_SHARE = 0.95;
/** Series points recorded on the runs `serve` only reads (curve points, bisection), for the saturation test. */
const DIAGNOSTIC_RECORD = { seriesPoints: 64, timelineSteps: 2000 };

/** A model made ready to simulate: its workload, costs, scheduler and what it serves. */
interface Prepared {
  id: string;
  model: string;
  traffic: Traffic;
  input: LengthDistribution | undefined;
  output: LengthDistribution | undefined;
  slo: Slo | undefined;
  workload: Workload;
  serving: Serving;
  cost: StepCostModel;
  scheduler: SchedulerSettings;
  partition: string;
  chosenByTessera: boolean;
}

/** The share of the work done so far, handed to `options.progress` as runs complete. */
class ProgressPlan {
  private done = 0;
  constructor(
    private readonly total: number,
    private readonly report: ((done: number) => boolean) | undefined,
  ) {}

  /** A callback for the next run, which counts as `weight` runs of the total. */
  slice(weight = 1): ((done: number) => boolean) | undefined {
    const { report, total } = this;
    if (!report) return undefined;
    const start = this.done;
    return (done) => report(Math.min(1, (start + done * weight) / total));
  }

  finished(weight = 1): void {
    this.done += weight;
    if (this.report && !this.report(Math.min(1, this.done / this.total))) throw new ServingCancelled();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Checks

/** Why the traffic and lengths cannot make a stream, or undefined. `where` names the model ("" for one). */
function trafficProblem(
  traffic: Traffic,
  input: LengthDistribution | undefined,
  output: LengthDistribution | undefined,
  where: string,
): string | undefined {
  if (traffic.kind === 'trace') {
    const rows = traffic.arrivalsSeconds.length;
    if (traffic.inputTokens.length !== rows || traffic.outputTokens.length !== rows)
      return `The trace "${traffic.name}"${where} has ${rows} arrival times but ${traffic.inputTokens.length} input and ${traffic.outputTokens.length} output lengths: every column needs one value per request.`;
    for (let row = 1; row < rows; row += 1)
      if ((traffic.arrivalsSeconds[row] ?? 0) < (traffic.arrivalsSeconds[row - 1] ?? 0))
        return `The trace "${traffic.name}"${where} goes back in time at row ${row + 1}: arrival times must not decrease.`;
  }
  for (const [name, lengths] of [
    ['input', input],
    ['output', output],
  ] as const) {
    if (lengths?.kind === 'trace' && traffic.kind !== 'trace')
      return `The ${name} lengths${where} come from the trace, but the traffic is ${traffic.kind}, not a trace: give fixed, uniform or lognormal lengths.`;
    if (lengths?.kind === 'uniform' && lengths.min > lengths.max)
      return `The uniform ${name} lengths${where} have min ${lengths.min} above max ${lengths.max}.`;
  }
  return undefined;
}

/**
 * The chips `chips` partitions split: the primary chip group's (the most BF16 throughput, as `partitionDesign`
 * takes it), or undefined on a design with no chip group.
 */
export function chipCount(design: DesignDocument, catalog: CatalogIndex): number | undefined {
  const primary = computeChipGroups(design, catalog)[0];
  const group = primary
    ? design.groups.find((candidate) => candidate.id === primary.id)
    : design.groups.find((candidate) => candidate.kind === 'chip');
  return group?.count;
}

/** Why the given partitions cannot all hold at once, or undefined. */
function partitionProblem(
  tenants: readonly Tenant[],
  design: DesignDocument,
  catalog: CatalogIndex,
): string | undefined {
  const given = tenants.filter((tenant) => tenant.partition !== undefined);
  const kinds = new Set(given.map((tenant) => tenant.partition?.kind));
  if (kinds.size > 1)
    return 'The models’ partitions mix whole chips and shares of each chip: give every partition the same kind.';
  let chips = 0;
  let compute = 0;
  let memory = 0;
  for (const tenant of given) {
    const partition = tenant.partition;
    if (partition?.kind === 'chips') chips += partition.chips;
    else if (partition) {
      compute += partition.compute;
      memory += partition.memory;
    }
  }
  const open = tenants.length - given.length;
  if (kinds.has('chips')) {
    const total = chipCount(design, catalog);
    if (total === undefined) return 'The partitions give whole chips, but the design has no chip group.';
    if (chips > total)
      return `The partitions give ${chips} chips, but the design has ${total}: the models would over-subscribe it.`;
    if (open > 0 && total - chips < open)
      return `The given partitions leave ${total - chips} of ${total} chips for ${open} model${open > 1 ? 's' : ''} without one: each needs at least a chip.`;
  }
  const slack = 1e-9;
  if (compute > 1 + slack)
    return `The partitions’ compute shares add up to ${round(compute, 3)}, more than the whole chip (1).`;
  if (memory > 1 + slack)
    return `The partitions’ memory shares add up to ${round(memory, 3)}, more than the whole chip (1).`;
  if (open > 0 && given.length > 0 && kinds.has('share') && (compute >= 1 - slack || memory >= 1 - slack))
    return `The given partitions take the whole of each chip's ${compute >= 1 - slack ? 'compute' : 'memory'}, leaving nothing for ${open} model${open > 1 ? 's' : ''} without one.`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Building one model

type Built = { ok: true; cost: StepCostModel; scheduler: SchedulerSettings } | { ok: false; message: string };

/**
 * The step cost and scheduler settings of one model on one design (or partition). Swap without a host path
 * falls back to recompute with a warning; disaggregation builds the prefill and decode costs on their chips.
 */
function buildModel(
  design: DesignDocument,
  workload: Workload,
  serving: Serving,
  catalog: CatalogIndex,
  warnings: string[],
  where: string,
): Built {
  const { disaggregation, ...settings } = serving.scheduler;
  const limits = { maxBatch: settings.maxBatch, maxTokensPerStep: settings.maxTokensPerStep };
  let cost: StepCostModel;
  const scheduler: SchedulerSettings = { ...settings };
  if (disaggregation) {
    const built = buildDisaggregated(design, workload, catalog, disaggregation, limits);
    if (!built.ok) return { ok: false, message: about(where, built.message) };
    cost = built.decode;
    scheduler.disaggregated = {
      prefill: built.prefill,
      transferBytesPerSecond: built.transferBytesPerSecond,
      transferLatencySeconds: built.transferLatencySeconds,
    };
  } else {
    const built = buildStepCost(design, workload, catalog, limits);
    if (!built.ok) return { ok: false, message: about(where, built.message) };
    cost = built.cost;
  }
  if (scheduler.preemption === 'swap' && cost.swapBytesPerSecond === undefined) {
    warnings.push(
      about(
        where,
        `swap preemption needs a path to host memory, which the design does not have: preempted requests are recomputed instead.`,
      ),
    );
    scheduler.preemption = 'recompute';
  }
  return { ok: true, cost, scheduler };
}

/** `text` about `where` (a model, or "" with one): "Model \"chat\": text", or the text alone, capitalised. */
/**
 * A request whose KV cache can never fit the design is dropped by the simulator; its latencies are in no figure, so
 * the report says how many (the figures' `completed` is below `requests` then).
 */
function noteDropped(run: ServingRun, warnings: string[], where: string): void {
  const { requests, completed } = run.figures;
  if (completed >= requests) return;
  warnings.push(
    about(
      where,
      `${requests - completed} of ${requests} requests need more KV cache than the design holds and were dropped; the figures are of the ${completed} that completed.`,
    ),
  );
}

function about(where: string, text: string): string {
  const sentence = where === '' ? text : `${where}: ${text}`;
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}`;
}

function simulationInput(
  model: Prepared,
  options: ServeOptions,
  progress: ((done: number) => boolean) | undefined,
  ratePerSecond?: number,
  record = options.record,
): SimulationInput {
  const { workload, serving } = model;
  return {
    stream: buildStream(
      model.traffic,
      model.input,
      model.output,
      { inputTokens: workload.inputTokens, outputTokens: workload.outputTokens },
      serving.requests,
      serving.seed,
      ratePerSecond,
    ),
    scheduler: model.scheduler,
    cost: model.cost,
    ...(model.slo ? { slo: model.slo } : {}),
    ...(record ? { record } : {}),
    ...(progress ? { progress } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The rate curve

/**
 * Completions fall behind arrivals: they come at under 95 % of the offered rate with requests queueing, or over
 * the span requests arrive in (the series' points up to the last arrival;
 * after it the queue only drains), the queue's mean over the last quarter is more than twice (plus one request)
 * its mean over the first quarter.
 */
export function isSaturated(run: ServingRun): boolean {
  const { figures, series } = run;
  if (!(figures.offeredPerSecond > 0)) return false;
  if (
    figures.requestsPerSecond < SATURATION_THROUGHPUT_SHARE * figures.offeredPerSecond &&
    figures.queue.mean > 1
  )
    return true;
  const start = series.timeSeconds[0] ?? 0;
  const lastArrival = start + figures.requests / figures.offeredPerSecond;
  let points = 0;
  while (points < series.timeSeconds.length && (series.timeSeconds[points] ?? 0) <= lastArrival) points += 1;
  if (points < 8) return false;
  const quarter = Math.floor(points / 4);
  const mean = (from: number, to: number): number => {
    let sum = 0;
    for (let index = from; index < to; index += 1) sum += series.queue[index] ?? 0;
    return sum / (to - from);
  };
  return mean(points - quarter, points) > 2 * mean(0, quarter) + 1;
}

function pointOf(ratePerSecond: number, run: ServingRun): RatePoint {
  const { figures } = run;
  return {
    ratePerSecond,
    ttft: figures.ttft,
    tpot: figures.tpot,
    endToEnd: figures.endToEnd,
    requestsPerSecond: figures.requestsPerSecond,
    outputTokensPerSecond: figures.outputTokensPerSecond,
    goodputShare: figures.goodput?.share,
    meetsSlo: figures.goodput?.meetsSlo,
    saturated: isSaturated(run),
  };
}

/**
 * The knee of a latency–rate curve: with both axes normalised to [0, 1] over the curve's range (rate, p50
 * end-to-end latency), the inner point farthest from the chord joining the first and last points — the
 * "Kneedle" construction (Satopää et al., "Finding a 'Kneedle' in a Haystack", ICDCS workshops 2011). Undefined
 * with fewer than three points or a flat curve.
 */
export function kneeOf(points: readonly RatePoint[]): number | undefined {
  if (points.length < 3) return undefined;
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return undefined;
  const rateSpan = last.ratePerSecond - first.ratePerSecond;
  const latencySpan = last.endToEnd.p50 - first.endToEnd.p50;
  if (rateSpan <= 0 || latencySpan === 0) return undefined;
  let best: number | undefined;
  let farthest = 0;
  for (let index = 1; index < points.length - 1; index += 1) {
    const point = points[index];
    if (!point) continue;
    const x = (point.ratePerSecond - first.ratePerSecond) / rateSpan;
    const y = (point.endToEnd.p50 - first.endToEnd.p50) / latencySpan;
    // The chord is y = x on the normalised axes: distance |x − y| / √2.
    const distance = Math.abs(x - y) / Math.SQRT2;
    if (distance > farthest) {
      farthest = distance;
      best = point.ratePerSecond;
    }
  }
  return best;
}

interface CurveOutcome {
  curve: RateCurve;
  /** The run at the first rate that breaks the SLO (or the highest rate), for naming what limits it. */
  limitRun: ServingRun | undefined;
}

function curveOf(
  model: Prepared,
  rates: readonly number[],
  options: ServeOptions,
  plan: ProgressPlan,
  warnings: string[],
  where: string,
): CurveOutcome {
  const sorted = [...new Set(rates)].sort((a, b) => a - b);
  const runAt = (rate: number): ServingRun => {
    const run = simulate(simulationInput(model, options, plan.slice(), rate, DIAGNOSTIC_RECORD));
    plan.finished();
    return run;
  };
  const runs = sorted.map((rate) => runAt(rate));
  const points = runs.map((run, index) => pointOf(sorted[index] ?? 0, run));
  let maxRateWithinSlo: number | undefined;
  let limitRun: ServingRun | undefined = runs[runs.length - 1];
  if (model.slo) {
    // A rate the design cannot sustain does not count even when a finite run's requests still meet the SLO.
    const failing = points.findIndex((point) => point.meetsSlo !== true || point.saturated);
    if (failing === 0) {
      maxRateWithinSlo = 0;
      limitRun = runs[0];
      warnings.push(
        about(
          where,
          `the SLO fails even at the lowest rate of the sweep (${formatRate(sorted[0] ?? 0)}): the largest rate within it is below the sweep.`,
        ),
      );
      plan.finished(SLO_BISECTIONS);
    } else if (failing < 0) {
      maxRateWithinSlo = sorted[sorted.length - 1];
      warnings.push(
        about(
          where,
          `the SLO holds at every rate of the sweep: the largest rate within it is at least ${formatRate(maxRateWithinSlo ?? 0)}.`,
        ),
      );
      plan.finished(SLO_BISECTIONS);
    } else {
      let low = sorted[failing - 1] ?? 0;
      let high = sorted[failing] ?? 0;
      limitRun = runs[failing];
      for (let step = 0; step < SLO_BISECTIONS; step += 1) {
        const middle = (low + high) / 2;
        const run = runAt(middle);
        if (run.figures.goodput?.meetsSlo === true && !isSaturated(run)) low = middle;
        else {
          high = middle;
          limitRun = run;
        }
      }
      maxRateWithinSlo = low;
    }
  }
  return { curve: { points, kneeRatePerSecond: kneeOf(points), maxRateWithinSlo }, limitRun };
}

// ---------------------------------------------------------------------------------------------------------------
// Words

function round(value: number, digits: number): string {
  return Number(value.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

function formatRate(ratePerSecond: number): string {
  return `${round(ratePerSecond, 3)} req/s`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${round(seconds * 1000, 3)} ms`;
  return `${round(seconds, 3)} s`;
}

function formatPercent(share: number): string {
  return `${round(share * 100, 3)} %`;
}

/** "(p99 TTFT ≤ 1 s, TPOT ≤ 100 ms)". */
export function describeSlo(slo: Slo): string {
  const targets: string[] = [];
  if (slo.ttftSeconds !== undefined) targets.push(`TTFT ≤ ${formatSeconds(slo.ttftSeconds)}`);
  if (slo.tpotSeconds !== undefined) targets.push(`TPOT ≤ ${formatSeconds(slo.tpotSeconds)}`);
  const percentile = `p${round(slo.attainment * 100, 4)}`;
  return targets.length === 0 ? '(no targets)' : `(${percentile} ${targets.join(', ')})`;
}

/**
 * What limits a run, in words: the KV cache (preemptions, or blocks nearly all in use), the batch limit, the
 * token budget per step, or else the step time itself (compute and memory bandwidth of the hardware).
 */
export function limitingFactor(run: ServingRun, scheduler: SchedulerSettings): string {
  const { figures } = run;
  if (figures.preemptions > 0 || figures.kv.peakUtilization >= 0.95)
    return `the KV cache fills (${formatPercent(figures.kv.peakUtilization)} of ${round(figures.kv.capacityTokens, 3)} tokens at the peak, ${figures.preemptions} preemptions) and requests queue for memory`;
  if (figures.batch.max >= scheduler.maxBatch)
    return `the batch reaches its limit of ${scheduler.maxBatch} requests and requests queue`;
  const steps = run.timeline;
  if (steps.length > 0) {
    const full = steps.filter(
      (step) => step.prefillTokens + step.decodeRequests >= 0.95 * scheduler.maxTokensPerStep,
    ).length;
    if (full >= steps.length / 2)
      return `most steps spend the whole token budget (${round(scheduler.maxTokensPerStep, 4)} tokens per step) and prompts wait`;
  }
  return 'the steps run back to back and their time (the hardware’s compute and memory bandwidth) limits it';
}

/** The rate the traffic asks for (Poisson, gamma), else what the run offered (a trace, a closed loop). */
function nominalRate(traffic: Traffic, figures: ServingFigures): number {
  return traffic.kind === 'poisson' || traffic.kind === 'gamma'
    ? traffic.ratePerSecond
    : figures.offeredPerSecond;
}

function runSentence(run: ServingRun, model: Prepared): string {
  const { slo, scheduler } = model;
  const { figures } = run;
  const latency = `p99 TTFT ${formatSeconds(figures.ttft.p99)}, p99 TPOT ${formatSeconds(figures.tpot.p99)}`;
  const within = figures.goodput
    ? `, ${formatPercent(figures.goodput.share)} of requests within the SLO ${slo ? describeSlo(slo) : ''}`.trimEnd()
    : '';
  const limit = isSaturated(run) ? `; it saturates: ${limitingFactor(run, scheduler)}` : '';
  return `At ${formatRate(nominalRate(model.traffic, figures))} offered: ${formatRate(figures.requestsPerSecond)} served, ${latency}${within}${limit}.`;
}

function curveSentence(
  outcome: CurveOutcome,
  slo: Slo | undefined,
  scheduler: SchedulerSettings,
): string | undefined {
  const { curve, limitRun } = outcome;
  const limit = limitRun ? limitingFactor(limitRun, scheduler) : undefined;
  if (slo && curve.maxRateWithinSlo !== undefined) {
    const beyond = limit ? `; beyond it ${limit}` : '';
    if (curve.maxRateWithinSlo === 0)
      return `Does not meet the SLO ${describeSlo(slo)} at any rate of the sweep${limit ? `: ${limit}` : ''}.`;
    return `Sustains ${formatRate(curve.maxRateWithinSlo)} within the SLO ${describeSlo(slo)}${beyond}.`;
  }
  if (curve.kneeRatePerSecond !== undefined)
    return `Latency turns upward at about ${formatRate(curve.kneeRatePerSecond)}${limit ? `; beyond it ${limit}` : ''}.`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Several models

/** Mean tokens of a length distribution (the trace's column for `trace`; the workload's default when absent). */
function meanLength(
  lengths: LengthDistribution | undefined,
  traceColumn: readonly number[] | undefined,
  fallback: number,
): number {
  if (!lengths) {
    if (traceColumn && traceColumn.length > 0)
      return traceColumn.reduce((sum, value) => sum + value, 0) / traceColumn.length;
    return fallback;
  }
  switch (lengths.kind) {
    case 'fixed':
      return lengths.tokens;
    case 'uniform':
      return (lengths.min + lengths.max) / 2;
    case 'lognormal':
      return lengths.max === undefined ? lengths.mean : Math.min(lengths.mean, lengths.max);
    case 'trace':
      return meanLength(undefined, traceColumn, fallback);
  }
}

/**
 * A model's demand on the whole design, in design-seconds per second: its offered requests/s × the time one
 * request takes of the whole design (its prompt's prefill alone, plus its output tokens at the design's max-batch
 * decode rate). A closed loop offers users / (think time + one request's latency at batch 1).
 */
function demandOf(
  traffic: Traffic,
  input: LengthDistribution | undefined,
  output: LengthDistribution | undefined,
  workload: Workload,
  whole: StepCostModel,
): number {
  const trace = traffic.kind === 'trace' ? traffic : undefined;
  const inputTokens = Math.max(1, Math.round(meanLength(input, trace?.inputTokens, workload.inputTokens)));
  const outputTokens = meanLength(output, trace?.outputTokens, workload.outputTokens);
  const secondsPerRequest =
    whole.singlePrefillSeconds(inputTokens) + outputTokens / Math.max(whole.maxDecodeTokensPerSecond, 1e-12);
  let rate: number;
  switch (traffic.kind) {
    case 'poisson':
    case 'gamma':
      rate = traffic.ratePerSecond;
      break;
    case 'closed': {
      const out = { seconds: 0, joules: 0 };
      whole.step(
        {
          prefillTokens: 0,
          prefillRequests: 0,
          prefillContextTokens: 0,
          decodeRequests: 1,
          decodeContextTokens: inputTokens,
        },
        out,
      );
      rate =
        traffic.users /
        (traffic.thinkSeconds + whole.singlePrefillSeconds(inputTokens) + outputTokens * out.seconds);
      break;
    }
    case 'trace': {
      const rows = traffic.arrivalsSeconds.length;
      const span =
        ((traffic.arrivalsSeconds[rows - 1] ?? 0) - (traffic.arrivalsSeconds[0] ?? 0)) /
        (traffic.timeScale ?? 1);
      rate = span > 0 ? (rows - 1) / span : rows;
      break;
    }
  }
  return rate * secondsPerRequest;
}

/** Whole units dealt in proportion to `weights` (largest remainder), each at least 1. */
function dealUnits(weights: readonly number[], units: number): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const spare = units - weights.length;
  const exact = weights.map((weight) => (total > 0 ? weight / total : 1 / weights.length) * spare);
  const dealt = exact.map((share) => 1 + Math.floor(share));
  let left = units - dealt.reduce((sum, value) => sum + value, 0);
  const order = exact
    .map((share, index) => ({ index, remainder: share - Math.floor(share) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    dealt[index] = (dealt[index] ?? 0) + 1;
    left -= 1;
  }
  return dealt;
}

/** The workload of one tenant: the base workload with its model, formats, parallelism, traffic and lengths. */
function tenantWorkload(
  workload: Workload,
  serving: Serving,
  tenant: Tenant,
): { workload: Workload; serving: Serving } {
  const own: Serving = {
    ...serving,
    traffic: tenant.traffic,
    input: tenant.input ?? serving.input,
    output: tenant.output ?? serving.output,
    slo: tenant.slo ?? serving.slo,
    tenants: undefined,
    sharing: undefined,
  };
  return {
    serving: own,
    workload: {
      ...workload,
      model: tenant.model,
      weights: tenant.weights ?? workload.weights,
      activations: tenant.activations ?? workload.activations,
      kv: tenant.kv ?? workload.kv,
      parallelism: tenant.parallelism ?? workload.parallelism,
      serving: own,
    },
  };
}

/**
 * The partitions of the models that have none: what the given ones leave, split in proportion to each model's
 * demand (`demandOf`). Whole chips when the given partitions are chips, or none is given and the design has at
 * least a chip per model; otherwise a share of every chip's compute and memory (the same share of both).
 */
function choosePartitions(
  design: DesignDocument,
  workload: Workload,
  serving: Serving,
  tenants: readonly Tenant[],
  catalog: CatalogIndex,
): { ok: true; partitions: Partition[] } | { ok: false; message: string } {
  const open = tenants.map((tenant, index) => (tenant.partition ? -1 : index)).filter((index) => index >= 0);
  const partitions = tenants.map((tenant) => tenant.partition);
  if (open.length === 0) return { ok: true, partitions: partitions as Partition[] };
  const demands: number[] = [];
  for (const index of open) {
    const tenant = tenants[index];
    if (!tenant) continue;
    const own = tenantWorkload(workload, serving, tenant);
    const { disaggregation: _unused, ...settings } = serving.scheduler;
    const built = buildStepCost(design, own.workload, catalog, {
      maxBatch: settings.maxBatch,
      maxTokensPerStep: settings.maxTokensPerStep,
    });
    if (!built.ok) return { ok: false, message: `Model "${tenant.id}" (${tenant.model}): ${built.message}` };
    demands.push(demandOf(tenant.traffic, tenant.input, tenant.output, own.workload, built.cost));
  }
  const given = partitions.filter((partition): partition is Partition => partition !== undefined);
  const chips = chipCount(design, catalog) ?? 1;
  const useChips = given.length > 0 ? given[0]?.kind === 'chips' : chips >= tenants.length && chips > 1;
  if (useChips) {
    const used = given.reduce(
      (sum, partition) => sum + (partition.kind === 'chips' ? partition.chips : 0),
      0,
    );
    const dealt = dealUnits(demands, chips - used);
    open.forEach((index, position) => {
      partitions[index] = { kind: 'chips', chips: dealt[position] ?? 1 };
    });
  } else {
    let compute = 1;
    let memory = 1;
    for (const partition of given)
      if (partition.kind === 'share') {
        compute -= partition.compute;
        memory -= partition.memory;
      }
    const total = demands.reduce((sum, demand) => sum + demand, 0);
    open.forEach((index, position) => {
      const share = total > 0 ? (demands[position] ?? 0) / total : 1 / open.length;
      partitions[index] = { kind: 'share', compute: compute * share, memory: memory * share };
    });
  }
  return { ok: true, partitions: partitions as Partition[] };
}

/**
 * Combined energy over the common span (the longest model's run): each model's run energy, its idle power for
 * the rest of the span after its run ends, and the idle power of hardware no model holds (static partitions that
 * leave chips or shares unused), estimated from the models' idle power per unit held.
 */
function combinedEnergy(
  runs: readonly ServingRun[],
  costs: readonly StepCostModel[],
  unusedShare: number,
): number {
  const span = Math.max(0, ...runs.map((run) => run.figures.durationSeconds));
  let joules = 0;
  let idleWatts = 0;
  runs.forEach((run, index) => {
    const idle = costs[index]?.idleWatts ?? 0;
    idleWatts += idle;
    joules += run.figures.energyJoules + idle * Math.max(0, span - run.figures.durationSeconds);
  });
  const usedShare = 1 - unusedShare;
  if (unusedShare > 0 && usedShare > 0) joules += (idleWatts / usedShare) * unusedShare * span;
  return joules;
}

/** Requests meeting their model's SLO (completed requests without an SLO), summed over the models. */
function withinSlo(figures: readonly ServingFigures[]): number {
  return figures.reduce(
    (sum, item) => sum + (item.goodput ? item.goodput.share * item.requests : item.completed),
    0,
  );
}

function sharingSentence(
  staticResult: SharingResult,
  dynamic: SharingResult | undefined,
  tenants: readonly TenantResult[],
): string {
  const staticFigures = staticResult.tenants.map((tenant) => tenant.figures);
  if (!dynamic) {
    const parts = tenants.map((tenant) => {
      const { figures } = tenant.run;
      const share = figures.goodput
        ? `${formatPercent(figures.goodput.share)} within its SLO`
        : `${formatRate(figures.requestsPerSecond)}`;
      return `${tenant.id} serves ${share} on ${tenant.partition}`;
    });
    return `Static partitions: ${parts.join('; ')}; ${round(staticResult.energyJoules / 1000, 3)} kJ in all.`;
  }
  const before = withinSlo(staticFigures);
  const after = withinSlo(dynamic.tenants.map((tenant) => tenant.figures));
  const change = before > 0 ? (after - before) / before : after > 0 ? 1 : 0;
  const energy =
    staticResult.energyJoules > 0
      ? (dynamic.energyJoules - staticResult.energyJoules) / staticResult.energyJoules
      : 0;
  const requests = `${formatPercent(Math.abs(change))} ${change >= 0 ? 'more' : 'fewer'} requests within SLO`;
  const joules = `${formatPercent(Math.abs(energy))} ${energy >= 0 ? 'more' : 'less'} energy`;
  return `Dynamic sharing serves ${requests} than static partitions, at ${joules} (${dynamic.reallocations} reallocations).`;
}

// ---------------------------------------------------------------------------------------------------------------
// The entry point

/** What the hardware offers; the single-request prefill is of the scenario's mean prompt. */
function hardwareOf(model: Prepared): ServingReport['hardware'] {
  const { cost, traffic, workload } = model;
  const trace = traffic.kind === 'trace' ? traffic.inputTokens : undefined;
  const prompt = Math.max(1, Math.round(meanLength(model.input, trace, workload.inputTokens)));
  return {
    kvCapacityTokens: cost.kvCapacityTokens,
    kvBytesPerToken: cost.kvBytesPerToken,
    maxDecodeTokensPerSecond: cost.maxDecodeTokensPerSecond,
    singlePrefillSeconds: cost.singlePrefillSeconds(prompt),
    basis: cost.basis,
  };
}

/**
 * Simulates the workload's serving scenario on the design. Refuses (ok: false, with what and where) a workload
 * without `serving`, a model that does not fit, an inconsistent trace or length distribution, duplicate model
 * ids and partitions that over-subscribe the design. Throws `ServingCancelled` when `options.progress` returns
 * false.
 */
export function serve(
  design: DesignDocument,
  workload: Workload,
  catalog: CatalogIndex,
  options: ServeOptions = {},
): ServeResult {
  const serving = workload.serving;
  if (!serving)
    return {
      ok: false,
      message:
        'The workload has no serving scenario (`serving`): give its traffic, scheduler and SLO to simulate serving.',
    };
  if (serving.tenants) return serveTenants(design, workload, serving, serving.tenants, catalog, options);
  const problem = trafficProblem(serving.traffic, serving.input, serving.output, '');
  if (problem) return { ok: false, message: problem };
  const warnings: string[] = [];
  const built = buildModel(design, workload, serving, catalog, warnings, '');
  if (!built.ok) return built;
  const model: Prepared = {
    id: workload.model,
    model: workload.model,
    traffic: serving.traffic,
    input: serving.input,
    output: serving.output,
    slo: serving.slo,
    workload,
    serving,
    cost: built.cost,
    scheduler: built.scheduler,
    partition: 'the whole design',
    chosenByTessera: false,
  };
  const rates = ratesFor(model, options, warnings, '');
  const plan = new ProgressPlan(
    1 + rates.length + (rates.length > 0 && model.slo ? SLO_BISECTIONS : 0),
    options.progress,
  );
  const run = simulate(simulationInput(model, options, plan.slice()));
  noteDropped(run, warnings, '');
  plan.finished();
  const outcome = rates.length > 0 ? curveOf(model, rates, options, plan, warnings, '') : undefined;
  const sentence = (outcome && curveSentence(outcome, model.slo, model.scheduler)) ?? runSentence(run, model);
  return {
    ok: true,
    report: {
      format: 'tessera.serving',
      version: 1,
      run,
      ...(outcome ? { curve: outcome.curve } : {}),
      hardware: hardwareOf(model),
      sentence,
      warnings,
    },
  };
}

/** The rates of a sweep, or none (a closed loop has no arrival rate to sweep). */
function ratesFor(model: Prepared, options: ServeOptions, warnings: string[], where: string): number[] {
  const rates = options.rates ?? [];
  if (rates.length === 0) return [];
  if (model.traffic.kind === 'closed') {
    warnings.push(about(where, `a closed loop has no arrival rate to sweep: the rate curve is left out.`));
    return [];
  }
  return rates.filter((rate) => Number.isFinite(rate) && rate > 0);
}

function serveTenants(
  design: DesignDocument,
  workload: Workload,
  serving: Serving,
  tenants: readonly Tenant[],
  catalog: CatalogIndex,
  options: ServeOptions,
): ServeResult {
  const seen = new Set<string>();
  for (const tenant of tenants) {
    if (seen.has(tenant.id))
      return { ok: false, message: `Two models share the id "${tenant.id}": every model needs its own id.` };
    seen.add(tenant.id);
    const problem = trafficProblem(tenant.traffic, tenant.input, tenant.output, ` of model "${tenant.id}"`);
    if (problem) return { ok: false, message: problem };
  }
  const oversubscribed = partitionProblem(tenants, design, catalog);
  if (oversubscribed) return { ok: false, message: oversubscribed };
  const chosen = choosePartitions(design, workload, serving, tenants, catalog);
  if (!chosen.ok) return chosen;
  const warnings: string[] = [];
  const models: Prepared[] = [];
  const designs: DesignDocument[] = [];
  for (const [index, tenant] of tenants.entries()) {
    const partition = chosen.partitions[index];
    if (!partition) continue;
    const where = `model "${tenant.id}"`;
    const parted = partitionDesign(design, partition, catalog);
    if (!parted.ok) return { ok: false, message: about(where, parted.message) };
    const own = tenantWorkload(workload, serving, tenant);
    const built = buildModel(
      parted.design,
      own.workload,
      own.serving,
      catalog,
      warnings,
      `${where} (${tenant.model})`,
    );
    if (!built.ok) return built;
    designs.push(parted.design);
    models.push({
      id: tenant.id,
      model: tenant.model,
      traffic: tenant.traffic,
      input: own.serving.input,
      output: own.serving.output,
      slo: own.serving.slo,
      workload: own.workload,
      serving: own.serving,
      cost: built.cost,
      scheduler: built.scheduler,
      partition: parted.description,
      chosenByTessera: tenant.partition === undefined,
    });
  }
  const modelRates = models.map((model) => ratesFor(model, options, warnings, `model "${model.id}"`));
  const dynamic = serving.sharing?.mode === 'dynamic';
  const total = models.reduce(
    (sum, model, index) => {
      const rates = modelRates[index]?.length ?? 0;
      return sum + 1 + rates + (rates > 0 && model.slo ? SLO_BISECTIONS : 0);
    },
    dynamic ? 1 : 0,
  );
  const plan = new ProgressPlan(total, options.progress);
  const results: TenantResult[] = models.map((model, index) => {
    const run = simulate(simulationInput(model, options, plan.slice()));
    noteDropped(run, warnings, `model "${model.id}"`);
    plan.finished();
    const rates = modelRates[index] ?? [];
    const outcome =
      rates.length > 0 ? curveOf(model, rates, options, plan, warnings, `model "${model.id}"`) : undefined;
    return {
      id: model.id,
      model: model.model,
      partition: model.partition,
      chosenByTessera: model.chosenByTessera,
      run,
      ...(outcome ? { curve: outcome.curve } : {}),
    };
  });
  const unused = unusedShare(chosen.partitions, design, catalog);
  const staticResult: SharingResult = {
    mode: 'static',
    tenants: results.map((result) => ({ id: result.id, figures: result.run.figures })),
    energyJoules: combinedEnergy(
      results.map((result) => result.run),
      models.map((model) => model.cost),
      unused,
    ),
    reallocations: 0,
    reallocationSeconds: 0,
  };
  let dynamicResult: SharingResult | undefined;
  if (dynamic && serving.sharing) {
    const outcome = dynamicSharing(
      design,
      serving.sharing,
      models,
      chosen.partitions,
      catalog,
      options,
      plan,
    );
    if (!outcome.ok) return outcome;
    dynamicResult = outcome.result;
  }
  const first = results[0];
  const firstModel = models[0];
  if (!first || !firstModel) return { ok: false, message: 'The workload names no model to serve.' };
  return {
    ok: true,
    report: {
      format: 'tessera.serving',
      version: 1,
      run: first.run,
      ...(first.curve ? { curve: first.curve } : {}),
      tenants: results,
      sharing: {
        static: staticResult,
        ...(dynamicResult ? { dynamic: dynamicResult } : {}),
        sentence: sharingSentence(staticResult, dynamicResult, results),
      },
      hardware: hardwareOf(firstModel),
      sentence: runSentence(first.run, firstModel).replace(/^At /, `${first.id}: at `),
      warnings,
    },
  };
}

/** The share of the design no partition holds (chips left over, or compute left over on every chip). */
function unusedShare(
  partitions: readonly Partition[],
  design: DesignDocument,
  catalog: CatalogIndex,
): number {
  if (partitions.every((partition) => partition.kind === 'chips')) {
    const total = chipCount(design, catalog) ?? 1;
    const used = partitions.reduce(
      (sum, partition) => sum + (partition.kind === 'chips' ? partition.chips : 0),
      0,
    );
    return Math.max(0, (total - used) / total);
  }
  const used = partitions.reduce(
    (sum, partition) => sum + (partition.kind === 'share' ? partition.compute : 0),
    0,
  );
  return Math.max(0, 1 - used);
}

/**
 * Dynamic sharing of `models` on `design`: units are whole chips when the partitions are chips, otherwise
 * eighths of every chip (compute and memory moved together); each model starts on its static partition
 * (rounded to units) and the step cost of every (model, units) is built once, when first needed.
 */
function dynamicSharing(
  design: DesignDocument,
  sharing: NonNullable<Serving['sharing']>,
  models: readonly Prepared[],
  partitions: readonly Partition[],
  catalog: CatalogIndex,
  options: ServeOptions,
  plan: ProgressPlan,
): { ok: true; result: SharingResult } | { ok: false; message: string } {
  const byChips = partitions.every((partition) => partition.kind === 'chips');
  const quanta = byChips ? (chipCount(design, catalog) ?? 1) : SHARE_QUANTA;
  const initial = partitions.map((partition) =>
    partition.kind === 'chips' ? partition.chips : Math.max(1, Math.round(partition.compute * SHARE_QUANTA)),
  );
  // Quantising may leave the initial units over the whole: take the excess from the largest.
  while (initial.reduce((sum, units) => sum + units, 0) > quanta) {
    const largest = initial.indexOf(Math.max(...initial));
    initial[largest] = (initial[largest] ?? 1) - 1;
  }
  const cache = new Map<string, StepCostModel | undefined>();
  const ignored: string[] = [];
  const costAt = (tenant: number, units: number): StepCostModel | undefined => {
    const key = `${tenant}:${units}`;
    if (cache.has(key)) return cache.get(key);
    const model = models[tenant];
    let cost: StepCostModel | undefined;
    if (model) {
      const partition: Partition = byChips
        ? { kind: 'chips', chips: units }
        : { kind: 'share', compute: units / quanta, memory: units / quanta };
      const parted = partitionDesign(design, partition, catalog);
      if (parted.ok) {
        const built = buildModel(parted.design, model.workload, model.serving, catalog, ignored, '');
        if (built.ok) cost = built.cost;
      }
    }
    cache.set(key, cost);
    return cost;
  };
  for (const [index, model] of models.entries())
    if (!costAt(index, initial[index] ?? 1))
      return {
        ok: false,
        message: `Model "${model.id}" (${model.model}) does not fit on ${initial[index] ?? 1} of ${quanta} ${byChips ? 'chips' : 'eighths of each chip'}, its static partition rounded for dynamic sharing.`,
      };
  // The loop's share done is the mean of the models' (each simulator reports its own).
  const slice = plan.slice();
  const latest = new Float64Array(models.length);
  const tenants: DynamicTenant[] = models.map((model, index) => {
    const progress = slice
      ? (done: number): boolean => {
          latest[index] = done;
          return slice(latest.reduce((sum, value) => sum + value, 0) / latest.length);
        }
      : undefined;
    const { cost: _cost, ...input } = simulationInput(model, options, progress);
    return { id: model.id, input };
  });
  const outcome = shareDynamically({
    tenants,
    quanta,
    initialUnits: initial,
    costAt,
    intervalSeconds: sharing.intervalSeconds,
    reallocationSeconds: sharing.reallocationSeconds,
  });
  plan.finished();
  const costs = models.map((_, index) =>
    costAt(index, outcome.units[outcome.units.length - 1]?.units[index] ?? 1),
  );
  return {
    ok: true,
    result: {
      mode: 'dynamic',
      tenants: outcome.runs.map((run, index) => ({ id: models[index]?.id ?? '', figures: run.figures })),
      energyJoules: combinedEnergy(
        outcome.runs,
        costs
          .map((cost, index) => cost ?? models[index]?.cost)
          .filter((cost): cost is StepCostModel => cost !== undefined),
        0,
      ),
      reallocations: outcome.reallocations,
      reallocationSeconds: outcome.stalledSeconds,
    },
  };
}
