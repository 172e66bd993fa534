/**
 * Error bands on a report's headline figures: how far the engine was from published measurements for the
 * closest preset family and runtime, from the accuracy suite's `library/validation/error-bands.json`
 * (`Catalog.errorBands`). A figure's range is the figure ± the median |error| of those rows (half of them lay
 * within it), with its basis in words: "±18 % on 212 published H100 rows".
 *
 * The family is the design's preset's (`meta.preset`); a design from no measured preset borrows the closest
 * family — most compute block types in common, then the same vendor — and says so; a design like none of them
 * gets no band, only the reason.
 */
import type { CatalogIndex } from '../catalog';
import type { FigureRange, Report, ReportRanges } from '../report';
import type { DesignDocument } from '../schema/design';
import {
  ALL_RUNTIMES,
  HARDWARE_RUNTIME,
  type BandFamily,
  type BandFigure,
  type ErrorBand,
  type ErrorBands,
} from '../schema/error-bands';
import { reportFigures } from './headline';

/** Fewer rows than this make no band: the median of one or two rows says little. */
export const MIN_BAND_ROWS = 3;

/** The family a design's figures are judged by, and whether it is borrowed (the design is not of it). */
export interface DesignFamily {
  family: BandFamily;
  closest: boolean;
}

const familyCache = new WeakMap<CatalogIndex, WeakMap<DesignDocument, DesignFamily | null>>();
const bandIndexCache = new WeakMap<ErrorBands, Map<string, ErrorBand>>();

function bandKey(family: string, runtime: string, figure: BandFigure): string {
  return `${family}\u0000${runtime}\u0000${figure}`;
}

function bandIndex(bands: ErrorBands): Map<string, ErrorBand> {
  let index = bandIndexCache.get(bands);
  if (!index) {
    index = new Map(bands.bands.map((band) => [bandKey(band.family, band.runtime, band.figure), band]));
    bandIndexCache.set(bands, index);
  }
  return index;
}

/** The block types of a design's compute blocks, each once. */
function computeTypes(design: DesignDocument, catalog: CatalogIndex): Set<string> {
  const types = new Set<string>();
  for (const block of design.blocks)
    if (catalog.blockTypes.get(block.type)?.category === 'compute') types.add(block.type);
  return types;
}

/**
 * The family a design belongs to: its preset's, else the closest by compute block types (Jaccard overlap)
 * with the vendor of its preset as a tie-breaker, then the family with more rows. `undefined` when no family
 * shares a compute block type with the design.
 */
export function designFamily(design: DesignDocument, catalog: CatalogIndex): DesignFamily | undefined {
  const bands = catalog.catalog.errorBands;
  if (!bands) return undefined;
  let perCatalog = familyCache.get(catalog);
  if (!perCatalog) {
    perCatalog = new WeakMap();
    familyCache.set(catalog, perCatalog);
  }
  const cached = perCatalog.get(design);
  if (cached !== undefined) return cached ?? undefined;
  const found = findFamily(design, catalog, bands);
  perCatalog.set(design, found ?? null);
  return found;
}

function findFamily(
  design: DesignDocument,
  catalog: CatalogIndex,
  bands: ErrorBands,
): DesignFamily | undefined {
  const presetId = design.meta?.preset;
  const own =
    presetId === undefined ? undefined : bands.families.find((family) => family.presets.includes(presetId));
  if (own) return { family: own, closest: false };
  const vendor = presetId === undefined ? undefined : catalog.presets.get(presetId)?.vendor;
  const types = computeTypes(design, catalog);
  const rowsOf = (family: BandFamily): number =>
    bands.bands
      .filter((band) => band.family === family.id && band.runtime === ALL_RUNTIMES)
      .reduce((sum, band) => sum + band.rows, 0);
  let best: { family: BandFamily; score: number; rows: number } | undefined;
  for (const family of bands.families) {
    const shared = family.computeTypes.filter((type) => types.has(type)).length;
    if (shared === 0) continue;
    const union = new Set([...family.computeTypes, ...types]).size;
    const score = shared / union + (vendor !== undefined && family.vendor === vendor ? 0.5 : 0);
    const rows = rowsOf(family);
    if (
      !best ||
      score > best.score ||
      (score === best.score && (rows > best.rows || (rows === best.rows && family.id < best.family.id)))
    )
      best = { family, score, rows };
  }
  return best ? { family: best.family, closest: true } : undefined;
}

/** A percentage as the basis says it: "18 %" from 10 up, "9.2 %" below. */
export function formatBandPercent(percent: number): string {
  return `${percent >= 10 ? percent.toFixed(0) : percent.toFixed(1)} %`;
}

