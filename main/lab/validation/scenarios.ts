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

/** Requests a scheduler keeps in flight at most (TensorRT-LLM's default max_batch_size). */
export const SCHEDULER_MAX_BATCH = 2048;

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
