/**
 * Error bands: how far the engine's headline figures were from published measurements, per preset family,
 * runtime and figure. `npm run validate` writes them to `library/validation/error-bands.json` on every run over
 * the library's own measurements; `engine/figures/bands.ts` turns them into the range each report's figures
 * carry. Errors are (predicted − measured) / measured, in percent.
 */
import { z } from 'zod';
import { libraryIdSchema, nonNegative, sourceSchema } from './common';

/** The headline figures a band can be about (the keys of `Report.ranges`). */
export const bandFigures = [
  'ttftSeconds',
  'tpotSeconds',
  'endToEndSeconds',
  'prefillTokensPerSecond',
  'decodeTokensPerSecond',
  'requestOutputTokensPerSecond',
  'averagePowerWatts',
] as const;
export type BandFigure = (typeof bandFigures)[number];

/** The runtime of rows measured on the hardware alone (no runtime profile), and the pool of every runtime. */
export const HARDWARE_RUNTIME = 'hardware';
export const ALL_RUNTIMES = 'all';

/** A preset family: the chip the measurements were taken on and the presets built from it. */
export const bandFamilySchema = z.strictObject({
  /** The preset of the measured chip (`nvidia-h100-sxm`). */
  id: libraryIdSchema,
  /** How the text names it: "H100". */
  label: z.string().min(1),
  vendor: z.string().optional(),
  /** Every preset whose design counts as this family (the chip, and systems of it such as a DGX). */
  presets: z.array(libraryIdSchema).min(1),
  /** Block types of the family's compute blocks, to find the closest family of a design without a preset. */
  computeTypes: z.array(z.string()),
});
export type BandFamily = z.infer<typeof bandFamilySchema>;

export const errorBandSchema = z.strictObject({
  family: libraryIdSchema,
  /** A runtime profile id, `hardware`, or `all` (every runtime of the family pooled). */
  runtime: z.string().min(1),
  figure: z.enum(bandFigures),
  /** Published measurement rows behind the band. */
  rows: z.number().int().min(1),
  comparisons: z.number().int().min(1),
  medianAbsoluteErrorPercent: nonNegative(),
  p90AbsoluteErrorPercent: nonNegative(),
  /** Median signed error: positive means the engine was optimistic (predicted more than measured). */
  biasPercent: z.number(),
});
export type ErrorBand = z.infer<typeof errorBandSchema>;

export const errorBandsSchema = z.strictObject({
  format: z.literal('tessera.errorBands'),
  version: z.literal(1),
  source: sourceSchema,
  families: z.array(bandFamilySchema),
  bands: z.array(errorBandSchema),
});
export type ErrorBands = z.infer<typeof errorBandsSchema>;
