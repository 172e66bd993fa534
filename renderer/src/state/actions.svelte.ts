/**
 * Every editing action of the app, once: its label, its menu, its shortcut and what it does. The in-page menu
 * bar, the Electron menu's commands, the keyboard handler and the shortcuts dialog are all built from this list,
 * so an action never has a shortcut without a menu entry or the other way round.
 */
import type { MenuCommand } from '../../../main/contract/api';
import type { DesignDocument, Position } from '../../../engine/schema/design';
import {
  commonParent,
  copyFragment,
  deleteElements,
  designFragment,
  fragmentDesign,
  groupElements,
  moveBy,
  pasteFragment,
  pasteOffset,
  ungroup,
  type Fragment,
} from '../editor/commands';
import { DEFAULT_BLOCK_SIZE } from '../editor/flow-model';
import { app } from './app.svelte';
import { canvas } from './canvas.svelte';
import { editor } from './editor.svelte';
import { files } from './files.svelte';
import { layout, layoutDesign } from './layout.svelte';
import { view } from './view.svelte';

export type MenuName = 'File' | 'Edit' | 'Arrange' | 'View' | 'Help';

export interface Action {
  id: MenuCommand;
  label: string;
  menu: MenuName;
  /** Shortcut as shown to people, e.g. "Ctrl+Shift+G". */
  keys: string;
  /** Whether a key press triggers the action (besides the menu). */
  match?: (event: KeyboardEvent) => boolean;
  run: () => void;
  enabled?: () => boolean;
}

/** Save As: the system dialog in the desktop app, a path field in the browser. */
async function saveProjectAs(): Promise<void> {
  if (app.info?.shell !== 'electron') {
    view.openDialog({ kind: 'save-as' });
    return;
  }
  const path = await app.chooseProjectFile('create');
  if (path) await app.saveProjectAs(path.endsWith('.tessera') ? path : `${path}.tessera`);
}

const mod = (event: KeyboardEvent): boolean => event.ctrlKey || event.metaKey;
const key = (event: KeyboardEvent): string => event.key.toLowerCase();

/**
 * The in-app clipboard. The system clipboard gets the same blocks as a text spec (YAML), which another window, the
 * Spec panel or a text editor can read; a paste of such a text (the desktop menu's Paste) puts its blocks in.
 */
let clipboard: Fragment | undefined;
/** The text last written to the system clipboard: pasting it back is pasting `clipboard` (with its outside links). */
let clipboardText: string | undefined;

const selected = (): string[] => [...editor.selection];
const hasSelection = (): boolean => editor.selection.size > 0;
const selectedGroup = (): string | undefined =>
  selected().find((id) => editor.document?.groups.some((group) => group.id === id));

/** Whether something was copied that Paste would put in. */
export function canPaste(): boolean {
  return clipboard !== undefined;
}

export function copySelection(): Fragment | undefined {
  const document = editor.document;
  if (!document || !hasSelection()) return undefined;
  const fragment = copyFragment(document, editor.selection);
  if (fragment.blocks.length === 0) return undefined;
  clipboard = fragment;
  clipboardText = undefined;
  void writeSystemClipboard(fragment, document.name);
  return fragment;
}

/** Writes the fragment to the system clipboard as a YAML text spec, where the page may (it may be refused). */
async function writeSystemClipboard(fragment: Fragment, designName: string): Promise<void> {
  try {
    if (typeof navigator === 'undefined' || !navigator.clipboard) return;
    // Loaded when first needed: the spec writer runs in a worker, which the editing shortcuts do not otherwise need.
    const { writeSpec } = await import('../lib/spec-text');
    const text = await writeSpec(fragmentDesign(fragment, `Copied from ${designName}`), 'yaml');
    if (clipboard !== fragment) return;
    clipboardText = text;
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard access (an unfocused page, a refused permission): the in-app clipboard still pastes.
  }
}

