/**
 * What the overview (CanvasOverview.svelte) says in words: far out the blocks are not elements on the page, so the
 * overview's accessible name lists the selection, a node reached with Tab is announced, and the node under the
 * pointer is named in a tooltip. Pure.
 */
import type { Position } from '../../../engine/schema/design';
import { countOf } from '../lib/plural';
import type { BlockFace, FlowNode } from './flow-model';

/** The blocks' names and summaries by block id (`blockFaces`). */
export type Faces = Pick<ReadonlyMap<string, BlockFace>, 'get'>;

/** How many names the accessible name lists before "…". */
const NAMES_LISTED = 5;

const nameOf = (node: FlowNode, faces: Faces): string =>
  node.type === 'frame' ? node.data.group.name : (faces.get(node.id)?.name ?? node.id);

/** The overview's accessible name: what it draws, what is selected, and how to walk it. */
export function overviewLabel(nodes: readonly FlowNode[], linkCount: number, faces: Faces): string {
  const blocks = nodes.filter((node) => node.type === 'block').length;
  const names = nodes.filter((node) => node.selected).map((node) => nameOf(node, faces));
  const selected =
    names.length === 0
      ? ''
      : `, ${names.length} selected (${names.slice(0, NAMES_LISTED).join(', ')}${names.length > NAMES_LISTED ? ', …' : ''})`;
  return `Overview of ${countOf(blocks, 'block')} and ${countOf(linkCount, 'link')}${selected}; Tab selects the next one, zoom in to see their names and ports`;
}

/** What a screen reader says of a node reached with Tab: its name, its type and summary, its place. */
export function describeNode(node: FlowNode, nodes: readonly FlowNode[], faces: Faces): string {
  const place = `${nodes.indexOf(node) + 1} of ${nodes.length}`;
  if (node.type === 'frame') {
    const { group } = node.data;
    return `${group.name} ×${group.count}, ${group.kind} group (Enter opens it), ${place}`;
  }
  const face = faces.get(node.id);
  const name = face?.name ?? node.id;
  // The type unless the block is named after it ("HBM", not "HBM, HBM").
  const type = node.data.type?.name === name ? undefined : node.data.type?.name;
  return [name, type, face?.summary].filter(Boolean).join(', ') + `, ${place}`;
}

/** The tooltip of the node under the pointer. */
export function tooltipOf(node: FlowNode, faces: Faces): { title: string; detail: string } {
  if (node.type === 'frame')
    return { title: `${node.data.group.name} ×${node.data.group.count}`, detail: node.data.group.kind };
  const face = faces.get(node.id);
  return { title: face?.name ?? node.id, detail: face?.summary ?? '' };
}

/** Room a tooltip needs beside the pointer before it goes on the other side, in pixels. */
const TOOLTIP_ROOM = { width: 280, height: 60 };
/** Gap between the pointer and the tooltip, in pixels. */
const TOOLTIP_GAP = 14;

/**
 * Where the tooltip goes in an area of `size`: beside the pointer `at`, on the side with room for it (CSS
 * offsets; null leaves a side unset).
 */
export function tooltipPlacement(
  at: Position,
  size: { width: number; height: number },
): { left: string | null; right: string | null; top: string | null; bottom: string | null } {
  const rightward = at.x < size.width - TOOLTIP_ROOM.width;
  const downward = at.y < size.height - TOOLTIP_ROOM.height;
  return {
    left: rightward ? `${at.x + TOOLTIP_GAP}px` : null,
    right: rightward ? null : `${size.width - at.x + TOOLTIP_GAP}px`,
    top: downward ? `${at.y + TOOLTIP_GAP}px` : null,
    bottom: downward ? null : `${size.height - at.y + TOOLTIP_GAP}px`,
  };
}
