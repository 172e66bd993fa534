/**
 * What the rest of the UI needs from the canvas without reaching into Svelte Flow: where the centre of the
 * visible area is and what is drawn there (to place a block added from the keyboard), and the view commands of
 * the View menu. The canvas registers the implementations from inside its flow (FlowBridge.svelte).
 */
import type { Position } from '../../../engine/schema/design';
import { freeSpot, type Box } from '../editor/placement';

export interface CanvasControls {
  /** A point of the screen (client coordinates) in design coordinates. */
  screenToFlow: (point: Position) => Position;
  viewCenter: () => Position;
  /** The boxes of the blocks and group frames drawn (in the group entered), in design coordinates. */
  occupied: () => Box[];
  /** The last pointer position over the canvas, in design coordinates. */
  pointer: () => Position;
  zoomIn: () => void;
  zoomOut: () => void;
  fitView: () => void;
}

let controls: CanvasControls | undefined;

export function registerCanvas(next: CanvasControls): void {
  controls = next;
}

/** A flow going away withdraws its controls, unless a newer flow has registered its own already. */
export function unregisterCanvas(previous: CanvasControls): void {
  if (controls === previous) controls = undefined;
}

export function canvas(): CanvasControls | undefined {
  return controls;
}

/**
 * Where a block added at `point` goes (its top-left corner): centred there when that is free, otherwise on the
 * nearest spot where it covers no block or group frame drawn and leaves their ports clear.
 */
export function freeSpotNear(point: Position): Position {
  return freeSpot(controls?.occupied() ?? [], point);
}
