/**
 * The sweep document (`tessera.sweep`, version 1): which parameters of a design and its workload to vary, over
 * which values, by which strategy, under which constraints, toward which objectives. One zod schema for parsing,
 * typing and the JSON Schema export (`docs/sweep.schema.json`). YAML or JSON; the app edits it as a form or as text.
 *
 * A parameter's `path` names what it varies:
 * - `<block-id>.<param>`: a block parameter (read in the parameter's unit, as `tessera simulate --set` reads it);
 * - `<group-id>.count`: a group's count;
 * - `<link-id>.<param>`: a link parameter;
 * - `workload.<field>`: a workload field (`workload.batch`, `workload.model`, `workload.inputTokens`,
 *   `workload.weights`, `workload.parallelism.tensor`, `workload.operatingPoint`, `workload.runtime`, …).
 */
import { z } from 'zod';
import { boundedText, idSchema } from '../schema/common';
import { sweepFigureIds } from './figures';

const pathSchema = z
  .string()
  .max(200)
  .regex(
    /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z][A-Za-z0-9_-]*)+$/,
    'must be "<block, group or link id>.<parameter>" or "workload.<field>"',
  );

/** A value as typed: a number in SI units, or text (a quantity with its unit such as "2 TB/s", an enum value, a model id). */
export const sweepValueSchema = z.union([z.number(), boundedText(120)]);
export type SweepValue = z.infer<typeof sweepValueSchema>;

export const sweepRangeSchema = z.strictObject({
  from: z.number(),
  to: z.number(),
  /** Points in a grid (both ends included). Ignored by sampling strategies, which draw from [from, to]. */
  steps: z.number().int().min(2).max(100_000).optional(),
  scale: z.enum(['linear', 'log']).default('linear'),
  /** Rounded to whole numbers (a count, a batch). */
  integer: z.boolean().optional(),
});

export const sweepDistributionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('uniform'),
    min: z.number(),
    max: z.number(),
    integer: z.boolean().optional(),
  }),
  z.strictObject({
    kind: z.literal('log-uniform'),
    min: z.number().positive(),
    max: z.number().positive(),
    integer: z.boolean().optional(),
  }),
  z.strictObject({
    kind: z.literal('normal'),
    mean: z.number(),
    stddev: z.number().positive(),
    /** Draws are clipped to [min, max] when given. */
    min: z.number().optional(),
    max: z.number().optional(),
    integer: z.boolean().optional(),
  }),
  z.strictObject({
    kind: z.literal('choice'),
    values: z.array(sweepValueSchema).min(1).max(10_000),
    weights: z.array(z.number().nonnegative()).optional(),
  }),
]);

/** One swept parameter: exactly one of `values`, `range` or `distribution`. */
export const sweepParameterSchema = z.strictObject({
  path: pathSchema,
  /** A label for tables and charts; the path when absent. */
  label: boundedText(80).optional(),
  values: z.array(sweepValueSchema).min(1).max(100_000).optional(),
  range: sweepRangeSchema.optional(),
  distribution: sweepDistributionSchema.optional(),
  /**
   * Parameters with the same `link` move together: in a grid they are one axis (the i-th value of each), so they
   * must have the same number of values; a sampling strategy draws one position for all of them.
   */
  link: idSchema.optional(),
});

export const sweepStrategySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('grid') }),
  z.strictObject({
    kind: z.literal('random'),
    samples: z.number().int().min(1).max(100_000_000),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(1),
  }),
  z.strictObject({
    kind: z.literal('latin-hypercube'),
    samples: z.number().int().min(1).max(10_000_000),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(1),
  }),
  z.strictObject({
    /** NSGA-II (Deb et al. 2002): evolves a population toward the Pareto front of the objectives. */
    kind: z.literal('nsga2'),
    population: z.number().int().min(4).max(10_000).default(64),
    generations: z.number().int().min(1).max(10_000).default(40),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(1),
    crossoverProbability: z.number().min(0).max(1).default(0.9),
    /** Per gene; 1 / number of parameters when absent. */
    mutationProbability: z.number().min(0).max(1).optional(),
  }),
]);

export const sweepFigureSchema = z.enum(sweepFigureIds);

/** A figure must stay within [min, max] (either bound optional). `fits` is 1 when the model fits, else 0. */
export const sweepConstraintSchema = z.strictObject({
  figure: sweepFigureSchema,
  min: z.number().optional(),
  max: z.number().optional(),
});

export const sweepObjectiveSchema = z.strictObject({
  figure: sweepFigureSchema,
  goal: z.enum(['min', 'max']),
});

export const sweepSpecSchema = z.strictObject({
  format: z.literal('tessera.sweep'),
  version: z.literal(1),
  name: boundedText(120),
  description: boundedText(2000).optional(),
  /**
   * The design the sweep varies, for the command line: `preset:<id>`, a design file (`.json`, `.yaml`), or a
   * design in a project (`lab.tessera#Design name`). The app sweeps the open design and ignores it.
   */
  design: boundedText(1000).optional(),
  /** Workload fields over the design's (or the default) workload, before the swept ones. */
  workload: z.record(z.string(), z.unknown()).optional(),
  parameters: z.array(sweepParameterSchema).min(1).max(32),
  strategy: sweepStrategySchema.default({ kind: 'grid' }),
  constraints: z.array(sweepConstraintSchema).max(32).default([]),
  /** What "better" means; the Pareto front is over these. Tokens/s up and J/token down when absent. */
  objectives: z.array(sweepObjectiveSchema).min(1).max(8).optional(),
});

export type SweepSpec = z.infer<typeof sweepSpecSchema>;
export type SweepParameter = z.infer<typeof sweepParameterSchema>;
export type SweepStrategy = z.infer<typeof sweepStrategySchema>;
export type SweepConstraint = z.infer<typeof sweepConstraintSchema>;
export type SweepObjective = z.infer<typeof sweepObjectiveSchema>;
