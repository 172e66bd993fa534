/**
 * Golden scenarios: whole evaluations whose reports are checked in, so any change to what the engine answers is
 * a reviewed diff. A scenario names a design (a library preset, optionally with `id.param=value` overrides, or a
 * design written inline) and a workload (only what differs from the defaults). Its golden is the report's
 * stable keys and the figures a user reads, every number rounded to four significant digits, so a refactoring
 * that only reorders floating-point arithmetic does not show as a change.
 *
 * Pure: the files are read and written by `main/lab/goldens.ts` (`npm run goldens`).
 */
import { z } from 'zod';
import type { CatalogIndex } from '../catalog';
import { readDesign } from '../design-io';
import { evaluate } from '../evaluate';
import { applyOverrides, parseOverride, type Override } from '../overrides';
import type { BlockReport, EvaluationResult, OperatorReport, PhaseReport } from '../report';
import { describeProblems } from '../schema/common';
import type { DesignDocument } from '../schema/design';
import { defaultWorkload, workloadSchema, type Workload } from '../schema/workload';

export const SCENARIO_FORMAT = 'tessera.scenario';
export const GOLDEN_FORMAT = 'tessera.golden';

/** Significant digits kept in a golden. */
export const GOLDEN_DIGITS = 4;

export const scenarioSchema = z.strictObject({
  format: z.literal(SCENARIO_FORMAT),
  version: z.literal(1),
  /** Why the scenario exists: what part of the engine it guards. */
  description: z.string().min(20),
  /** `preset:<id>`, or a design document written inline. */
  design: z.union([z.string().regex(/^preset:[a-z0-9][a-z0-9.-]*$/), z.record(z.string(), z.unknown())]),
  /** Overrides applied to the design, as the CLI's `--set` takes them. */
  set: z.array(z.string()).optional(),
  /** The workload: what differs from `defaultWorkload(model)`. */
  workload: workloadSchema.omit({ format: true, version: true }).partial().required({ model: true }),
});
export type Scenario = z.infer<typeof scenarioSchema>;

/** A scenario made ready to evaluate, or why it cannot be. */
export type PreparedScenario =
  { ok: true; design: DesignDocument; workload: Workload } | { ok: false; problem: string };

export function prepareScenario(scenario: Scenario, catalog: CatalogIndex): PreparedScenario {
  let design: DesignDocument;
  if (typeof scenario.design === 'string') {
    const id = scenario.design.slice('preset:'.length);
    const preset = catalog.presets.get(id);
    if (!preset) return { ok: false, problem: `the library has no preset "${id}"` };
    design = preset.design;
  } else {
    const read = readDesign(scenario.design);
    if (!read.ok)
      return { ok: false, problem: `the inline design is invalid:\n${describeProblems(read.problems)}` };
    design = read.value;
  }
  const overrides: Override[] = [];
  for (const text of scenario.set ?? []) {
    const parsed = parseOverride(text);
    if ('error' in parsed) return { ok: false, problem: parsed.error };
    overrides.push(parsed);
  }
  if (overrides.length > 0) {
    const applied = applyOverrides(design, overrides, catalog);
    if (!applied.ok) return { ok: false, problem: applied.problems.join('; ') };
    design = applied.design;
  }
  const workload = workloadSchema.safeParse({
    ...defaultWorkload(scenario.workload.model),
    ...scenario.workload,
  });
  if (!workload.success) return { ok: false, problem: `the workload is invalid: ${workload.error.message}` };
  return { ok: true, design, workload: workload.data };
}

/** A number rounded to `GOLDEN_DIGITS` significant digits; -0 becomes 0. */
export function round(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value === 0 ? 0 : value;
  return Number(value.toPrecision(GOLDEN_DIGITS));
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Rounds every number in a plain value, drops `undefined` members (as JSON would). */
function rounded(value: unknown): Json {
  if (typeof value === 'number') return round(value);
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(rounded);
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [key, member] of Object.entries(value as Record<string, unknown>))
      if (member !== undefined) out[key] = rounded(member);
    return out;
  }
  return null;
}

function phaseFigures(phase: PhaseReport): Record<string, unknown> {
  const operators: Record<string, unknown> = {};
  for (const operator of phase.operators) operators[operator.id] = operatorFigures(operator);
  const blocks: Record<string, unknown> = {};
  for (const block of phase.blocks) blocks[block.blockId] = blockFigures(block);
  return {
    seconds: phase.seconds,
    tokensPerSecond: phase.tokensPerSecond,
    averagePowerWatts: phase.averagePowerWatts,
    peakPowerWatts: phase.peakPowerWatts,
    energyJoules: phase.energyJoules,
    energyJoulesPerToken: phase.energyJoulesPerToken,
    clockHertz: phase.clockHertz,
    operatingPoint: phase.operatingPoint,
    throttled: phase.throttled,
    bound: phase.bound,
    boundLevelId: phase.boundLevelId,
    boundShares: phase.boundShares,
    operators,
    blocks,
  };
}

