/**
 * Starts one bundled engine worker thread (electron-vite turns `?nodeWorker` into a Worker factory for the
 * bundled file; this works in Electron and under plain Node 20 alike).
 */
import type { Worker } from 'node:worker_threads';
import type { Catalog } from '../../engine/catalog';
import createWorker from './engine-worker?nodeWorker';

export function createEngineWorker(catalog: Catalog): Worker {
  return createWorker({ workerData: { catalog } });
}
