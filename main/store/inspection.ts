/**
 * The checks before a project is opened for writing, all made read-only so a refused file is left byte-for-byte
 * untouched: the SQLite header (else "not an SQLite database"), the application id (else "not a Tessera
 * project"), `PRAGMA quick_check` (else "damaged") and the schema version (newer → "saved by a newer Tessera").
 */
import { open as openFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { APPLICATION_ID, SCHEMA_VERSION } from './schema';
import { Connection } from './sqlite';
import { StoreError } from './store-error';

const SQLITE_HEADER = 'SQLite format 3\0';

/** Inspects a file without writing to it: is it a Tessera project this build can open? */
export async function inspect(path: string): Promise<{ schemaVersion: number }> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new StoreError('not-found', `${path} is a folder, not a project file.`);
    size = info.size;
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError('not-found', `There is no project file at ${path}.`);
  }
  const handle = await openFile(path, 'r');
  let header: string;
  try {
    const buffer = Buffer.alloc(16);
    await handle.read(buffer, 0, 16, 0);
    header = buffer.toString('latin1');
  } finally {
    await handle.close();
  }
  if (size < 100 || header !== SQLITE_HEADER) {
    throw new StoreError(
      'not-sqlite',
      `${basename(path)} is not a Tessera project: it is not an SQLite database at all. The file was not changed.`,
    );
  }
  let connection: Connection;
  try {
    connection = await Connection.open(path, { readOnly: true });
  } catch (error) {
    throw new StoreError(
      'damaged',
      `${basename(path)} could not be opened: ${(error as Error).message}. The file was not changed.`,
    );
  }
  try {
    const application = await connection.get<{ application_id: number }>('PRAGMA application_id');
    if (application?.application_id !== APPLICATION_ID) {
      throw new StoreError(
        'not-tessera',
        `${basename(path)} is an SQLite database, but not a Tessera project. The file was not changed.`,
      );
    }
    const check = await connection.all<{ quick_check: string }>('PRAGMA quick_check');
    if (check.length !== 1 || check[0]?.quick_check !== 'ok') {
      const detail = check
        .map((row) => row.quick_check)
        .slice(0, 3)
        .join('; ');
      throw new StoreError(
        'damaged',
        `${basename(path)} is damaged (${detail}). The file was not changed; restore it from a backup.`,
      );
    }
    const row = await connection.get<{ version: number }>('SELECT version FROM schema_version');
    const version = row?.version;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      throw new StoreError(
        'damaged',
        `${basename(path)} is damaged: its schema version is missing. The file was not changed.`,
      );
    }
    if (version > SCHEMA_VERSION) throw newerVersion(path, version);
    return { schemaVersion: version };
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(
      'damaged',
      `${basename(path)} is damaged: ${(error as Error).message}. The file was not changed.`,
    );
  } finally {
    await connection.close().catch(() => undefined);
  }
}

export function newerVersion(path: string, version: number): StoreError {
  return new StoreError(
    'newer-version',
    `${basename(path)} was saved by a newer Tessera (project schema ${version}; this version reads up to ${SCHEMA_VERSION}). Update Tessera to open it. The file was not changed.`,
  );
}
