import { describe, expect, it } from 'vitest';
import type { BlockType } from '../../../engine/schema/block-type';
import { emptyDesign } from '../../../engine/schema/design';
import { addBlock, connect, deleteElements, moveBlocks, setParams, uniqueId } from './commands';

const tile: BlockType = {
  format: 'tessera.blockType',
  version: 1,
  id: 'compute.systolic',
  name: 'Systolic-array tile',
  category: 'compute',
  description: 'A block type written for the test.',
  costModel: 'matrix-array',
  params: [],
  ports: [{ id: 'mem', name: 'Memory', kind: 'compute', connects: ['memory'], side: 'bottom' }],
  source: { citation: 'test' },
};

describe('design commands', () => {
  it('add blocks with readable, unique ids and names', () => {
    let document = emptyDesign('d');
    document = addBlock(tile, { x: 10.4, y: 20.6 }).apply(document);
    document = addBlock(tile, { x: 0, y: 0 }).apply(document);
    expect(document.blocks.map((block) => [block.id, block.name, block.position])).toEqual([
      ['systolic', 'Systolic-array tile', { x: 10, y: 21 }],
      ['systolic-2', 'Systolic-array tile 2', { x: 0, y: 0 }],
    ]);
  });

  it('never mutate the document they are given', () => {
    const before = addBlock(tile, { x: 0, y: 0 }).apply(emptyDesign('d'));
    const frozen = JSON.stringify(before);
    moveBlocks(new Map([['systolic', { x: 50, y: 50 }]])).apply(before);
    setParams(['systolic'], { rows: 64 }, 'Set rows').apply(before);
    deleteElements(new Set(['systolic']), new Set()).apply(before);
    expect(JSON.stringify(before)).toBe(frozen);
  });

  it('return the same document when nothing changes, so no empty undo step is recorded', () => {
    const document = addBlock(tile, { x: 0, y: 0 }).apply(emptyDesign('d'));
    expect(moveBlocks(new Map([['systolic', { x: 0.2, y: -0.3 }]])).apply(document)).toBe(document);
    expect(deleteElements(new Set(['nothing']), new Set()).apply(document)).toBe(document);
  });

  it('delete a block with its links and group memberships', () => {
    let document = addBlock(tile, { x: 0, y: 0 }).apply(emptyDesign('d'));
    document = addBlock(tile, { x: 0, y: 0 }).apply(document);
    document = connect({ block: 'systolic', port: 'mem' }, { block: 'systolic-2', port: 'mem' }).apply(
      document,
    );
    document = {
      ...document,
      groups: [{ id: 'g', name: 'G', kind: 'cluster', count: 4, blocks: ['systolic', 'systolic-2'] }],
    };
    const after = deleteElements(new Set(['systolic-2']), new Set()).apply(document);
    expect(after.links).toEqual([]);
    expect(after.groups[0]?.blocks).toEqual(['systolic']);
  });

  it('do not link the same two ports twice, in either direction', () => {
    let document = addBlock(tile, { x: 0, y: 0 }).apply(emptyDesign('d'));
    document = addBlock(tile, { x: 0, y: 0 }).apply(document);
    const once = connect({ block: 'systolic', port: 'mem' }, { block: 'systolic-2', port: 'mem' }).apply(
      document,
    );
    expect(
      connect({ block: 'systolic-2', port: 'mem' }, { block: 'systolic', port: 'mem' }).apply(once),
    ).toBe(once);
  });

  it('reset a parameter to its default by removing it', () => {
    const document = setParams(['systolic'], { rows: 64 }, 'Set rows').apply(
      addBlock(tile, { x: 0, y: 0 }).apply(emptyDesign('d')),
    );
    expect(document.blocks[0]?.params).toEqual({ rows: 64 });
    expect(
      setParams(['systolic'], { rows: undefined }, 'Reset rows').apply(document).blocks[0]?.params,
    ).toEqual({});
  });

  it('make ids from names', () => {
    expect(uniqueId('HBM stack', new Set(['hbm-stack']))).toBe('hbm-stack-2');
    expect(uniqueId('3D SRAM', new Set())).toBe('b-3d-sram');
  });
});
