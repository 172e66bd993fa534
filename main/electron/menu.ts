/**
 * The application menu. Every entry sends a named command to the renderer (which owns undo, selection and
 * the canvas), except Quit and Open Recent, which main handles itself.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../contract/api';

export interface MenuActions {
  send: (command: MenuCommand) => void;
  openRecent: (path: string) => void;
  quit: () => void;
}

export function buildMenuTemplate(
  actions: MenuActions,
  recentProjects: string[],
  platform: NodeJS.Platform,
): MenuItemConstructorOptions[] {
  // The renderer handles editing keys itself (so text fields keep their native undo, delete and select-all);
  // these entries show the shortcut without registering it. File entries do register theirs.
  const command = (
    label: string,
    name: MenuCommand,
    accelerator?: string,
    register = false,
  ): MenuItemConstructorOptions => ({
    label,
    accelerator,
    registerAccelerator: register,
    click: () => actions.send(name),
  });
  const recent: MenuItemConstructorOptions[] =
    recentProjects.length === 0
      ? [{ label: 'No recent projects', enabled: false }]
      : recentProjects.map((path) => ({ label: path, click: () => actions.openRecent(path) }));
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        command('New Project…', 'new-project', 'CmdOrCtrl+N', true),
        command('New Design…', 'new-design', 'CmdOrCtrl+Alt+N', true),
        command('Open…', 'open-project', 'CmdOrCtrl+O', true),
        { label: 'Open Recent', submenu: recent },
        command('Designs…', 'manage-designs'),
        { type: 'separator' },
        command('Save Checkpoint…', 'checkpoint', 'CmdOrCtrl+S', true),
        command('Save As…', 'save-project-as', 'CmdOrCtrl+Shift+S', true),
        { type: 'separator' },
        command('Import…', 'import', 'CmdOrCtrl+I', true),
        command('Export…', 'export', 'CmdOrCtrl+E', true),
        { type: 'separator' },
        { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        command('Undo', 'undo', 'CmdOrCtrl+Z'),
        command('Redo', 'redo', platform === 'darwin' ? 'Cmd+Shift+Z' : 'Ctrl+Y'),
        { type: 'separator' },
        // Roles fire the DOM clipboard events, which the canvas handles for blocks (and their links and groups)
        // and text fields for text: the same keys copy text in a field and blocks on the canvas.
        { label: 'Cut', role: 'cut', accelerator: 'CmdOrCtrl+X' },
        { label: 'Copy', role: 'copy', accelerator: 'CmdOrCtrl+C' },
        { label: 'Paste', role: 'paste', accelerator: 'CmdOrCtrl+V' },
        command('Paste with Links', 'paste-with-links', 'CmdOrCtrl+Shift+V'),
        command('Duplicate', 'duplicate', 'CmdOrCtrl+D'),
        command('Select All', 'select-all', 'CmdOrCtrl+A'),
        command('Delete', 'delete', 'Delete'),
        { type: 'separator' },
        command('Add Block…', 'quick-add', 'CmdOrCtrl+K'),
        command('Connect…', 'connect', 'L'),
        { type: 'separator' },
        command('Preferences…', 'preferences', 'CmdOrCtrl+,'),
      ],
    },
    {
      label: 'Arrange',
      submenu: [
        command('Group', 'group', 'CmdOrCtrl+G'),
        command('Ungroup', 'ungroup', 'CmdOrCtrl+Shift+G'),
        command('Enter Group', 'enter-group', 'Enter'),
        command('Leave Group', 'leave-group', 'Escape'),
        { type: 'separator' },
        command('Auto Layout', 'auto-layout', 'CmdOrCtrl+Shift+L'),
      ],
    },
    {
      label: 'View',
      submenu: [
        command('Zoom In', 'zoom-in', 'CmdOrCtrl+='),
        command('Zoom Out', 'zoom-out', 'CmdOrCtrl+-'),
        command('Fit', 'fit-view', 'Shift+1'),
        { type: 'separator' },
        command('Overlay: Utilization / Power', 'toggle-overlay', 'O'),
        command('Text Spec Panel', 'toggle-spec', 'CmdOrCtrl+/'),
        command('History', 'show-history', 'CmdOrCtrl+Shift+H'),
        command('Sweeps', 'toggle-sweeps', 'CmdOrCtrl+Shift+E'),
        command('Toggle Theme', 'toggle-theme', 'CmdOrCtrl+Shift+T'),
        { type: 'separator' },
        command('Next Pane', 'next-pane', 'F6'),
        command('Previous Pane', 'previous-pane', 'Shift+F6'),
      ],
    },
    {
      label: 'Help',
      submenu: [
        command('Keyboard Shortcuts', 'show-shortcuts', 'Shift+/'),
        command('About Tessera', 'about'),
      ],
    },
  ];
}
