/**
 * The Electron main process: one window with Electron's secure defaults kept on, a strict CSP, navigation
 * and new windows blocked, the application menu, and IPC handlers built from the API's method list — each
 * checking its sender before `dispatch` validates the payload; project paths come only from the file dialogs. Everything else lives in plain-Node services.
 */
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  session,
  type IpcMainInvokeEvent,
  type WebContents,
} from 'electron';
import { dispatch } from '../app/dispatch';
import { eventChannel, listMethods, methodChannel } from '../contract/methods';
import type { Result } from '../contract/api';
import { createFileWorker } from '../files/create-file-worker';
import { startRuntime, type Runtime } from '../app/runtime';
import { createUtilityEngineProcess } from './engine-process';
import { buildMenuTemplate } from './menu';
import { contentSecurityPolicy } from '../services/security';

/** The secure defaults every Tessera window keeps (checked by the wiring test). */
export function secureWebPreferences(preload: string): Electron.WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

let mainWindow: BrowserWindow | undefined;

/**
 * Prints a self-contained HTML page (the report) to PDF in a hidden window that runs no script and has no
 * preload: the page is loaded from a data URL, so nothing it says can reach the network or the app.
 */
export async function printToPdf(html: string): Promise<Uint8Array> {
  const window = new BrowserWindow({
    show: false,
    webPreferences: { ...secureWebPreferences(''), preload: undefined, javascript: false, offscreen: true },
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  try {
    await window.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    return await window.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
  } finally {
    window.destroy();
  }
}
let runtime: Runtime | undefined;

const rendererUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = join(import.meta.dirname, '../renderer/index.html');

/** Only our own window, showing our own page, may call the backend. */
export function isTrustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | undefined): boolean {
  if (!window || event.sender !== window.webContents) return false;
  const url = event.senderFrame?.url ?? '';
  if (rendererUrl !== undefined && url.startsWith(rendererUrl)) return true;
  return (
    url.startsWith('file://') && decodeURIComponent(new URL(url).pathname).endsWith('/renderer/index.html')
  );
}

function lockDown(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (url !== contents.getURL()) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Tessera',
    show: false,
    webPreferences: secureWebPreferences(join(import.meta.dirname, '../preload/index.cjs')),
  });
  lockDown(window.webContents);
  window.once('ready-to-show', () => window.show());
  if (rendererUrl !== undefined) void window.loadURL(rendererUrl);
  else void window.loadFile(rendererFile);
  return window;
}

function refreshMenu(): void {
  const active = runtime;
  if (!active) return;
  const template = buildMenuTemplate(
    {
      send: (command) => active.hub.emit('app.onMenuCommand', command),
      openRecent: (path) => {
        void active.openProject(path).then((result) => {
          const project = active.currentProject();
          if (result.ok && project) active.hub.emit('projects.onChanged', project);
          else if (!result.ok) dialog.showErrorBox('Could not open the project', result.error.message);
          refreshMenu();
        });
      },
      quit: () => app.quit(),
    },
    active.settings.recentProjects,
    process.platform,
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/**
 * Project paths the file dialogs gave in this session. The window may open, create or save a project only at one
 * of them (or open a recent project): a path typed or made up by the page is refused, so the page cannot name
 * files for the main process to write or probe.
 */
const chosenProjectPaths = new Set<string>();
const pathMethods = new Set(['open', 'create', 'saveAs']);

/** A refusal when an IPC call names a project path no dialog gave (undefined when the call may go ahead). */
function unchosenPath(
  domain: string,
  method: string,
  args: unknown[],
  recent: string[],
): Result<never> | undefined {
  if (domain !== 'projects' || !pathMethods.has(method)) return undefined;
  const path = (args[0] as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string') return undefined; // dispatch refuses the payload itself
  if (chosenProjectPaths.has(path) || (method === 'open' && recent.includes(path))) return undefined;
  return {
    ok: false,
    error: {
      code: 'invalid-payload',
      message: 'Choose the project file in the file dialog; this window only opens and saves projects there.',
    },
  };
}

async function start(): Promise<void> {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] },
    });
  });
  const remember = (path: string | undefined, mode: 'open' | 'create'): string | null => {
    if (path === undefined || path === '') return null;
    // Some save dialogs (GTK) do not add the filter's extension; the project is a `.tessera` file all the same.
    const project = mode === 'open' || path.toLowerCase().endsWith('.tessera') ? path : `${path}.tessera`;
    chosenProjectPaths.add(project);
    return project;
  };
  runtime = await startRuntime({
    libraryRoot: app.isPackaged ? join(process.resourcesPath, 'library') : join(app.getAppPath(), 'library'),
    settingsFile: join(app.getPath('userData'), 'settings.json'),
    info: { name: 'Tessera', version: app.getVersion(), shell: 'electron', platform: process.platform },
    createEngineProcess: createUtilityEngineProcess,
    createFileWorker,
    warmFileWorker: true,
    chooseProjectFile: async (mode) => {
      const options = { filters: [{ name: 'Tessera project', extensions: ['tessera'] }] };
      if (mode === 'open') {
        const chosen = await dialog.showOpenDialog({ ...options, properties: ['openFile'] });
        return remember(chosen.canceled ? undefined : chosen.filePaths[0], mode);
      }
      const chosen = await dialog.showSaveDialog({ ...options, defaultPath: 'Untitled.tessera' });
      return remember(chosen.canceled ? undefined : chosen.filePath, mode);
    },
    printToPdf,
  });
  for (const problem of runtime.libraryProblems) console.warn(`library: ${problem}`);
  const active = runtime;

  for (const [domain, method] of listMethods()) {
    ipcMain.handle(
      methodChannel(domain, method),
      async (event, ...args: unknown[]): Promise<Result<unknown>> => {
        if (!isTrustedSender(event, mainWindow)) {
          return {
            ok: false,
            error: { code: 'invalid-payload', message: 'This request did not come from the Tessera window.' },
          };
        }
        const refused = unchosenPath(domain, method, args, active.settings.recentProjects);
        if (refused) return refused;
        const result = await dispatch(active.backend, domain, method, args);
        if (domain === 'projects' && result.ok) refreshMenu();
        return result;
      },
    );
  }
  active.hub.subscribe((name, payload) => {
    const [domain = '', event = ''] = name.split('.');
    mainWindow?.webContents.send(eventChannel(domain, event), payload);
  });

  refreshMenu();
  mainWindow = createWindow();
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
}

app.on('web-contents-created', (_event, contents) => lockDown(contents));
app.on('window-all-closed', () => {
  void runtime?.close().finally(() => app.quit());
});
app.on('activate', () => {
  if (!mainWindow && runtime) mainWindow = createWindow();
});

void app.whenReady().then(start);
