/**
 * The real library for engine tests that need whole presets (serving on a DGX H100, say): loaded once per test
 * run by the engine project's global setup (`main/testing/library-setup.ts`, which may read files) and handed
 * over with Vitest's `provide`/`inject`, since engine code — tests included — never imports library files.
 * Tests on it assert relations (equal runs, bounds, orderings), never numbers pasted from the library, which may
 * be recalibrated.
 */
import { inject } from 'vitest';
import { indexCatalog, type Catalog, type CatalogIndex } from '../catalog';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The library's catalog, or the reason it could not be loaded. */
    libraryCatalog: { catalog: Catalog } | { problem: string };
  }
}

let indexed: CatalogIndex | undefined;

/** The library's catalog, indexed once per test file. */
export function libraryCatalog(): CatalogIndex {
  if (indexed) return indexed;
  const provided = inject('libraryCatalog');
  if ('problem' in provided)
    throw new Error(`The library did not load for the engine tests: ${provided.problem}`);
  indexed = indexCatalog(provided.catalog);
  return indexed;
}
