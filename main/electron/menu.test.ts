import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate } from './menu';

const editMenu = (platform: NodeJS.Platform): MenuItemConstructorOptions[] => {
  const template = buildMenuTemplate(
    { send: () => undefined, openRecent: () => undefined, quit: () => undefined },
    [],
    platform,
  );
  const edit = template.find((entry) => entry.label === 'Edit');
  return Array.isArray(edit?.submenu) ? edit.submenu : [];
};

describe('the Edit menu', () => {
  it.each(['linux', 'darwin', 'win32'] as const)(
    'offers Cut, Copy, Paste and Duplicate with their shortcuts (%s)',
    (platform) => {
      const entries = editMenu(platform);
      const shortcut = (label: string) => entries.find((entry) => entry.label === label)?.accelerator;
      expect(['Cut', 'Copy', 'Paste', 'Duplicate'].map(shortcut)).toEqual([
        'CmdOrCtrl+X',
        'CmdOrCtrl+C',
        'CmdOrCtrl+V',
        'CmdOrCtrl+D',
      ]);
      // Cut, Copy and Paste stay the system's roles: in a text field they act on the text, on the canvas the page
      // turns the clipboard events they fire into the block commands.
      expect(entries.filter((entry) => entry.role !== undefined).map((entry) => entry.role)).toEqual([
        'cut',
        'copy',
        'paste',
      ]);
    },
  );
});
