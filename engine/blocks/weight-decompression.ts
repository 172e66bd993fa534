/**
 * `weight-decompression`: a decompression engine on the path from memory to compute. Weights are stored
 * compressed by `compressionRatio` (fewer bytes held and read) and expanded at the engine's throughput.
 */
import type { BlockModel } from './block-model';
import { codec } from './codec';

export const weightDecompression: BlockModel = {
  id: 'weight-decompression',
  summary: 'A weight decompressor on a memory path: stored weight bytes ÷ ratio, limited by its throughput.',
  ...codec,
  onPath: (reading) => ({
    compression: {
      tensorClass: 'weights',
      ratio: reading.number('compressionRatio'),
      energyJoulesPerBit: reading.number('energyJoulesPerBit'),
    },
  }),
};
