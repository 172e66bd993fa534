/**
 * What the command-line programs share — the CLI's commands and the lab's (`bench`, `validate`): the output
 * streams, the error a user caused (exit code 2), plain-text tables, and the library loaded strictly.
 */
import type { CatalogIndex } from '../../engine/catalog';
import { locateLibrary } from '../services/library-locate';

export interface Streams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** A failure the user caused: printed as one message, exit code 2. */
export class UsageError extends Error {}

/** Where the library folder is, for the built CLI (out/main) and the sources alike. */
export function defaultLibraryRoot(): string {
  return locateLibrary(import.meta.dirname);
}

/**
 * The library's catalog; any invalid library file is a `UsageError`. Through the validated-library cache
 * (`main/services/library-cache.ts`); the loader is imported here, on first use, so `--help` and usage errors
 * do not load the schemas.
 */
export async function loadCatalog(root = defaultLibraryRoot()): Promise<CatalogIndex> {
  const [{ loadLibraryCached }, { indexCatalog }] = await Promise.all([
    import('../services/library-cache'),
    import('../../engine/catalog'),
  ]);
  const { catalog, problems } = await loadLibraryCached(root);
  if (problems.length > 0)
    throw new UsageError(
      `The library at ${root} has invalid files:\n${problems.map((problem) => `${problem.file}: ${problem.path}: ${problem.message}`).join('\n')}`,
    );
  return indexCatalog(catalog);
}

/** A plain-text table, columns padded to their widest cell. */
export function table(headers: string[], rows: string[][], align: ('left' | 'right')[] = []): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) =>
        (align[column] ?? 'left') === 'right'
          ? cell.padStart(widths[column] ?? 0)
          : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n') + '\n';
}
