/**
 * What the sweep charts show, derived from a sweep's definition and its points: which figures the axes take, the
 * points a scatter draws (an even sample plus the whole front), the cells of a heat map over two parameters, the
 * axes of parallel coordinates and the bars of a tornado. Pure, so the choices are unit-tested; the option
 * builders in `options.ts` only draw them.
 */
import { sweepFigures, sweepFigureIds, type SweepFigureId } from '../../../engine/sweep/figures';
import type { SweepRow } from '../../../engine/sweep/row';
import type { SweepObjective, SweepSpec, SweepValue } from '../../../engine/sweep/spec';
import type { SweepHeatmap, SweepSensitivity } from '../../../main/contract/api';
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
  /** [x position, y position, best value, index of the point that has it] for every cell that has a point. */
  cells: [number, number, number, number][];
  min: number;
  max: number;
}

/**
 * The heat map's cells from the backend's aggregate (`sweeps.heatmap`, the best value of the figure per pair of
 * the two parameters' values over every point): by row then column, each with the point to open, and the range
 * of the colour scale (infinite ends when there is no cell).
 */
export function heatGridOf(map: SweepHeatmap): HeatGrid {
  let min = Infinity;
  let max = -Infinity;
  const cells = map.cells
    .filter((cell) => Number.isFinite(cell.value))
    .map((cell): [number, number, number, number] => {
      min = Math.min(min, cell.value);
      max = Math.max(max, cell.value);
      return [cell.x, cell.y, cell.value, cell.index];
    })
    .sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  return { xValues: map.xValues, yValues: map.yValues, cells, min, max };
}

/** The point a heat-map item opens: the one with its cell's best value. */
export function heatCellPoint(grid: HeatGrid, dataIndex: number): number | undefined {
  return grid.cells[dataIndex]?.[3];
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
