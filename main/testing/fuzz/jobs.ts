/**
 * One fuzzing job — a kind, a number of cases and a seed — run to its summary. The runner (`run.ts`) gives jobs to
 * worker threads (`worker.ts`); the unit test (`fuzz.test.ts`) runs small ones in-process.
 */
import { join } from 'node:path';
import { indexCatalog, type CatalogIndex } from '../../../engine/catalog';
import { dispatch } from '../../app/dispatch';
import { loadLibrary } from '../../services/library-loader';
import { libraryRoot, testRuntime } from '../fake-backend';
import { temporaryFolder } from '../temp';
import { fuzzApi } from './api-fuzz';
import { fuzzEngine } from './engine-fuzz';
import type { FuzzSummary } from './outcome';
import { fuzzImport } from './import-fuzz';

export type FuzzKind = 'engine' | 'api' | 'import';

export interface FuzzJob {
  kind: FuzzKind;
  runs: number;
  seed: number;
}

let catalogPromise: Promise<CatalogIndex> | undefined;

function catalog(): Promise<CatalogIndex> {
  catalogPromise ??= loadLibrary(libraryRoot).then(({ catalog: loaded, problems }) => {
    if (problems.length > 0) throw new Error(`library problems: ${JSON.stringify(problems)}`);
    return indexCatalog(loaded);
  });
  return catalogPromise;
}

/** The API job's backend: a real runtime on a fresh project file with one design in it. */
async function fuzzApiJob(runs: number, seed: number): Promise<FuzzSummary> {
  const runtime = await testRuntime();
  const folder = await temporaryFolder();
  try {
    const path = join(folder.path, 'fuzz.tessera');
    const opened = await runtime.openProject(path, { createIfMissing: true });
    if (!opened.ok) throw new Error(opened.error.message);
    const created = await dispatch(runtime.backend, 'designs', 'create', [{ name: 'Target' }]);
    if (!created.ok) throw new Error(created.error.message);
    return await fuzzApi(runtime.backend, path, (created.value as { id: string }).id, runs, seed);
  } finally {
    await runtime.close();
    await folder.remove();
  }
}

export async function runJob(job: FuzzJob): Promise<FuzzSummary> {
  switch (job.kind) {
    case 'engine':
      return fuzzEngine(await catalog(), job.runs, job.seed);
    case 'import':
      return fuzzImport(await catalog(), job.runs, job.seed);
    case 'api':
      return fuzzApiJob(job.runs, job.seed);
  }
}
