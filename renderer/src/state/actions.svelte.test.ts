// The action list: what the menu bar, the Electron menu, the keyboard handler and the shortcuts dialog are built
// from. Keys are pressed as a person presses them (a keydown event on the focused element, reaching the
// window's handler); menu entries run through `runAction`, as the Electron menu's commands do.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DesignDocument } from '../../../engine/schema/design';
import { defaultWorkload } from '../../../engine/schema/workload';
import { testDesign } from '../../../engine/testing/fixtures';
import type { MenuCommand, TesseraApi } from '../../../main/contract/api';
import { actions, focusPane, handleKey, otherShortcuts, runAction, type Action } from './actions.svelte';
import { app } from './app.svelte';
import { registerCanvas, unregisterCanvas, type CanvasControls } from './canvas.svelte';
import { editor } from './editor.svelte';
import { view } from './view.svelte';

/** Tile → SRAM → DRAM, the tile and the SRAM in group "g"; plus a host block outside it. */
const design: DesignDocument = testDesign(
  { tile: { type: 'test.array' }, sram: { type: 'test.sram' }, dram: { type: 'test.dram' } },
  [
    ['tile', 'sram'],
    ['sram', 'dram'],
  ],
  [{ id: 'g', name: 'Pair', kind: 'cluster', count: 1, blocks: ['tile', 'sram'] }],
);

const backend = {
  simulation: {
    // The engine is not what these tests are about: every run is answered "cancelled" (nothing to show).
    run: () => Promise.resolve({ ok: false, error: { code: 'cancelled', message: '' } }),
    sweep: () => Promise.resolve({ ok: false, error: { code: 'cancelled', message: '' } }),
  },
  designs: {
    save: (request: { id: string; document: DesignDocument; baseRevision: number }) =>
      Promise.resolve({
        ok: true,
        value: {
          id: request.id,
          name: request.document.name,
          revision: request.baseRevision + 1,
          updatedAt: '',
        },
      }),
  },
  files: {
    formats: () =>
      Promise.resolve({
        ok: true,
        value: [{ id: 'yaml', label: 'YAML', extension: '.yaml', description: '', needsReport: false }],
      }),
  },
};

const canvasControls = {
  screenToFlow: vi.fn((point: { x: number; y: number }) => point),
  viewCenter: vi.fn(() => ({ x: 120, y: 80 })),
  occupied: vi.fn(() => []),
  pointer: vi.fn(() => ({ x: 0, y: 0 })),
  zoomIn: vi.fn(),
  zoomOut: vi.fn(),
  fitView: vi.fn(),
} satisfies CanvasControls;

beforeAll(() => {
  window.tessera = backend as unknown as TesseraApi;
  window.addEventListener('keydown', handleKey);
});
afterAll(() => {
  window.removeEventListener('keydown', handleKey);
  editor.close();
});

beforeEach(() => {
  editor.load({
    id: 'd-1',
    name: design.name,
    document: design,
    workload: defaultWorkload('toy'),
    revision: 1,
    updatedAt: '',
  });
  app.project = { path: '/tmp/p.tessera', name: 'p', schemaVersion: 2 };
  app.info = { name: 'Tessera', version: '0', shell: 'browser', platform: 'linux' };
  registerCanvas(canvasControls);
});
afterEach(async () => {
  const open = view.dialog;
  if (open) view.closeDialog(open.kind);
  view.enter(null);
  view.showPanel('inspector');
  view.overlay = 'utilization';
  unregisterCanvas(canvasControls);
  vi.clearAllMocks();
  document.body.replaceChildren();
  await editor.settled();
});