/** Whether a pasted text looks like a Tessera design spec (YAML or JSON) worth reading. */
function looksLikeSpec(text: string): boolean {
  return /\btessera\.design\b/.test(text.slice(0, 2000));
}

/** Pastes the blocks of a text spec from the system clipboard; a text that is no valid design is left alone. */
async function pasteSpecText(text: string): Promise<void> {
  try {
    const { readSpec } = await import('../lib/spec-text');
    const trimmed = text.trimStart();
    const parsed = await readSpec(text, trimmed.startsWith('{') ? 'json' : 'yaml');
    if (parsed.ok) pasteClipboard(false, designFragment(parsed.design));
  } catch {
    // The spec worker could not start: nothing to paste from the text.
  }
}

export function cutSelection(): void {
  if (copySelection()) deleteSelection('Cut');
}

export function deleteSelection(label?: string): void {
  const document = editor.document;
  if (!document || !hasSelection()) return;
  const groupIds = selected().filter((id) => document.groups.some((group) => group.id === id));
  const blocks = new Set(
    document.blocks.filter((block) => editor.selection.has(block.id)).map((block) => block.id),
  );
  const links = new Set(
    document.links.filter((link) => editor.selection.has(link.id)).map((link) => link.id),
  );
  // Deleting a frame removes the frame (its blocks stay); select the blocks too to delete them.
  let next = deleteElements(blocks, links).apply(document);
  for (const id of groupIds) next = ungroup(id).apply(next);
  if (next !== document)
    editor.run({
      name: label ?? (groupIds.length > 0 && blocks.size === 0 ? 'Remove group' : 'Delete'),
      apply: () => next,
    });
}

/**
 * The group pasted blocks join: the one the originals sit in when it is shown (the group being viewed or one
 * inside it), else the group being viewed.
 */
function pasteTarget(document: DesignDocument, fragment: Fragment): string | null {
  const parent = commonParent(document, [
    ...fragment.blocks.map((block) => block.id),
    ...fragment.groups.map((group) => group.id),
  ]);
  if (parent === null || !document.groups.some((group) => group.id === parent)) return view.scope;
  if (view.scope === null || parent === view.scope) return parent;
  return groupDescendantGroups(document, view.scope).has(parent) ? parent : view.scope;
}

function groupDescendantGroups(document: DesignDocument, groupId: string): Set<string> {
  const found = new Set<string>();
  const visit = (id: string): void => {
    for (const child of document.groups.find((group) => group.id === id)?.groups ?? [])
      if (!found.has(child)) {
        found.add(child);
        visit(child);
      }
  };
  visit(groupId);
  return found;
}

/**
 * Pastes a fragment as one undo step, selected: off the blocks already there (`pasteOffset`), or with its top
 * left corner at `at` (Paste from the canvas's context menu, at the pointer).
 */
export function pasteClipboard(
  withLinks: boolean,
  fragment: Fragment | undefined = clipboard,
  at?: Position,
  label = withLinks ? 'Paste with links' : 'Paste',
): void {
  const document = editor.document;
  if (!document || !fragment || fragment.blocks.length === 0) return;
  const offset = at
    ? {
        x: at.x - Math.min(...fragment.blocks.map((block) => block.position.x)),
        y: at.y - Math.min(...fragment.blocks.map((block) => block.position.y)),
      }
    : pasteOffset(document, fragment, DEFAULT_BLOCK_SIZE);
  const command = pasteFragment(fragment, offset, withLinks, label, pasteTarget(document, fragment));
  const ids = command.pastedIds(document);
  if (editor.run(command)) editor.select(ids);
}

/** Copies the selection into the design beside itself (not through the clipboard), selected. */
export function duplicateSelection(): void {
  const document = editor.document;
  if (!document || !hasSelection()) return;
  pasteClipboard(false, copyFragment(document, editor.selection), undefined, 'Duplicate');
}

export function nudge(dx: number, dy: number): void {
  if (!hasSelection()) return;
  editor.run(moveBy(selected(), { x: dx, y: dy }, 'Nudge'));
}

