/**
 * The automatic plan search: for a workload whose parallelism is "auto", every split `candidateSplits` lists is
 * sorted by where one chip's share fits (`splitFit`: the chips' own memory, else with host memory, else nowhere),
 * the splits that fit best are evaluated through the normal stages (plan → lower → map → cost → power → report,
 * summary detail, by the `evaluateSplit` the caller gives — `evaluate.ts`, so the search and a manual split run
 * the same code), and ranked:
 *
 * 1. splits whose TPOT is within the workload's `tpotTargetSeconds` first (all, when there is no target);
 * 2. then the highest system decode throughput at the workload's batch;
 * 3. throughputs within 0.5 % of the best left are ranked by lower decode energy per token.
 *
 * Host memory is searched only when no split fits in device memory, and the report then says so with a warning.
 */
import type { Diagnostic } from '../diagnostics';
import type { Machine } from '../machine';
import type { Parallelism } from '../models/parallelism';
import type { EvaluationResult, PlanCandidateReport, PlanReport, Report, SplitFit } from '../report';
import type { Workload } from '../schema/workload';
import { formatQuantity } from '../units';
import type { CheckedWorkload } from './check';
import { layersPerChip, memoryRoutes, policyFit } from './hierarchy';
import { place } from './map';
import { storageOf } from './storage';
import { batchPerReplicaOf, candidateSplits, fastestUnit, splitNeeds } from './plan';

/** Throughputs this close to the best (as a fraction of it) count as equal, and energy per token decides. */
export const THROUGHPUT_TIE_FRACTION = 0.005;

/** Runners-up a report lists beside the chosen split. */
export const RUNNERS_UP = 4;

/**
 * Where one chip's share of `split` fits, by the map stage's own placement of the footprint the plan stage gives
 * (weights, KV cache at the workload's batch and full context, prefill activations; compression on a memory path
 * counted as the map stage counts it): in the chip's own memory (`device`), only with the host memory shared by
 * the system (`host`), or not at all (`none`).
 */
export function splitFit(
  machine: Machine,
  checked: CheckedWorkload,
  workload: Workload,
  split: Parallelism,
): SplitFit {
  const { chip } = machine;
  const unit = fastestUnit(machine, checked.formats.weightClass, checked.runtime);
  if (unit === undefined) return 'none';
  const needs = splitNeeds(checked, workload, split, storageOf(machine, unit, workload, checked.runtime));
  // A memory policy decides where classes go, host or CXL memory included (`stages/hierarchy.ts`).
  const layers = layersPerChip(checked.model.architecture.layers, split.pipeline);
  const totalContext = workload.inputTokens + workload.outputTokens;
  const routes = memoryRoutes(
    chip,
    { primaryUnit: unit, needs, totalContext },
    workload.memoryPolicy,
    layers,
    [],
  );
  if (routes) return policyFit(chip, unit, needs, routes);
  const deviceOnly = {
    ...chip,
    levels: chip.levels.map((level) => (level.shared ? { ...level, capacityBytes: 0 } : level)),
  };
  if (place(deviceOnly, unit, needs).overflowBytes === 0) return 'device';
  return place(chip, unit, needs).overflowBytes === 0 ? 'host' : 'none';
}

/** One evaluated split. */
export interface SearchedSplit {
  split: Parallelism;
  fits: SplitFit;
  report: Report;
}

export type PlanSearch =
  | {
      ok: true;
      /** Best first. */
      ranked: SearchedSplit[];
      /** Where the evaluated splits fit. */
      fits: SplitFit;
      /** The only split that fit (no choice): it was evaluated with `alone` set, at the caller's final detail. */
      alone: boolean;
    }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * Evaluates the candidate splits that fit best and ranks them. `evaluateSplit` is told when a split is the only
 * one (a single chip, say), so the caller can evaluate it once at the detail it finally wants. Fails, with the
 * first failure's diagnostics, only when no candidate could be evaluated at all.
 */
export function searchPlans(
  machine: Machine,
  checked: CheckedWorkload,
  workload: Workload,
  evaluateSplit: (split: Parallelism, alone: boolean) => EvaluationResult,
): PlanSearch {
  const fitted = candidateSplits(machine, checked).map((split) => ({
    split,
    fits: splitFit(machine, checked, workload, split),
  }));
  const fits: SplitFit = fitted.some((entry) => entry.fits === 'device')
    ? 'device'
    : fitted.some((entry) => entry.fits === 'host')
      ? 'host'
      : 'none';
  const pool = fitted.filter((entry) => entry.fits === fits);
  const alone = pool.length === 1;
  const evaluated: SearchedSplit[] = [];
  let failure: Diagnostic[] | undefined;
  for (const entry of pool) {
    const result = evaluateSplit(entry.split, alone);
    if (result.ok) evaluated.push({ ...entry, report: result.report });
    else failure ??= result.diagnostics;
  }
  if (evaluated.length === 0) return { ok: false, diagnostics: failure ?? [] };
  return { ok: true, ranked: rankSplits(evaluated, workload.tpotTargetSeconds), fits, alone };
}

