/**
 * Where the library folder is and which folders the loader reads, without loading the loader (its schemas): the
 * CLI's start-up and the validated-library cache need only this.
 */
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

/** The library's folders of JSON entries, in the loader's order (it also reads `validation/error-bands.json`). */
export const libraryFolders: readonly string[] = [
  'blocks',
  'presets',
  'models',
  'formats',
  'tech',
  'runtimes',
];
