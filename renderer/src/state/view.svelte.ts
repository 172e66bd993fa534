/**
 * How the design is being looked at (not part of the document, not undoable): the group entered (drill-in),
 * what the blocks' overlays show, which side panel is shown, pane sizes, and the modal dialog open, if any.
 * Panels and dialogs change only through the functions here, so every caller (menus, shortcuts, buttons) goes
 * the same way and two modal dialogs are never open at once.
 */
import type { Position } from '../../../engine/schema/design';
import type { ApiError } from '../../../main/contract/api';
import type { OverlayMode } from '../editor/flow-model';

export type SidePanel = 'inspector' | 'workload' | 'spec' | 'history';

/** What the window shows of the open design: the design itself (canvas, results, side panel) or its sweeps. */
export type ViewMode = 'design' | 'sweeps';

/** The side panel shown when no other is asked for (and the one a toggled panel gives way to). */
export const DEFAULT_SIDE_PANEL: SidePanel = 'inspector';

/** Every modal dialog, with what it is opened on. */
export type Dialog =
  | { kind: 'new-design' }
  | { kind: 'designs' }
  | { kind: 'save-as' }
  | { kind: 'export' }
  /** Why an import was refused, with every problem found. */
  | { kind: 'import-problem'; fileName: string; error: ApiError }
  | { kind: 'preferences' }
  /**
   * The quick-add search, adding at a point of the design (flow coordinates). With `connectFrom` it offers only
   * the block types that can link to that block's port (a link dragged into empty space) and links the new block
   * to it; `anchor` (client coordinates) shows it there instead of in the middle of the window.
   */
  | {
      kind: 'quick-add';
      at: Position;
      connectFrom?: { block: string; port?: string };
      anchor?: Position;
    }
  | { kind: 'connect' }
  | { kind: 'model-picker' }
  | { kind: 'shortcuts' }
  | { kind: 'about' };

export type DialogKind = Dialog['kind'];
export type DialogOf<Kind extends DialogKind> = Extract<Dialog, { kind: Kind }>;

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
  /** Width of the side panel and height of the results panel, in pixels. */
  sizes = $state<PaneSizes>(storedSizes());
  /**
   * The canvas is zoomed out so far that it draws the overview (CanvasOverview) instead of its blocks: the
   * blocks' elements stay (Svelte Flow keeps them) but show nothing and are not updated.
   */
  far = $state(false);
  /** Why the connection being dragged cannot be made, shown next to the pointer. */
  connectionHint = $state<string | null>(null);

  #sidePanel = $state<SidePanel>(DEFAULT_SIDE_PANEL);
  #mode = $state<ViewMode>('design');

  /** Whether the window shows the design or its sweeps. */
  get mode(): ViewMode {
    return this.#mode;
  }

  showMode(mode: ViewMode): void {
    this.#mode = mode;
  }

  /** Shows the sweeps, or the design again when they are shown. */
  toggleSweeps(): void {
    this.#mode = this.#mode === 'sweeps' ? 'design' : 'sweeps';
  }
  #dialog = $state.raw<Dialog | null>(null);

  /** Which tab the side panel shows. */
  get sidePanel(): SidePanel {
    return this.#sidePanel;
  }

  showPanel(panel: SidePanel): void {
    this.#sidePanel = panel;
  }

  /** Shows `panel`, or, when it is shown already, the default panel again. */
  togglePanel(panel: SidePanel): void {
    this.#sidePanel = this.#sidePanel === panel ? DEFAULT_SIDE_PANEL : panel;
  }

  /** The modal dialog open, if any. */
  get dialog(): Dialog | null {
    return this.#dialog;
  }

  /** A modal dialog has the keyboard: the canvas's shortcuts stay off behind it. */
  get dialogOpen(): boolean {
    return this.#dialog !== null;
  }

  /** The open dialog when it is of this kind (with what it was opened on), else undefined. */
  dialogOf<Kind extends DialogKind>(kind: Kind): DialogOf<Kind> | undefined {
    const dialog = this.#dialog;
    return dialog?.kind === kind ? (dialog as DialogOf<Kind>) : undefined;
  }

  isOpen(kind: DialogKind): boolean {
    return this.#dialog?.kind === kind;
  }

  /** Opens a dialog in place of the one open, if any: modal dialogs are never stacked. */
  openDialog(dialog: Dialog): void {
    this.#dialog = dialog;
  }

  /**
   * Closes the dialog of this kind if it is the one open. A dialog replaced by another hears its own close as
   * it goes; it must not close the one that replaced it.
   */
  closeDialog(kind: DialogKind): void {
    if (this.#dialog?.kind === kind) this.#dialog = null;
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
