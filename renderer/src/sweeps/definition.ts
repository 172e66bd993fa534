/**
 * The sweep definition as the app edits it: what can be swept in the open design (every numeric parameter of
 * every block, a group's count, the workload's numeric fields), a first definition, value lists typed as text,
 * and how many points a definition has. Pure.
 */
import type { CatalogIndex } from '../../../engine/catalog';
import type { DesignDocument } from '../../../engine/schema/design';
import type { Workload } from '../../../engine/schema/workload';
import { createPointSource } from '../../../engine/sweep/points';
import type { SweepParameter, SweepSpec, SweepValue } from '../../../engine/sweep/spec';
import { formatQuantity, parseQuantity, type Unit } from '../../../engine/units';

/** Something a sweep parameter can vary. */
export interface SweepTarget {
  path: string;
  /** "HBM stack · Bandwidth", "Workload · Batch". */
  label: string;
  /** The unit values are typed in (parsed with `parseQuantity`). */
  unit: Unit;
  /** The value the design has now, in SI units. */
  current: number;
  integer: boolean;
  /** The block, group or "Workload" it belongs to, for grouping the choices. */
  owner: string;
}

/** The workload's numeric fields a sweep can vary. */
const workloadFields: { field: string; label: string; integer: boolean; read: (w: Workload) => number }[] = [
  { field: 'batch', label: 'Batch', integer: true, read: (w) => w.batch },
  { field: 'inputTokens', label: 'Input tokens', integer: true, read: (w) => w.inputTokens },
  { field: 'outputTokens', label: 'Output tokens', integer: true, read: (w) => w.outputTokens },
  {
    field: 'parallelism.tensor',
    label: 'Tensor parallelism',
    integer: true,
    read: (w) => (w.parallelism.mode === 'manual' ? w.parallelism.tensor : 1),
  },
];

/** Every numeric parameter of the design's blocks and groups, and the workload's numeric fields. */
export function sweepTargets(
  design: DesignDocument,
  catalog: CatalogIndex | null,
  workload: Workload,
): SweepTarget[] {
  const targets: SweepTarget[] = [];
  for (const block of design.blocks) {
    const type = catalog?.blockTypes.get(block.type);
    for (const param of type?.params ?? []) {
      if (param.kind !== 'number') continue;
      const value = block.params[param.key];
      targets.push({
        path: `${block.id}.${param.key}`,
        label: `${block.name} · ${param.name}`,
        unit: param.unit,
        current: typeof value === 'number' ? value : param.default,
        integer: param.integer === true,
        owner: block.name,
      });
    }
  }
  for (const group of design.groups) {
    targets.push({
      path: `${group.id}.count`,
      label: `${group.name} · Count`,
      unit: 'count',
      current: group.count,
      integer: true,
      owner: group.name,
    });
  }
  for (const field of workloadFields)
    targets.push({
      path: `workload.${field.field}`,
      label: `Workload · ${field.label}`,
      unit: 'count',
      current: field.read(workload),
      integer: field.integer,
      owner: 'Workload',
    });
  return targets;
}

/** Each target's unit by path, for showing swept values ("3.35 TB/s" rather than 3350000000000). */
export function parameterUnits(targets: readonly SweepTarget[]): Map<string, Unit> {
  return new Map(targets.map((target) => [target.path, target.unit]));
}

/** A value in its unit as the form shows it ("3.35 TB/s"). */
export function formatTargetValue(value: number, unit: Unit): string {
  return formatQuantity(value, unit, 4);
}

/** A range from half to twice the current value in `steps` points (whole numbers for counts). */
export function defaultParameter(target: SweepTarget, steps = 5): SweepParameter {
  const current = target.current > 0 ? target.current : 1;
  const from = target.integer ? Math.max(1, Math.round(current / 2)) : current / 2;
  const to = target.integer ? Math.max(from + 1, Math.round(current * 2)) : current * 2;
  return {
    path: target.path,
    label: target.label,
    range: { from, to, steps, scale: 'linear', ...(target.integer ? { integer: true } : {}) },
  };
}

/** A first definition for a design: one parameter (the first block parameter, else the batch) on a grid. */
export function newSweepSpec(designName: string, targets: readonly SweepTarget[]): SweepSpec {
  const first = targets.find((target) => !target.path.startsWith('workload.')) ?? targets[0];
  const parameter: SweepParameter = first
    ? defaultParameter(first)
    : { path: 'workload.batch', label: 'Workload · Batch', values: [1, 2, 4, 8] };
  return {
    format: 'tessera.sweep',
    version: 1,
    name: `Sweep of ${designName}`.slice(0, 120),
    parameters: [parameter],
    strategy: { kind: 'grid' },
    constraints: [{ figure: 'fits', min: 1 }],
    objectives: [
      { figure: 'decodeTokensPerSecond', goal: 'max' },
      { figure: 'energyJoulesPerToken', goal: 'min' },
    ],
  };
}

/** Values typed as a list ("1, 2, 4" or "2 TB/s, 3 TB/s"), each read in `unit`; text that is no quantity stays text. */
export function parseValueList(
  text: string,
  unit: Unit,
): { ok: true; values: SweepValue[] } | { ok: false; message: string } {
  const items = text
    .split(/[,;\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) return { ok: false, message: 'Type at least one value, separated by commas.' };
  const values: SweepValue[] = [];
  for (const item of items) {
    const parsed = parseQuantity(item, unit);
    if (parsed.ok) values.push(parsed.value);
    else if (/^[A-Za-z][\w.:-]*$/.test(item)) values.push(item);
    else return { ok: false, message: `"${item}": ${parsed.message}` };
  }
  return { ok: true, values };
}

/** A value list as the form shows it. */
export function formatValueList(values: readonly SweepValue[], unit: Unit): string {
  return values
    .map((value) => (typeof value === 'number' ? formatTargetValue(value, unit) : value))
    .join(', ');
}

/**
 * The points a valid definition has: a grid's product of axes (linked parameters are one axis) or a sampling
 * strategy's samples, as the sweep itself enumerates them (`createPointSource`); NSGA-II evaluates population ×
 * generations.
 */
export function pointCount(spec: SweepSpec): number {
  const strategy = spec.strategy;
  if (strategy.kind === 'nsga2') return strategy.population * strategy.generations;
  return createPointSource(spec).total;
}
