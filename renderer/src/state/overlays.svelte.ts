/**
 * The overlay of every block for the latest simulation, by block id. Kept apart from the canvas's nodes: a new
 * report updates the blocks on screen and nothing else (rebuilding the node list of a 1,000-block design for
 * every result took longer than the simulation).
 */
import { blockOverlays, keepUnchangedOverlays, type BlockOverlay } from '../editor/flow-model';
import { editor } from './editor.svelte';
import { view } from './view.svelte';

class Overlays {
  /** The last map handed out (not reactive: only read to keep unchanged overlays as they were). */
  private previous: ReadonlyMap<string, BlockOverlay> = new Map();

  /** A block whose overlay looks as before keeps the same object, so only blocks that changed are redrawn. */
  readonly byBlock: ReadonlyMap<string, BlockOverlay> = $derived.by(() => {
    const next = keepUnchangedOverlays(this.previous, blockOverlays(editor.report, view.overlay));
    this.previous = next;
    return next;
  });
}

export const overlays = new Overlays();
