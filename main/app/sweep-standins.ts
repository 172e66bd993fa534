/**
 * Small private stand-ins for the sweep logic built on the other issue-17 branches (`engine/sweep/points.ts`,
 * `judge.ts`, `pareto.ts`, `sensitivity.ts`, `apply.ts`), so the store and the API work before those land. Each is
 * the least the backend needs; the module is replaced by imports of the real ones when they are merged.
 */
import type { CatalogIndex } from '../../engine/catalog';
import { applyOverrides, type Override } from '../../engine/overrides';
import { describeProblems, parseWith } from '../../engine/schema/common';
import { linkParamRanges, type DesignDocument } from '../../engine/schema/design';
import { workloadSchema, type Workload } from '../../engine/schema/workload';
import { sweepFigures, type SweepFigureId } from '../../engine/sweep/figures';
import type { SweepParameter, SweepSpec, SweepValue } from '../../engine/sweep/spec';
import { formatQuantity, parseQuantity, type Unit } from '../../engine/units';

/** A grid axis without `steps` gets this many. */
const DEFAULT_STEPS = 10;

/** A parameter's values as a list (a grid's axis; also the neighbours of a categorical value). */
export function parameterValues(parameter: SweepParameter): SweepValue[] {
  if (parameter.values) return parameter.values;
  if (parameter.distribution?.kind === 'choice') return parameter.distribution.values;
  const range = parameter.range;
  if (!range) return [];
  const steps = range.steps ?? DEFAULT_STEPS;
  const values: number[] = [];
  for (let step = 0; step < steps; step += 1) {
    const t = step / (steps - 1);
    const value =
      range.scale === 'log'
        ? Math.exp(Math.log(range.from) + t * (Math.log(range.to) - Math.log(range.from)))
        : range.from + t * (range.to - range.from);
    values.push(range.integer === true ? Math.round(value) : value);
  }
  return values;
}

/** The points of a grid: linked parameters form one axis; the last axis varies fastest. */
export function gridSource(spec: SweepSpec): { total: number; at(index: number): SweepValue[] } {
  const axes: number[][] = [];
  const axisOf = new Map<string, number>();
  spec.parameters.forEach((parameter, position) => {
    const existing = parameter.link === undefined ? undefined : axisOf.get(parameter.link);
    if (existing !== undefined) axes[existing]?.push(position);
    else {
      if (parameter.link !== undefined) axisOf.set(parameter.link, axes.length);
      axes.push([position]);
    }
  });
  const lists = spec.parameters.map(parameterValues);
  const lengths = axes.map((axis) => Math.min(...axis.map((position) => lists[position]?.length ?? 0)));
  const total = lengths.reduce((product, length) => product * length, 1);
  return {
    total,
    at(index) {
      const values: SweepValue[] = new Array<SweepValue>(spec.parameters.length);
      let rest = index;
      for (let axis = axes.length - 1; axis >= 0; axis -= 1) {
        const length = lengths[axis] ?? 1;
        const position = rest % length;
        rest = Math.floor(rest / length);
        for (const parameter of axes[axis] ?? []) values[parameter] = lists[parameter]?.[position] ?? 0;
      }
      return values;
    },
  };
}

/** The objectives of a sweep: its own, else decode tokens/s up and energy per token down. */
export function objectivesOf(spec: SweepSpec): { figure: SweepFigureId; goal: 'min' | 'max' }[] {
  return (
    spec.objectives ?? [
      { figure: 'decodeTokensPerSecond', goal: 'max' },
      { figure: 'energyJoulesPerToken', goal: 'min' },
    ]
  );
}

const figureUnits: Partial<Record<SweepFigureId, Unit>> = {
  ttftSeconds: 'seconds',
  tpotSeconds: 'seconds',
  endToEndSeconds: 'seconds',
  energyJoulesPerToken: 'joules',
  decodePowerWatts: 'watts',
  peakChipPowerWatts: 'watts',
  memoryRequiredBytesPerChip: 'bytes',
  decodeTokensPerSecond: 'tokensPerSecond',
  prefillTokensPerSecond: 'tokensPerSecond',
  systemDollars: 'dollars',
};

/** A figure's value as a person reads it ("61.2 ms"). */
export function formatFigure(figure: SweepFigureId, value: number): string {
  if (figure === 'dieAreaSquareMillimetres') return formatQuantity(value / 1e6, 'squareMetres');
  const unit = figureUnits[figure];
  return unit ? formatQuantity(value, unit) : formatQuantity(value, 'count');
}

/** Whether a point's figures keep every constraint, with a sentence for each one they break. */
export function judgeFigures(
  spec: SweepSpec,
  figures: Record<SweepFigureId, number>,
): { feasible: boolean; violations: string[] } {
  const violations: string[] = [];
  for (const constraint of spec.constraints) {
    const value = figures[constraint.figure];
    const label = sweepFigures[constraint.figure].label;
    if (!Number.isFinite(value)) violations.push(`${label} is not known for this design`);
    else if (constraint.max !== undefined && value > constraint.max)
      violations.push(
        `${label} ${formatFigure(constraint.figure, value)} > ${formatFigure(constraint.figure, constraint.max)}`,
      );
    else if (constraint.min !== undefined && value < constraint.min)
      violations.push(
        `${label} ${formatFigure(constraint.figure, value)} < ${formatFigure(constraint.figure, constraint.min)}`,
      );
  }
  return { feasible: violations.length === 0, violations };
}

