import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { indexCatalog } from '../../../engine/catalog';
import { errorBandsSchema } from '../../../engine/schema/error-bands';
import { loadLibrary, locateLibrary } from '../../services/library-loader';
import { compareAll, defaultMeasurementsFile } from '../validate';
import { errorBands, errorBandsText, figureOf } from './bands';
import type { Comparison } from './mapping';
import { loadMeasurements } from './measurements';

const libraryRoot = locateLibrary(import.meta.dirname);

async function libraryCatalog() {
  const { catalog, problems } = await loadLibrary(libraryRoot);
  expect(problems).toEqual([]);
  return indexCatalog(catalog);
}

let nextRow = 1;
function comparison(
  extra: Partial<Comparison> & Pick<Comparison, 'metric' | 'measured' | 'predicted'>,
): Comparison {
  return {
    rowId: nextRow++,
    group: 'F5. serving',
    setting: 'online serving, TensorRT-LLM (Triton)',
    hardware: 'H100 SXM',
    model: 'Llama',
    kind: 'performance',
    unit: 'ms',
    note: undefined,
    family: 'nvidia-h100-sxm',
    designPreset: 'nvidia-h100-sxm',
    runtime: 'tensorrt-llm',
    errorPercent: ((extra.predicted - extra.measured) / extra.measured) * 100,
    ...extra,
  };
}

describe('figureOf', () => {
  test('names the headline figure each kind of published metric tests', () => {
    const of = (metric: string, extra: Partial<Comparison> = {}) =>
      figureOf(comparison({ metric, measured: 1, predicted: 1, ...extra }));
    expect(of('pp512')).toBe('prefillTokensPerSecond');
    expect(of('tg128')).toBe('decodeTokensPerSecond');
    expect(of('mean TTFT')).toBe('ttftSeconds');
    expect(of('median ITL')).toBe('tpotSeconds');
    expect(of('end-to-end batch latency')).toBe('endToEndSeconds');
    expect(of('total output throughput')).toBe('decodeTokensPerSecond');
    expect(of('average GPU power over the request', { kind: 'power' })).toBe('averagePowerWatts');
    expect(of('Q_K_V latency', { group: 'H1. LLMCompass' })).toBeUndefined();
  });
});

describe('errorBands', () => {
  test('groups by family, runtime and figure, with rows, median and p90 |error| and bias', async () => {
    const catalog = await libraryCatalog();
    // Five TTFT rows with errors −40, −20, 0, +10, +30 %: median |error| 20, p90 between 30 and 40, bias 0.
    const errors = [-40, -20, 0, 10, 30];
    const rows = errors.map((error) => comparison({ metric: 'TTFT', measured: 100, predicted: 100 + error }));
    const result = errorBands(rows, catalog);
    const exact = result.bands.find(
      (band) => band.runtime === 'tensorrt-llm' && band.figure === 'ttftSeconds',
    );
    expect(exact).toEqual({
      family: 'nvidia-h100-sxm',
      runtime: 'tensorrt-llm',
      figure: 'ttftSeconds',
      rows: 5,
      comparisons: 5,
      medianAbsoluteErrorPercent: 20,
      // Sorted |errors| 0, 10, 20, 30, 40: the 90th percentile lies 60 % of the way from 30 to 40.
      p90AbsoluteErrorPercent: 36,
      biasPercent: 0,
    });
    const pooled = result.bands.find((band) => band.runtime === 'all' && band.figure === 'ttftSeconds');
    expect({ ...pooled, runtime: 'tensorrt-llm' }).toEqual(exact);
  });

  test('a TPOT row also bands 1 / TPOT with the error of the inverse', async () => {
    const catalog = await libraryCatalog();
    // Predicted 8 ms against 10 ms measured: TPOT −20 %, while 125 tok/s against 100 tok/s is +25 %.
    const result = errorBands([comparison({ metric: 'ITL', measured: 10, predicted: 8 })], catalog);
    const band = (figure: string) =>
      result.bands.find((entry) => entry.runtime === 'tensorrt-llm' && entry.figure === figure);
    expect(band('tpotSeconds')?.biasPercent).toBeCloseTo(-20, 9);
    expect(band('requestOutputTokensPerSecond')?.biasPercent).toBeCloseTo(25, 9);
  });

  test('a family lists the presets whose designs ran and their compute block types, named as the text says', async () => {
    const catalog = await libraryCatalog();
    const result = errorBands(
      [
        comparison({ metric: 'TTFT', measured: 1, predicted: 1 }),
        comparison({ metric: 'TTFT', measured: 1, predicted: 1, designPreset: 'nvidia-dgx-h100' }),
      ],
      catalog,
    );
    expect(result.families).toEqual([
      {
        id: 'nvidia-h100-sxm',
        label: 'H100',
        vendor: 'NVIDIA',
        presets: ['nvidia-dgx-h100', 'nvidia-h100-sxm'],
        computeTypes: ['compute.tensor-cluster'],
      },
    ]);
    expect(errorBandsSchema.safeParse(result).success).toBe(true);
  });
});

describe('library/validation/error-bands.json', () => {
  test('is what a fresh `npm run validate` writes (run it to refresh the file)', async () => {
    const catalog = await libraryCatalog();
    const { comparisons } = compareAll(await loadMeasurements(defaultMeasurementsFile()), catalog);
    const committed = await readFile(join(libraryRoot, 'validation', 'error-bands.json'), 'utf8');
    expect(committed).toBe(errorBandsText(comparisons, catalog));
    // The whole suite: ~450 served rows each build a step-cost model and simulate their benchmark (about 10 s of
    // one core; a shared machine stretches it).
  }, 180_000);
});
