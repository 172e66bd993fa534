import { describe, expect, it } from 'vitest';
import { sweepFigureIds, type SweepFigureId } from '../../../engine/sweep/figures';
import type { SweepRow } from '../../../engine/sweep/row';
import { chartPalette } from '../charts/theme';
import { heatGridOf, mergeSampleAndFront } from './chart-data';
import { describePoint, heatmapSummary, scatterOption, scatterSummary, signed } from './options';

function row(index: number, set: Partial<Record<SweepFigureId, number>>, feasible = true): SweepRow {
  const figures = Object.fromEntries(sweepFigureIds.map((figure) => [figure, 1])) as Record<
    SweepFigureId,
    number
  >;
  return {
    index,
    values: { 'workload.batch': index + 1 },
    ok: true,
    figures: { ...figures, ...set },
    feasible,
  };
}

describe('sweep chart options', () => {
  const sample = [row(0, { tpotSeconds: 0.02 }), row(1, { tpotSeconds: 0.08 }, false)];
  const front = [row(2, { tpotSeconds: 0.01, decodeTokensPerSecond: 900 })];
  const points = mergeSampleAndFront(sample, front);
  const axes = { x: 'decodeTokensPerSecond' as const, y: 'tpotSeconds' as const, colour: null };

  it('draws the front, the other feasible points and the infeasible ones as three series, in display units', () => {
    const option = scatterOption(
      points,
      axes,
      { parameters: [{ path: 'workload.batch' }] },
      chartPalette('light'),
    );
    const series = option.series as { name: string; data: number[][] }[];
    expect(series.map((entry) => [entry.name, entry.data.length])).toEqual([
      ['Infeasible', 1],
      ['Dominated', 1],
      ['Pareto front', 1],
    ]);
    // TPOT is plotted in ms; the point's index rides along for its tooltip and a click.
    expect(series[2]?.data[0]).toEqual([900, 10, 0, 2]);
  });

  it('says what the scatter shows and names the front points', () => {
    expect(scatterSummary(points, axes)).toBe(
      'TPOT against Decode tokens/s for 3 points, 1 on the Pareto front: point #2 (900 tokens/s, 10 ms).',
    );
  });

  it("lists a hovered point's values and figures, the charted ones first, and why it is infeasible", () => {
    const text = describePoint(
      { ...row(4, { tpotSeconds: 0.0612 }, false), violations: ['TPOT 61.2 ms > 50 ms'] },
      { parameters: [{ path: 'workload.batch', label: 'Batch' }] },
      ['tpotSeconds'],
    );
    expect(text.split('<br>').slice(0, 3)).toEqual([
      '<strong>Point #4</strong> (infeasible)',
      'Batch: 5',
      'TPOT: 61.2 ms',
    ]);
    expect(text).toContain('⚠ TPOT 61.2 ms &gt; 50 ms');
  });

  it('names the best cell of a heat map with its parameter values in their units', () => {
    const grid = heatGridOf({
      xValues: [2e12, 4e12],
      yValues: [''],
      cells: [
        { x: 0, y: 0, value: 100, index: 0 },
        { x: 1, y: 0, value: 300, index: 1 },
      ],
    });
    expect(
      heatmapSummary(
        grid,
        { x: 'Bandwidth', y: null, xUnit: 'bytesPerSecond' },
        'decodeTokensPerSecond',
        'max',
      ),
    ).toBe(
      'Best Decode tokens/s over 2 values of Bandwidth: 300 tokens/s at Bandwidth 4 TB/s (point #1). ' +
        '2 of 2 cells have a point.',
    );
  });

  it('signs a tornado change', () => {
    expect(signed('tpotSeconds', -0.0032)).toBe('−3.2 ms');
    expect(signed('decodeTokensPerSecond', 120)).toBe('+120 tokens/s');
  });
});
