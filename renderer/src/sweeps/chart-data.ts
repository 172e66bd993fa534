/**
 * What the sweep charts show, derived from a sweep's definition and its points: which figures the axes take, the
 * points a scatter draws (an even sample plus the whole front), the cells of a heat map over two parameters, the
 * axes of parallel coordinates and the bars of a tornado. Pure, so the choices are unit-tested; the option
 * builders in `options.ts` only draw them.
 */
import { sweepFigures, sweepFigureIds, type SweepFigureId } from '../../../engine/sweep/figures';
import type { SweepRow } from '../../../engine/sweep/row';
import type { SweepObjective, SweepSpec, SweepValue } from '../../../engine/sweep/spec';
import type { SweepSensitivity } from '../../../main/contract/api';
import type { Unit } from '../../../engine/units';
import { parameterLabel, type ParameterUnits } from './columns';

/** The objectives of a sweep: its own, else tokens/s up and J/token down (the document's default). */
export function objectivesOf(spec: Pick<SweepSpec, 'objectives'>): SweepObjective[] {
  return spec.objectives && spec.objectives.length > 0
    ? spec.objectives
    : [
        { figure: 'decodeTokensPerSecond', goal: 'max' },
        { figure: 'energyJoulesPerToken', goal: 'min' },
      ];
}

export interface ScatterAxes {
  x: SweepFigureId;
  y: SweepFigureId;
  /** The figure coloured by, or null for none. */
  colour: SweepFigureId | null;
}

/**
 * The scatter's first axes: the first two objectives (a single objective is plotted against the first other
 * figure the sweep varies most — tokens/s or energy), the third objective as colour.
 */
export function defaultScatterAxes(spec: Pick<SweepSpec, 'objectives'>): ScatterAxes {
  const objectives = objectivesOf(spec).map((objective) => objective.figure);
  const x = objectives[0] ?? 'decodeTokensPerSecond';
  const fallback: SweepFigureId =
    x === 'energyJoulesPerToken' ? 'decodeTokensPerSecond' : 'energyJoulesPerToken';
  const y = objectives[1] ?? fallback;
  return { x, y, colour: objectives[2] ?? null };
}

/** Which way is better for a figure in this sweep: its objective's goal, else the figure's own. */
export function goalOf(spec: Pick<SweepSpec, 'objectives'>, figure: SweepFigureId): 'min' | 'max' {
  return (
    objectivesOf(spec).find((objective) => objective.figure === figure)?.goal ?? sweepFigures[figure].better
  );
}

export interface ScatterPoint {
  row: SweepRow;
  /** On the Pareto front of the feasible points. */
  front: boolean;
}

/**
 * The points a scatter draws: the even sample and the whole front, each point once (a front point in the sample
 * is drawn as a front point), in index order so the drawing does not depend on which page came back first.
 */
export function mergeSampleAndFront(sample: readonly SweepRow[], front: readonly SweepRow[]): ScatterPoint[] {
  const byIndex = new Map<number, ScatterPoint>();
  for (const row of sample) byIndex.set(row.index, { row, front: false });
  for (const row of front) byIndex.set(row.index, { row, front: true });
  return [...byIndex.values()].sort((a, b) => a.row.index - b.row.index);
}

/** The most points a chart draws besides the front. */
export const chartSampleSize = 5000;

/** The parameters whose values are numbers in the rows given (the ones an axis can place). */
export function numericParameters(spec: Pick<SweepSpec, 'parameters'>, rows: readonly SweepRow[]): string[] {
  return spec.parameters
    .map((parameter) => parameter.path)
    .filter((path) => rows.some((row) => typeof row.values[path] === 'number'));
}

/** The heat map's first axes: the first two parameters (or the one parameter and nothing). */
export function defaultHeatAxes(spec: Pick<SweepSpec, 'parameters'>): { x: string; y: string | null } {
  const paths = spec.parameters.map((parameter) => parameter.path);
  return { x: paths[0] ?? '', y: paths[1] ?? null };
}

export interface HeatGrid {
  xValues: SweepValue[];
  yValues: SweepValue[];
  /** [x position, y position, best value] for every cell that has a point. */
  cells: [number, number, number][];
  min: number;
  max: number;
}

function compareValues(a: SweepValue, b: SweepValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en');
}

/**
 * A heat map over two parameters: each cell holds the best value of `figure` (by `goal`) among the points with
 * that pair of values, whatever the other parameters were — "the best this pair can do". Failed points and points
 * without the figure are left out; cells without any point stay empty.
 */
