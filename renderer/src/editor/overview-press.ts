/**
 * A press on a node of the overview (CanvasOverview.svelte), from pointerdown to pointerup. It is a click on the
 * node until the pointer has travelled `DRAG_THRESHOLD_PIXELS` (far out one pixel is many units of the design);
 * then a drag of the node — or of the selection it belongs to (`dragTargets`) — that lands the pressed node on the
 * grid, as Svelte Flow snaps its own drags. Pure: the overview feeds it pointer positions and acts on the outcome.
 */
import type { Position } from '../../../engine/schema/design';
import type { FlowNode } from './flow-model';
import { dragTargets, SNAP_GRID } from './overview';

/** Pointer travel, in screen pixels, before a press becomes a drag. */
export const DRAG_THRESHOLD_PIXELS = 3;

export interface Press {
  node: FlowNode;
  pointerId: number;
  /** Where the pointer went down, in screen pixels. */
  startScreen: Position;
  /** The flow point under the pointer when pressed. */
  startFlow: Position;
  /** What the press drags once it moves. */
  dragged: FlowNode[];
  moved: boolean;
  /** How far the dragged nodes are moved, in flow units. */
  offset: Position;
}

export function snapToGrid(value: number): number {
  return Math.round(value / SNAP_GRID) * SNAP_GRID;
}

/** A press on `node` with `selection` selected (after the press has selected what it selects). */
export function startPress(
  nodes: readonly FlowNode[],
  node: FlowNode,
  selection: ReadonlySet<string>,
  pointerId: number,
  screen: Position,
  flow: Position,
): Press {
  return {
    node,
    pointerId,
    startScreen: screen,
    startFlow: flow,
    dragged: dragTargets(nodes, node, selection),
    moved: false,
    offset: { x: 0, y: 0 },
  };
}

/**
 * The press after the pointer moved to `screen`, over `flow` in the design: the same press while it is still a
 * click. The offset runs from the flow point pressed to the one under the pointer now, so a zoom during the
 * drag keeps the block under the pointer.
 */
export function movePress(press: Press, screen: Position, flow: Position): Press {
  const travel = Math.hypot(screen.x - press.startScreen.x, screen.y - press.startScreen.y);
  if (!press.moved && travel < DRAG_THRESHOLD_PIXELS) return press;
  const { position } = press.node;
  return {
    ...press,
    moved: true,
    offset: {
      x: snapToGrid(position.x + flow.x - press.startFlow.x) - position.x,
      y: snapToGrid(position.y + flow.y - press.startFlow.y) - position.y,
    },
  };
}

export type PressOutcome =
  | { kind: 'click'; node: FlowNode }
  /** The dragged nodes at their new positions and where they started, as Svelte Flow reports a drag's end. */
  | { kind: 'move'; dragged: FlowNode[]; start: Map<string, Position> }
  /** Dragged back to where it started. */
  | { kind: 'none' };

/** What a press makes when the pointer is released. */
export function pressOutcome(press: Press): PressOutcome {
  if (!press.moved) return { kind: 'click', node: press.node };
  const { offset } = press;
  if (offset.x === 0 && offset.y === 0) return { kind: 'none' };
  return {
    kind: 'move',
    dragged: press.dragged.map((node) => ({
      ...node,
      position: { x: node.position.x + offset.x, y: node.position.y + offset.y },
    })),
    start: new Map(press.dragged.map((node) => [node.id, { ...node.position }])),
  };
}
