/**
 * A backend on real services for tests: the real library, a real settings store (in memory), a real project
 * store, and an engine pool whose workers run the TypeScript sources through tsx.
 */
import { Worker } from 'node:worker_threads';
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

export function testRuntime(options: { poolSize?: number } = {}): Promise<Runtime> {
  return startRuntime({
    libraryRoot,
    settingsFile: undefined,
    info: { name: 'Tessera', version: 'test', shell: 'browser', platform: process.platform },
    createWorker: (catalog) => sourceWorker(catalog),
    poolSize: options.poolSize ?? 1,
  });
}
