import { describe, expect, it } from 'vitest';
import type { BlockType } from '../../../engine/schema/block-type';
import { emptyDesign } from '../../../engine/schema/design';
import { designToYaml, parseDesignText } from '../../../engine/spec/spec-text';
import {
  addBlock,
  addConnectedBlock,
  commonParent,
  connect,
  copyFragment,
  deleteElements,
  designFragment,
  fragmentDesign,
  groupElements,
  moveBlocks,
  moveBy,
  pasteFragment,
  pasteOffset,
  renameBlock,
  replaceDocument,
  setGroup,
  setLinkParams,
  setParams,
  ungroup,
  uniqueId,
  uniqueName,
} from './commands';

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

describe('groups', () => {
  function threeTiles() {
    let document = emptyDesign('d');
    for (let index = 0; index < 3; index += 1)
      document = addBlock(tile, { x: index * 300, y: 0 }).apply(document);
    return document;
  }

  it('frame blocks into a group with a count, and ungroup puts them back', () => {
    const document = threeTiles();
    const grouped = groupElements(['systolic', 'systolic-2'], { count: 32 }).apply(document);
    expect(grouped.groups).toEqual([
      { id: 'group', name: 'Group 1', kind: 'cluster', count: 32, blocks: ['systolic', 'systolic-2'] },
    ]);
    expect(ungroup('group').apply(grouped).groups).toEqual([]);
  });

  it('nest a group inside the group its members were in, and ungrouping moves members up one level', () => {
    const outer = groupElements(['systolic', 'systolic-2', 'systolic-3'], { kind: 'chip' }).apply(
      threeTiles(),
    );
    const inner = groupElements(['systolic', 'systolic-2']).apply(outer);
    const chip = inner.groups.find((group) => group.id === 'chip');
    expect(chip?.blocks).toEqual(['systolic-3']);
    expect(chip?.groups).toEqual(['group']);
    const flattened = ungroup('group')
      .apply(inner)
      .groups.find((group) => group.id === 'chip');
    expect(flattened?.blocks.sort()).toEqual(['systolic', 'systolic-2', 'systolic-3']);
    expect(flattened?.groups).toEqual([]);
  });

  it('refuse to group blocks that sit in different groups', () => {
    const document = groupElements(['systolic']).apply(threeTiles());
    expect(groupElements(['systolic', 'systolic-2']).apply(document)).toBe(document);
  });

  it('move a group and everything in it by an offset', () => {
    const document = groupElements(['systolic', 'systolic-2']).apply(threeTiles());
    const moved = moveBy(['group'], { x: 10, y: 20 }, 'Move group').apply(document);
    expect(moved.blocks.map((block) => block.position)).toEqual([
      { x: 10, y: 20 },
      { x: 310, y: 20 },
      { x: 600, y: 0 },
    ]);
  });

  it('change a group’s count and kind', () => {
    const document = groupElements(['systolic']).apply(threeTiles());
    const changed = setGroup('group', { count: 132, kind: 'chip' }, 'Set count').apply(document);
    expect(changed.groups[0]).toMatchObject({ count: 132, kind: 'chip' });
    expect(setGroup('group', { count: 132, kind: 'chip' }, 'Again').apply(changed)).toBe(changed);
  });
});