export const actions: Action[] = [
  {
    id: 'new-project',
    label: 'New Project…',
    menu: 'File',
    keys: 'Ctrl+N',
    run: () => void app.leaveProject(),
  },
  {
    id: 'open-project',
    label: 'Open Project…',
    menu: 'File',
    keys: 'Ctrl+O',
    run: () => void app.leaveProject(),
  },
  {
    id: 'new-design',
    label: 'New Design…',
    menu: 'File',
    keys: 'Ctrl+Alt+N',
    match: (event) => mod(event) && event.altKey && key(event) === 'n',
    run: () => view.openDialog({ kind: 'new-design' }),
  },
  {
    id: 'manage-designs',
    label: 'Designs…',
    menu: 'File',
    keys: '',
    enabled: () => app.project !== null,
    run: () => view.openDialog({ kind: 'designs' }),
  },
  {
    id: 'save-project-as',
    label: 'Save Project As…',
    menu: 'File',
    keys: 'Ctrl+Shift+S',
    match: (event) => mod(event) && event.shiftKey && key(event) === 's',
    enabled: () => app.project !== null,
    run: () => void saveProjectAs(),
  },
  {
    id: 'checkpoint',
    label: 'Save Checkpoint…',
    menu: 'File',
    keys: 'Ctrl+S',
    match: (event) => mod(event) && !event.shiftKey && key(event) === 's',
    enabled: () => editor.document !== null,
    run: () => {
      view.showPanel('history');
      requestAnimationFrame(() => document.getElementById('checkpoint-name')?.focus());
    },
  },
  {
    id: 'show-history',
    label: 'History',
    menu: 'View',
    keys: 'Ctrl+Shift+H',
    match: (event) => mod(event) && event.shiftKey && key(event) === 'h',
    enabled: () => editor.document !== null,
    run: () => view.showPanel('history'),
  },
  {
    id: 'export',
    label: 'Export…',
    menu: 'File',
    keys: 'Ctrl+E',
    match: (event) => mod(event) && !event.shiftKey && key(event) === 'e',
    enabled: () => editor.document !== null,
    run: () => void files.openExport(),
  },
  {
    id: 'import',
    label: 'Import…',
    menu: 'File',
    keys: 'Ctrl+I',
    match: (event) => mod(event) && !event.shiftKey && key(event) === 'i',
    enabled: () => app.project !== null,
    run: () => document.getElementById('import-input')?.click(),
  },
  {
    id: 'undo',
    label: 'Undo',
    menu: 'Edit',
    keys: 'Ctrl+Z',
    match: (event) => mod(event) && !event.shiftKey && key(event) === 'z',
    run: () => editor.undo(),
    enabled: () => editor.canUndo,
  },
  {
    id: 'redo',
    label: 'Redo',
    menu: 'Edit',
    keys: 'Ctrl+Shift+Z / Ctrl+Y',
    match: (event) => mod(event) && ((event.shiftKey && key(event) === 'z') || key(event) === 'y'),
    run: () => editor.redo(),
    enabled: () => editor.canRedo,
  },
  {
    id: 'cut',
    label: 'Cut',
    menu: 'Edit',
    keys: 'Ctrl+X',
    match: (event) => mod(event) && !event.shiftKey && !event.altKey && key(event) === 'x',
    run: cutSelection,
    enabled: hasSelection,
  },
  {
    id: 'copy',
    label: 'Copy',
    menu: 'Edit',
    keys: 'Ctrl+C',
    match: (event) => mod(event) && !event.shiftKey && !event.altKey && key(event) === 'c',
    run: () => void copySelection(),
    enabled: hasSelection,
  },
  {
    id: 'paste',
    label: 'Paste',
    menu: 'Edit',
    keys: 'Ctrl+V',
    match: (event) => mod(event) && !event.shiftKey && !event.altKey && key(event) === 'v',
    run: () => pasteClipboard(false),
    enabled: canPaste,
  },
  {
    id: 'paste-with-links',
    label: 'Paste with Links',
    menu: 'Edit',
    keys: 'Ctrl+Shift+V',
    match: (event) => mod(event) && event.shiftKey && key(event) === 'v',
    run: () => pasteClipboard(true),
    enabled: canPaste,
  },
  {
    id: 'duplicate',
    label: 'Duplicate',
    menu: 'Edit',
    keys: 'Ctrl+D',
    match: (event) => mod(event) && key(event) === 'd',
    run: duplicateSelection,
    enabled: hasSelection,
  },
  {
    id: 'preferences',
    label: 'Preferences…',
    menu: 'Edit',
    keys: 'Ctrl+,',
    match: (event) => mod(event) && !event.shiftKey && key(event) === ',',
    run: () => view.openDialog({ kind: 'preferences' }),
  },
  {
    id: 'select-all',
    label: 'Select All',
    menu: 'Edit',
    keys: 'Ctrl+A',
    match: (event) => mod(event) && key(event) === 'a',
    run: () => {
      const document = editor.document;
      if (document)
        editor.select([
          ...document.blocks.map((block) => block.id),
          ...document.links.map((link) => link.id),
        ]);
    },
  },
  {
    id: 'delete',
    label: 'Delete',
    menu: 'Edit',
    keys: 'Delete / Backspace',
    match: (event) => !mod(event) && (event.key === 'Delete' || event.key === 'Backspace'),
    run: () => deleteSelection(),
    enabled: hasSelection,
  },
  {
    id: 'quick-add',
    label: 'Add Block…',
    menu: 'Edit',
    keys: 'Ctrl+K',
    match: (event) => mod(event) && key(event) === 'k',
    run: () => view.openDialog({ kind: 'quick-add', at: canvas()?.viewCenter() ?? { x: 0, y: 0 } }),
  },
  {
    id: 'connect',
    label: 'Connect…',
    menu: 'Edit',
    keys: 'L',
    match: (event) => !mod(event) && !event.altKey && key(event) === 'l',
    run: () => view.openDialog({ kind: 'connect' }),
    enabled: () => selected().some((id) => editor.document?.blocks.some((block) => block.id === id)),
  },
  {
    id: 'group',
    label: 'Group',
    menu: 'Arrange',
    keys: 'Ctrl+G',
    match: (event) => mod(event) && !event.shiftKey && key(event) === 'g',
    run: () => {
      const document = editor.document;
      if (!document) return;
      const ids = selected().filter(
        (id) =>
          document.blocks.some((block) => block.id === id) ||
          document.groups.some((group) => group.id === id),
      );
      const command = groupElements(ids);
      const id = command.groupId(document);
      if (editor.run(command)) editor.select([id]);
    },
    enabled: hasSelection,
  },
  {
    id: 'ungroup',
    label: 'Ungroup',
    menu: 'Arrange',
    keys: 'Ctrl+Shift+G',
    match: (event) => mod(event) && event.shiftKey && key(event) === 'g',
    run: () => {
      const id = selectedGroup();
      if (id !== undefined) editor.run(ungroup(id));
    },
    enabled: () => selectedGroup() !== undefined,
  },
  {
    id: 'enter-group',
    label: 'Enter Group',
    menu: 'Arrange',
    keys: 'Enter (or double-click)',
    match: (event) =>
      !mod(event) &&
      event.key === 'Enter' &&
      selectedGroup() !== undefined &&
      !activatesOnEnter(event.target as Element | null),
    run: () => {
      const id = selectedGroup();
      if (id !== undefined) {
        view.enter(id);
        editor.select([]);
      }
    },
    enabled: () => selectedGroup() !== undefined,
  },
  {
    id: 'leave-group',
    label: 'Leave Group',
    menu: 'Arrange',
    keys: 'Escape',
    match: (event) => event.key === 'Escape' && view.scope !== null,
    run: () => {
      const left = view.scope;
      const document = editor.document;
      const parent = document?.groups.find((group) => (group.groups ?? []).includes(left ?? ''));
      view.enter(parent?.id ?? null);
      // The group just left is selected, as a parent is in other editors: Enter goes back in, Ctrl+Shift+G
      // ungroups it.
      if (left !== null) editor.select([left]);
    },
    enabled: () => view.scope !== null,
  },
  {
    id: 'auto-layout',
    label: 'Auto Layout',
    menu: 'Arrange',
    keys: 'Ctrl+Shift+L',
    match: (event) => mod(event) && event.shiftKey && key(event) === 'l',
    run: () => void layoutDesign(),
    enabled: () => editor.document !== null && !layout.busy,
  },
  {
    id: 'zoom-in',
    label: 'Zoom In',
    menu: 'View',
    keys: 'Ctrl+=',
    match: (event) => mod(event) && (event.key === '=' || event.key === '+'),
    run: () => canvas()?.zoomIn(),
  },
  {
    id: 'zoom-out',
    label: 'Zoom Out',
    menu: 'View',
    keys: 'Ctrl+-',
    match: (event) => mod(event) && event.key === '-',
    run: () => canvas()?.zoomOut(),
  },
  {
    id: 'fit-view',
    label: 'Fit to Window',
    menu: 'View',
    keys: 'Shift+1',
    match: (event) => event.shiftKey && (event.key === '!' || event.code === 'Digit1'),
    run: () => canvas()?.fitView(),
  },
  {
    id: 'toggle-overlay',
    label: 'Overlay: Utilization / Power',
    menu: 'View',
    keys: 'O',
    match: (event) => !mod(event) && key(event) === 'o',
    run: () =>
      (view.overlay =
        view.overlay === 'utilization' ? 'power' : view.overlay === 'power' ? 'none' : 'utilization'),
  },
  {
    id: 'toggle-spec',
    label: 'Text Spec Panel',
    menu: 'View',
    keys: 'Ctrl+/',
    match: (event) => mod(event) && event.key === '/',
    run: () => view.togglePanel('spec'),
  },
  {
    id: 'toggle-sweeps',
    label: 'Sweeps',
    menu: 'View',
    keys: 'Ctrl+Shift+E',
    match: (event) => mod(event) && event.shiftKey && key(event) === 'e',
    run: () => view.toggleSweeps(),
    enabled: () => editor.document !== null,
  },
  {
    id: 'toggle-theme',
    label: 'Toggle Theme',
    menu: 'View',
    keys: 'Ctrl+Shift+T',
    match: (event) => mod(event) && event.shiftKey && key(event) === 't',
    run: () => void app.toggleTheme(),
  },
  {
    id: 'next-pane',
    label: 'Next Pane',
    menu: 'View',
    keys: 'F6',
    match: (event) => event.key === 'F6' && !event.shiftKey,
    run: () => focusPane(1),
  },
  {
    id: 'previous-pane',
    label: 'Previous Pane',
    menu: 'View',
    keys: 'Shift+F6',
    match: (event) => event.key === 'F6' && event.shiftKey,
    run: () => focusPane(-1),
  },
  {
    id: 'show-shortcuts',
    label: 'Keyboard Shortcuts',
    menu: 'Help',
    keys: '?',
    match: (event) => !mod(event) && event.key === '?',
    run: () => view.openDialog({ kind: 'shortcuts' }),
  },
  {
    id: 'about',
    label: 'About Tessera',
    menu: 'Help',
    keys: '',
    run: () => view.openDialog({ kind: 'about' }),
  },
];

