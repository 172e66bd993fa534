import { describe, expect, it } from 'vitest';
import { sweepFigureIds, type SweepFigureId } from '../../../engine/sweep/figures';
import type { SweepRow } from '../../../engine/sweep/row';
import type { SweepSensitivity } from '../../../main/contract/api';
import {
  defaultScatterAxes,
  goalOf,
  heatGrid,
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
  it('keeps the best value of each pair of parameter values over the other parameters', () => {
    const rows: SweepRow[] = [];
    let index = 0;
    for (const x of [1, 2])
      for (const y of [10, 20])
        for (const z of [0, 1]) rows.push(row(index++, { x, y, z }, { tpotSeconds: x * y + z }));
    const grid = heatGrid(rows, 'x', 'y', 'tpotSeconds', 'min');
    expect(grid.xValues).toEqual([1, 2]);
    expect(grid.yValues).toEqual([10, 20]);
    // The best (lowest) TPOT of each (x, y) is x·y with z = 0.
    expect(grid.cells).toEqual([
      [0, 0, 10],
      [1, 0, 20],
      [0, 1, 20],
      [1, 1, 40],
    ]);
    expect([grid.min, grid.max]).toEqual([10, 40]);
    const highest = heatGrid(rows, 'x', 'y', 'tpotSeconds', 'max');
    expect(highest.cells.map((cell) => cell[2])).toEqual([11, 21, 21, 41]);
  });

  it('sorts numbers numerically and leaves out failed points', () => {
    const failed: SweepRow = { index: 9, values: { x: 3 }, ok: false, feasible: false, error: 'no' };
    const grid = heatGrid(
      [row(0, { x: 10 }, { fits: 1 }), row(1, { x: 9 }, { fits: 1 }), failed],
      'x',
      null,
      'fits',
      'max',
    );
    expect(grid.xValues).toEqual([9, 10]);
    expect(grid.cells).toHaveLength(2);
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
