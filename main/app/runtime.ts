/**
 * Assembles the backend services (library, engine pool, settings, project store) for a shell: the Electron
 * main process and the test host both start Tessera through here, so they cannot drift apart.
 */
import type { Catalog } from '../../engine/catalog';
import { createBackend, type BackendHandle } from './backend';
import { EventHub } from './events';
import type { AppInfo } from '../contract/api';
import { FileJobRunner, type FileWorkerFactory } from '../files';
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
  /** Starts the worker that imports and exports run on (`main/files/create-file-worker.ts` in the shells). */
  createFileWorker: FileWorkerFactory;
  /** How long an import or an export may run before it is stopped; default 10 s (tests set less). */
  fileTimeLimitMs?: number;
  /** Start the file worker at once, so the first import does not wait for it (the shells; tests need not). */
  warmFileWorker?: boolean;
  chooseProjectFile?: (mode: 'open' | 'create') => Promise<string | null>;
  /** Prints an HTML page to PDF (the desktop app's Chromium); without it there is no PDF export. */
  printToPdf?: (html: string) => Promise<Uint8Array>;
  poolSize?: number;
  /** Points a sweep evaluates between two writes to the project (tests set fewer). */
  sweepChunkSize?: number;
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
  const fileJobs = new FileJobRunner({
    createWorker: options.createFileWorker,
    ...(options.fileTimeLimitMs === undefined ? {} : { timeLimitMs: options.fileTimeLimitMs }),
    keepWarm: options.warmFileWorker === true,
  });
  const handle = createBackend({
    catalog,
    pool,
    fileJobs,
    settings,
    info: options.info,
    chooseProjectFile: options.chooseProjectFile,
    printToPdf: options.printToPdf,
    emitSweepProgress: (progress) => hub.emit('sweeps.onProgress', progress),
    emitServingProgress: (progress) => hub.emit('serving.onProgress', progress),
    ...(options.sweepChunkSize === undefined ? {} : { sweepChunkSize: options.sweepChunkSize }),
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
      await Promise.all([pool.close(), fileJobs.close()]);
    },
  };
}