describe('clipboard', () => {
  function linkedPair() {
    let document = addBlock(tile, { x: 0, y: 0 }).apply(emptyDesign('d'));
    document = addBlock(tile, { x: 0, y: 200 }).apply(document);
    return connect({ block: 'systolic', port: 'mem' }, { block: 'systolic-2', port: 'mem' }).apply(document);
  }

  it('copy the selected blocks with the links between them, and remember the links that leave', () => {
    const fragment = copyFragment(linkedPair(), new Set(['systolic']));
    expect(fragment.blocks.map((block) => block.id)).toEqual(['systolic']);
    expect(fragment.links).toEqual([]);
    expect(fragment.externalLinks).toHaveLength(1);
  });

  it('paste with fresh ids and an offset; with links, reconnect to the blocks outside the copy', () => {
    const document = linkedPair();
    const fragment = copyFragment(document, new Set(['systolic']));
    const plain = pasteFragment(fragment, { x: 32, y: 32 }, false).apply(document);
    expect(plain.blocks.map((block) => block.id)).toEqual(['systolic', 'systolic-2', 'systolic-3']);
    expect(plain.blocks[2]?.position).toEqual({ x: 32, y: 32 });
    expect(plain.links).toHaveLength(1);
    const linked = pasteFragment(fragment, { x: 32, y: 32 }, true).apply(document);
    expect(linked.links).toHaveLength(2);
    expect(linked.links[1]).toMatchObject({ from: { block: 'systolic-3' }, to: { block: 'systolic-2' } });
  });

  it('carry whole groups along, renamed', () => {
    const document = groupElements(['systolic', 'systolic-2'], { count: 4 }).apply(linkedPair());
    const fragment = copyFragment(document, new Set(['group']));
    expect(fragment.groups).toHaveLength(1);
    const pasted = pasteFragment(fragment, { x: 0, y: 400 }, false).apply(document);
    expect(pasted.groups.map((group) => [group.id, group.blocks, group.count])).toEqual([
      ['group', ['systolic', 'systolic-2'], 4],
      ['group-2', ['systolic-3', 'systolic-4'], 4],
    ]);
  });
});

describe('pasted and duplicated blocks', () => {
  const size = { width: 200, height: 76 };

  it('take a free name numbered as new blocks are, and keep a name that is free', () => {
    const taken = new Set(['HBM stack', 'HBM stack 2', 'Tile 7']);
    expect(uniqueName('HBM stack', taken)).toBe('HBM stack 3');
    expect(uniqueName('HBM stack 2', taken)).toBe('HBM stack 3');
    expect(uniqueName('Tile 7', taken)).toBe('Tile 2');
    expect(uniqueName('SRAM', taken)).toBe('SRAM');
  });

  it('paste under names of their own, blocks and groups alike', () => {
    let document = addBlock(tile, { x: 0, y: 0 }).apply(emptyDesign('d'));
    document = renameBlock('systolic', 'HBM stack').apply(document);
    document = groupElements(['systolic']).apply(document);
    const fragment = copyFragment(document, new Set(['group']));
    const once = pasteFragment(fragment, { x: 0, y: 100 }, false).apply(document);
    const twice = pasteFragment(fragment, { x: 0, y: 200 }, false).apply(once);
    expect(twice.blocks.map((block) => block.name)).toEqual(['HBM stack', 'HBM stack 2', 'HBM stack 3']);
    expect(twice.groups.map((group) => group.name)).toEqual(['Group 1', 'Group 2', 'Group 3']);
  });

  it('are offset clear of the blocks already there, and a second paste clear of the first', () => {
    const document = addBlock(tile, { x: 0, y: 0 }).apply(emptyDesign('d'));
    const fragment = copyFragment(document, new Set(['systolic']));
    const offset = pasteOffset(document, fragment, size);
    // A 200 × 76 block moved diagonally by steps of 32 is clear of its original after three steps (96 ≥ 76).
    expect(offset).toEqual({ x: 96, y: 96 });
    const pasted = pasteFragment(fragment, offset, false).apply(document);
    expect(pasteOffset(pasted, fragment, size)).toEqual({ x: 192, y: 192 });
    // Nothing in the way: one step, so the copy stays next to its original.
    expect(pasteOffset(emptyDesign('e'), fragment, size)).toEqual({ x: 32, y: 32 });
  });

  it('join the group the originals are in, or the group being viewed', () => {
    let document = addBlock(tile, { x: 0, y: 0 }).apply(emptyDesign('d'));
    document = addBlock(tile, { x: 300, y: 0 }).apply(document);
    document = addBlock(tile, { x: 600, y: 0 }).apply(document);
    document = groupElements(['systolic', 'systolic-2']).apply(document);
    expect(commonParent(document, ['systolic'])).toBe('group');
    expect(commonParent(document, ['systolic', 'systolic-3'])).toBeNull();
    const fragment = copyFragment(document, new Set(['systolic']));
    const duplicated = pasteFragment(fragment, { x: 96, y: 96 }, false, 'Duplicate', 'group').apply(document);
    expect(duplicated.groups[0]?.blocks).toEqual(['systolic', 'systolic-2', 'systolic-4']);
    const outside = pasteFragment(fragment, { x: 96, y: 96 }, false).apply(document);
    expect(outside.groups[0]?.blocks).toEqual(['systolic', 'systolic-2']);
  });
});

