/**
 * File-system helpers of the store: which paths may be project files, a project's name, whether a path exists,
 * flushing a file to the disk.
 */
import { open as openFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute } from 'node:path';
import { StoreError } from './store-error';

/** The extension every project file has (and the only one the store reads or writes). */
export const PROJECT_EXTENSION = '.tessera';

/** Why `path` cannot be a project file's path, or undefined when it can: absolute, ending in `.tessera`. */
export function projectPathProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'must not contain NUL characters';
  if (!isAbsolute(path)) return 'must be an absolute path (from the file dialog), not a relative one';
  if (extname(path).toLowerCase() !== PROJECT_EXTENSION || basename(path, extname(path)) === '')
    return `must be the path of a ${PROJECT_EXTENSION} file`;
  return undefined;
}

/**
 * Refuses (`invalid-payload`) a path that cannot be a project file, before anything looks at the disk: so the
 * store never writes a file with another extension or elsewhere than asked, and the refusal says nothing about
 * whether some other file exists.
 */
export function requireProjectPath(path: string): void {
  const problem = projectPathProblem(path);
  if (problem !== undefined)
    throw new StoreError('invalid-payload', `A project file's path ${problem}; nothing was read or written.`);
}

/** A project's name: its file name without the extension. */
export function projectName(path: string): string {
  return basename(path, extname(path));
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Flushes a file (and, where the platform allows, its folder's entry) to the disk. */
export async function syncFile(path: string): Promise<void> {
  const handle = await openFile(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  // Folders cannot be opened for fsync on Windows; there the file's own flush is what is available.
  const folder = await openFile(dirname(path), 'r').catch(() => undefined);
  if (folder === undefined) return;
  try {
    await folder.sync();
  } catch {
    // Not every platform or file system can flush a folder.
  } finally {
    await folder.close();
  }
}
