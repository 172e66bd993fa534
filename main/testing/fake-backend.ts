/**
 * A backend on real services for tests: the real library, a real settings store (in memory), a real project
 * store, and an engine pool whose worker processes run the TypeScript sources through tsx.
 */
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

export function testRuntime(
  options: { poolSize?: number; engine?: Partial<ForkOptions> } = {},
): Promise<Runtime> {
  return startRuntime({
    libraryRoot,
    settingsFile: undefined,
    info: { name: 'Tessera', version: 'test', shell: 'browser', platform: process.platform },
    createEngineProcess: (catalog) => sourceProcess(catalog, options.engine),
    poolSize: options.poolSize ?? 1,
  });
}
