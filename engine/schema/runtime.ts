/**
 * Runtime profiles: the software that runs the model on the hardware (TensorRT-LLM, vLLM, PyTorch eager,
 * llama.cpp…). The same chip serves tokens at different rates under different runtimes; a profile states the
 * fixed host-side costs that the hardware model does not see, each calibrated against published measurements
 * and cited. Hardware/software co-design: pick the runtime in the workload.
 */
import { z } from 'zod';
import { libraryIdSchema, nonNegative, sourceSchema } from './common';

export const runtimeSchema = z.strictObject({
  format: z.literal('tessera.runtime'),
  version: z.literal(1),
  id: libraryIdSchema,
  name: z.string().min(1),
  description: z.string().min(10),
  /** Host time per engine step (scheduling, sampling, Python), added once per prefill and per decode step. */
  stepOverheadSeconds: nonNegative(),
  /** Host time per operator launch on top of the unit's own dispatch overhead (eager frameworks). */
  operatorOverheadSeconds: nonNegative(),
  /**
   * How the runtime launches kernels (engine/stages/kernels.ts): `fused` (one kernel per Tessera operator) or
   * `unfused` (eager framework ops); the host time to launch one kernel; the phases it runs from CUDA graphs.
   */
  kernels: z
    .strictObject({
      fusion: z.enum(['fused', 'unfused']),
      launchSeconds: nonNegative(),
      graphs: z.array(z.enum(['prefill', 'decode'])),
      source: sourceSchema,
    })
    .optional(),
  source: sourceSchema,
});
export type Runtime = z.infer<typeof runtimeSchema>;
