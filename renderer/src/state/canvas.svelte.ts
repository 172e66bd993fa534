/**
 * What the rest of the UI needs from the canvas without reaching into Svelte Flow: where the centre of the
 * visible area is (to place a block added from the keyboard), and the view commands of the View menu.
 * The canvas registers the implementations from inside its flow (FlowBridge.svelte).
 */
import type { Position } from '../../../engine/schema/design';

export interface CanvasControls {
  /** A point of the screen (client coordinates) in design coordinates. */
  screenToFlow: (point: Position) => Position;
  viewCenter: () => Position;
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
