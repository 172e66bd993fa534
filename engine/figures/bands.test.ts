import { describe, expect, test } from 'vitest';
import { evaluate } from '../evaluate';
import type { Report } from '../report';
import type { DesignDocument } from '../schema/design';
import type { ErrorBand, ErrorBands } from '../schema/error-bands';
import { defaultWorkload, type Workload } from '../schema/workload';
import { testCatalog, testDesign } from '../testing/fixtures';
import { designFamily, MIN_BAND_ROWS, reportRanges, withRangeKeys } from './bands';

/** A band of the fictitious "Array" family measured with `runtime`. */
const band = (figure: ErrorBand['figure'], runtime: string, rows: number, median: number): ErrorBand => ({
  family: 'array-chip',
  runtime,
  figure,
  rows,
  comparisons: rows,
  medianAbsoluteErrorPercent: median,
  p90AbsoluteErrorPercent: median * 3,
  biasPercent: median / 2,
});

const bands: ErrorBands = {
  format: 'tessera.errorBands',
  version: 1,
  source: { citation: 'the accuracy suite of this test' },
  families: [
    {
      id: 'array-chip',
      label: 'Array',
      vendor: 'Acme',
      presets: ['array-chip', 'array-node'],
      computeTypes: ['test.array'],
    },
    { id: 'vector-chip', label: 'Vector', presets: ['vector-chip'], computeTypes: ['test.vector'] },
  ],
  bands: [
    band('decodeTokensPerSecond', 'all', 212, 18),
    band('decodeTokensPerSecond', 'hardware', 40, 9.24),
    band('ttftSeconds', 'all', 30, 50),
    band('ttftSeconds', 'hardware', MIN_BAND_ROWS - 1, 5),
    band('tpotSeconds', 'hardware', MIN_BAND_ROWS, 12),
  ],
};

const catalog = testCatalog({ errorBands: bands });
const noBands = testCatalog();

function design(preset: string | undefined, computeType = 'test.array'): DesignDocument {
  const drawn = testDesign({ tile: { type: computeType }, dram: { type: 'test.dram' } }, [['tile', 'dram']]);
  return preset === undefined ? drawn : { ...drawn, meta: { preset } };
}

const workload = (extra: Partial<Workload> = {}): Workload => ({
  ...defaultWorkload('toy'),
  batch: 4,
  inputTokens: 32,
  outputTokens: 8,
  ...extra,
});

function run(document: DesignDocument, index = catalog, extra: Partial<Workload> = {}): Report {
  const result = evaluate({ design: document, workload: workload(extra) }, index);
  if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.report;
}

describe('the family of a design', () => {
  test("is its preset's family when a family lists the preset, a system of the chip included", () => {
    expect(designFamily(design('array-node'), catalog)).toEqual({
      family: bands.families[0],
      closest: false,
    });
  });

  test('without a preset, is the family sharing its compute block types, marked as borrowed', () => {
    expect(designFamily(design(undefined, 'test.vector'), catalog)?.family.id).toBe('vector-chip');
    expect(designFamily(design(undefined, 'test.vector'), catalog)?.closest).toBe(true);
  });

  test('is none when no family shares a compute block type', () => {
    expect(designFamily(design(undefined, 'test.sm'), catalog)).toBeUndefined();
  });
});

describe('report.ranges', () => {
  test('every evaluation carries them: the figure ± the median |error| of its family and runtime', () => {
    const report = run(design('array-chip'));
    const decode = report.decode.tokensPerSecond;
    expect(report.ranges?.decodeTokensPerSecond).toEqual({
      value: decode,
      low: decode * (1 - 9.24 / 100),
      high: decode * (1 + 9.24 / 100),
      errorPercent: 9.24,
      rows: 40,
      basis: '±9.2 % on 40 published Array rows',
    });
  });

  test('a runtime the family was not measured with takes the pool of all its runtimes, and says so', () => {
    const report = run(design('array-chip'));
    const ranges = reportRanges(
      { ...report, workload: { ...report.workload, runtime: 'vllm' } },
      design('array-chip'),
      catalog,
    );
    const decode = report.decode.tokensPerSecond;
    expect(ranges.decodeTokensPerSecond.low).toBeCloseTo(decode * 0.82, 9);
    expect(ranges.decodeTokensPerSecond.high).toBeCloseTo(decode * 1.18, 9);
    expect(ranges.decodeTokensPerSecond.basis).toBe('±18 % on 212 published Array rows (all runtimes)');
  });

  test(`a band of fewer than ${MIN_BAND_ROWS} rows gives way to the pool`, () => {
    const report = run(design('array-chip'));
    expect(report.ranges?.ttftSeconds.errorPercent).toBe(50);
    expect(report.ranges?.ttftSeconds.low).toBe(report.request.ttftSeconds * 0.5);
    expect(report.ranges?.tpotSeconds.basis).toBe('±12 % on 3 published Array rows');
  });

  test('a design with no preset borrows the closest family and says so', () => {
    const report = run(design(undefined));
    expect(report.ranges?.decodeTokensPerSecond.basis).toBe(
      '±9.2 % on 40 published Array rows (closest measured family)',
    );
  });

  test('without a family, or without rows of a figure, a range has only its reason', () => {
    const unlike = run(design(undefined, 'test.sm'));
    expect(unlike.ranges?.decodeTokensPerSecond).toEqual({
      value: unlike.decode.tokensPerSecond,
      rows: 0,
      basis: 'no published rows: no measured family is like this design',
    });
    const report = run(design('array-chip'));
    expect(report.ranges?.prefillTokensPerSecond).toEqual({
      value: report.prefill.tokensPerSecond,
      rows: 0,
      basis: 'no published Array rows of this figure',
    });
    expect(report.ranges?.decodeEnergyJoulesPerToken.rows).toBe(0);
    expect(report.ranges?.decodeEnergyJoulesPerToken.low).toBeUndefined();
  });

  test('a library without bands says how to make them', () => {
    expect(run(design('array-chip'), noBands).ranges?.decodeTokensPerSecond.basis).toMatch(
      /npm run validate/,
    );
  });

  test('a low end is never below zero', () => {
    const wide: ErrorBands = { ...bands, bands: [band('decodeTokensPerSecond', 'all', 10, 150)] };
    const report = run(design('array-chip'), testCatalog({ errorBands: wide }));
    expect(report.ranges?.decodeTokensPerSecond.low).toBe(0);
    expect(report.ranges?.decodeTokensPerSecond.high).toBe(report.decode.tokensPerSecond * 2.5);
  });
});

describe('withRangeKeys (simulate --json)', () => {
  test('puts each range beside its figure as …Range and leaves the report alone', () => {
    const report = run(design('array-chip'));
    const json = withRangeKeys(report) as {
      decode: Record<string, unknown>;
      request: Record<string, unknown>;
      prefill: Record<string, unknown>;
    };
    expect(json.decode.tokensPerSecondRange).toEqual(report.ranges?.decodeTokensPerSecond);
    expect(json.request.ttftSecondsRange).toEqual(report.ranges?.ttftSeconds);
    expect(json.request.tpotSecondsRange).toEqual(report.ranges?.tpotSeconds);
    expect(json.prefill.averagePowerWattsRange).toEqual(report.ranges?.prefillAveragePowerWatts);
    expect('tokensPerSecondRange' in report.decode).toBe(false);
  });
});
