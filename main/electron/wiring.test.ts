/**
 * The Electron wiring, tested in-process: `electron` is replaced by a fake whose ipcRenderer.invoke calls the
 * handler that main registered with ipcMain.handle. The real main module and the real preload are loaded.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Result, TesseraApi } from '../contract/api';
import { listEvents, listMethods } from '../contract/methods';

interface FakeWindow {
  options: { webPreferences: Record<string, unknown> };
  webContents: { sent: [string, unknown][]; send: (channel: string, payload: unknown) => void };
}

const fake = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
  const rendererListeners = new Map<string, (event: unknown, payload: unknown) => void>();
  const windows: FakeWindow[] = [];
  const exposed: Record<string, unknown> = {};
  let menuTemplate: unknown[] = [];
  const userData = { path: '' };
  const printed: unknown[] = [];
  const savePath: { value: string | undefined } = { value: undefined };
  const frameUrl = 'file:///app/out/renderer/index.html';
  return {
    handlers,
    rendererListeners,
    windows,
    exposed,
    userData,
    printed,
    savePath,
    frameUrl,
    menu: () => menuTemplate,
    setMenu: (template: unknown[]) => (menuTemplate = template),
  };
});

vi.mock('electron', () => {
  class BrowserWindow {
    options: unknown;
    webContents = {
      sent: [] as [string, unknown][],
      send(channel: string, payload: unknown) {
        this.sent.push([channel, payload]);
        fake.rendererListeners.get(channel)?.({}, payload);
      },
      setWindowOpenHandler: () => undefined,
      on: () => undefined,
      getURL: () => fake.frameUrl,
      printToPDF: (options: unknown) => {
        fake.printed.push(options);
        return Promise.resolve(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d]));
      },
    };
    destroyed = false;
    loaded: string[] = [];
    destroy() {
      this.destroyed = true;
    }
    constructor(options: unknown) {
      this.options = options;
      fake.windows.push(this as unknown as FakeWindow);
    }
    once() {}
    on() {}
    show() {}
    loadFile() {
      return Promise.resolve();
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
  }
  const ipcMain = {
    handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => Promise<unknown>) =>
      fake.handlers.set(channel, handler),
  };
  const ipcRenderer = {
    invoke: (channel: string, ...args: unknown[]) => {
      const window = fake.windows[0];
      const handler = fake.handlers.get(channel);
      if (!handler || !window) return Promise.reject(new Error(`no handler for ${channel}`));
      return handler({ sender: window.webContents, senderFrame: { url: fake.frameUrl } }, ...args);
    },
    on: (channel: string, listener: (event: unknown, payload: unknown) => void) =>
      fake.rendererListeners.set(channel, listener),
    removeListener: (channel: string) => fake.rendererListeners.delete(channel),
  };
  return {
    app: {
      whenReady: () => Promise.resolve(),
      on: () => undefined,
      isPackaged: false,
      getAppPath: () => join(import.meta.dirname, '..', '..'),
      getPath: () => fake.userData.path,
      getVersion: () => '0.1.0-test',
      quit: () => undefined,
    },
    BrowserWindow,
    ipcMain,
    ipcRenderer,
    contextBridge: { exposeInMainWorld: (name: string, api: unknown) => (fake.exposed[name] = api) },
    Menu: {
      buildFromTemplate: (template: unknown[]) => fake.setMenu(template),
      setApplicationMenu: () => undefined,
    },
    dialog: {
      showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
      showSaveDialog: () =>
        Promise.resolve(
          fake.savePath.value === undefined
            ? { canceled: true }
            : { canceled: false, filePath: fake.savePath.value },
        ),
      showErrorBox: () => undefined,
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => undefined,
        webRequest: { onHeadersReceived: () => undefined },
      },
    },
  };
});

vi.mock('./engine-process', async () => {
  const { sourceProcess } = await import('../testing/fake-backend');
  return { createUtilityEngineProcess: sourceProcess };
});

vi.mock('../files/create-file-worker', async () => {
  const { sourceFileWorker } = await import('../testing/fake-backend');
  return { createFileWorker: sourceFileWorker };
});

async function loadApp(): Promise<TesseraApi> {
  fake.userData.path = await mkdtemp(join(tmpdir(), 'tessera-wiring-'));
  await import('./index');
  for (let attempt = 0; attempt < 200 && fake.windows.length === 0; attempt += 1)
    await new Promise((resolve) => setTimeout(resolve, 10));
  await import('./preload');
  return fake.exposed.tessera as TesseraApi;
}

const tessera = await loadApp();

afterAll(() => {
  vi.restoreAllMocks();
});

describe('the Electron shell', () => {
  it('keeps Electron’s secure defaults on the window', () => {
    const preferences = fake.windows[0]?.options.webPreferences;
    expect(preferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(String(preferences?.preload)).toMatch(/preload[/\\]index\.cjs$/);
  });

  it('exposes exactly the API method list as window.tessera', () => {
    const exposed = Object.entries(tessera as unknown as Record<string, Record<string, unknown>>).flatMap(
      ([domain, methods]) => Object.keys(methods).map((method) => `${domain}.${method}`),
    );
    const expected = [...listMethods(), ...listEvents()].map(([domain, method]) => `${domain}.${method}`);
    expect(exposed.sort()).toEqual(expected.sort());
  });

  it('delivers a window.tessera call to the backend and returns its result', async () => {
    const info = await tessera.app.info();
    expect(info).toEqual({
      ok: true,
      value: { name: 'Tessera', version: '0.1.0-test', shell: 'electron', platform: process.platform },
    });
    const folder = await mkdtemp(join(tmpdir(), 'tessera-wiring-project-'));
    const path = join(folder, 'wired.tessera');
    // A path the page names itself is refused: project paths come from the file dialog.
    expect(await tessera.projects.create({ path })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload', message: expect.stringContaining('file dialog') as string },
    });
    fake.savePath.value = path;
    expect(await tessera.app.chooseProjectFile({ mode: 'create' })).toEqual({ ok: true, value: path });
    const created = await tessera.projects.create({ path });
    expect(created).toMatchObject({ ok: true, value: { name: 'wired' } });
    expect(await tessera.designs.create({ name: 'Over IPC' })).toMatchObject({
      ok: true,
      value: { name: 'Over IPC' },
    });
  });

  it('validates payloads that come over IPC', async () => {
    const result = await (tessera.designs.get as (request: unknown) => Promise<Result<unknown>>)({ id: 42 });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });

  it('refuses calls from any other sender or page', async () => {
    const handler = fake.handlers.get('tessera:app.info');
    const window = fake.windows[0];
    const stranger = await handler?.({
      sender: { id: 'another window' },
      senderFrame: { url: fake.frameUrl },
    });
    expect(stranger).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('did not come from the Tessera window') as string },
    });
    const remotePage = await handler?.({
      sender: window?.webContents,
      senderFrame: { url: 'https://example.com/index.html' },
    });
    expect(remotePage).toMatchObject({ ok: false });
  });

  it('prints PDFs in a hidden window that runs no script, has no preload and is closed afterwards', async () => {
    const { printToPdf } = await import('./index');
    const pdf = await printToPdf('<h1>Report</h1>');
    expect(Buffer.from(pdf).toString('latin1')).toBe('%PDF-');
    const window = fake.windows.at(-1) as unknown as {
      options: { show: boolean; webPreferences: Record<string, unknown> };
      loaded: string[];
      destroyed: boolean;
    };
    expect(window.options.show).toBe(false);
    expect(window.options.webPreferences).toMatchObject({
      javascript: false,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    expect(window.options.webPreferences.preload).toBeUndefined();
    expect(window.loaded).toEqual([`data:text/html;charset=utf-8,${encodeURIComponent('<h1>Report</h1>')}`]);
    expect(window.destroyed).toBe(true);
    expect(fake.printed.at(-1)).toMatchObject({ printBackground: true });
  });

  it('forwards menu commands to the renderer as events', () => {
    const received: unknown[] = [];
    const unsubscribe = tessera.app.onMenuCommand((command) => received.push(command));
    const edit = (
      fake.menu() as { label?: string; submenu?: { label?: string; click?: () => void }[] }[]
    ).find((entry) => entry.label === 'Edit');
    edit?.submenu?.find((item) => item.label === 'Undo')?.click?.();
    unsubscribe();
    edit?.submenu?.find((item) => item.label === 'Undo')?.click?.();
    expect(received).toEqual(['undo']);
  });
});
