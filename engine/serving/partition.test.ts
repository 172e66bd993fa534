/**
 * Partitions of a design on the engine's test catalog: whole chips, and a MIG-like share of each chip's compute
 * units and memory. Expected values follow from the fixture designs' counts and parameters.
 */
import { describe, expect, it } from 'vitest';
import { numberParam } from '../catalog';
import type { DesignDocument } from '../schema/design';
import { testCatalog, testDesign, testGroupedDesign } from '../testing/fixtures';
import { chipGroupAlone, partitionDesign, shareText } from './partition';

const catalog = testCatalog();
/** 16 tiles in a cluster, with an SRAM and a DRAM, in a chip group of 4. */
const grouped = testGroupedDesign();

function param(design: DesignDocument, blockId: string, key: string): number {
  const block = design.blocks.find((candidate) => candidate.id === blockId);
  const type = block && catalog.blockTypes.get(block.type);
  if (!block || !type) throw new Error(`no block ${blockId}`);
  return numberParam(type, block.params, key);
}
const countOf = (design: DesignDocument, groupId: string) =>
  design.groups.find((group) => group.id === groupId)?.count;

describe('partitionDesign: whole chips', () => {
  it('is the chip group with its count changed, nothing else', () => {
    const result = partitionDesign(grouped, { kind: 'chips', chips: 3 }, catalog);
    expect(result).toEqual({
      ok: true,
      design: {
        ...grouped,
        groups: grouped.groups.map((group) => (group.id === 'chip' ? { ...group, count: 3 } : group)),
      },
      description: '3 of 4 chips',
    });
  });

  it('refuses more chips than the group has, and several chips of a design that is one chip', () => {
    expect(partitionDesign(grouped, { kind: 'chips', chips: 5 }, catalog)).toEqual({
      ok: false,
      message: 'A partition of 5 chips needs more than the 4 chips of "Chip".',
    });
    const single = testDesign({ array: { type: 'test.array' }, dram: { type: 'test.dram' } }, [
      ['array', 'dram'],
    ]);
    const refused = partitionDesign(single, { kind: 'chips', chips: 2 }, catalog);
    expect(refused.ok).toBe(false);
    expect(partitionDesign(single, { kind: 'chips', chips: 1 }, catalog).ok).toBe(true);
  });
});

describe('partitionDesign: a share of each chip', () => {
  it('keeps the share of a replicated compute group and scales every memory’s capacity and bandwidth', () => {
    const result = partitionDesign(grouped, { kind: 'share', compute: 1 / 4, memory: 1 / 2 }, catalog);
    if (!result.ok) throw new Error(result.message);
    const { design } = result;
    expect(countOf(design, 'tiles')).toBe(4); // 16 × 1/4
    expect(countOf(design, 'chip')).toBe(4); // every chip is sliced, none removed
    for (const memory of ['sram', 'dram'])
      for (const key of ['capacityBytes', 'bandwidthBytesPerSecond'])
        expect(param(design, memory, key)).toBe(param(grouped, memory, key) / 2);
    // The tile's own parameters are untouched: its group's count carries the share.
    expect(design.blocks.find((block) => block.id === 'tile')).toBe(
      grouped.blocks.find((block) => block.id === 'tile'),
    );
    expect(result.description).toBe('1/4 of the compute and 1/2 of the memory of each chip (4 of 16 Tiles)');
  });

  it('gives two complementary shares the whole chip between them', () => {
    const parts = [3 / 8, 5 / 8].map((share) => {
      const result = partitionDesign(grouped, { kind: 'share', compute: share, memory: share }, catalog);
      if (!result.ok) throw new Error(result.message);
      return result.design;
    });
    expect(parts.reduce((sum, part) => sum + (countOf(part, 'tiles') ?? 0), 0)).toBe(16);
    for (const memory of ['sram', 'dram'])
      for (const key of ['capacityBytes', 'bandwidthBytesPerSecond'])
        expect(parts.reduce((sum, part) => sum + param(part, memory, key), 0)).toBeCloseTo(
          param(grouped, memory, key),
          0,
        );
  });

  it('keeps at least one instance of a replicated unit', () => {
    const result = partitionDesign(grouped, { kind: 'share', compute: 0.01, memory: 0.01 }, catalog);
    if (!result.ok) throw new Error(result.message);
    expect(countOf(result.design, 'tiles')).toBe(1);
  });

  it('narrows a compute block drawn once by the width its cost model multiplies its rate by', () => {
    const single = testDesign({ array: { type: 'test.array' }, dram: { type: 'test.dram' } }, [
      ['array', 'dram'],
    ]);
    const result = partitionDesign(single, { kind: 'share', compute: 1 / 2, memory: 1 / 2 }, catalog);
    if (!result.ok) throw new Error(result.message);
    // A 128 × 128 matrix array keeps its 128 rows and half its columns: half the MACs per cycle, the same clock.
    expect(param(result.design, 'array', 'cols')).toBe(64);
    expect(param(result.design, 'array', 'rows')).toBe(128);
    expect(param(result.design, 'array', 'clockHertz')).toBe(param(single, 'array', 'clockHertz'));
    expect(result.description).toBe('1/2 of the compute and memory of each chip');
  });
});

describe('shareText', () => {
  it('writes a share as a simple fraction when there is one, else a percentage', () => {
    expect(shareText(1 / 7)).toBe('1/7');
    expect(shareText(0.125)).toBe('1/8');
    expect(shareText(6 / 8)).toBe('3/4');
    expect(shareText(0.37)).toBe('37 %');
    expect(shareText(1)).toBe('all');
  });
});

describe('chipGroupAlone', () => {
  it('removes the other chip groups with their blocks and links, and names what a design has', () => {
    const two: DesignDocument = {
      ...grouped,
      blocks: [
        ...grouped.blocks,
        { id: 'other', type: 'test.array', name: 'other', params: {}, position: { x: 0, y: 0 } },
      ],
      links: [
        ...grouped.links,
        { id: 'lx', from: { block: 'other', port: 'mem' }, to: { block: 'dram', port: 'port' }, params: {} },
      ],
      groups: [...grouped.groups, { id: 'npu', name: 'NPU', kind: 'chip', count: 2, blocks: ['other'] }],
    };
    const alone = chipGroupAlone(two, 'chip');
    if (!alone.ok) throw new Error(alone.message);
    expect(alone.design.blocks.map((block) => block.id)).toEqual(['tile', 'sram', 'dram']);
    expect(alone.design.links.map((link) => link.id)).toEqual(['l0', 'l1']);
    expect(alone.design.groups.map((group) => group.id)).toEqual(['tiles', 'chip']);
    expect(chipGroupAlone(two, 'gpu')).toEqual({
      ok: false,
      message: 'The design has no chip group "gpu" (its chip groups: chip, npu).',
    });
  });
});
