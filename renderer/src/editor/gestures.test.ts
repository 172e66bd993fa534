import { describe, expect, it } from 'vitest';
import type { Position } from '../../../engine/schema/design';
import { testCatalog, testGroupedDesign } from '../../../engine/testing/fixtures';
import { moveBlocks } from './commands';
import { toNodes, type FlowNode } from './flow-model';
import { clickSelection, dragMoves, followFrames, isAdditive, keySelection } from './gestures';

// A tile inside "tiles" (×16), which sits with an SRAM and a DRAM inside "chip" (×4).
const design = testGroupedDesign();
const nodes = toNodes({
  document: design,
  catalog: testCatalog(),
  selection: new Set(),
  diagnostics: [],
  scope: null,
});
const node = (id: string): FlowNode => {
  const found = nodes.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no node ${id}`);
  return found;
};
const startOf = (...ids: string[]) => new Map(ids.map((id) => [id, { ...node(id).position }]));
/** A node where Svelte Flow has dragged it, `by` from where it was. */
const draggedBy = (id: string, by: Position): FlowNode => {
  const { position } = node(id);
  return { ...node(id), position: { x: position.x + by.x, y: position.y + by.y } };
};
const positionOf = (id: string) => design.blocks.find((block) => block.id === id)?.position;

describe('a click on the canvas', () => {
  it('selects what was clicked alone', () => {
    expect([...clickSelection(new Set(['sram', 'dram']), 'tile', false)]).toEqual(['tile']);
  });

  it('adds to the selection with Shift, Ctrl or Cmd, and takes out what was selected already', () => {
    expect([...clickSelection(new Set(['sram']), 'tile', true)].sort()).toEqual(['sram', 'tile']);
    expect([...clickSelection(new Set(['sram', 'tile']), 'tile', true)]).toEqual(['sram']);
    expect(isAdditive(new MouseEvent('click'))).toBe(false);
    for (const modifier of ['shiftKey', 'ctrlKey', 'metaKey'])
      expect(isAdditive(new MouseEvent('click', { [modifier]: true }))).toBe(true);
  });
});

describe('dragging on the canvas', () => {
  it('moves the blocks inside a dragged frame along with it while the drag goes on', () => {
    const by = { x: 40, y: 16 };
    const during = followFrames(design, nodes, [draggedBy('tiles', by)], startOf('tiles'));
    const tile = during.find((candidate) => candidate.id === 'tile');
    expect(tile?.position).toEqual({ x: node('tile').position.x + 40, y: node('tile').position.y + 16 });
    // Everything outside the frame keeps its very node.
    for (const id of ['sram', 'dram', 'chip'])
      expect(during.find((candidate) => candidate.id === id)).toBe(node(id));
  });

  it('leaves the nodes as they are when only blocks are dragged (Svelte Flow moves those itself)', () => {
    expect(followFrames(design, nodes, [draggedBy('sram', { x: 8, y: 8 })], startOf('sram'))).toBe(nodes);
  });

  it('ends a drag of blocks with each block where it was dropped', () => {
    const moves = dragMoves(design, [draggedBy('sram', { x: 8, y: -24 })], startOf('sram'));
    expect(moves).toEqual(
      new Map([['sram', { x: positionOf('sram')!.x + 8, y: positionOf('sram')!.y - 24 }]]),
    );
  });

  it('ends a drag of a frame with every block inside it moved by as much', () => {
    const by = { x: 64, y: 32 };
    const moves = dragMoves(design, [draggedBy('chip', by)], startOf('chip'));
    expect([...moves.keys()].sort()).toEqual(['dram', 'sram', 'tile']);
    for (const [id, position] of moves)
      expect(position).toEqual({ x: positionOf(id)!.x + 64, y: positionOf(id)!.y + 32 });
    // One command makes the whole drag.
    const after = moveBlocks(moves).apply(design);
    expect(after.blocks.map((block) => block.position)).toEqual(
      design.blocks.map((block) => ({ x: block.position.x + 64, y: block.position.y + 32 })),
    );
  });

  it('moves a frame dragged inside another dragged frame once, not twice', () => {
    const by = { x: 24, y: 8 };
    const moves = dragMoves(
      design,
      [draggedBy('chip', by), draggedBy('tiles', by)],
      startOf('chip', 'tiles'),
    );
    expect(moves.get('tile')).toEqual({ x: positionOf('tile')!.x + 24, y: positionOf('tile')!.y + 8 });
  });
});

describe('a key pressed on a focused block, frame or link', () => {
  const selection = new Set(['sram']);

  it('Enter or Space selects what has the focus instead of what was selected', () => {
    expect(keySelection(selection, 'dram', 'Enter', false)).toEqual(new Set(['dram']));
    expect(keySelection(selection, 'dram', ' ', false)).toEqual(new Set(['dram']));
  });

  it('with Shift, Ctrl or Cmd, Enter adds it to the selection or takes it out', () => {
    expect(keySelection(selection, 'dram', 'Enter', true)).toEqual(new Set(['sram', 'dram']));
    expect(keySelection(new Set(['sram', 'dram']), 'dram', 'Enter', true)).toEqual(new Set(['sram']));
  });

  it('Enter on what is selected already leaves the selection (Enter then enters a group)', () => {
    expect(keySelection(new Set(['tiles']), 'tiles', 'Enter', false)).toBeUndefined();
  });

  it('an arrow key moves the focused block: selected first when it was not', () => {
    expect(keySelection(selection, 'dram', 'ArrowRight', false)).toEqual(new Set(['dram']));
    // Shift with an arrow is the bigger step, not an addition to the selection.
    expect(keySelection(selection, 'dram', 'ArrowDown', true)).toEqual(new Set(['dram']));
    expect(keySelection(new Set(['dram', 'sram']), 'dram', 'ArrowLeft', false)).toBeUndefined();
  });

  it('other keys leave the selection to the shortcuts', () => {
    expect(keySelection(selection, 'dram', 'Escape', false)).toBeUndefined();
    expect(keySelection(selection, 'dram', 'Delete', false)).toBeUndefined();
  });
});
