/**
 * Starts one bundled engine worker process under Node (the test host and the CLI). electron-vite's `?modulePath`
 * builds `engine-process.ts` as its own file and gives its path; the Electron shell forks the same file as a
 * utility process (`main/electron/engine-process.ts`).
 */
import type { Catalog } from '../../engine/catalog';
import type { EngineProcess } from './engine-pool';
import enginePath from './engine-process?modulePath';
import { forkEngineProcess } from './fork-engine-process';

export { enginePath };

export function createEngineProcess(catalog: Catalog): EngineProcess {
  return forkEngineProcess(catalog, { entry: enginePath });
}