export function heatGrid(
  rows: readonly SweepRow[],
  xPath: string,
  yPath: string | null,
  figure: SweepFigureId,
  goal: 'min' | 'max',
): HeatGrid {
  const best = new Map<string, { x: SweepValue; y: SweepValue; value: number }>();
  const xs = new Map<string, SweepValue>();
  const ys = new Map<string, SweepValue>();
  for (const row of rows) {
    const value = row.figures?.[figure];
    const x = row.values[xPath];
    const y = yPath === null ? '' : row.values[yPath];
    if (!row.ok || value === undefined || !Number.isFinite(value) || x === undefined || y === undefined)
      continue;
    const key = `${String(x)}\u0000${String(y)}`;
    xs.set(String(x), x);
    ys.set(String(y), y);
    const seen = best.get(key);
    if (!seen || (goal === 'min' ? value < seen.value : value > seen.value)) best.set(key, { x, y, value });
  }
  const xValues = [...xs.values()].sort(compareValues);
  const yValues = [...ys.values()].sort(compareValues);
  const xAt = new Map(xValues.map((value, position) => [String(value), position]));
  const yAt = new Map(yValues.map((value, position) => [String(value), position]));
  const cells: [number, number, number][] = [];
  let min = Infinity;
  let max = -Infinity;
  for (const { x, y, value } of best.values()) {
    cells.push([xAt.get(String(x)) ?? 0, yAt.get(String(y)) ?? 0, value]);
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  cells.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return { xValues, yValues, cells, min, max };
}

export interface ParallelAxis {
  /** A parameter path or a figure id. */
  key: string;
  name: string;
  kind: 'parameter' | 'figure';
  /** The categories of a text parameter (a model, a format); absent for numbers. */
  categories?: string[];
  /** A numeric parameter's unit, for its tick labels. */
  unit?: Unit;
}

/** Parallel coordinates: one axis per parameter, then one per objective. */
export function parallelAxes(
  spec: Pick<SweepSpec, 'parameters' | 'objectives'>,
  rows: readonly SweepRow[],
  units: ParameterUnits = new Map(),
): ParallelAxis[] {
  const parameters: ParallelAxis[] = spec.parameters.map((parameter) => {
    const texts = [
      ...new Set(
        rows
          .map((row) => row.values[parameter.path])
          .filter((value): value is string => typeof value === 'string'),
      ),
    ].sort((a, b) => a.localeCompare(b, 'en'));
    const unit = units.get(parameter.path);
    return {
      key: parameter.path,
      name: parameterLabel(parameter),
      kind: 'parameter',
      ...(texts.length > 0 ? { categories: texts } : unit ? { unit } : {}),
    };
  });
  const figures: ParallelAxis[] = objectivesOf(spec).map((objective) => ({
    key: objective.figure,
    name: sweepFigures[objective.figure].label,
    kind: 'figure',
  }));
  return [...parameters, ...figures];
}

/** A row's value on a parallel axis (NaN when it has none). */
export function parallelValue(axis: ParallelAxis, row: SweepRow): number | string {
  if (axis.kind === 'figure') return row.figures?.[axis.key as SweepFigureId] ?? Number.NaN;
  const value = row.values[axis.key];
  return value ?? Number.NaN;
}

export interface TornadoBar {
  label: string;
  /** Change of the figure from the base, at −10 % and +10 % (same unit as the figure). */
  low: number;
  high: number;
  lowValue: SweepValue;
  highValue: SweepValue;
  /** The parameter's unit, for its values. */
  unit?: Unit;
}

/**
 * A tornado's bars for one figure: each parameter's change of the figure at its low and high variant against
 * the base, widest swing first. Parameters whose variants could not be evaluated for that figure are left out.
 */
export function tornadoBars(
  sensitivity: readonly SweepSensitivity[],
  figure: SweepFigureId,
  units: ParameterUnits = new Map(),
): TornadoBar[] {
  const bars: TornadoBar[] = [];
  for (const entry of sensitivity) {
    const values = entry.figures[figure];
    if (!values || !Number.isFinite(values.base)) continue;
    const low = Number.isFinite(values.low) ? values.low - values.base : 0;
    const high = Number.isFinite(values.high) ? values.high - values.base : 0;
    const unit = units.get(entry.parameter);
    bars.push({
      label: entry.label,
      low,
      high,
      lowValue: entry.low,
      highValue: entry.high,
      ...(unit ? { unit } : {}),
    });
  }
  return bars.sort(
    (a, b) => Math.max(Math.abs(b.low), Math.abs(b.high)) - Math.max(Math.abs(a.low), Math.abs(a.high)),
  );
}

/** Figures that any row has a finite value for (charts offer only these). */
export function figuresPresent(rows: readonly SweepRow[]): SweepFigureId[] {
  return sweepFigureIds.filter((figure) =>
    rows.some((row) => Number.isFinite(row.figures?.[figure] ?? Number.NaN)),
  );
}
