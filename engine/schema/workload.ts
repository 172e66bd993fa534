/**
 * A workload: which model runs on a design and how — batch, prompt and output lengths, the number formats
 * of weights, activations and KV cache, sparsity, parallelism and the power policy.
 */
import { z } from 'zod';
import { boundedText, countSchema, idSchema, libraryIdSchema } from './common';
import { placementSchema } from './placement';

export const parallelismSchema = z.union([
  z.strictObject({ mode: z.literal('auto') }),
  z.strictObject({
    mode: z.literal('manual'),
    tensor: countSchema,
    pipeline: countSchema,
    expert: countSchema,
  }),
]);
export type Parallelism = z.infer<typeof parallelismSchema>;

export const workloadSchema = z.strictObject({
  format: z.literal('tessera.workload'),
  version: z.literal(1),
  /** A model id from the library or from the project's imported models. */
  model: libraryIdSchema,
  batch: countSchema.max(1_000_000),
  inputTokens: countSchema.max(10_000_000),
  outputTokens: countSchema.max(10_000_000),
  /** The KV length of the reported decode step; defaults to input + output / 2 (the average step). */
  decodeContext: countSchema.max(20_000_000).optional(),
  weights: libraryIdSchema,
  activations: libraryIdSchema,
  kv: libraryIdSchema,
  /** Structured sparsity of the weights; `2:4` halves the multiply work where a sparsity engine or unit supports it. */
  weightSparsity: z.enum(['none', '2:4']),
  parallelism: parallelismSchema,
  /** Time per output token (s) an automatic plan must meet; splits within it rank first. */
  tpotTargetSeconds: z.number().positive().max(3600).optional(),
  /** Operating point name to run at; omitted means the power domain's selected point. */
  operatingPoint: boundedText(120).optional(),
  /**
   * How an operator is given to one of several kinds of compute unit: the one that finishes soonest, the one that
   * uses least energy, or the one pinned (`pinnedUnit`) wherever it can run the operator.
   */
  unitPolicy: z.enum(['fastest', 'least-energy', 'pinned']),
  /** The compute block (any block of a pooled unit) that `pinned` runs operators on. */
  pinnedUnit: idSchema.optional(),
  /** The runtime profile (library/runtimes) whose host-side costs are added; omitted means the hardware alone. */
  runtime: libraryIdSchema.optional(),
  /**
   * Where operators run on a design with several different chip groups (`schema/placement.ts`); omitted means
   * `fastest`. Ignored on a design with one chip group.
   */
  placement: placementSchema.optional(),
});
export type Workload = z.infer<typeof workloadSchema>;

/** The model a design simulates until someone picks another (the app, exports and the CLI agree on it). */
export const DEFAULT_MODEL_ID = 'llama-3-8b';

/** The defaults the CLI and a new design use: batch 1, 512 tokens in, 128 out, bf16 everywhere. */
export function defaultWorkload(model: string): Workload {
  return {
    format: 'tessera.workload',
    version: 1,
    model,
    batch: 1,
    inputTokens: 512,
    outputTokens: 128,
    weights: 'bf16',
    activations: 'bf16',
    kv: 'bf16',
    weightSparsity: 'none',
    parallelism: { mode: 'auto' },
    unitPolicy: 'fastest',
  };
}
