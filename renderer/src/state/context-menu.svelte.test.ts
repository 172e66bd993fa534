// The canvas's context menus: what they are opened on and what their entries do (the same commands as the menus).
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DesignDocument } from '../../../engine/schema/design';
import { defaultWorkload } from '../../../engine/schema/workload';
import { testDesign } from '../../../engine/testing/fixtures';
import type { TesseraApi } from '../../../main/contract/api';
import { runAction } from './actions.svelte';
import {
  contextMenu,
  contextMenuItems,
  selectionTarget,
  targetOf,
  type ContextTarget,
} from './context-menu.svelte';
import { editor } from './editor.svelte';
import { view } from './view.svelte';

/** Tile → SRAM → DRAM, the tile and the SRAM in group "g". */
const design: DesignDocument = testDesign(
  { tile: { type: 'test.array' }, sram: { type: 'test.sram' }, dram: { type: 'test.dram' } },
  [
    ['tile', 'sram'],
    ['sram', 'dram'],
  ],
  [{ id: 'g', name: 'Pair', kind: 'cluster', count: 1, blocks: ['tile', 'sram'] }],
);

beforeAll(() => {
  window.tessera = {
    simulation: {
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
  } as unknown as TesseraApi;
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
});
afterEach(async () => {
  contextMenu.close();
  const open = view.dialog;
  if (open) view.closeDialog(open.kind);
  document.body.replaceChildren();
  await editor.settled();
});

const open = (target: ContextTarget, at = { x: 0, y: 0 }) => {
  contextMenu.show({ target, screen: { x: 10, y: 10 }, at });
  const menu = contextMenu.open;
  if (!menu) throw new Error('the menu did not open');
  return contextMenuItems(menu);
};
const entry = (items: ReturnType<typeof open>, label: string) => {
  const found = items.find((item) => item.label === label);
  if (!found) throw new Error(`no entry ${label} in ${items.map((item) => item.label).join(', ')}`);
  return found;
};

/** An element of the canvas as Svelte Flow draws it. */
function element(html: string, selector: string): Element {
  const host = document.body.appendChild(document.createElement('div'));
  host.innerHTML = html;
  const found = host.querySelector(selector);
  if (!found) throw new Error(`no ${selector}`);
  return found;
}

describe('what a context menu is opened on', () => {
  it('tells a block (and the port under the pointer), a group frame, a link and the bare canvas apart', () => {
    const port = element(
      '<div class="svelte-flow__node" data-id="tile"><div class="svelte-flow__handle" data-handleid="mem"></div></div>',
      '.svelte-flow__handle',
    );
    expect(targetOf(port)).toEqual({ kind: 'block', id: 'tile', port: 'mem' });
    expect(
      targetOf(element('<div class="svelte-flow__node" data-id="g"><span></span></div>', 'span')),
    ).toEqual({ kind: 'group', id: 'g' });
    expect(
      targetOf(element('<svg><g class="svelte-flow__edge" data-id="l1"><path/></g></svg>', 'path')),
    ).toEqual({ kind: 'link', id: 'l1' });
    expect(targetOf(element('<div class="svelte-flow__pane"></div>', 'div'))).toEqual({ kind: 'pane' });
    expect(targetOf(null)).toEqual({ kind: 'pane' });
  });

  it('selects what it is opened on, unless that is part of the selection already', () => {
    editor.select(['tile', 'dram']);
    open({ kind: 'block', id: 'dram' });
    expect([...editor.selection]).toEqual(['tile', 'dram']);
    open({ kind: 'block', id: 'sram' });
    expect([...editor.selection]).toEqual(['sram']);
    expect(selectionTarget()).toEqual({ kind: 'block', id: 'sram' });
  });
});

describe('the entries', () => {
  it('offers the clipboard, Delete and Rename on a block; Delete deletes it as one step', () => {
    const items = open({ kind: 'block', id: 'dram' });
    expect(items.map((item) => item.label)).toEqual([
      'Cut',
      'Copy',
      'Duplicate',
      'Delete',
      'Rename…',
      'Group',
      'Connect…',
      'Connect New Block…',
    ]);
    entry(items, 'Delete').run();
    expect(editor.document?.blocks.map((block) => block.id)).toEqual(['tile', 'sram']);
    runAction('undo');
    expect(editor.document?.blocks.map((block) => block.id)).toEqual(['tile', 'sram', 'dram']);
  });

  it('opens the block search to link a new block to the port it was opened on', () => {
    entry(open({ kind: 'block', id: 'tile', port: 'mem' }), 'Connect New Block…').run();
    expect(view.dialogOf('quick-add')?.connectFrom).toEqual({ block: 'tile', port: 'mem' });
  });

  it('deletes a group with its blocks in one step, and ungroups it keeping them', () => {
    const items = open({ kind: 'group', id: 'g' });
    expect(items.map((item) => item.label)).toContain('Ungroup');
    entry(items, 'Delete Group and Blocks').run();
    expect(editor.document?.blocks.map((block) => block.id)).toEqual(['dram']);
    expect(editor.document?.groups).toEqual([]);
    runAction('undo');
    entry(open({ kind: 'group', id: 'g' }), 'Ungroup').run();
    expect(editor.document?.blocks).toHaveLength(3);
    expect(editor.document?.groups).toEqual([]);
  });

  it('offers Delete and Properties on a link', () => {
    const items = open({ kind: 'link', id: 'l1' });
    expect(items.map((item) => item.label)).toEqual(['Delete', 'Properties']);
    entry(items, 'Delete').run();
    expect(editor.document?.links.map((link) => link.id)).toEqual(['l0']);
  });

  it('pastes at the point the canvas menu was opened on, and adds a block there', () => {
    editor.select(['dram']);
    runAction('copy');
    const items = open({ kind: 'pane' }, { x: 1000, y: 600 });
    expect(items.map((item) => item.label)).toEqual([
      'Paste',
      'Add Block…',
      'Select All',
      'Auto Layout',
      'Fit to Window',
    ]);
    entry(items, 'Paste').run();
    expect(editor.document?.blocks.at(-1)).toMatchObject({ name: 'dram 2', position: { x: 1000, y: 600 } });
    entry(items, 'Add Block…').run();
    expect(view.dialogOf('quick-add')?.at).toEqual({ x: 1000, y: 600 });
  });
});
