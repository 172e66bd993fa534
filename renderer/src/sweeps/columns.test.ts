import { describe, expect, it } from 'vitest';
import { sweepFigureIds, type SweepFigureId } from '../../../engine/sweep/figures';
import type { SweepRow } from '../../../engine/sweep/row';
import { cellText, formatEta, formatFigure, figureTitle, sweepColumns } from './columns';

const figures = Object.fromEntries(sweepFigureIds.map((figure) => [figure, 1])) as Record<
  SweepFigureId,
  number
>;

describe('sweep columns', () => {
  it('shows latencies in milliseconds, throughput in tokens/s, area in mm² and money in dollars', () => {
    expect(formatFigure('tpotSeconds', 0.0612)).toBe('61.2 ms');
    expect(formatFigure('ttftSeconds', 1.5)).toBe('1,500 ms');
    expect(formatFigure('decodeTokensPerSecond', 12_345.6)).toBe('12,346 tokens/s');
    expect(formatFigure('dieAreaSquareMillimetres', 814)).toBe('814 mm²');
    expect(formatFigure('systemDollars', 412_000)).toBe('$412,000');
    expect(formatFigure('energyJoulesPerToken', 0.00431)).toBe('0.00431 J');
    expect(formatFigure('fits', 1)).toBe('yes');
    expect(formatFigure('fits', 0)).toBe('no');
  });

  it('shows a missing figure (no area section, a failed point) as a dash', () => {
    expect(formatFigure('systemDollars', Number.NaN)).toBe('—');
    expect(formatFigure('tpotSeconds', undefined)).toBe('—');
  });

  it('names each figure column with its display unit', () => {
    expect(figureTitle('tpotSeconds')).toBe('TPOT (ms)');
    expect(figureTitle('chipsUsed')).toBe('Chips used');
  });

  it('has the point, every parameter (by label, else path), every figure and feasibility as columns', () => {
    const columns = sweepColumns({
      parameters: [
        { path: 'hbm.bandwidthBytesPerSecond', label: 'HBM bandwidth' },
        { path: 'workload.batch' },
      ],
    });
    expect(columns.map((column) => column.title).slice(0, 3)).toEqual([
      'Point #',
      'HBM bandwidth',
      'workload.batch',
    ]);
    expect(columns).toHaveLength(1 + 2 + sweepFigureIds.length + 1);
    expect(columns.at(-1)?.kind).toBe('feasible');
  });

  it('numbers points by their index, as the CSV and the name of an opened point do, and says why one is infeasible or failed', () => {
    const columns = sweepColumns({ parameters: [{ path: 'workload.batch' }] });
    const [point, batch, tpot] = [
      columns[0],
      columns[1],
      columns.find((column) => column.key === 'tpotSeconds'),
    ];
    const feasible = columns.at(-1);
    if (!point || !batch || !tpot || !feasible) throw new Error('columns missing');
    const row: SweepRow = {
      index: 4,
      values: { 'workload.batch': 8 },
      ok: true,
      figures: { ...figures, tpotSeconds: 0.0612 },
      feasible: false,
      violations: ['TPOT 61.2 ms > 50 ms'],
    };
    expect(cellText(point, row)).toBe('#4');
    expect(cellText(batch, row)).toBe('8');
    // The column title carries the unit ("TPOT (ms)"); each cell is the number in it.
    expect(cellText(tpot, row)).toBe('61.2');
    expect(cellText(feasible, row)).toBe('no: TPOT 61.2 ms > 50 ms');
    const failed: SweepRow = { index: 0, values: {}, ok: false, error: 'no such block', feasible: false };
    expect(cellText(tpot, failed)).toBe('—');
    expect(cellText(feasible, failed)).toBe('failed: no such block');
  });

  it("shows a parameter's values in its unit when the design names it", () => {
    const spec = { parameters: [{ path: 'hbm.bandwidthBytesPerSecond' }] };
    const [, bandwidth] = sweepColumns(spec, new Map([['hbm.bandwidthBytesPerSecond', 'bytesPerSecond']]));
    const [, plain] = sweepColumns(spec);
    if (!bandwidth || !plain) throw new Error('columns missing');
    const row: SweepRow = {
      index: 0,
      values: { 'hbm.bandwidthBytesPerSecond': 3.35e12 },
      ok: true,
      feasible: true,
    };
    expect(cellText(bandwidth, row)).toBe('3.35 TB/s');
    expect(cellText(plain, row)).toBe('3,350,000,000,000');
  });

  it('says the time left in seconds, minutes or hours', () => {
    expect(formatEta(null)).toBe('—');
    expect(formatEta(12.4)).toBe('about 12 s');
    expect(formatEta(600)).toBe('about 10 min');
    expect(formatEta(3 * 3600)).toBe('about 3 h');
  });
});
