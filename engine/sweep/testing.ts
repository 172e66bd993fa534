/** Helpers for the sweep tests: a spec from a few fields, figures from a few values. */
import type { z } from 'zod';
import { sweepFigureIds, type SweepFigureId } from './figures';
import { sweepSpecSchema, type SweepSpec } from './spec';

type SpecFields = Omit<z.input<typeof sweepSpecSchema>, 'format' | 'version' | 'name'> & { name?: string };

/** A valid spec from its parameters and strategy (defaults filled in by the schema). */
export function specOf(fields: SpecFields): SweepSpec {
  return sweepSpecSchema.parse({ format: 'tessera.sweep', version: 1, name: 'test', ...fields });
}

/** Every figure, zero unless given. */
export function figuresOf(values: Partial<Record<SweepFigureId, number>>): Record<SweepFigureId, number> {
  const figures = Object.fromEntries(sweepFigureIds.map((id) => [id, 0])) as Record<SweepFigureId, number>;
  return { ...figures, ...values };
}