/** The band of one figure: the family's rows of the report's runtime, else of every runtime pooled. */
function figureRange(
  value: number,
  figure: BandFigure | undefined,
  runtime: string,
  found: DesignFamily | undefined,
  bands: ErrorBands | undefined,
): FigureRange {
  if (!bands) return { value, rows: 0, basis: 'no error bands in the library (run `npm run validate`)' };
  if (!found) return { value, rows: 0, basis: 'no published rows: no measured family is like this design' };
  const { family, closest } = found;
  if (figure === undefined)
    return { value, rows: 0, basis: `no published rows measure this figure (${family.label} or any other)` };
  const index = bandIndex(bands);
  const exact = index.get(bandKey(family.id, runtime, figure));
  const pooled = index.get(bandKey(family.id, ALL_RUNTIMES, figure));
  const band =
    exact && exact.rows >= MIN_BAND_ROWS
      ? exact
      : pooled && pooled.rows >= MIN_BAND_ROWS
        ? pooled
        : undefined;
  if (!band) return { value, rows: 0, basis: `no published ${family.label} rows of this figure` };
  const error = band.medianAbsoluteErrorPercent;
  const notes = [
    ...(band === pooled && exact !== pooled ? ['all runtimes'] : []),
    ...(closest ? ['closest measured family'] : []),
  ];
  return {
    value,
    low: Math.max(0, value * (1 - error / 100)),
    high: value * (1 + error / 100),
    errorPercent: error,
    rows: band.rows,
    basis: `±${formatBandPercent(error)} on ${band.rows} published ${family.label} rows${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`,
  };
}

/** The error band of every headline figure of a report of `design`. */
export function reportRanges(report: Report, design: DesignDocument, catalog: CatalogIndex): ReportRanges {
  const bands = catalog.catalog.errorBands;
  const found = designFamily(design, catalog);
  const runtime = report.workload.runtime ?? HARDWARE_RUNTIME;
  const figures = reportFigures(report);
  const range = (value: number, figure: BandFigure | undefined): FigureRange =>
    figureRange(value, figure, runtime, found, bands);
  return {
    ttftSeconds: range(figures.ttftSeconds, 'ttftSeconds'),
    tpotSeconds: range(figures.tpotSeconds, 'tpotSeconds'),
    endToEndSeconds: range(figures.endToEndSeconds, 'endToEndSeconds'),
    prefillTokensPerSecond: range(figures.prefill.tokensPerSecond, 'prefillTokensPerSecond'),
    decodeTokensPerSecond: range(figures.decode.tokensPerSecond, 'decodeTokensPerSecond'),
    requestOutputTokensPerSecond: range(figures.requestOutputTokensPerSecond, 'requestOutputTokensPerSecond'),
    prefillAveragePowerWatts: range(figures.prefill.averagePowerWatts, 'averagePowerWatts'),
    decodeAveragePowerWatts: range(figures.decode.averagePowerWatts, 'averagePowerWatts'),
    // No published row measures energy per token by itself.
    decodeEnergyJoulesPerToken: range(figures.decode.energyJoulesPerToken, undefined),
  };
}

/** Where each range sits in the report's own JSON: `request.ttftSeconds` gets `request.ttftSecondsRange`. */
export const rangePaths: Readonly<Record<keyof ReportRanges, readonly [string, string]>> = {
  ttftSeconds: ['request', 'ttftSeconds'],
  tpotSeconds: ['request', 'tpotSeconds'],
  endToEndSeconds: ['request', 'endToEndSeconds'],
  prefillTokensPerSecond: ['prefill', 'tokensPerSecond'],
  decodeTokensPerSecond: ['decode', 'tokensPerSecond'],
  requestOutputTokensPerSecond: ['request', 'outputTokensPerSecond'],
  prefillAveragePowerWatts: ['prefill', 'averagePowerWatts'],
  decodeAveragePowerWatts: ['decode', 'averagePowerWatts'],
  decodeEnergyJoulesPerToken: ['decode', 'energyJoulesPerToken'],
};

/**
 * The report as `tessera simulate --json` prints it: each headline figure with its band beside it under the
 * figure's name + `Range` (`decode.tokensPerSecondRange`), besides the whole set in `ranges`. A new object; the
 * report is not changed.
 */
export function withRangeKeys(report: Report): Record<string, unknown> {
  const ranges = report.ranges;
  if (!ranges) return { ...report };
  const sections: Record<string, Record<string, unknown>> = {
    request: { ...report.request },
    prefill: { ...report.prefill },
    decode: { ...report.decode },
  };
  for (const [name, [section, key]] of Object.entries(rangePaths) as [
    keyof ReportRanges,
    [string, string],
  ][]) {
    const target = sections[section];
    if (target) target[`${key}Range`] = ranges[name];
  }
  return { ...report, ...sections };
}
