/**
 * A workload: which model runs on a design and how — batch, prompt and output lengths, the number formats
 * of weights, activations and KV cache, sparsity, parallelism and the power policy.
 */
import { z } from 'zod';
import { boundedText, countSchema, idSchema, libraryIdSchema } from './common';
import { placementSchema } from './placement';
import { servingSchema } from './serving';
import { parallelismSchema } from './workload-parallelism';

export { parallelismSchema, type Parallelism } from './workload-parallelism';

/**
 * Where one tensor class lives (`memoryPolicy`): `auto` — the fastest level with room, spilling down (the map
 * stage's fixed order); `pin` — only in `level` (absent: the fastest storage level, e.g. SRAM-resident weights);
 * `stream` — held in `level` (absent: the slowest storage level the unit reaches, host or CXL memory included)
 * and copied layer by layer into the fastest level, two layers' worth double-buffered there.
 */
export const classPlacementPolicySchema = z.strictObject({
  placement: z.enum(['auto', 'pin', 'stream']),
  /** A memory block id (any block of the pooled level). */
  level: idSchema.optional(),
});
export type ClassPlacementPolicy = z.infer<typeof classPlacementPolicySchema>;

/** The memory-hierarchy policy of a workload (`engine/stages/hierarchy.ts`); absent = every class `auto`. */
export const memoryPolicySchema = z.strictObject({
  weights: classPlacementPolicySchema,
  kv: classPlacementPolicySchema,
  /** Paged KV cache: tokens per block (vLLM's default is 16); absent = one contiguous region per sequence. */
  kvBlockTokens: countSchema.max(65_536).optional(),
  /** A streamed class's copy of layer i+1 overlaps the compute of layer i (double buffering); false = serial. */
  prefetch: z.boolean(),
});
export type MemoryPolicy = z.infer<typeof memoryPolicySchema>;

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
  /**
   * Sparsity of the layers' weight matrices: N:M structured (`2:4`, `4:8`: N of every M kept) or `unstructured`
   * (a `weightDensity` share kept anywhere). It saves bytes and multiplies only where a sparsity engine of the same
   * pattern is linked to the unit that runs the GEMMs (`models/sparsity.ts`).
   */
  weightSparsity: z.enum(['none', '2:4', '4:8', 'unstructured']),
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
  /** Where weights and KV cache live, KV paging and prefetch; omitted means the fixed fastest-first order. */
  memoryPolicy: memoryPolicySchema.optional(),
  /** Share of the weights kept under `unstructured` sparsity (default 0.5); ignored by the N:M patterns. */
  weightDensity: z.number().min(0.01).max(1).optional(),
  /**
   * When an FPGA with configurations may reconfigure: `never` (one configuration, as chosen between models),
   * `per-phase` (the fastest configuration of each phase), `auto` (switch only where it pays); omitted = `auto`.
   */
  reconfiguration: z.enum(['never', 'per-phase', 'auto']).optional(),
  /** Time to first token (s) the least-energy DVFS policy must meet in prefill. */
  ttftTargetSeconds: z.number().positive().max(3600).optional(),
  /** The DVFS policy of every voltage/frequency domain; omitted means each domain block's own. */
  dvfsPolicy: z.enum(['fixed', 'adaptive', 'race-to-idle', 'least-energy', 'max-throughput']).optional(),
  /** Requests per hour the device serves (each with this workload's lengths): energy per day and battery life. */
  requestsPerHour: z.number().nonnegative().max(10_000_000).optional(),
  /**
   * Where operators run on a design with several different chip groups (`schema/placement.ts`); omitted means
   * `fastest`. Ignored on a design with one chip group.
   */
  placement: placementSchema.optional(),
  /**
   * The traffic the design serves, its scheduler and latency targets, and several models sharing the design
   * (`schema/serving.ts`); simulated request by request by `engine/serving/`. Omitted: one request at a time.
   */
  serving: servingSchema.optional(),
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
