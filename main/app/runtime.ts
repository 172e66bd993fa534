/**
 * Assembles the backend services (library, engine pool, settings, project store) for a shell: the Electron
 * main process and the test host both start Tessera through here, so they cannot drift apart.
 */
import type { Catalog } from '../../engine/catalog';
import { createBackend, type BackendHandle } from './backend';
import { EventHub } from './events';
import type { AppInfo } from '../contract/api';
import { EnginePool, type EngineProcess } from '../services/engine-pool';
import { loadLibrary } from '../services/library-loader';
import { SettingsStore } from '../services/settings';

export interface RuntimeOptions {
  libraryRoot: string;
  /** Settings file; undefined keeps settings in memory. */
  settingsFile: string | undefined;
  info: AppInfo;
  /** Starts one engine worker process (the shell decides how: Node's `fork`, Electron's `utilityProcess`). */
  createEngineProcess: (catalog: Catalog) => EngineProcess;
  chooseProjectFile?: (mode: 'open' | 'create') => Promise<string | null>;
  /** Prints an HTML page to PDF (the desktop app's Chromium); without it there is no PDF export. */
  printToPdf?: (html: string) => Promise<Uint8Array>;
  poolSize?: number;
}

export interface Runtime extends BackendHandle {
  catalog: Catalog;
  pool: EnginePool;
  hub: EventHub;
  settings: SettingsStore;
  /** Problems with library files, reported at start-up (invalid entries are left out). */
  libraryProblems: string[];
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { catalog, problems } = await loadLibrary(options.libraryRoot);
  const settings = await SettingsStore.load(options.settingsFile);
  const pool = new EnginePool({
    createProcess: () => options.createEngineProcess(catalog),
    size: options.poolSize,
  });
  const hub = new EventHub();
  const handle = createBackend({
    catalog,
    pool,
    settings,
    info: options.info,
    chooseProjectFile: options.chooseProjectFile,
    printToPdf: options.printToPdf,
  });
  return {
    ...handle,
    catalog,
    pool,
    hub,
    settings,
    libraryProblems: problems.map((problem) => `${problem.file}: ${problem.path}: ${problem.message}`),
    close: async () => {
      await handle.close();
      await pool.close();
    },
  };
}
