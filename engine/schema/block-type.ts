/**
 * Block types: the palette entries. One JSON file each in `library/blocks/`. A block type lists its
 * parameters (with unit, default, valid range and a one-line description), its typed ports, and the engine
 * cost model that serves it.
 */
import { z } from 'zod';
import { boundedText, finite, libraryIdSchema, sourceSchema } from './common';
import { units, type Unit } from '../units';

export const blockCategories = [
  'compute',
  'memory',
  'interconnect',
  'compression',
  'power',
  'host',
  'cost',
] as const;
export type BlockCategory = (typeof blockCategories)[number];

/**
 * The id of the engine's cost model that serves a block type: one module of `engine/blocks/` per id (the
 * registry, `engine/blocks/registry.ts`, lists them and says what each models). The library loader refuses a
 * block type whose cost model the engine does not have.
 */
export const costModelIdSchema = z.string().regex(/^[a-z][a-z0-9-]*$/, 'a cost model id is kebab-case');
export type CostModel = z.infer<typeof costModelIdSchema>;

/**
 * Port kinds. A link is physically meaningful only when each end's kind is in the other end's `connects`
 * list (the block type decides, e.g. compute straight to compute only where a type allows it).
 */
export const portKinds = ['compute', 'memory', 'fabric', 'stream', 'host'] as const;
export type PortKind = (typeof portKinds)[number];

export const portSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-zA-Z0-9]*$/, 'port ids are camelCase'),
  name: z.string().min(1),
  kind: z.enum(portKinds),
  connects: z.array(z.enum(portKinds)).min(1, 'a port must connect to at least one kind'),
  /** Where the handle is drawn on the block. */
  side: z.enum(['top', 'right', 'bottom', 'left']),
});
export type PortSpec = z.infer<typeof portSchema>;

const paramBase = {
  key: z
    .string()
    .regex(/^[a-z][a-zA-Z0-9]*$/, 'parameter keys are camelCase with the unit in the name where not obvious'),
  name: z.string().min(1),
  description: z.string().min(10, 'say in one line what the parameter means'),
  /** Parameters that decide accuracy but are not on a datasheet are shown in the inspector's "Model" section. */
  advanced: z.boolean().optional(),
  source: sourceSchema.optional(),
};

export const numberParamSchema = z
  .strictObject({
    ...paramBase,
    kind: z.literal('number'),
    unit: z.enum(units as [Unit, ...Unit[]]),
    default: finite(),
    min: finite(),
    max: finite(),
    integer: z.boolean().optional(),
  })
  .refine((param) => param.min <= param.max, { message: 'min must not exceed max', path: ['min'] })
  .refine((param) => param.default >= param.min && param.default <= param.max, {
    message: 'default must lie within [min, max]',
    path: ['default'],
  });
export type NumberParamSpec = z.infer<typeof numberParamSchema>;

export const enumParamSchema = z
  .strictObject({
    ...paramBase,
    kind: z.literal('enum'),
    options: z.array(z.strictObject({ value: z.string().min(1), label: z.string().min(1) })).min(1),
    default: z.string(),
  })
  .refine((param) => param.options.some((option) => option.value === param.default), {
    message: 'default must be one of the options',
    path: ['default'],
  });
export type EnumParamSpec = z.infer<typeof enumParamSchema>;

export const tableColumnSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-zA-Z0-9]*$/),
  name: z.string().min(1),
  kind: z.enum(['number', 'text']),
  unit: z.enum(units as [Unit, ...Unit[]]).optional(),
  min: finite().optional(),
  max: finite().optional(),
});
export type TableColumnSpec = z.infer<typeof tableColumnSchema>;

export const tableRowSchema = z.record(boundedText(120), z.union([finite(), boundedText(2000)]));
export type TableRow = z.infer<typeof tableRowSchema>;

export const tableParamSchema = z.strictObject({
  ...paramBase,
  kind: z.literal('table'),
  columns: z.array(tableColumnSchema).min(1),
  default: z.array(tableRowSchema),
  minRows: z.number().int().min(0).optional(),
});
export type TableParamSpec = z.infer<typeof tableParamSchema>;

export const paramSpecSchema = z.union([numberParamSchema, enumParamSchema, tableParamSchema]);
export type ParamSpec = z.infer<typeof paramSpecSchema>;

export const blockTypeSchema = z
  .strictObject({
    format: z.literal('tessera.blockType'),
    version: z.literal(1),
    id: libraryIdSchema,
    name: z.string().min(1),
    category: z.enum(blockCategories),
    description: z.string().min(20, 'describe the block type in a sentence'),
    costModel: costModelIdSchema,
    /**
     * Facts about the block type the engine relies on: `dram` marks off-chip DRAM, whose bandwidth an operating
     * point may scale (a Jetson power mode also lowers the memory clock).
     */
    traits: z.array(z.enum(['dram'])).optional(),
    /** Short template of the key figures shown on the block, e.g. "{rows}×{cols} MAC · {clockHertz}". */
    summary: z.string().optional(),
    params: z.array(paramSpecSchema),
    ports: z.array(portSchema),
    source: sourceSchema,
  })
  .superRefine((type, context) => {
    const keys = new Set<string>();
    type.params.forEach((param, index) => {
      if (keys.has(param.key))
        context.addIssue({
          code: 'custom',
          message: `duplicate parameter "${param.key}"`,
          path: ['params', index, 'key'],
        });
      keys.add(param.key);
    });
    const ports = new Set<string>();
    type.ports.forEach((port, index) => {
      if (ports.has(port.id))
        context.addIssue({
          code: 'custom',
          message: `duplicate port "${port.id}"`,
          path: ['ports', index, 'id'],
        });
      ports.add(port.id);
    });
  });
export type BlockType = z.infer<typeof blockTypeSchema>;

/** Whether a link between two ports makes physical sense: each end must accept the other's kind. */
export function portsCanConnect(from: PortSpec, to: PortSpec): boolean {
  return from.connects.includes(to.kind) && to.connects.includes(from.kind);
}

/** Why two ports cannot connect, in words, or `undefined` when they can. */
export function whyPortsCannotConnect(
  fromType: BlockType,
  from: PortSpec,
  toType: BlockType,
  to: PortSpec,
): string | undefined {
  if (portsCanConnect(from, to)) return undefined;
  return `${fromType.name} (${from.kind} port "${from.name}") cannot connect to ${toType.name} (${to.kind} port "${to.name}"): a ${from.kind} port connects only to ${from.connects.join(', ')}${
    from.connects.includes(to.kind)
      ? `, and a ${to.kind} port connects only to ${to.connects.join(', ')}`
      : ''
  }`;
}
