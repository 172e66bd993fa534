/**
 * Technology constants: tables of energies, leakages and scaling factors by process node, precision, memory
 * kind or link class. Every row keeps its source and the original figure. Block types cite these rows for
 * their energy defaults; the engine never hides such a constant in code.
 */
import { z } from 'zod';
import { finite, libraryIdSchema, sourceSchema } from './common';
import { units, type Unit } from '../units';

export const techRowSchema = z.strictObject({
  id: libraryIdSchema,
  value: finite(),
  /** What the row applies to, e.g. `{ "node": "7nm", "precision": "bf16", "operation": "mac" }`. */
  conditions: z.record(z.string(), z.union([z.string(), finite()])),
  source: sourceSchema.refine((source) => source.original !== undefined, {
    message: 'a technology constant keeps the original figure as the source printed it',
    path: ['original'],
  }),
  note: z.string().optional(),
});
export type TechRow = z.infer<typeof techRowSchema>;

export const techTableSchema = z
  .strictObject({
    format: z.literal('tessera.tech'),
    version: z.literal(1),
    id: libraryIdSchema,
    name: z.string().min(1),
    description: z.string().min(10),
    /** The SI unit of every `value` in the table. */
    unit: z.enum(units as [Unit, ...Unit[]]),
    /** What `value` measures, with the unit in the name: `energyJoulesPerOperation`, `energyJoulesPerBit`, `energyFactor`. */
    quantity: z.string().regex(/^[a-z][a-zA-Z0-9]*$/),
    rows: z.array(techRowSchema).min(1),
  })
  .superRefine((table, context) => {
    const seen = new Set<string>();
    table.rows.forEach((row, index) => {
      if (seen.has(row.id))
        context.addIssue({
          code: 'custom',
          message: `duplicate row id "${row.id}"`,
          path: ['rows', index, 'id'],
        });
      seen.add(row.id);
    });
  });
export type TechTable = z.infer<typeof techTableSchema>;