/**
 * The ranking of the search (see the module comment), as a repeated choice of the best left so that the 0.5 %
 * tolerance never makes the order depend on the sort's comparisons. Among equals the earlier split wins (fewer
 * pipeline stages, then the smaller tensor group).
 */
export function rankSplits<T extends { report: Report }>(
  entries: readonly T[],
  tpotTargetSeconds: number | undefined,
): T[] {
  const left = [...entries];
  const ranked: T[] = [];
  while (left.length > 0) {
    const meeting = left.filter((entry) => meetsTarget(entry.report, tpotTargetSeconds));
    const pool = meeting.length > 0 ? meeting : left;
    const top = Math.max(...pool.map((entry) => entry.report.decode.tokensPerSecond));
    let best: T | undefined;
    for (const entry of pool) {
      if (entry.report.decode.tokensPerSecond < top * (1 - THROUGHPUT_TIE_FRACTION)) continue;
      if (!best || entry.report.decode.energyJoulesPerToken < best.report.decode.energyJoulesPerToken)
        best = entry;
    }
    if (!best) break;
    ranked.push(best);
    left.splice(left.indexOf(best), 1);
  }
  return ranked;
}

function meetsTarget(report: Report, tpotTargetSeconds: number | undefined): boolean {
  return tpotTargetSeconds === undefined || report.request.tpotSeconds <= tpotTargetSeconds;
}

const splitName = (split: Parallelism): string =>
  `TP ${split.tensor} · PP ${split.pipeline}${split.expert > 1 ? ` · EP ${split.expert}` : ''} × ${split.dataReplicas}`;

function candidateReport(entry: SearchedSplit, workload: Workload): PlanCandidateReport {
  const { split, report } = entry;
  return {
    tensor: split.tensor,
    pipeline: split.pipeline,
    expert: split.expert,
    dataReplicas: split.dataReplicas,
    chipsUsed: split.chipsUsed,
    batchPerReplica: batchPerReplicaOf(workload, split),
    decodeTokensPerSecond: report.decode.tokensPerSecond,
    tpotSeconds: report.request.tpotSeconds,
    ttftSeconds: report.request.ttftSeconds,
    energyJoulesPerToken: report.decode.energyJoulesPerToken,
    fits: entry.fits,
    meetsTpotTarget: meetsTarget(report, workload.tpotTargetSeconds),
  };
}

/**
 * The chosen split's report (evaluated at the detail the caller asked for) with the search added: `plan` (the
 * chosen split and the runners-up) and a warning when the plan needs host memory or misses the TPOT target.
 */
export function withPlanSearch(
  report: Report,
  search: Extract<PlanSearch, { ok: true }>,
  checked: CheckedWorkload,
  machine: Machine,
): Report {
  const { workload } = report;
  const [chosen, ...rest] = search.ranked;
  if (!chosen) return report;
  const plan: PlanReport = {
    chosen: candidateReport(chosen, workload),
    candidates: rest.slice(0, RUNNERS_UP).map((entry) => candidateReport(entry, workload)),
    evaluated: search.ranked.length,
    tpotTargetSeconds: workload.tpotTargetSeconds,
  };
  const diagnostics = [...report.diagnostics];
  const chips = machine.chip.count;
  if (search.fits === 'host')
    diagnostics.push({
      severity: 'warning',
      code: 'plan-host-memory',
      message: `No split of ${checked.model.name} over the ${chips === 1 ? 'chip' : `${chips} chips`} fits in device memory at batch ${workload.batch} and ${workload.inputTokens + workload.outputTokens} tokens; the plan (${splitName(chosen.split)}) keeps part of it in host memory, read over the host link.`,
    });
  const target = workload.tpotTargetSeconds;
  if (target !== undefined && !plan.chosen.meetsTpotTarget) {
    const quickest = search.ranked.reduce((a, b) =>
      b.report.request.tpotSeconds < a.report.request.tpotSeconds ? b : a,
    );
    diagnostics.push({
      severity: 'warning',
      code: 'plan-tpot-target',
      message: `No split meets the TPOT target of ${formatQuantity(target, 'seconds')}; the quickest, ${splitName(quickest.split)}, takes ${formatQuantity(quickest.report.request.tpotSeconds, 'seconds')} per token. The plan shown has the highest throughput.`,
    });
  }
  return { ...report, plan, diagnostics };
}