/** Shortcuts that are not a menu entry of their own, for the shortcuts dialog. */
export const otherShortcuts: { keys: string; label: string }[] = [
  { keys: 'Arrow keys', label: 'Nudge the selection by 8 px (with Shift: 32 px)' },
  {
    keys: 'Shift+F10 / ContextMenu',
    label: 'Open the menu of the focused block, link or group (or of the canvas); also right-click',
  },
  {
    keys: 'Drag a link into empty space',
    label: 'Add a block linked to that port, from a list of those that fit',
  },
  {
    keys: 'Tab / Shift+Tab',
    label: 'Move the focus between blocks; Enter selects (zoomed far out: select the next block)',
  },
  { keys: 'Double-click the canvas', label: 'Add a block at the pointer' },
  { keys: 'Double-click a group', label: 'Enter the group' },
];

/** Runs the action a menu entry (in-page or Electron) names. */
export function runAction(id: MenuCommand): void {
  const action = actions.find((candidate) => candidate.id === id);
  if (action && (action.enabled?.() ?? true)) action.run();
}

function isTyping(element: Element | null): boolean {
  if (!(element instanceof HTMLElement)) return false;
  return element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName);
}

/**
 * The window's panes in the order F6 visits them, each with what takes the focus there: the palette's search,
 * the canvas (far out the overview takes it from there), the selected results view, the selected side-panel tab.
 * F6 is how desktop applications move between panes; it also gets past a canvas of many blocks in one key.
 */
