/**
 * The canvas's context menus (right-click, or the ContextMenu key / Shift+F10 on what has the focus): what a
 * menu is opened on, where, and its entries. Each entry runs an action of the action list (or, for what has no
 * menu-bar entry, such as Rename… or a paste at the pointer, the same functions those actions call), so a
 * context menu is another way to the same commands, never a second code path.
 */
import type { Position } from '../../../engine/schema/design';
import type { MenuCommand } from '../../../main/contract/api';
import { groupDescendantBlocks } from '../editor/commands';
import { DEFAULT_BLOCK_SIZE } from '../editor/flow-model';
import { actions, canPaste, deleteSelection, pasteClipboard, runAction } from './actions.svelte';
import { editor } from './editor.svelte';
import { view } from './view.svelte';

/** What a context menu is opened on; a block's menu may name the port it was opened on. */
export type ContextTarget =
  | { kind: 'block'; id: string; port?: string }
  | { kind: 'link'; id: string }
  | { kind: 'group'; id: string }
  | { kind: 'pane' };

export interface OpenContextMenu {
  target: ContextTarget;
  /** Where the menu shows, in client (screen) coordinates. */
  screen: Position;
  /** The design point it was opened at (where Paste and Add Block put what they add). */
  at: Position;
}

export interface ContextMenuItem {
  label: string;
  /** The shortcut shown beside the entry, if it has one. */
  keys?: string;
  run: () => void;
  enabled: boolean;
}

class ContextMenuState {
  open = $state.raw<OpenContextMenu | null>(null);

  /**
   * Opens the menu on a target. A block, link or group that is not selected becomes the selection, as in other
   * editors; one already selected keeps the selection it is part of (the menu acts on all of it).
   */
  show(menu: OpenContextMenu): void {
    const { target } = menu;
    if (target.kind !== 'pane' && !editor.selection.has(target.id)) editor.select([target.id]);
    this.open = menu;
  }

  close(): void {
    this.open = null;
  }
}

export const contextMenu = new ContextMenuState();

/** The target for an element of the canvas: a block (or one of its ports), a group frame, a link, or the pane. */
export function targetOf(element: Element | null): ContextTarget {
  const document = editor.document;
  const node = element?.closest<HTMLElement>('.svelte-flow__node');
  const nodeId = node?.dataset.id;
  if (nodeId !== undefined && document) {
    if (document.groups.some((group) => group.id === nodeId)) return { kind: 'group', id: nodeId };
    if (document.blocks.some((block) => block.id === nodeId)) {
      const port = element?.closest<HTMLElement>('.svelte-flow__handle')?.dataset.handleid;
      return port ? { kind: 'block', id: nodeId, port } : { kind: 'block', id: nodeId };
    }
  }
  const edgeId = element?.closest<HTMLElement>('.svelte-flow__edge')?.dataset.id;
  if (edgeId !== undefined && document?.links.some((link) => link.id === edgeId))
    return { kind: 'link', id: edgeId };
  return { kind: 'pane' };
}

/** The target when the menu is opened from the keyboard on the canvas itself: the selection, if any. */
export function selectionTarget(): ContextTarget {
  const document = editor.document;
  const [first] = editor.selection;
  if (first === undefined || !document) return { kind: 'pane' };
  if (document.blocks.some((block) => block.id === first)) return { kind: 'block', id: first };
  if (document.groups.some((group) => group.id === first)) return { kind: 'group', id: first };
  if (document.links.some((link) => link.id === first)) return { kind: 'link', id: first };
  return { kind: 'pane' };
}

function fromAction(id: MenuCommand, label?: string): ContextMenuItem {
  const action = actions.find((candidate) => candidate.id === id);
  return {
    label: label ?? action?.label ?? id,
    keys: action?.keys,
    run: () => runAction(id),
    enabled: action?.enabled?.() ?? true,
  };
}

/** Shows the inspector and puts the keyboard in one of its fields (Rename…, Properties). */
function focusInspector(selector: string): void {
  view.showPanel('inspector');
  // The panel renders the field on the next frame when another tab was shown.
  requestAnimationFrame(() => {
    const field = document.querySelector<HTMLInputElement>(selector);
    field?.focus();
    field?.select?.();
  });
}

/** The entries of the menu opened on `menu.target`. */
export function contextMenuItems(menu: OpenContextMenu): ContextMenuItem[] {
  const { target, at } = menu;
  switch (target.kind) {
    case 'block': {
      const document = editor.document;
      const block = document?.blocks.find((candidate) => candidate.id === target.id);
      return [
        fromAction('cut'),
        fromAction('copy'),
        fromAction('duplicate'),
        fromAction('delete', 'Delete'),
        {
          label: 'Rename…',
          run: () => focusInspector('#inspector-name'),
          enabled: editor.selection.size === 1,
        },
        fromAction('group'),
        fromAction('connect'),
        {
          label: 'Connect New Block…',
          run: () => {
            if (!block) return;
            // Below the block, where a link from its ports has room to go.
            const position = {
              x: block.position.x + DEFAULT_BLOCK_SIZE.width / 2,
              y: block.position.y + DEFAULT_BLOCK_SIZE.height + 120,
            };
            view.openDialog({
              kind: 'quick-add',
              at: position,
              connectFrom: { block: block.id, ...(target.port ? { port: target.port } : {}) },
              anchor: menu.screen,
            });
          },
          enabled: block !== undefined,
        },
      ];
    }
    case 'link':
      return [
        fromAction('delete', 'Delete'),
        {
          label: 'Properties',
          run: () => focusInspector('.inspector section[aria-label="Link parameters"] input'),
          enabled: editor.selection.size === 1,
        },
      ];
    case 'group':
      return [
        {
          label: 'Rename…',
          run: () => focusInspector('#group-name'),
          enabled: editor.selection.size === 1,
        },
        fromAction('enter-group'),
        fromAction('copy'),
        fromAction('duplicate'),
        fromAction('ungroup'),
        {
          label: 'Delete Group and Blocks',
          run: () => {
            const document = editor.document;
            if (!document) return;
            // Deleting a selected frame keeps its blocks; here the blocks go too, as one step.
            editor.select([target.id, ...groupDescendantBlocks(document, target.id)]);
            deleteSelection('Delete group');
          },
          enabled: true,
        },
      ];
    case 'pane':
      return [
        {
          label: 'Paste',
          keys: 'Ctrl+V',
          run: () => pasteClipboard(false, undefined, at),
          enabled: canPaste(),
        },
        {
          label: 'Add Block…',
          keys: 'Ctrl+K',
          run: () => view.openDialog({ kind: 'quick-add', at }),
          enabled: true,
        },
        fromAction('select-all'),
        fromAction('auto-layout'),
        fromAction('fit-view'),
      ];
  }
}
