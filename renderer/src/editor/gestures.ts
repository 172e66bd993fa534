/**
 * What a click, a key and a drag on the canvas do, apart from Svelte Flow's own handling: the selection a click
 * or a key on a focused block makes, and what a drag moves. Svelte Flow moves the nodes it drags, but a group frame holds no children in its terms:
 * while a frame is dragged its blocks are moved along here, and when the drag ends everything that moved is one
 * command (the dragged blocks and the blocks inside dragged frames). The overview's own drag ends the same way.
 * Pure; the canvas applies what these return.
 */
import type { DesignDocument, Position } from '../../../engine/schema/design';
import { moveBy, parentGroup } from './commands';
import type { FlowNode } from './flow-model';

/** Where each dragged node was when the drag started, by id. */
export type DragStart = ReadonlyMap<string, Position>;

/** Whether a click (or Enter) adds to the selection (Shift, Ctrl or Cmd held) instead of replacing it. */
export function isAdditive(event: MouseEvent | TouchEvent | KeyboardEvent): boolean {
  return 'shiftKey' in event && (event.shiftKey || event.ctrlKey || event.metaKey);
}

/** The selection after a click on `id`: that alone, or with `additive` the selection with `id` toggled. */
export function clickSelection(selection: ReadonlySet<string>, id: string, additive: boolean): Set<string> {
  if (!additive) return new Set([id]);
  const next = new Set(selection);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/**
 * The selection after a key pressed on the focused block, frame or link `id`, or undefined to leave it as it is.
 * Enter or Space selects what has the focus (with Shift, Ctrl or Cmd: toggles it in the selection); on what is
 * selected already it changes nothing, so Enter then does what it does on a selection (enters a group). An arrow
 * key on a block that is not selected selects it first, so the arrows move the block that is highlighted and
 * shown in the Inspector, never one selected earlier elsewhere.
 */
export function keySelection(
  selection: ReadonlySet<string>,
  id: string,
  key: string,
  additive: boolean,
): Set<string> | undefined {
  if (key === 'Enter' || key === ' ') {
    if (additive) return clickSelection(selection, id, true);
    return selection.has(id) ? undefined : new Set([id]);
  }
  if (key.startsWith('Arrow')) return selection.has(id) ? undefined : new Set([id]);
  return undefined;
}

/**
 * The nodes while a drag is under way: the blocks inside every dragged frame moved by as much as their frame
 * (blocks Svelte Flow drags itself are left as it placed them). The same array when no frame is dragged.
 */
export function followFrames(
  document: DesignDocument,
  nodes: FlowNode[],
  dragged: readonly FlowNode[],
  start: DragStart,
): FlowNode[] {
  const frames = dragged.filter((node) => node.type === 'frame');
  if (frames.length === 0) return nodes;
  const offsets = new Map<string, Position>();
  for (const frame of frames) {
    const from = start.get(frame.id);
    if (!from) continue;
    const delta = { x: frame.position.x - from.x, y: frame.position.y - from.y };
    const moved = moveBy([frame.id], delta, '').apply(document);
    for (const block of moved.blocks) offsets.set(block.id, block.position);
  }
  const draggedIds = new Set(dragged.map((node) => node.id));
  return nodes.map((node) => {
    const position = node.type === 'block' && !draggedIds.has(node.id) ? offsets.get(node.id) : undefined;
    return position && (position.x !== node.position.x || position.y !== node.position.y)
      ? { ...node, position }
      : node;
  });
}

/**
 * Where every block a finished drag moved ends up: the dragged blocks where they were dropped, and the blocks
 * inside dragged frames moved by as much as their frame. A frame inside another dragged frame moves with it and
 * is not moved a second time.
 */
export function dragMoves(
  document: DesignDocument,
  dragged: readonly FlowNode[],
  start: DragStart,
): Map<string, Position> {
  let moved = document;
  const blockMoves = new Map<string, Position>();
  const draggedFrames = new Set(dragged.filter((node) => node.type === 'frame').map((node) => node.id));
  const insideDragged = (id: string): boolean => {
    for (let parent = parentGroup(document, id); parent; parent = parentGroup(document, parent.id))
      if (draggedFrames.has(parent.id)) return true;
    return false;
  };
  for (const node of dragged) {
    const from = start.get(node.id);
    if (node.type === 'frame' && from && !insideDragged(node.id))
      moved = moveBy([node.id], { x: node.position.x - from.x, y: node.position.y - from.y }, '').apply(
        moved,
      );
    else if (node.type === 'block') blockMoves.set(node.id, node.position);
  }
  for (const block of moved.blocks)
    if (!blockMoves.has(block.id) && block !== document.blocks.find((original) => original.id === block.id))
      blockMoves.set(block.id, block.position);
  return blockMoves;
}
