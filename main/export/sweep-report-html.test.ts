/**
 * The sweep's report and its rows as CSV and JSON Lines: what a reader of the page or a spreadsheet sees.
 */
import { describe, expect, it } from 'vitest';
import { sweepFigureIds, type SweepFigureId } from '../../engine/sweep/figures';
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepSpec } from '../../engine/sweep/spec';
import {
  sweepCsvHeader,
  sweepCsvRecord,
  sweepJsonLine,
  sweepReportToHtml,
  sweepScatterSvg,
  type SweepReportInput,
} from './sweep-report-html';

const spec: SweepSpec = {
  format: 'tessera.sweep',
  version: 1,
  name: 'HBM <fast> & "cheap"',
  parameters: [
    { path: 'hbm.bandwidthBytesPerSecond', label: 'HBM bandwidth', values: ['2 TB/s', '4, or more'] },
    { path: 'workload.batch', values: [1, 8] },
  ],
  strategy: { kind: 'grid' },
  constraints: [{ figure: 'tpotSeconds', max: 0.05 }],
  objectives: [
    { figure: 'decodeTokensPerSecond', goal: 'max' },
    { figure: 'energyJoulesPerToken', goal: 'min' },
  ],
};

function row(index: number, speed: number, energy: number): SweepRow {
  const figures = Object.fromEntries(sweepFigureIds.map((figure) => [figure, 1])) as Record<
    SweepFigureId,
    number
  >;
  figures.decodeTokensPerSecond = speed;
  figures.energyJoulesPerToken = energy;
  return {
    index,
    values: { 'hbm.bandwidthBytesPerSecond': index % 2 === 0 ? '2 TB/s' : '4, or more', 'workload.batch': 8 },
    ok: true,
    figures,
    feasible: true,
  };
}

function input(front: SweepRow[], sample: SweepRow[]): SweepReportInput {
  return {
    sweep: {
      id: 's-1',
      name: spec.name,
      designId: 'd-1',
      designRevision: 7,
      createdAt: '2026-12-03T16:00:00.000Z',
      status: 'done',
      total: 4,
      evaluated: 4,
      failed: 0,
      feasible: 4,
    },
    spec,
    designName: 'H100 <baseline>',
    objectives: spec.objectives ?? [],
    front,
    frontTotal: front.length,
    best: [front[0], front[1]],
    sample,
    pointDesignName: (index) => `H100 <baseline> — ${spec.name} #${index}`,
    generatedAt: new Date('2026-12-03T17:00:00Z'),
  };
}

describe('the sweep report page', () => {
  const front = [row(1, 300, 2), row(3, 100, 1)];
  const sample = [row(0, 50, 3), row(1, 300, 2), row(2, 80, 2.5), row(3, 100, 1)];
  const html = sweepReportToHtml(input(front, sample));

  it('is self-contained and escapes every name from the sweep and the design', () => {
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html).toContain('HBM &lt;fast&gt; &amp; &quot;cheap&quot;');
    expect(html).not.toContain('<fast>');
    expect(html).not.toContain('<baseline>');
  });

  it('names the design revision, the counts, the constraints and the objectives', () => {
    expect(html).toContain('H100 &lt;baseline&gt; (revision 7)');
    expect(html).toContain('4 of 4 evaluated; 0 failed; 4 feasible');
    expect(html).toContain('TPOT ≤ 0.05');
    expect(html).toContain('maximise Decode tokens/s; minimise Energy per decode token');
  });

  it('lists each front point with an anchor and the design it opens as, and the best point per objective', () => {
    for (const point of front) {
      expect(html).toContain(`id="point-${point.index}"`);
      expect(html).toContain(
        `H100 &lt;baseline&gt; — HBM &lt;fast&gt; &amp; &quot;cheap&quot; #${point.index}`,
      );
    }
    expect(html).toContain('<td>Highest Decode tokens/s</td><td><a href="#point-1">#1</a>');
    expect(html).toContain('<td>Lowest Energy per decode token</td><td><a href="#point-3">#3</a>');
  });

  it('plots the sample faded and the front highlighted', () => {
    const svg = sweepScatterSvg(input(front, sample));
    expect(svg.match(/fill="#dc2626"/g)).toHaveLength(front.length);
    expect(svg.match(/fill="#64748b"/g)).toHaveLength(sample.length);
    // The fastest point sits at the right edge, the slowest at the left.
    const xs = [...svg.matchAll(/<circle cx="([\d.]+)"/g)].map((match) => Number(match[1]));
    expect(Math.max(...xs)).toBeCloseTo(620, 0);
    expect(Math.min(...xs)).toBeCloseTo(70, 0);
  });

  it('says so when there is no feasible point to plot', () => {
    expect(sweepScatterSvg(input([], []))).toBe('<p>No feasible point to plot.</p>');
  });
});

describe('a sweep’s rows as CSV and JSON Lines', () => {
  it('writes a header and RFC 4180 records with the swept values and every figure', () => {
    const header = sweepCsvHeader(spec);
    expect(header).toBe(
      `index,hbm.bandwidthBytesPerSecond,workload.batch,ok,feasible,${sweepFigureIds.join(',')},error,violations\r\n`,
    );
    const record = sweepCsvRecord(spec, row(1, 300, 2));
    const fields = record.trimEnd().split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    expect(fields).toHaveLength(header.trimEnd().split(',').length);
    expect(fields.slice(0, 5)).toEqual(['1', '"4, or more"', '8', 'true', 'true']);
    expect(record.endsWith(',,\r\n')).toBe(true);
  });

  it('writes a failed point with its error and no figures, and a broken constraint in words', () => {
    const failed: SweepRow = { index: 2, values: {}, ok: false, error: 'no "hbm"', feasible: false };
    expect(sweepCsvRecord(spec, failed)).toBe(
      `2,,,false,false,${','.repeat(sweepFigureIds.length - 1)},"no ""hbm""",\r\n`,
    );
    const slow = { ...row(0, 10, 1), feasible: false, violations: ['TPOT 61.2 ms > 50 ms'] };
    expect(sweepCsvRecord(spec, slow).endsWith(',TPOT 61.2 ms > 50 ms\r\n')).toBe(true);
  });

  it('writes one JSON object per line, an unknown figure as null', () => {
    const point = row(0, 10, 1);
    if (point.figures) point.figures.systemDollars = Number.NaN;
    const line = sweepJsonLine(point);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trimEnd()).not.toContain('\n');
    const parsed = JSON.parse(line) as SweepRow;
    expect(parsed.figures?.systemDollars).toBeNull();
    expect(parsed.figures?.decodeTokensPerSecond).toBe(10);
  });
});
