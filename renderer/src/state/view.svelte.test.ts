// The view model: which side panel is shown and which modal dialog is open, changed only through its functions.
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../../main/contract/api';
import { view } from './view.svelte';

const apiError: ApiError = { code: 'invalid-payload', message: 'not a design' };

afterEach(() => {
  const open = view.dialog;
  if (open) view.closeDialog(open.kind);
  view.showPanel('inspector');
});

describe('modal dialogs', () => {
  it('starts with none open, and the keyboard belongs to the window', () => {
    expect(view.dialog).toBeNull();
    expect(view.dialogOpen).toBe(false);
  });

  it('opens one with what it is opened on, and closes it', () => {
    view.openDialog({ kind: 'quick-add', at: { x: 40, y: -8 } });
    expect(view.isOpen('quick-add')).toBe(true);
    expect(view.dialogOpen).toBe(true);
    expect(view.dialogOf('quick-add')?.at).toEqual({ x: 40, y: -8 });
    view.closeDialog('quick-add');
    expect(view.dialog).toBeNull();
    expect(view.dialogOpen).toBe(false);
  });

  it('never has two open: opening a dialog replaces the one open', () => {
    view.openDialog({ kind: 'preferences' });
    view.openDialog({ kind: 'import-problem', fileName: 'x.json', error: apiError });
    expect(view.isOpen('preferences')).toBe(false);
    expect(view.dialogOf('preferences')).toBeUndefined();
    expect(view.dialogOf('import-problem')).toEqual({
      kind: 'import-problem',
      fileName: 'x.json',
      error: apiError,
    });
  });

  it('lets a replaced dialog hear its own close without closing the one that replaced it', () => {
    view.openDialog({ kind: 'designs' });
    view.openDialog({ kind: 'about' });
    view.closeDialog('designs');
    expect(view.isOpen('about')).toBe(true);
  });
});

describe('the side panel', () => {
  it('shows the inspector until another panel is asked for', () => {
    expect(view.sidePanel).toBe('inspector');
    view.showPanel('history');
    expect(view.sidePanel).toBe('history');
  });

  it('toggles a panel on, and back to the inspector', () => {
    view.showPanel('workload');
    view.togglePanel('spec');
    expect(view.sidePanel).toBe('spec');
    view.togglePanel('spec');
    expect(view.sidePanel).toBe('inspector');
  });
});

describe('pane sizes', () => {
  it('keeps a resized pane for the next session', () => {
    const before = view.sizes.side;
    view.resize('side', 512);
    expect(view.sizes.side).toBe(512);
    expect(JSON.parse(localStorage.getItem('tessera.paneSizes') ?? '{}')).toMatchObject({ side: 512 });
    view.resize('side', before);
  });
});