function operatorFigures(operator: OperatorReport): Record<string, unknown> {
  return {
    unitId: operator.unitId,
    seconds: operator.seconds,
    bound: operator.bound,
    boundLevelId: operator.boundLevelId,
    flops: operator.flops,
    bytes: operator.bytes,
    energyJoules: operator.energyJoules,
  };
}

function blockFigures(block: BlockReport): Record<string, unknown> {
  return { utilization: block.utilization, averagePowerWatts: block.averagePowerWatts };
}

/** The golden of one evaluation: stable keys and the figures a user reads, rounded. */
export function goldenOf(scenario: string, result: EvaluationResult): Json {
  if (!result.ok)
    return rounded({
      format: GOLDEN_FORMAT,
      version: 1,
      scenario,
      ok: false,
      diagnostics: result.diagnostics,
    });
  const report = result.report;
  return rounded({
    format: GOLDEN_FORMAT,
    version: 1,
    scenario,
    ok: true,
    model: report.model,
    machine: report.machine,
    parallelism: report.parallelism,
    batchPerReplica: report.batchPerReplica,
    plan: report.plan,
    request: report.request,
    clockHertz: report.clockHertz,
    power: report.power,
    memory: {
      fits: report.memory.fits,
      maxBatch: report.memory.maxBatch,
      maxContext: report.memory.maxContext,
      requiredBytesPerChip: report.memory.requiredBytesPerChip,
      availableBytesPerChip: report.memory.availableBytesPerChip,
      weightsBytesPerChip: report.memory.weightsBytesPerChip,
      kvBytesPerChip: report.memory.kvBytesPerChip,
      activationBytesPerChip: report.memory.activationBytesPerChip,
      levels: Object.fromEntries(report.memory.levels.map((level) => [level.levelId, level.used])),
    },
    prefill: phaseFigures(report.prefill),
    decode: {
      context: report.decode.context,
      secondsPerStep: report.decode.secondsPerStep,
      ...phaseFigures(report.decode),
    },
    bottleneck: report.bottleneck,
    diagnostics: report.diagnostics,
    // Only a scenario that sets a memory policy records it (the other goldens stay as they were).
    ...(report.workload.memoryPolicy ? { memoryHierarchy: report.memoryHierarchy } : {}),
    compression: report.compression,
    reconfiguration: report.reconfiguration,
    dvfs: report.dvfs,
    heterogeneous: report.heterogeneous,
    area: report.area,
    cost: report.cost,
  });
}

/** Evaluates a scenario and returns its golden (a scenario that cannot be prepared is a golden too). */
export function runScenario(name: string, scenario: Scenario, catalog: CatalogIndex): Json {
  const prepared = prepareScenario(scenario, catalog);
  if (!prepared.ok)
    return { format: GOLDEN_FORMAT, version: 1, scenario: name, ok: false, problem: prepared.problem };
  return goldenOf(name, evaluate({ design: prepared.design, workload: prepared.workload }, catalog));
}

/** A member's path: `a.b` for a plain key, `a["ffn.down"]` or `a[0]` otherwise. */
function member(path: string, key: string, index: boolean): string {
  if (index) return `${path}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Every leaf of a plain value by its path (`decode.operators["ffn.down"].seconds`). */
function leaves(value: unknown, path = '', into = new Map<string, unknown>()): Map<string, unknown> {
  if (value === null || typeof value !== 'object') {
    into.set(path, value);
    return into;
  }
  const array = Array.isArray(value);
  const entries = array
    ? (value as unknown[]).map((item, index) => [String(index), item] as const)
    : Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) into.set(path, array ? '[]' : '{}');
  for (const [key, item] of entries) leaves(item, member(path, key, array), into);
  return into;
}

function show(value: unknown): string {
  return value === undefined ? '(absent)' : JSON.stringify(value);
}

/**
 * What changed between two goldens, a line per leaf: `decode.secondsPerStep: 0.01234 → 0.01301 (+5.4 %)`.
 * Empty when they are equal.
 */
export function diffGoldens(before: unknown, after: unknown): string[] {
  const old = leaves(before);
  const now = leaves(after);
  const lines: string[] = [];
  const paths = [...new Set([...old.keys(), ...now.keys()])];
  for (const path of paths) {
    const a = old.get(path);
    const b = now.get(path);
    if (a === b) continue;
    let change = '';
    if (typeof a === 'number' && typeof b === 'number' && a !== 0)
      change = ` (${b >= a ? '+' : ''}${(((b - a) / Math.abs(a)) * 100).toPrecision(2)} %)`;
    lines.push(`${path}: ${show(a)} → ${show(b)}${change}`);
  }
  return lines;
}
