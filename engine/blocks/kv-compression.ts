/** `kv-compression`: a KV-cache compressor on a memory path: stored KV bytes ÷ ratio, at its throughput. */
import type { BlockModel } from './block-model';
import { codec } from './codec';

export const kvCompression: BlockModel = {
  id: 'kv-compression',
  summary: 'A KV-cache compressor on a memory path: stored KV bytes ÷ ratio, limited by its throughput.',
  ...codec,
  onPath: (reading) => ({
    compression: {
      tensorClass: 'kv',
      ratio: reading.number('compressionRatio'),
      energyJoulesPerBit: reading.number('energyJoulesPerBit'),
    },
  }),
};
