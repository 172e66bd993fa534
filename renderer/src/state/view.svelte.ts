/**
 * How the design is being looked at (not part of the document, not undoable): the group entered (drill-in),
 * what the blocks' overlays show, which side panel is open, and the transient dialogs.
 */
import type { Position } from '../../../engine/schema/design';
import type { OverlayMode } from '../editor/flow-model';

export type SidePanel = 'inspector' | 'workload' | 'spec';

class ViewState {
  /** The group whose inside is shown, or null for the whole design. */
  scope = $state<string | null>(null);
  overlay = $state<OverlayMode>('utilization');
  panel = $state<SidePanel>('inspector');
  /** The quick-add search, open at a point of the design (flow coordinates). */
  quickAdd = $state<{ at: Position } | null>(null);
  shortcutsOpen = $state(false);
  newDesignOpen = $state(false);
  connectOpen = $state(false);
  aboutOpen = $state(false);
  /** Why the connection being dragged cannot be made, shown next to the pointer. */
  connectionHint = $state<string | null>(null);

  /** A modal dialog has the keyboard. */
  get dialogOpen(): boolean {
    return (
      this.quickAdd !== null || this.shortcutsOpen || this.newDesignOpen || this.connectOpen || this.aboutOpen
    );
  }

  enter(groupId: string | null): void {
    this.scope = groupId;
  }
}

export const view = new ViewState();
