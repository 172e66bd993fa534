/**
 * Vitest global setup of the engine project: loads the library once per run (through the validated-library
 * cache) and provides it to engine tests as `libraryCatalog` (`engine/testing/library.ts`), because engine code
 * may not read files.
 */
import type { TestProject } from 'vitest/node';
import { loadLibraryCached } from '../services/library-cache';
import { locateLibrary } from '../services/library-locate';

export default async function setup(project: TestProject): Promise<void> {
  const { catalog, problems } = await loadLibraryCached(locateLibrary(import.meta.dirname));
  project.provide(
    'libraryCatalog',
    problems.length > 0
      ? {
          problem: problems
            .map((problem) => `${problem.file}: ${problem.path}: ${problem.message}`)
            .join('\n'),
        }
      : { catalog },
  );
}
