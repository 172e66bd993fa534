/**
 * The error bands the accuracy suite writes to `library/validation/error-bands.json` (schema
 * `engine/schema/error-bands.ts`): the comparisons grouped by preset family (the measured chip), runtime and
 * the headline figure they test, each group's row count, median and 90th-percentile |error| and bias. Every
 * family also gets the pool of all its runtimes, the fallback for a runtime it was not measured with. Pure.
 */
import type { CatalogIndex } from '../../../engine/catalog';
import {
  ALL_RUNTIMES,
  type BandFamily,
  type BandFigure,
  type ErrorBand,
  type ErrorBands,
} from '../../../engine/schema/error-bands';
import { familyLabel, type Comparison } from './mapping';

/** Which headline figure a comparison tests, or `undefined` (single operators and GEMMs test none). */
export function figureOf(comparison: Comparison): BandFigure | undefined {
  if (comparison.kind === 'power') return 'averagePowerWatts';
  const group = comparison.group.split('.')[0] ?? '';
  if (group === 'H1' || group === 'H2') return undefined;
  const metric = comparison.metric;
  if (/^pp\d+/.test(metric)) return 'prefillTokensPerSecond';
  // llama-bench's tgN and ML.ENERGY's generation throughput are one sequence: 1 / step.
  if (/^tg\d+/.test(metric) || /generation throughput/.test(metric)) return 'decodeTokensPerSecond';
  if (/TTFT|1st token/.test(metric)) return 'ttftSeconds';
  if (/ITL|TPOT/.test(metric)) return 'tpotSeconds';
  if (/end-to-end|latency per response/.test(metric)) return 'endToEndSeconds';
  // Output, total-token and request throughput of a server scale together with the decode throughput.
  if (/throughput/.test(metric)) return 'decodeTokensPerSecond';
  return undefined;
}

interface Sample {
  rowId: number;
  errorPercent: number;
}

/** A comparison's samples by figure: a TPOT row also tests 1 / TPOT, the output speed one request sees. */
function samples(comparison: Comparison): [BandFigure, Sample][] {
  const figure = figureOf(comparison);
  if (figure === undefined) return [];
  const sample = { rowId: comparison.rowId, errorPercent: comparison.errorPercent };
  if (figure !== 'tpotSeconds') return [[figure, sample]];
  // Predicted p and measured m of TPOT: the error of 1/p against 1/m is (m/p − 1).
  const inverse = (comparison.measured / comparison.predicted - 1) * 100;
  return [
    [figure, sample],
    ['requestOutputTokensPerSecond', { rowId: comparison.rowId, errorPercent: inverse }],
  ];
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const position = (sorted.length - 1) * fraction;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low);
}

/** Rounded to 0.01 %: the file changes only when a band does. */
const round = (value: number): number => Math.round(value * 100) / 100;

function band(family: string, runtime: string, figure: BandFigure, group: readonly Sample[]): ErrorBand {
  const absolute = group.map((sample) => Math.abs(sample.errorPercent)).sort((a, b) => a - b);
  const signed = group.map((sample) => sample.errorPercent).sort((a, b) => a - b);
  return {
    family,
    runtime,
    figure,
    rows: new Set(group.map((sample) => sample.rowId)).size,
    comparisons: group.length,
    medianAbsoluteErrorPercent: round(percentile(absolute, 0.5)),
    p90AbsoluteErrorPercent: round(percentile(absolute, 0.9)),
    biasPercent: round(percentile(signed, 0.5)),
  };
}

/** The error bands of a validation run. */
export function errorBands(comparisons: readonly Comparison[], catalog: CatalogIndex): ErrorBands {
  const groups = new Map<
    string,
    { family: string; runtime: string; figure: BandFigure; samples: Sample[] }
  >();
  const presetsOf = new Map<string, Set<string>>();
  const add = (family: string, runtime: string, figure: BandFigure, sample: Sample): void => {
    const key = `${family}|${runtime}|${figure}`;
    let group = groups.get(key);
    if (!group) {
      group = { family, runtime, figure, samples: [] };
      groups.set(key, group);
    }
    group.samples.push(sample);
  };
  for (const comparison of comparisons) {
    const family = comparison.family;
    if (family === undefined) continue;
    const found = samples(comparison);
    if (found.length === 0) continue;
    const presets = presetsOf.get(family) ?? new Set([family]);
    if (comparison.designPreset !== undefined) presets.add(comparison.designPreset);
    presetsOf.set(family, presets);
    for (const [figure, sample] of found) {
      add(family, comparison.runtime ?? 'hardware', figure, sample);
      add(family, ALL_RUNTIMES, figure, sample);
    }
  }
  const families: BandFamily[] = [...presetsOf.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, presets]) => {
      const preset = catalog.presets.get(id);
      const computeTypes = new Set<string>();
      for (const member of presets)
        for (const block of catalog.presets.get(member)?.design.blocks ?? [])
          if (catalog.blockTypes.get(block.type)?.category === 'compute') computeTypes.add(block.type);
      return {
        id,
        label: familyLabel(id) ?? preset?.name ?? id,
        ...(preset?.vendor !== undefined ? { vendor: preset.vendor } : {}),
        presets: [...presets].sort(),
        computeTypes: [...computeTypes].sort(),
      };
    });
  const bands = [...groups.values()]
    .map((group) => band(group.family, group.runtime, group.figure, group.samples))
    .sort(
      (a, b) =>
        a.family.localeCompare(b.family) ||
        a.runtime.localeCompare(b.runtime) ||
        a.figure.localeCompare(b.figure),
    );
  const performance = comparisons.filter((comparison) => comparison.kind === 'performance').length;
  const power = comparisons.length - performance;
  return {
    format: 'tessera.errorBands',
    version: 1,
    source: {
      citation:
        'Tessera accuracy suite (`npm run validate`): the presets against the published measurements in library/validation/published-measurements.json',
      original: `${performance} performance and ${power} power comparisons; error = (predicted − measured) / measured`,
    },
    families,
    bands,
  };
}

/** The file's text: two-space JSON, as validate writes it (Prettier leaves the file alone). */
export function errorBandsText(comparisons: readonly Comparison[], catalog: CatalogIndex): string {
  return `${JSON.stringify(errorBands(comparisons, catalog), null, 2)}\n`;
}
