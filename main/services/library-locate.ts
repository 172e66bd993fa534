/** Where the library folder is, without loading the loader (its schemas): the CLI's start-up needs only this. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The library folder for code running from `start` (a source file, or a bundle in out/main or out/main/chunks):
 * the nearest ancestor folder that holds `library/blocks`. `TESSERA_LIBRARY` overrides it.
 */
export function locateLibrary(start: string): string {
  if (process.env.TESSERA_LIBRARY !== undefined) return process.env.TESSERA_LIBRARY;
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'library', 'blocks'))) return join(folder, 'library');
    if (dirname(folder) === folder) return join(start, 'library');
  }
}
