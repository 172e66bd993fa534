/**
 * A backend on real services for tests: the real library, a real settings store (in memory), a real project
 * store, and an engine pool whose workers run the TypeScript sources through tsx.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { join } from 'node:path';
import type { Catalog } from '../../engine/catalog';
import { startRuntime, type Runtime } from '../app/runtime';

export const repositoryRoot = join(import.meta.dirname, '..', '..');
export const libraryRoot = join(repositoryRoot, 'library');

/** Starts an engine worker from the TypeScript source (tests run before any build). */
export function sourceWorker(
  catalog: Catalog,
  entry = join(repositoryRoot, 'main/services/engine-worker.ts'),
): Worker {
  return new Worker(join(import.meta.dirname, 'tsx-worker.mjs'), { workerData: { entry, catalog } });
}

/**
 * Starts a file worker from the TypeScript source, with the runner's options (its memory limit); `entry` may
 * name a test's own worker (`misbehaving-file-worker.ts`).
 */
export function sourceFileWorker(
  options: WorkerOptions = {},
  entry = join(repositoryRoot, 'main/files/file-worker.ts'),
): Worker {
  return new Worker(join(import.meta.dirname, 'tsx-worker.mjs'), { ...options, workerData: { entry } });
}

export function testRuntime(options: { poolSize?: number; fileTimeLimitMs?: number } = {}): Promise<Runtime> {
  return startRuntime({
    libraryRoot,
    settingsFile: undefined,
    info: { name: 'Tessera', version: 'test', shell: 'browser', platform: process.platform },
    createWorker: (catalog) => sourceWorker(catalog),
    createFileWorker: (workerOptions) => sourceFileWorker(workerOptions),
    ...(options.fileTimeLimitMs === undefined ? {} : { fileTimeLimitMs: options.fileTimeLimitMs }),
    poolSize: options.poolSize ?? 1,
  });
}
