/**
 * Presets: whole architectures from public datasheets, and small starting templates. A preset is a design
 * document plus what the datasheet says the design should add up to (checked by a test that derives the same
 * figures from the blocks).
 */
import { z } from 'zod';
import { libraryIdSchema, sourceSchema } from './common';
import { designSchema } from './design';

/** Datasheet figures for the whole preset (all chips), in SI units, each with the source's own figure. */
export const datasheetFigureSchema = z.strictObject({
  value: z.number().positive(),
  source: sourceSchema.refine((source) => source.original !== undefined, {
    message: 'a datasheet figure keeps the original figure as printed',
    path: ['original'],
  }),
});

export const presetSchema = z.strictObject({
  format: z.literal('tessera.preset'),
  version: z.literal(1),
  id: libraryIdSchema,
  name: z.string().min(1),
  kind: z.enum(['preset', 'template']),
  /** One line for the preset picker: what it is and its headline figures. */
  summary: z.string().min(10),
  vendor: z.string().optional(),
  source: sourceSchema,
  datasheet: z
    .strictObject({
      peakDenseBf16FlopsPerSecond: datasheetFigureSchema.optional(),
      memoryBandwidthBytesPerSecond: datasheetFigureSchema.optional(),
      memoryCapacityBytes: datasheetFigureSchema.optional(),
      powerWatts: datasheetFigureSchema.optional(),
    })
    .optional(),
  design: designSchema,
});
export type Preset = z.infer<typeof presetSchema>;
