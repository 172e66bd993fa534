/**
 * The design document: one JSON value that describes an architecture. It is the canvas state, the export
 * format, the CLI input and the body of every preset. See ARCHITECTURE.md, "The design document".
 */
import { z } from 'zod';
import { boundedText, countSchema, finite, idSchema, nonNegative, positive, sourceSchema } from './common';
import { tableRowSchema } from './block-type';

export const DESIGN_FORMAT = 'tessera.design';
export const DESIGN_VERSION = 1;

export const positionSchema = z.strictObject({ x: finite(), y: finite() });
export type Position = z.infer<typeof positionSchema>;

/** A parameter value: a number in SI units, an option of an enum parameter, or the rows of a table parameter. */
export const paramValueSchema = z.union([finite(), boundedText(2000), z.array(tableRowSchema)]);
export type ParamValue = z.infer<typeof paramValueSchema>;

export const blockSchema = z.strictObject({
  id: idSchema,
  /** A block type id from the library, e.g. `compute.systolic`. */
  type: boundedText(120).min(1),
  name: boundedText(120).min(1),
  /** Values that differ from the block type's defaults (omitted parameters take the default). */
  params: z.record(z.string(), paramValueSchema),
  position: positionSchema,
});
export type Block = z.infer<typeof blockSchema>;

export const endpointSchema = z.strictObject({ block: idSchema, port: boundedText(80).min(1) });
export type Endpoint = z.infer<typeof endpointSchema>;

/** A link's own limits. Omitted ones are not limits: the blocks at each end bound the path instead. */
export const linkParamsSchema = z.strictObject({
  bandwidthBytesPerSecond: positive().optional(),
  latencySeconds: nonNegative().optional(),
  energyJoulesPerBit: nonNegative().optional(),
});
export type LinkParams = z.infer<typeof linkParamsSchema>;

/**
 * The ranges `checkDesign` holds a link's own limits to, and the Inspector offers. Past them a figure stops being
 * physical (a joule per bit makes power infinite); the energy bound is the library's for memories and networks.
 */
export const linkParamRanges = {
  bandwidthBytesPerSecond: { name: 'Bandwidth', unit: 'bytesPerSecond', min: 1, max: 1e16 },
  latencySeconds: { name: 'Latency', unit: 'seconds', min: 0, max: 1 },
  energyJoulesPerBit: { name: 'Energy per bit', unit: 'joulesPerBit', min: 0, max: 1e-9 },
} as const satisfies Record<keyof LinkParams, { name: string; unit: string; min: number; max: number }>;

export const linkSchema = z.strictObject({
  id: idSchema,
  from: endpointSchema,
  to: endpointSchema,
  params: linkParamsSchema,
});
export type Link = z.infer<typeof linkSchema>;

/**
 * The largest count one group takes: a million (a wafer's cores, a datacentre's chips) is past any real design,
 * and below it nothing a count feeds can overflow or take long.
 */
export const MAX_GROUP_COUNT = 1_000_000;
/**
 * The largest product of nested counts (a group's count times its enclosing groups'): the instances of a block, or
 * the chips, the engine models. `checkDesign` refuses more (`group-count-product`), naming the group.
 */
export const MAX_INSTANCES = 1_000_000_000;

export const groupKinds = ['chip', 'cluster', 'module'] as const;
export type GroupKind = (typeof groupKinds)[number];

/**
 * A group frames blocks (and child groups) and replicates them `count` times: one SM drawn once with
 * ×132, one chip ×8 in a node. The group with kind `chip` is the unit that tensor, pipeline and expert
 * parallelism split a model over.
 */
export const groupSchema = z.strictObject({
  id: idSchema,
  name: boundedText(120).min(1),
  kind: z.enum(groupKinds),
  count: countSchema.max(MAX_GROUP_COUNT, `must be at most ${MAX_GROUP_COUNT.toLocaleString('en-US')}`),
  blocks: z.array(idSchema),
  groups: z.array(idSchema).optional(),
});
export type Group = z.infer<typeof groupSchema>;

export const noteSchema = z.strictObject({
  id: idSchema,
  text: boundedText(10_000),
  position: positionSchema,
});
export type Note = z.infer<typeof noteSchema>;

export const designMetaSchema = z.strictObject({
  description: boundedText(20_000).optional(),
  author: boundedText(200).optional(),
  tags: z.array(boundedText(60)).max(100, 'must be at most 100 tags').optional(),
  /** Datasheets and papers the design's numbers come from; `appliesTo` names the parameter a source backs. */
  sources: z.array(sourceSchema).optional(),
  /** The preset this design started from, if any. */
  preset: boundedText(120).optional(),
});
export type DesignMeta = z.infer<typeof designMetaSchema>;

export const designSchema = z.strictObject({
  format: z.literal(DESIGN_FORMAT),
  version: z.literal(DESIGN_VERSION),
  name: boundedText(200).min(1, 'a design needs a name'),
  meta: designMetaSchema.optional(),
  blocks: z.array(blockSchema),
  links: z.array(linkSchema),
  groups: z.array(groupSchema),
  notes: z.array(noteSchema).optional(),
});
export type DesignDocument = z.infer<typeof designSchema>;

/** An empty design with the given name. */
export function emptyDesign(name: string): DesignDocument {
  return { format: DESIGN_FORMAT, version: DESIGN_VERSION, name, blocks: [], links: [], groups: [] };
}
