/**
 * Number formats of weights, activations and the KV cache, with the bits each element really costs in
 * memory (scales and zero points included) and the arithmetic a compute unit uses for them.
 */
import { z } from 'zod';
import { libraryIdSchema, sourceSchema } from './common';

/**
 * Arithmetic classes whose peak rates a compute unit states. A storage format maps to the class its
 * multiply-accumulates run in; weight-only formats (GGUF, NF4) are dequantized and computed in the
 * activations' class.
 */
export const computeClasses = ['fp32', 'tf32', 'bf16', 'fp8', 'int8', 'int4', 'fp4'] as const;
export type ComputeClass = (typeof computeClasses)[number];

export const numberFormatSchema = z.strictObject({
  format: z.literal('tessera.numberFormat'),
  version: z.literal(1),
  id: libraryIdSchema,
  name: z.string().min(1),
  kind: z.enum(['float', 'integer', 'block']),
  /** Bits of one stored element, before any shared scales. */
  bitsPerElement: z.number().positive(),
  /** Bits per element in memory including shared scales and zero points (q4_0: 4.5). */
  effectiveBitsPerElement: z.number().positive(),
  /** Elements sharing one scale, for block formats. */
  blockSize: z.number().int().positive().optional(),
  /**
   * The arithmetic class that multiply-accumulates on this format run in, or `null` for storage-only formats
   * that are dequantized to the activations' format before the arithmetic.
   */
  computeClass: z.enum(computeClasses).nullable(),
  /**
   * Vector operations a compute unit spends per weight element to expand this stored format into the format it
   * multiplies in (unpack the bits, convert to float, apply the block's scale and offset, convert to the
   * arithmetic's width), the block's shared scales included. Spent only when the multiply does not run in the
   * format itself and no decompression unit on the memory path does the work. Absent: 0.
   */
  dequantOpsPerElement: z.number().nonnegative().optional(),
  description: z.string().min(10),
  source: sourceSchema,
  /**
   * What one stored element really costs, part by part (`models/format-layout.ts` adds them up, and the library test
   * holds `effectiveBitsPerElement` to the sum): the value's bits, each block's scale and zero point, and a
   * super-block's own scales (Q4_K's FP16 d and dmin per 256; NF4's FP32 constant per 256 blocks of 64).
   */
  layout: z
    .strictObject({
      valueBits: z.number().positive().max(64),
      /** Elements sharing one scale (1 = a scale per element; omit scales with `scaleBits` 0). */
      blockSize: z.number().int().positive().max(1_000_000),
      scaleBits: z.number().nonnegative().max(64),
      zeroPointBits: z.number().nonnegative().max(64),
      superBlockSize: z.number().int().positive().max(100_000_000).optional(),
      superBlockBits: z.number().nonnegative().max(256).optional(),
    })
    .optional(),
  /** Sources of single fields, each naming the field it backs in `appliesTo`. */
  sources: z.array(sourceSchema).optional(),
});
export type NumberFormat = z.infer<typeof numberFormatSchema>;
