/** How a model is split over the chips: chosen by the plan search (`auto`) or given (`manual`). */
import { z } from 'zod';
import { countSchema } from './common';

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
