/**
 * The far-out view of the canvas. Below `FAR_ZOOM` a block's text is a few pixels tall and a large design is
 * thousands of elements that Chromium lays out and layers again after every edit; the canvas then hides Svelte
 * Flow's nodes and links and draws the design on `<canvas>` layers (CanvasOverview.svelte) from the same nodes
 * and edges. This module is the geometry that drawing and the pointer share: the box of a node, which node is under
 * a point, where a link leaves and enters its blocks, and what a drag moves. Pure; tested without a DOM.
 */
import { getSmoothStepPath, Position as Side, type Edge } from '@xyflow/svelte';
import type { BlockType } from '../../../engine/schema/block-type';
import type { DesignDocument, Position } from '../../../engine/schema/design';
import { groupDescendantBlocks } from './commands';
import { DEFAULT_BLOCK_SIZE, HANDLE_HALF_WIDTH, type BlockOverlay, type FlowNode } from './flow-model';

type PortSide = BlockType['ports'][number]['side'];

/** Below this zoom the canvas draws the overview instead of Svelte Flow's elements. */
export const FAR_ZOOM = 0.35;

/** The canvas's grid: Svelte Flow snaps dragged nodes to it (its `snapGrid`), and so does the overview. */
export const SNAP_GRID = 8;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The screen transform of the flow: a flow point p is drawn at p × zoom + (x, y). */
export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** Where a node is drawn, in flow coordinates; `position` replaces its own while it is dragged. */
export function nodeBox(node: FlowNode, position: Position = node.position): Box {
  const size =
    node.type === 'frame'
      ? { width: node.data.width, height: node.data.height }
      : { width: node.width ?? DEFAULT_BLOCK_SIZE.width, height: node.height ?? DEFAULT_BLOCK_SIZE.height };
  return { x: position.x, y: position.y, ...size };
}

export function contains(box: Box, point: Position): boolean {
  return (
    point.x >= box.x && point.x <= box.x + box.width && point.y >= box.y && point.y <= box.y + box.height
  );
}

/** Whether `inner` lies wholly inside `outer`. */
export function encloses(outer: Box, inner: Box): boolean {
  return (
    contains(outer, { x: inner.x, y: inner.y }) &&
    contains(outer, { x: inner.x + inner.width, y: inner.y + inner.height })
  );
}

export function intersects(a: Box, b: Box): boolean {
  return a.x <= b.x + b.width && b.x <= a.x + a.width && a.y <= b.y + b.height && b.y <= a.y + a.height;
}

/** The part of the flow on screen: a `width` × `height` screen area seen through `viewport`. */
export function visibleFlowBox(viewport: Viewport, width: number, height: number): Box {
  return {
    x: -viewport.x / viewport.zoom,
    y: -viewport.y / viewport.zoom,
    width: width / viewport.zoom,
    height: height / viewport.zoom,
  };
}

export function toFlow(viewport: Viewport, screen: Position): Position {
  return { x: (screen.x - viewport.x) / viewport.zoom, y: (screen.y - viewport.y) / viewport.zoom };
}

/**
 * The node under a flow point: blocks over frames, a later block over an earlier one, and an inner frame
 * (higher z-index) over the frame around it — as Svelte Flow stacks them, except that a selected frame is not
 * raised over its blocks (far out, pressing a block inside a selected frame should get the block).
 */
export function nodeAt(nodes: readonly FlowNode[], point: Position): FlowNode | undefined {
  let frame: FlowNode | undefined;
  for (let index = nodes.length - 1; index >= 0; index -= 1) {
    const node = nodes[index];
    if (!node || node.hidden || !contains(nodeBox(node), point)) continue;
    if (node.type === 'block') return node;
    if (!frame || (node.zIndex ?? 0) > (frame.zIndex ?? 0)) frame = node;
  }
  return frame;
}

const SIDES: Record<PortSide, Side> = {
  top: Side.Top,
  right: Side.Right,
  bottom: Side.Bottom,
  left: Side.Left,
};

/**
 * Where a link meets a block's port on `side`: Svelte Flow starts a link at the outer edge of its handle, which
 * sits centred on the block's side.
 */
export function portPoint(box: Box, side: PortSide): Position {
  switch (side) {
    case 'top':
      return { x: box.x + box.width / 2, y: box.y - HANDLE_HALF_WIDTH };
    case 'bottom':
      return { x: box.x + box.width / 2, y: box.y + box.height + HANDLE_HALF_WIDTH };
    case 'left':
      return { x: box.x - HANDLE_HALF_WIDTH, y: box.y + box.height / 2 };
    case 'right':
      return { x: box.x + box.width + HANDLE_HALF_WIDTH, y: box.y + box.height / 2 };
  }
}

function sideOf(node: FlowNode | undefined, portId: string | null | undefined): PortSide | undefined {
  if (node?.type !== 'block') return undefined;
  return node.data.type?.ports.find((port) => port.id === portId)?.side;
}

export interface LinkGeometry {
  from: Position;
  fromSide: PortSide;
  to: Position;
  toSide: PortSide;
}

/** Where a link starts and ends, or undefined when one of its blocks or ports is not on the canvas. */
export function linkGeometry(
  edge: Edge,
  nodesById: ReadonlyMap<string, FlowNode>,
  positions?: ReadonlyMap<string, Position>,
): LinkGeometry | undefined {
  const source = nodesById.get(edge.source);
  const target = nodesById.get(edge.target);
  const fromSide = sideOf(source, edge.sourceHandle);
  const toSide = sideOf(target, edge.targetHandle);
  if (!source || !target || !fromSide || !toSide) return undefined;
  return {
    from: portPoint(nodeBox(source, positions?.get(source.id)), fromSide),
    fromSide,
    to: portPoint(nodeBox(target, positions?.get(target.id)), toSide),
    toSide,
  };
}

