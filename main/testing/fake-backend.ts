/**
 * A backend on real services for tests: the real library, a real settings store (in memory), a real project
 * store, and an engine pool whose worker processes run the TypeScript sources through tsx.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { join } from 'node:path';
import type { Catalog } from '../../engine/catalog';
import { startRuntime, type Runtime } from '../app/runtime';
import type { EngineProcess } from '../services/engine-pool';
import { forkEngineProcess, type ForkOptions } from '../services/fork-engine-process';

export const repositoryRoot = join(import.meta.dirname, '..', '..');
export const libraryRoot = join(repositoryRoot, 'library');

/** tsx's loader, for a child process that runs TypeScript (tests run before any build). */
export const tsxExecArgv = ['--import', 'tsx'];

/** Starts an engine worker process from the TypeScript source. */
export function sourceProcess(catalog: Catalog, options: Partial<ForkOptions> = {}): EngineProcess {
  return forkEngineProcess(catalog, {
    entry: join(repositoryRoot, 'main/services/engine-process.ts'),
    execArgv: tsxExecArgv,
    ...options,
  });
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

export function testRuntime(
  options: {
    poolSize?: number;
    engine?: Partial<ForkOptions>;
    fileTimeLimitMs?: number;
    sweepChunkSize?: number;
  } = {},
): Promise<Runtime> {
  return startRuntime({
    libraryRoot,
    settingsFile: undefined,
    info: { name: 'Tessera', version: 'test', shell: 'browser', platform: process.platform },
    createEngineProcess: (catalog) => sourceProcess(catalog, options.engine),
    createFileWorker: (workerOptions) => sourceFileWorker(workerOptions),
    ...(options.fileTimeLimitMs === undefined ? {} : { fileTimeLimitMs: options.fileTimeLimitMs }),
    poolSize: options.poolSize ?? 1,
    ...(options.sweepChunkSize === undefined ? {} : { sweepChunkSize: options.sweepChunkSize }),
  });
}