const blockIds = () => editor.document?.blocks.map((block) => block.id);
const linkIds = () => editor.document?.links.map((link) => link.id);
const selected = () => [...editor.selection].sort();
const action = (id: MenuCommand): Action => {
  const found = actions.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no action ${id}`);
  return found;
};
const enabled = (id: MenuCommand) => action(id).enabled?.() ?? true;

/** Shifted characters on a US keyboard, for shortcuts written with Shift ("Shift+1" types "!"). */
const SHIFTED: Record<string, string> = { '1': '!', '/': '?' };

/** The key events a shortcut as shown to people ("Ctrl+Shift+Z / Ctrl+Y", "Enter (or double-click)") stands for. */
function keyEvents(keys: string): KeyboardEventInit[] {
  return keys
    .replace(/\(.*\)/, '')
    .split(' / ')
    .map((combination) => combination.trim())
    .filter((combination) => combination !== '')
    .map((combination) => {
      const parts = combination.length > 1 ? combination.split(/\+(?=.)/) : [combination];
      const name = parts.at(-1) ?? '';
      const modifiers = new Set(parts.slice(0, -1));
      const shiftKey = modifiers.has('Shift') || name === '?';
      const letter = /^[A-Z]$/i.test(name);
      const key = letter
        ? shiftKey
          ? name.toUpperCase()
          : name.toLowerCase()
        : shiftKey && SHIFTED[name]
          ? SHIFTED[name]
          : name;
      const code = letter ? `Key${name.toUpperCase()}` : /^\d$/.test(name) ? `Digit${name}` : '';
      return { key, code, shiftKey, ctrlKey: modifiers.has('Ctrl'), altKey: modifiers.has('Alt') };
    });
}

/** Presses a key on `target` (the focused element), as the browser delivers it to the window's handler. */
function press(init: KeyboardEventInit, target: Element = document.body): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}

describe('the action list', () => {
  it('has one action per menu command, each with a label and a menu', () => {
    // Every command the Electron menu can send; the record's type makes a new MenuCommand fail to compile here.
    const commands: Record<MenuCommand, true> = {
      'new-project': true,
      'open-project': true,
      'save-project-as': true,
      'new-design': true,
      'manage-designs': true,
      export: true,
      import: true,
      checkpoint: true,
      'show-history': true,
      preferences: true,
      undo: true,
      redo: true,
      cut: true,
      copy: true,
      paste: true,
      'paste-with-links': true,
      duplicate: true,
      'select-all': true,
      delete: true,
      'quick-add': true,
      connect: true,
      group: true,
      ungroup: true,
      'enter-group': true,
      'leave-group': true,
      'auto-layout': true,
      'zoom-in': true,
      'zoom-out': true,
      'fit-view': true,
      'toggle-overlay': true,
      'toggle-spec': true,
      'toggle-sweeps': true,
      'toggle-theme': true,
      'next-pane': true,
      'previous-pane': true,
      'show-shortcuts': true,
      about: true,
    };
    expect(actions.map((candidate) => candidate.id).sort()).toEqual(Object.keys(commands).sort());
    for (const candidate of actions) {
      expect(candidate.label.trim(), candidate.id).not.toBe('');
      expect(['File', 'Edit', 'Arrange', 'View', 'Help'], candidate.id).toContain(candidate.menu);
    }
  });

  it('gives no two actions (or canvas shortcuts) the same key', () => {
    const seen = new Map<string, string>();
    const shortcuts = [
      ...actions.map(({ keys, label }) => ({ keys, label })),
      ...otherShortcuts.filter(({ keys }) => keys.startsWith('Ctrl')),
    ];
    for (const { keys, label } of shortcuts)
      for (const event of keyEvents(keys)) {
        const name = JSON.stringify(event);
        expect(seen.get(name), `${label} and ${seen.get(name)} share ${keys}`).toBeUndefined();
        seen.set(name, label);
      }
  });

  it('runs each action from the key its menu entry shows (and no other action first)', () => {
    // Enter and Escape act only on a group: one selected, one entered.
    editor.select(['g']);
    view.enter('g');
    for (const candidate of actions.filter((entry) => entry.match))
      for (const init of keyEvents(candidate.keys)) {
        const event = new KeyboardEvent('keydown', init);
        expect(actions.find((entry) => entry.match?.(event))?.id, `${candidate.keys} → ${candidate.id}`).toBe(
          candidate.id,
        );
      }
  });

  it('leaves only New Project and Open Project to the desktop menu’s own accelerators', () => {
    // A browser keeps Ctrl+N and Ctrl+O for itself; every other shortcut shown is handled in the page.
    const unhandled = actions.filter((entry) => entry.keys !== '' && !entry.match).map((entry) => entry.id);
    expect(unhandled).toEqual(['new-project', 'open-project']);
  });
});

describe('enabled states follow the editor', () => {
  it('offers Undo only after an edit and Redo only after an undo', () => {
    expect([enabled('undo'), enabled('redo')]).toEqual([false, false]);
    editor.select(['dram']);
    press({ key: 'Delete' });
    expect([enabled('undo'), enabled('redo')]).toEqual([true, false]);
    press({ key: 'z', ctrlKey: true });
    expect([enabled('undo'), enabled('redo')]).toEqual([false, true]);
  });

  it('offers what acts on a selection only with one', () => {
    const needSelection: MenuCommand[] = ['delete', 'duplicate', 'group'];
    expect(needSelection.map(enabled)).toEqual([false, false, false]);
    editor.select(['tile']);
    expect(needSelection.map(enabled)).toEqual([true, true, true]);
  });

  it('offers Connect only with a block selected, and group commands only with a group', () => {
    editor.select(['l0']);
    expect(enabled('connect')).toBe(false);
    editor.select(['dram']);
    expect([enabled('connect'), enabled('ungroup'), enabled('enter-group')]).toEqual([true, false, false]);
    editor.select(['g']);
    expect([enabled('ungroup'), enabled('enter-group')]).toEqual([true, true]);
  });

  it('offers Leave Group only inside a group', () => {
    expect(enabled('leave-group')).toBe(false);
    view.enter('g');
    expect(enabled('leave-group')).toBe(true);
  });

  it('offers Paste with Links only once something was copied', () => {
    // The clipboard is the module's own and outlives a test: this is the first test in the file that copies.
    expect(enabled('paste-with-links')).toBe(false);
    editor.select(['tile']);
    press({ key: 'c', ctrlKey: true });
    expect(enabled('paste-with-links')).toBe(true);
  });

  it('offers project commands only with a project, design commands only with a design', () => {
    const projectCommands: MenuCommand[] = ['manage-designs', 'save-project-as', 'import'];
    const designCommands: MenuCommand[] = ['checkpoint', 'show-history', 'export'];
    expect([...projectCommands, ...designCommands].map(enabled)).toEqual(Array(6).fill(true));
    app.project = null;
    editor.close();
    expect([...projectCommands, ...designCommands].map(enabled)).toEqual(Array(6).fill(false));
  });

  it('does not run a disabled action from the menu', () => {
    runAction('undo');
    runAction('delete');
    expect(blockIds()).toEqual(['tile', 'sram', 'dram']);
    expect(enabled('undo')).toBe(false);
  });
});

describe('editing from the keyboard', () => {
  it('undoes and redoes an edit (Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y)', () => {
    editor.select(['dram']);
    press({ key: 'Delete' });
    expect(blockIds()).toEqual(['tile', 'sram']);
    press({ key: 'z', ctrlKey: true });
    expect(blockIds()).toEqual(['tile', 'sram', 'dram']);
    press({ key: 'Z', ctrlKey: true, shiftKey: true });
    expect(blockIds()).toEqual(['tile', 'sram']);
    press({ key: 'z', ctrlKey: true });
    press({ key: 'y', ctrlKey: true });
    expect(blockIds()).toEqual(['tile', 'sram']);
  });

  it('deletes the selected blocks with their links as one step, and Backspace does too', () => {
    editor.select(['sram']);
    press({ key: 'Backspace' });
    expect(blockIds()).toEqual(['tile', 'dram']);
    expect(linkIds()).toEqual([]);
    expect(editor.undoName).toBe('Delete');
    press({ key: 'z', ctrlKey: true });
    expect(linkIds()).toEqual(['l0', 'l1']);
  });

  it('removes a selected group’s frame and keeps its blocks', () => {
    editor.select(['g']);
    runAction('delete');
    expect(editor.document?.groups).toEqual([]);
    expect(blockIds()).toEqual(['tile', 'sram', 'dram']);
    expect(editor.undoName).toBe('Remove group');
  });

  it('selects every block and link with Ctrl+A', () => {
    press({ key: 'a', ctrlKey: true });
    expect(selected()).toEqual(['dram', 'l0', 'l1', 'sram', 'tile']);
  });

  it('nudges the selection 8 units with an arrow key and 32 with Shift, one undo step each', () => {
    editor.select(['dram']);
    press({ key: 'ArrowRight' });
    press({ key: 'ArrowUp', shiftKey: true });
    expect(editor.document?.blocks[2]?.position).toEqual({ x: 408, y: -32 });
    press({ key: 'z', ctrlKey: true });
    expect(editor.document?.blocks[2]?.position).toEqual({ x: 408, y: 0 });
  });

  it('copies, cuts and pastes blocks, each paste clear of the blocks there, named anew and selected', () => {
    editor.select(['tile', 'sram']);
    press({ key: 'c', ctrlKey: true });
    press({ key: 'v', ctrlKey: true });
    const first = selected();
    expect(first).toHaveLength(2);
    expect(first).not.toContain('tile');
    const pasted = editor.document?.blocks.filter((block) => first.includes(block.id));
    // Blocks are 200 × 76: three diagonal steps of 32 clear the originals.
    expect(pasted?.map((block) => [block.name, block.position])).toEqual([
      ['tile 2', { x: 96, y: 96 }],
      ['sram 2', { x: 296, y: 96 }],
    ]);
    expect(editor.undoName).toBe('Paste');
    // A paste brings the link between the copied blocks along; Paste with Links also links the copy to the block
    // outside it that the original was linked to (the DRAM).
    const linksTo = (id: string) => editor.document?.links.filter((link) => link.to.block === id).length;
    expect(editor.document?.links).toHaveLength(3);
    expect(linksTo('dram')).toBe(1);
    press({ key: 'V', ctrlKey: true, shiftKey: true });
    expect(
      editor.document?.blocks.filter((block) => editor.selection.has(block.id)).map((b) => b.position),
    ).toEqual([
      { x: 192, y: 192 },
      { x: 392, y: 192 },
    ]);
    expect(editor.document?.links).toHaveLength(5);
    expect(linksTo('dram')).toBe(2);

    editor.select(['dram']);
    press({ key: 'x', ctrlKey: true });
    expect(blockIds()).not.toContain('dram');
    expect(editor.undoName).toBe('Cut');
  });

  it('duplicates the selection beside it (Ctrl+D) and selects the copy', () => {
    editor.select(['dram']);
    press({ key: 'd', ctrlKey: true });
    expect(blockIds()).toHaveLength(4);
    const [copy] = selected();
    expect(copy).not.toBe('dram');
    expect(editor.document?.blocks.find((block) => block.id === copy)).toMatchObject({
      name: 'dram 2',
      position: { x: 496, y: 96 },
    });
    expect(editor.undoName).toBe('Duplicate');
  });

  it('runs Cut, Copy and Paste from the menu; a paste is one undo step', () => {
    editor.select(['dram']);
    runAction('copy');
    runAction('paste');
    expect(editor.document?.blocks.map((block) => block.name)).toEqual(['tile', 'sram', 'dram', 'dram 2']);
    press({ key: 'z', ctrlKey: true });
    expect(blockIds()).toEqual(['tile', 'sram', 'dram']);
    editor.select(['dram']);
    runAction('cut');
    expect(blockIds()).toEqual(['tile', 'sram']);
    runAction('paste');
    // Pasted back where nothing is in the way now: the name is free again.
    expect(editor.document?.blocks.map((block) => block.name)).toEqual(['tile', 'sram', 'dram']);
  });

  it('duplicates a block of a group into the same group, and pastes inside the group being viewed', () => {
    editor.select(['tile']);
    runAction('duplicate');
    const [copy] = selected();
    expect(editor.document?.groups[0]?.blocks).toEqual(['tile', 'sram', copy]);
    editor.select(['dram']);
    runAction('copy');
    view.enter('g');
    runAction('paste');
    const [pasted] = selected();
    expect(editor.document?.groups[0]?.blocks).toEqual(['tile', 'sram', copy, pasted]);
  });

  it('groups the selection (Ctrl+G) and selects the new group; Ctrl+Shift+G ungroups it', () => {
    editor.select(['dram']);
    press({ key: 'g', ctrlKey: true });
    const [group] = selected();
    expect(editor.document?.groups.find((candidate) => candidate.id === group)?.blocks).toEqual(['dram']);
    press({ key: 'G', ctrlKey: true, shiftKey: true });
    expect(editor.document?.groups.map((candidate) => candidate.id)).toEqual(['g']);
  });

  it('enters the selected group with Enter and leaves it with Escape, selecting the group left', () => {
    editor.select(['g']);
    press({ key: 'Enter' });
    expect(view.scope).toBe('g');
    expect(selected()).toEqual([]);
    press({ key: 'Escape' });
    expect(view.scope).toBeNull();
    expect(selected()).toEqual(['g']);
  });

  it('leaves Enter to a focused button: pressing it does not enter the group', () => {
    const button = document.body.appendChild(document.createElement('button'));
    editor.select(['g']);
    press({ key: 'Enter' }, button);
    expect(view.scope).toBeNull();
  });

  it('leaves a text field its own keys', () => {
    const input = document.body.appendChild(document.createElement('input'));
    editor.select(['dram']);
    const event = press({ key: 'Delete' }, input);
    press({ key: 'a', ctrlKey: true }, input);
    const copy = press({ key: 'c', ctrlKey: true }, input);
    const paste = press({ key: 'v', ctrlKey: true }, input);
    const duplicate = press({ key: 'd', ctrlKey: true }, input);
    expect([copy, paste].map((pressed) => pressed.defaultPrevented)).toEqual([false, false]);
    expect(duplicate.defaultPrevented).toBe(false);
    expect(blockIds()).toEqual(['tile', 'sram', 'dram']);
    expect(blockIds()).toContain('dram');
    expect(selected()).toEqual(['dram']);
    expect(event.defaultPrevented).toBe(false);
  });

  it('takes no shortcut while a modal dialog has the keyboard', () => {
    editor.select(['dram']);
    view.openDialog({ kind: 'preferences' });
    press({ key: 'Delete' });
    press({ key: '?', shiftKey: true });
    expect(blockIds()).toContain('dram');
    expect(view.isOpen('preferences')).toBe(true);
  });

  it('cycles the overlay (O): utilization, power, none', () => {
    const seen = [view.overlay];
    for (let index = 0; index < 3; index += 1) {
      press({ key: 'o' });
      seen.push(view.overlay);
    }
    expect(seen).toEqual(['utilization', 'power', 'none', 'utilization']);
  });
});

describe('view commands', () => {
  it('zooms and fits through the canvas on screen', () => {
    press({ key: '=', ctrlKey: true });
    press({ key: '-', ctrlKey: true });
    runAction('fit-view');
    expect(canvasControls.zoomIn).toHaveBeenCalledTimes(1);
    expect(canvasControls.zoomOut).toHaveBeenCalledTimes(1);
    expect(canvasControls.fitView).toHaveBeenCalledTimes(1);
  });

  it('does nothing (and throws nothing) without a canvas on screen', () => {
    unregisterCanvas(canvasControls);
    expect(() =>
      ['zoom-in', 'zoom-out', 'fit-view'].forEach((id) => runAction(id as MenuCommand)),
    ).not.toThrow();
    expect(canvasControls.zoomIn).not.toHaveBeenCalled();
  });

  it('toggles the text spec panel (Ctrl+/) and shows the history (Ctrl+Shift+H)', () => {
    press({ key: '/', ctrlKey: true });
    expect(view.sidePanel).toBe('spec');
    press({ key: '/', ctrlKey: true });
    expect(view.sidePanel).toBe('inspector');
    press({ key: 'H', ctrlKey: true, shiftKey: true });
    expect(view.sidePanel).toBe('history');
  });

  it('shows the history and puts the keyboard in the checkpoint name for Save Checkpoint (Ctrl+S)', async () => {
    const name = document.body.appendChild(document.createElement('input'));
    name.id = 'checkpoint-name';
    press({ key: 's', ctrlKey: true });
    expect(view.sidePanel).toBe('history');
    await vi.waitFor(() => expect(document.activeElement).toBe(name));
  });

  it('opens the file picker for Import (Ctrl+I)', () => {
    const input = document.body.appendChild(document.createElement('input'));
    input.id = 'import-input';
    const click = vi.spyOn(input, 'click').mockImplementation(() => undefined);
    press({ key: 'i', ctrlKey: true });
    expect(click).toHaveBeenCalledTimes(1);
  });
});

describe('dialogs', () => {
  const opens: [MenuCommand, string][] = [
    ['new-design', 'new-design'],
    ['manage-designs', 'designs'],
    ['save-project-as', 'save-as'],
    ['preferences', 'preferences'],
    ['quick-add', 'quick-add'],
    ['show-shortcuts', 'shortcuts'],
    ['about', 'about'],
  ];
  it.each(opens)('%s opens the %s dialog, and only that one', (id, kind) => {
    view.openDialog({ kind: 'connect' });
    runAction(id);
    expect(view.dialog?.kind).toBe(kind);
  });

  it('opens Connect for the selected block (L)', () => {
    editor.select(['dram']);
    press({ key: 'l' });
    expect(view.dialog).toEqual({ kind: 'connect' });
  });

  it('opens Add Block (Ctrl+K) at the centre of the canvas on screen', () => {
    press({ key: 'k', ctrlKey: true });
    expect(view.dialog).toEqual({ kind: 'quick-add', at: { x: 120, y: 80 } });
  });

  it('opens the shortcuts with "?"', () => {
    press({ key: '?', shiftKey: true });
    expect(view.dialog).toEqual({ kind: 'shortcuts' });
  });

  it('opens Export (Ctrl+E) once the formats are known', async () => {
    press({ key: 'e', ctrlKey: true });
    await vi.waitFor(() => expect(view.dialog).toEqual({ kind: 'export' }));
  });
});

describe('F6 moves the focus between panes', () => {
  /** The window's panes as App lays them out, each with what takes the focus there. */
  function layout({ results = true } = {}) {
    const palette = document.body.appendChild(document.createElement('nav'));
    palette.className = 'palette';
    const search = palette.appendChild(document.createElement('input'));
    search.type = 'search';
    const canvas = document.body.appendChild(document.createElement('div'));
    canvas.className = 'canvas';
    canvas.tabIndex = -1;
    const block = canvas.appendChild(document.createElement('div'));
    block.tabIndex = 0;
    const tab = (pane: string) => {
      const section = document.body.appendChild(document.createElement('section'));
      section.className = pane;
      const other = section.appendChild(document.createElement('button'));
      other.setAttribute('role', 'tab');
      other.setAttribute('aria-selected', 'false');
      const chosen = section.appendChild(document.createElement('button'));
      chosen.setAttribute('role', 'tab');
      chosen.setAttribute('aria-selected', 'true');
      return chosen;
    };
    return { search, canvas, block, results: results ? tab('results') : undefined, side: tab('side') };
  }

  it('visits palette, canvas, results and side panel in turn, and wraps around', () => {
    const panes = layout();
    const visited = [];
    for (let index = 0; index < 5; index += 1) {
      press({ key: 'F6' }, document.activeElement ?? document.body);
      visited.push(document.activeElement);
    }
    expect(visited).toEqual([panes.search, panes.canvas, panes.results, panes.side, panes.search]);
  });

  it('goes backwards with Shift+F6, starting from the last pane', () => {
    const panes = layout();
    const visited = [];
    for (let index = 0; index < 4; index += 1) {
      press({ key: 'F6', shiftKey: true }, document.activeElement ?? document.body);
      visited.push(document.activeElement);
    }
    expect(visited).toEqual([panes.side, panes.results, panes.canvas, panes.search]);
  });

  it('moves on from inside a pane (a block on the canvas) and from a text field', () => {
    const panes = layout();
    panes.block.focus();
    press({ key: 'F6' }, panes.block);
    expect(document.activeElement).toBe(panes.results);
    panes.search.focus();
    press({ key: 'F6' }, panes.search);
    expect(document.activeElement).toBe(panes.canvas);
  });

  it('skips a pane that is not there', () => {
    const panes = layout({ results: false });
    panes.canvas.focus();
    focusPane(1);
    expect(document.activeElement).toBe(panes.side);
  });
});