/** The link drawn as Svelte Flow draws it (a smooth step), as an SVG path. */
export function linkPath(geometry: LinkGeometry): string {
  const [path] = getSmoothStepPath({
    sourceX: geometry.from.x,
    sourceY: geometry.from.y,
    sourcePosition: SIDES[geometry.fromSide],
    targetX: geometry.to.x,
    targetY: geometry.to.y,
    targetPosition: SIDES[geometry.toSide],
  });
  return path;
}

/**
 * What pressing `pressed` drags, as Svelte Flow does: the whole selection when the node is part of it, else the
 * node alone.
 */
export function dragTargets(
  nodes: readonly FlowNode[],
  pressed: FlowNode,
  selection: ReadonlySet<string>,
): FlowNode[] {
  if (!selection.has(pressed.id)) return [pressed];
  return nodes.filter((node) => selection.has(node.id));
}

/**
 * Where every node that a drag by `offset` moves is drawn meanwhile: the dragged nodes, and the blocks and
 * frames inside a dragged frame (frames are sized around what they hold).
 */
export function draggedPositions(
  document: DesignDocument,
  nodes: readonly FlowNode[],
  dragged: readonly FlowNode[],
  offset: Position,
): Map<string, Position> {
  const ids = new Set(dragged.map((node) => node.id));
  for (const node of dragged) {
    if (node.type !== 'frame') continue;
    for (const blockId of groupDescendantBlocks(document, node.id)) ids.add(blockId);
    for (const group of nestedGroups(document, node.id)) ids.add(group);
  }
  const positions = new Map<string, Position>();
  for (const node of nodes)
    if (ids.has(node.id))
      positions.set(node.id, { x: node.position.x + offset.x, y: node.position.y + offset.y });
  return positions;
}

function nestedGroups(document: DesignDocument, groupId: string, seen = new Set<string>()): string[] {
  if (seen.has(groupId)) return [];
  seen.add(groupId);
  const group = document.groups.find((candidate) => candidate.id === groupId);
  return (group?.groups ?? []).flatMap((child) => [child, ...nestedGroups(document, child, seen)]);
}

/**
 * The node Tab (`step` 1) or Shift+Tab (`step` -1) selects far out, where the blocks are not elements to move the
 * focus through: the one after (before) the selected node that comes last in the order Tab walks them close up
 * (the node list's, frames first). With nothing selected, the first (last) node. Undefined past either end, where
 * Tab moves the focus on as it does close up.
 */
export function nextInOrder(
  nodes: readonly FlowNode[],
  selection: ReadonlySet<string>,
  step: 1 | -1,
): FlowNode | undefined {
  let from = -1;
  for (let index = 0; index < nodes.length; index += 1) {
    if (selection.has(nodes[index]?.id ?? '')) from = index;
  }
  if (from === -1) return step === 1 ? nodes[0] : nodes[nodes.length - 1];
  return nodes[from + step];
}

/** The blocks on screen, for the design layer: every block's box, and the boxes of each category (its tint). */
export function blockBoxes(
  nodes: readonly FlowNode[],
  boxes: ReadonlyMap<string, Box>,
): { blocks: Box[]; byCategory: Map<string, Box[]> } {
  const blocks: Box[] = [];
  const byCategory = new Map<string, Box[]>();
  for (const node of nodes) {
    const box = boxes.get(node.id);
    if (!box || node.type !== 'block') continue;
    blocks.push(box);
    const category = node.data.type?.category ?? 'host';
    let list = byCategory.get(category);
    if (!list) byCategory.set(category, (list = []));
    list.push(box);
  }
  return { blocks, byCategory };
}

/** What the marks layer draws over the design, as boxes in flow coordinates. */
export interface OverviewMarks {
  /** The bar's track on each block with an overlay. */
  tracks: Box[];
  /** The filled part of each bar, by what colours it: `power`, or the block's bound (`compute`, `memory`, …). */
  fills: Map<string, Box[]>;
  selected: Box[];
  /** Blocks with an error diagnostic (a selected one shows as selected). */
  failing: Box[];
  selectedFrames: Box[];
}

/**
 * The overlay bars and outlines of the nodes on screen (`boxes`). A bar sits where BlockNode draws it far out:
 * across the block right of its band, half its height; the power view scales a block's share of the design's
 * power by 3 so that small shares still show.
 */
export function overviewMarks(
  nodes: readonly FlowNode[],
  boxes: ReadonlyMap<string, Box>,
  overlays: ReadonlyMap<string, BlockOverlay>,
): OverviewMarks {
  const marks: OverviewMarks = {
    tracks: [],
    fills: new Map(),
    selected: [],
    failing: [],
    selectedFrames: [],
  };
  for (const node of nodes) {
    const box = boxes.get(node.id);
    if (!box) continue;
    if (node.type === 'frame') {
      if (node.selected) marks.selectedFrames.push(box);
      continue;
    }
    const overlay = overlays.get(node.id);
    if (overlay) {
      const track = { x: box.x + 26, y: box.y + box.height / 2 - 14, width: box.width - 37, height: 28 };
      const share = overlay.mode === 'power' ? Math.min(1, overlay.powerShare * 3) : overlay.utilization;
      marks.tracks.push(track);
      const key = overlay.mode === 'power' ? 'power' : (overlay.bound ?? '');
      let list = marks.fills.get(key);
      if (!list) marks.fills.set(key, (list = []));
      list.push({ ...track, width: track.width * Math.max(0, Math.min(1, share)) });
    }
    if (node.selected) marks.selected.push(box);
    else if (node.data.diagnostics.some((diagnostic) => diagnostic.severity === 'error'))
      marks.failing.push(box);
  }
  return marks;
}
