/**
 * Starts one bundled file worker thread (electron-vite turns `?nodeWorker` into a Worker factory for the bundled
 * file; this works in Electron and under plain Node 20 alike). Only the shells import this module; tests start
 * the worker from its TypeScript source (`main/testing/fake-backend.ts`).
 */
import type { Worker, WorkerOptions } from 'node:worker_threads';
import createWorker from './file-worker?nodeWorker';

export function createFileWorker(options: WorkerOptions): Worker {
  return createWorker(options);
}
