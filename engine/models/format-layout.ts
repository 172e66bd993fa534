/**
 * A number format's real stored size: the value bits plus the block's scale and zero point shared by its elements,
 * plus a super-block's own constants shared by all of its elements —
 *
 *   bits per element = valueBits + (scaleBits + zeroPointBits) / blockSize + superBlockBits / superBlockSize
 *
 * Q4_K: 4 + (6 + 6) / 32 + 32 / 256 = 4.5 (ggml-common.h block_q4_K); MXFP4: 4 + 8 / 32 = 4.25 (OCP MX v1.0);
 * NF4 with double quantization: 4 + 8 / 64 + 32 / 16384 = 4.127 (QLoRA §3); INT4 group 128 with an FP16 scale and
 * a 4-bit zero point: 4 + 20 / 128 = 4.156 (AWQ's qzeros). The stored size is what capacity and traffic count.
 */
import type { NumberFormat } from '../schema/number-format';

export type FormatLayout = NonNullable<NumberFormat['layout']>;

/** Stored bits per element of a layout (values, block scales and zero points, super-block constants). */
export function layoutBitsPerElement(layout: FormatLayout): number {
  const block = (layout.scaleBits + layout.zeroPointBits) / layout.blockSize;
  const superBlock =
    layout.superBlockSize !== undefined && layout.superBlockBits !== undefined
      ? layout.superBlockBits / layout.superBlockSize
      : 0;
  return layout.valueBits + block + superBlock;
}

/** The parts of a format's stored bits per element, for the report: values, then scales and metadata. */
export function storedBitsParts(format: NumberFormat): { valueBits: number; metadataBits: number } {
  const valueBits = format.layout?.valueBits ?? format.bitsPerElement;
  return { valueBits, metadataBits: Math.max(0, format.effectiveBitsPerElement - valueBits) };
}
