/** The units that sit on a data path: a weight decompressor, a KV-cache compressor, a 2:4 sparsity engine. */
import { describe, expect, it } from 'vitest';
import { resolve } from '../stages/resolve';
import { blockTypeOf, readingOf } from '../testing/block-readings';
import { testBlockTypes, testCatalog, testDesign } from '../testing/fixtures';
import { codecTransfer } from './codec';
import { kvCompression } from './kv-compression';
import { sparsity } from './sparsity';
import { weightDecompression } from './weight-decompression';

const codec = { throughputBytesPerSecond: 4e12, energyJoulesPerBit: 1e-13, staticPowerWatts: 2 };
const weightType = blockTypeOf(
  'test.weights-codec',
  'weight-decompression',
  { compressionRatio: 3, ...codec },
  { category: 'compression' },
);
const kvType = blockTypeOf(
  'test.kv-codec',
  'kv-compression',
  { compressionRatio: 2, ...codec },
  { category: 'compression' },
);
const sparsityType = blockTypeOf(
  'test.sparsity',
  'sparsity',
  { computeSpeedup: 2, ...codec },
  { category: 'compression' },
);
const catalog = testCatalog({ blockTypes: [...testBlockTypes, weightType, kvType, sparsityType] });

describe('codecs: what they do to a path', () => {
  it('a weight decompressor shrinks the weights by its ratio', () => {
    expect(weightDecompression.onPath?.(readingOf(weightType))).toEqual({
      compression: { tensorClass: 'weights', ratio: 3, energyJoulesPerBit: 1e-13 },
    });
  });

  it('a KV compressor shrinks the KV cache by its ratio', () => {
    expect(kvCompression.onPath?.(readingOf(kvType, { compressionRatio: 4 }))).toEqual({
      compression: { tensorClass: 'kv', ratio: 4, energyJoulesPerBit: 1e-13 },
    });
  });

  it('a sparsity engine reads its pattern; a type without one reads 2:4, the pattern sparse tensor cores read', () => {
    expect(sparsity.sparsityPattern?.(readingOf(sparsityType))).toBe('2:4');
    const withPattern = {
      ...sparsityType,
      params: [
        {
          key: 'pattern',
          name: 'pattern',
          kind: 'enum' as const,
          options: [
            { value: '2:4', label: '2:4' },
            { value: 'unstructured', label: 'unstructured' },
          ],
          default: '2:4',
          description: 'test parameter pattern',
        },
        ...sparsityType.params,
      ],
    };
    expect(sparsity.sparsityPattern?.(readingOf(withPattern, { pattern: 'unstructured' }))).toBe(
      'unstructured',
    );
  });

  it('a codec adds its latency to the path when its type states one', () => {
    const timed = blockTypeOf(
      'test.timed-codec',
      'weight-decompression',
      { compressionRatio: 2, latencySeconds: 1e-8, ...codec },
      { category: 'compression' },
    );
    expect(weightDecompression.transfer(readingOf(timed)).latencySeconds).toBe(1e-8);
  });

  it('a sparsity engine compresses nothing: it speeds up the sparse GEMMs of the block it is linked to', () => {
    expect('onPath' in sparsity).toBe(false);
    expect(sparsity.sparsitySpeedup?.(readingOf(sparsityType))).toBe(2);
  });

  it('passes bytes at its throughput and energy per bit, and leaks on the core supply', () => {
    for (const [model, type] of [
      [weightDecompression, weightType],
      [kvCompression, kvType],
      [sparsity, sparsityType],
    ] as const) {
      expect(model.transfer(readingOf(type))).toEqual({
        bandwidthBytesPerSecond: 4e12,
        latencySeconds: 0,
        energyJoulesPerBit: 1e-13,
      });
      expect(model.staticPower(readingOf(type))).toEqual({ watts: 2, scalesWithVoltage: true });
      expect(model.crossable).toBe(true);
    }
    expect(
      codecTransfer(readingOf(weightType, { throughputBytesPerSecond: 1e12 })).bandwidthBytesPerSecond,
    ).toBe(1e12);
  });
});

describe('codecs: in a design', () => {
  /** A tile reaching its DRAM through `codec`. */
  const pathThrough = (codecType: string) =>
    resolve(
      testDesign({ tile: { type: 'test.array' }, codec: { type: codecType }, dram: { type: 'test.dram' } }, [
        ['tile', 'codec'],
        ['codec', 'dram'],
      ]),
      catalog,
    ).chip.paths[0]?.[0];

  it('a weight decompressor on the path compresses the weights, not the KV cache', () => {
    const path = pathThrough('test.weights-codec');
    expect(path?.weightCompression).toEqual({
      blockId: 'codec',
      ratio: 3,
      throughputBytesPerSecond: 4e12,
      energyJoulesPerBit: 1e-13,
    });
    expect(path?.kvCompression).toBeUndefined();
  });

  it('a KV compressor on the path compresses the KV cache, not the weights', () => {
    const path = pathThrough('test.kv-codec');
    expect(path?.kvCompression).toMatchObject({ blockId: 'codec', ratio: 2 });
    expect(path?.weightCompression).toBeUndefined();
  });

  it('a sparsity engine speeds up the unit it is linked to, and no other', () => {
    const { chip } = resolve(
      testDesign(
        {
          tile: { type: 'test.array' },
          vector: { type: 'test.vector' },
          sparse: { type: 'test.sparsity' },
          dram: { type: 'test.dram' },
        },
        [
          ['tile', 'sparse'],
          ['tile', 'dram'],
          ['vector', 'dram'],
        ],
      ),
      catalog,
    );
    expect(chip.units.map((unit) => [unit.id, unit.sparsitySpeedup])).toEqual([
      ['tile', 2],
      ['vector', 1],
    ]);
  });
});