const panes: { pane: string; focus: string }[] = [
  { pane: '.palette', focus: '.palette input[type="search"]' },
  { pane: '.canvas', focus: '.canvas' },
  { pane: '.results', focus: '.results [role="tab"][aria-selected="true"]' },
  { pane: '.side', focus: '.side [role="tab"][aria-selected="true"]' },
];

export function focusPane(step: 1 | -1): void {
  const active = document.activeElement;
  const current = panes.findIndex(({ pane }) => active?.closest(pane));
  // From outside every pane, F6 starts at the first and Shift+F6 at the last.
  const start = current === -1 ? (step === 1 ? -1 : panes.length) : current;
  for (let offset = 1; offset <= panes.length; offset += 1) {
    const next = panes[(start + step * offset + panes.length * 2) % panes.length];
    const target = next && document.querySelector<HTMLElement>(next.focus);
    if (target) {
      target.focus();
      return;
    }
  }
}

/** A control that Enter (or Space) activates: its key is its own, not a shortcut's. */
function activatesOnEnter(element: Element | null): boolean {
  return Boolean(
    element?.closest(
      'button, a[href], summary, [role="button"], [role="menuitem"], [role="tab"], [role="link"]',
    ),
  );
}

/** The window's keyboard handler: text fields keep their own keys; the canvas gets the editing shortcuts. */
export function handleKey(event: KeyboardEvent): void {
  // Text fields keep their keys, except F6, which moves between panes from anywhere.
  if (!editor.document || view.dialogOpen) return;
  if (isTyping(event.target as Element | null) && event.key !== 'F6') return;
  if (!mod(event) && event.key.startsWith('Arrow') && hasSelection()) {
    const step = event.shiftKey ? 32 : 8;
    const delta = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[
      event.key
    ] ?? [0, 0];
    event.preventDefault();
    nudge(delta[0] ?? 0, delta[1] ?? 0);
    return;
  }
  const action = actions.find((candidate) => candidate.match?.(event));
  if (!action) return;
  event.preventDefault();
  if (action.enabled?.() ?? true) action.run();
}

/** DOM clipboard events (the Electron menu's Cut/Copy/Paste roles) outside text fields. */
export function handleClipboard(event: ClipboardEvent): void {
  if (isTyping(document.activeElement) || !editor.document) return;
  if (event.type === 'paste') {
    const text = event.clipboardData?.getData('text/plain') ?? '';
    if (text !== '' && text !== clipboardText && looksLikeSpec(text)) {
      event.preventDefault();
      void pasteSpecText(text);
      return;
    }
    if (!clipboard) return;
    event.preventDefault();
    pasteClipboard(false);
    return;
  }
  // The selection's blocks go to the in-app clipboard and, as a text spec, to the system clipboard (after the
  // event: the spec is written in a worker).
  if (!copySelection()) return;
  event.preventDefault();
  if (event.type === 'cut') deleteSelection('Cut');
}