describe('the system clipboard’s text', () => {
  it('holds copied blocks as a text spec that reads back to the same blocks, links and groups', () => {
    let document = addBlock(tile, { x: 0, y: 0 }).apply(emptyDesign('d'));
    document = addBlock(tile, { x: 0, y: 200 }).apply(document);
    document = addBlock(tile, { x: 300, y: 0 }).apply(document);
    document = connect({ block: 'systolic', port: 'mem' }, { block: 'systolic-2', port: 'mem' }).apply(
      document,
    );
    document = connect({ block: 'systolic', port: 'mem' }, { block: 'systolic-3', port: 'mem' }).apply(
      document,
    );
    document = groupElements(['systolic', 'systolic-2'], { count: 8 }).apply(document);
    const fragment = copyFragment(document, new Set(['group']));
    const text = designToYaml(fragmentDesign(fragment, 'Copied from d'));
    expect(text).toContain('format: tessera.design');
    const read = parseDesignText(text, 'yaml');
    if (!read.ok) throw new Error(read.problems.map((problem) => problem.message).join('; '));
    // The link to the block left behind does not travel: it means nothing in another design.
    expect(designFragment(read.design)).toEqual({ ...fragment, externalLinks: [] });
  });
});

describe('a block added at the end of a dragged link', () => {
  const memory: BlockType = {
    ...tile,
    id: 'memory.hbm',
    name: 'HBM',
    category: 'memory',
    ports: [{ id: 'port', name: 'Port', kind: 'memory', connects: ['compute'], side: 'top' }],
  };

  it('is placed and linked to the port in one step', () => {
    const document = addBlock(tile, { x: 0, y: 0 }).apply(emptyDesign('d'));
    const command = addConnectedBlock(
      memory,
      { x: 0, y: 200 },
      null,
      { block: 'systolic', port: 'mem' },
      'port',
    );
    expect(command.blockId(document)).toBe('hbm');
    const after = command.apply(document);
    expect(after.blocks.map((block) => [block.name, block.position])).toEqual([
      ['Systolic-array tile', { x: 0, y: 0 }],
      ['HBM', { x: 0, y: 200 }],
    ]);
    expect(after.links).toMatchObject([
      { from: { block: 'systolic', port: 'mem' }, to: { block: 'hbm', port: 'port' } },
    ]);
  });
});

describe('links and whole documents', () => {
  it('set and clear a link’s own limits', () => {
    let document = addBlock(tile, { x: 0, y: 0 }).apply(emptyDesign('d'));
    document = addBlock(tile, { x: 0, y: 0 }).apply(document);
    document = connect({ block: 'systolic', port: 'mem' }, { block: 'systolic-2', port: 'mem' }).apply(
      document,
    );
    const id = document.links[0]?.id ?? '';
    const limited = setLinkParams(id, { bandwidthBytesPerSecond: 1e11 }, 'Set').apply(document);
    expect(limited.links[0]?.params).toEqual({ bandwidthBytesPerSecond: 1e11 });
    expect(
      setLinkParams(id, { bandwidthBytesPerSecond: undefined }, 'Clear').apply(limited).links[0]?.params,
    ).toEqual({});
  });

  it('replace a document only when it differs', () => {
    const document = addBlock(tile, { x: 0, y: 0 }).apply(emptyDesign('d'));
    expect(replaceDocument(structuredClone(document), 'Edit spec').apply(document)).toBe(document);
    const renamed = { ...document, name: 'other' };
    expect(replaceDocument(renamed, 'Edit spec').apply(document)).toBe(renamed);
  });

  it('add a block inside the group being viewed', () => {
    const document = groupElements(['systolic']).apply(
      addBlock(tile, { x: 0, y: 0 }).apply(emptyDesign('d')),
    );
    const inside = addBlock(tile, { x: 0, y: 0 }, 'group').apply(document);
    expect(inside.groups[0]?.blocks).toEqual(['systolic', 'systolic-2']);
  });
});
