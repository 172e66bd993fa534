import { describe, expect, it } from 'vitest';
import { sweepFigureIds, type SweepFigureId } from '../../../engine/sweep/figures';
import type { SweepRow } from '../../../engine/sweep/row';
import type { SweepSensitivity } from '../../../main/contract/api';
import {
  defaultScatterAxes,
  goalOf,
  heatCellPoint,
  heatGridOf,
  mergeSampleAndFront,
  parallelAxes,
  tornadoBars,
} from './chart-data';

function row(
  index: number,
  values: SweepRow['values'],
  set: Partial<Record<SweepFigureId, number>> = {},
): SweepRow {
  const figures = Object.fromEntries(sweepFigureIds.map((figure) => [figure, 0])) as Record<
    SweepFigureId,
    number
  >;
  return { index, values, ok: true, figures: { ...figures, ...set }, feasible: true };
}

describe('scatter axes', () => {
  it('plots the first two objectives and colours by the third', () => {
    expect(
      defaultScatterAxes({
        objectives: [
          { figure: 'tpotSeconds', goal: 'min' },
          { figure: 'systemDollars', goal: 'min' },
          { figure: 'decodePowerWatts', goal: 'min' },
        ],
      }),
    ).toEqual({ x: 'tpotSeconds', y: 'systemDollars', colour: 'decodePowerWatts' });
  });

  it('plots tokens/s against J/token when the sweep names no objectives (the document default)', () => {
    expect(defaultScatterAxes({})).toEqual({
      x: 'decodeTokensPerSecond',
      y: 'energyJoulesPerToken',
      colour: null,
    });
  });

  it('pairs a single objective with another figure rather than with itself', () => {
    const axes = defaultScatterAxes({ objectives: [{ figure: 'energyJoulesPerToken', goal: 'min' }] });
    expect(axes.x).toBe('energyJoulesPerToken');
    expect(axes.y).not.toBe(axes.x);
  });

  it("takes an objective's goal, else the figure's own better direction", () => {
    const spec = { objectives: [{ figure: 'tpotSeconds' as const, goal: 'max' as const }] };
    expect(goalOf(spec, 'tpotSeconds')).toBe('max');
    expect(goalOf(spec, 'systemDollars')).toBe('min');
  });
});

describe('sample and front', () => {
  it('draws every point once, a front point in the sample as a front point, in index order', () => {
    const sample = [row(0, {}), row(5, {}), row(9, {})];
    const front = [row(7, {}), row(5, {})];
    const merged = mergeSampleAndFront(sample, front);
    expect(merged.map((point) => [point.row.index, point.front])).toEqual([
      [0, false],
      [5, true],
      [7, true],
      [9, false],
    ]);
  });
});

describe('heat map', () => {
  it('places the backend’s cells by row then column, with the point each opens and the colour range', () => {
    // The backend's cells in any order: (x, y) positions, the best value and the point that has it.
    const grid = heatGridOf({
      xValues: [1, 2],
      yValues: [10, 20],
      cells: [
        { x: 1, y: 1, value: 40, index: 6 },
        { x: 0, y: 1, value: 20, index: 4 },
        { x: 1, y: 0, value: 20, index: 2 },
        { x: 0, y: 0, value: 10, index: 0 },
      ],
    });
    expect(grid.cells).toEqual([
      [0, 0, 10, 0],
      [1, 0, 20, 2],
      [0, 1, 20, 4],
      [1, 1, 40, 6],
    ]);
    expect([grid.min, grid.max]).toEqual([10, 40]);
    // The chart's item n is cell n: hovering or clicking it opens that cell's point.
    expect(grid.cells.map((_, dataIndex) => heatCellPoint(grid, dataIndex))).toEqual([0, 2, 4, 6]);
    expect(heatCellPoint(grid, 4)).toBeUndefined();
  });

  it('has no colour range without cells', () => {
    const grid = heatGridOf({ xValues: [], yValues: [], cells: [] });
    expect(grid.cells).toEqual([]);
    expect([grid.min, grid.max]).toEqual([Infinity, -Infinity]);
  });
});

describe('parallel coordinates', () => {
  it('has an axis per parameter (text ones as categories) then one per objective', () => {
    const axes = parallelAxes(
      { parameters: [{ path: 'workload.model' }, { path: 'workload.batch', label: 'Batch' }] },
      [
        row(0, { 'workload.model': 'llama-3-8b', 'workload.batch': 1 }),
        row(1, { 'workload.model': 'gpt-2', 'workload.batch': 2 }),
      ],
    );
    expect(axes.map((axis) => axis.name)).toEqual([
      'workload.model',
      'Batch',
      'Decode tokens/s',
      'Energy per decode token',
    ]);
    expect(axes[0]?.categories).toEqual(['gpt-2', 'llama-3-8b']);
    expect(axes[1]?.categories).toBeUndefined();
  });
});

describe('tornado', () => {
  it('orders parameters by their widest swing and measures changes from the base', () => {
    const entry = (label: string, base: number, low: number, high: number): SweepSensitivity => ({
      parameter: label,
      label,
      base: 1,
      low: 0.9,
      high: 1.1,
      figures: { tpotSeconds: { base, low, high } },
    });
    const bars = tornadoBars(
      [entry('small', 10, 9, 11), entry('large', 10, 14, 4), entry('none', Number.NaN, 1, 1)],
      'tpotSeconds',
    );
    expect(bars.map((bar) => [bar.label, bar.low, bar.high])).toEqual([
      ['large', 4, -6],
      ['small', -1, 1],
    ]);
  });
});
