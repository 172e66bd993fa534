// Modal dialogs on screen follow the view model: one at a time, and closing one from its own button or Escape
// closes that one only.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { view } from '../../state/view.svelte';
import AboutDialog from './AboutDialog.svelte';
import ShortcutsDialog from './ShortcutsDialog.svelte';

let mounted: Record<string, unknown>[] = [];
beforeEach(() => {
  mounted = [
    mount(AboutDialog, { target: document.body }),
    mount(ShortcutsDialog, { target: document.body }),
  ];
  flushSync();
});
afterEach(() => {
  const open = view.dialog;
  if (open) view.closeDialog(open.kind);
  for (const component of mounted) void unmount(component);
});

const shown = () => [...document.querySelectorAll('dialog')].filter((dialog) => dialog.open);
const title = (dialog: HTMLDialogElement | undefined) => dialog?.querySelector('h2')?.textContent;

describe('modal dialogs on screen', () => {
  it('shows none until one is opened', () => {
    expect(shown()).toHaveLength(0);
  });

  it('shows only the last one opened', () => {
    view.openDialog({ kind: 'about' });
    flushSync();
    expect(shown().map(title)).toEqual(['About Tessera']);
    view.openDialog({ kind: 'shortcuts' });
    flushSync();
    expect(shown().map(title)).toEqual(['Keyboard shortcuts']);
  });

  it('closes from its close button', () => {
    view.openDialog({ kind: 'about' });
    flushSync();
    document.querySelector<HTMLButtonElement>('button[aria-label="Close About Tessera"]')?.click();
    flushSync();
    expect(view.dialog).toBeNull();
    expect(shown()).toHaveLength(0);
  });

  it('closes on Escape (the dialog’s cancel)', () => {
    view.openDialog({ kind: 'shortcuts' });
    flushSync();
    shown()[0]?.dispatchEvent(new Event('cancel'));
    flushSync();
    expect(view.isOpen('shortcuts')).toBe(false);
  });
});