/** The non-dominated points (every objective turned into "smaller is better"); NaN figures never dominate. */
export function paretoFront(
  points: readonly { index: number; figures: number[] }[],
  goals: readonly ('min' | 'max')[],
): number[] {
  const costs = points
    .map((point) => ({
      index: point.index,
      cost: point.figures.map((value, position) => (goals[position] === 'max' ? -value : value)),
    }))
    .filter((point) => point.cost.every((value) => Number.isFinite(value)))
    .sort((a, b) => {
      for (let position = 0; position < a.cost.length; position += 1) {
        const difference = (a.cost[position] ?? 0) - (b.cost[position] ?? 0);
        if (difference !== 0) return difference;
      }
      return a.index - b.index;
    });
  const front: { index: number; cost: number[] }[] = [];
  for (const candidate of costs) {
    const dominated = front.some(
      (kept) =>
        kept.cost.every((value, position) => value <= (candidate.cost[position] ?? 0)) &&
        kept.cost.some((value, position) => value < (candidate.cost[position] ?? 0)),
    );
    const same = front.some((kept) =>
      kept.cost.every((value, position) => value === candidate.cost[position]),
    );
    if (!dominated && !same) front.push(candidate);
  }
  return front.map((point) => point.index).sort((a, b) => a - b);
}

/** Each parameter 10 % below and above its value at a point; a categorical one takes its neighbouring values. */
export function sensitivityVariants(
  spec: SweepSpec,
  base: Record<string, SweepValue>,
): { parameter: SweepParameter; base: SweepValue; low: SweepValue; high: SweepValue }[] {
  return spec.parameters.map((parameter) => {
    const value = base[parameter.path] ?? parameterValues(parameter)[0] ?? 0;
    if (typeof value === 'number') {
      const integer =
        parameter.range?.integer === true || (parameter.values !== undefined && Number.isInteger(value));
      const scaled = (factor: number): number => (integer ? Math.round(value * factor) : value * factor);
      return { parameter, base: value, low: scaled(0.9), high: scaled(1.1) };
    }
    const list = parameterValues(parameter);
    const position = list.indexOf(value);
    return {
      parameter,
      base: value,
      low: list[Math.max(0, position - 1)] ?? value,
      high: list[Math.min(list.length - 1, position + 1)] ?? value,
    };
  });
}

/** Sets `workload.a.b` = value in a copy of the workload. */
function setWorkloadField(
  workload: Record<string, unknown>,
  path: string[],
  value: SweepValue,
): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return workload;
  if (rest.length === 0) return { ...workload, [head]: value };
  const inner = workload[head];
  return {
    ...workload,
    [head]: setWorkloadField(
      typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : {},
      rest,
      value,
    ),
  };
}

/**
 * A point applied to the design and workload it was swept on: block parameters and group counts through the
 * overrides (`--set`), link parameters read in their unit, workload fields set and the workload validated.
 */
export function applyPoint(
  design: DesignDocument,
  workload: Workload,
  values: Record<string, SweepValue>,
  catalog: CatalogIndex,
): { ok: true; design: DesignDocument; workload: Workload } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const overrides: Override[] = [];
  let links = design.links;
  let changedWorkload: Record<string, unknown> = workload;
  for (const [path, value] of Object.entries(values)) {
    const [target = '', ...rest] = path.split('.');
    if (target === 'workload') {
      changedWorkload = setWorkloadField(changedWorkload, rest, value);
      continue;
    }
    const param = rest.join('.');
    const link = links.find((candidate) => candidate.id === target);
    if (link) {
      const range = (
        linkParamRanges as Record<string, { unit: string; min: number; max: number } | undefined>
      )[param];
      if (!range) {
        problems.push(`${path}: a link has only ${Object.keys(linkParamRanges).join(', ')}`);
        continue;
      }
      const parsed =
        typeof value === 'number' ? { ok: true as const, value } : parseQuantity(value, range.unit as Unit);
      if (!parsed.ok) {
        problems.push(`${path}: ${parsed.message}`);
        continue;
      }
      links = links.map((candidate) =>
        candidate.id === link.id
          ? { ...candidate, params: { ...candidate.params, [param]: parsed.value } }
          : candidate,
      );
      continue;
    }
    overrides.push({ target, param, value: String(value) });
  }
  const applied = applyOverrides({ ...design, links }, overrides, catalog);
  if (!applied.ok) problems.push(...applied.problems);
  const parsedWorkload = parseWith(workloadSchema, changedWorkload);
  if (!parsedWorkload.ok)
    problems.push(`The workload is invalid:\n${describeProblems(parsedWorkload.problems)}`);
  if (problems.length > 0 || !applied.ok || !parsedWorkload.ok) return { ok: false, problems };
  return { ok: true, design: applied.design, workload: parsedWorkload.value };
}
