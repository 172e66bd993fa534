/**
 * How the design is being looked at (not part of the document, not undoable): the group entered (drill-in),
 * what the blocks' overlays show, which side panel is open, and the transient dialogs.
 */
import type { Position } from '../../../engine/schema/design';
import type { OverlayMode } from '../editor/flow-model';

export type SidePanel = 'inspector' | 'workload' | 'spec' | 'history';

/** Pane sizes the user chose, kept for the next session (a view preference, not part of any project). */
const SIZES_KEY = 'tessera.paneSizes';
interface PaneSizes {
  side: number;
  results: number;
}
function storedSizes(): PaneSizes {
  const fallback = { side: 340, results: 280 };
  try {
    const value = JSON.parse(
      globalThis.localStorage?.getItem(SIZES_KEY) ?? 'null',
    ) as Partial<PaneSizes> | null;
    return {
      side: typeof value?.side === 'number' && Number.isFinite(value.side) ? value.side : fallback.side,
      results:
        typeof value?.results === 'number' && Number.isFinite(value.results)
          ? value.results
          : fallback.results,
    };
  } catch {
    return fallback;
  }
}

class ViewState {
  /** The group whose inside is shown, or null for the whole design. */
  scope = $state<string | null>(null);
  overlay = $state<OverlayMode>('utilization');
  panel = $state<SidePanel>('inspector');
  /** Width of the side panel and height of the results panel, in pixels. */
  sizes = $state<PaneSizes>(storedSizes());
  /** The quick-add search, open at a point of the design (flow coordinates). */
  quickAdd = $state<{ at: Position } | null>(null);
  shortcutsOpen = $state(false);
  newDesignOpen = $state(false);
  connectOpen = $state(false);
  aboutOpen = $state(false);
  designsOpen = $state(false);
  saveAsOpen = $state(false);
  preferencesOpen = $state(false);
  /**
   * The canvas is zoomed out so far that it draws the overview (CanvasOverview) instead of its blocks: the
   * blocks' elements stay (Svelte Flow keeps them) but show nothing and are not updated.
   */
  far = $state(false);
  /** Why the connection being dragged cannot be made, shown next to the pointer. */
  connectionHint = $state<string | null>(null);

  /** How many modal dialogs are open (every dialog is a `Modal`, which counts itself here). */
  openModals = $state(0);

  /** A modal dialog has the keyboard: the canvas's shortcuts stay off behind it. */
  get dialogOpen(): boolean {
    return this.openModals > 0;
  }

  enter(groupId: string | null): void {
    this.scope = groupId;
  }

  resize(pane: keyof PaneSizes, size: number): void {
    this.sizes = { ...this.sizes, [pane]: size };
    try {
      globalThis.localStorage?.setItem(SIZES_KEY, JSON.stringify(this.sizes));
    } catch {
      // Storage may be unavailable (private mode, quota); the size still applies to this session.
    }
  }
}

export const view = new ViewState();
