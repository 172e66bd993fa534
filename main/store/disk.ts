/** File-system helpers of the store: a project's name, whether a path exists, flushing a file to the disk. */
import { open as openFile, stat } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';

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
