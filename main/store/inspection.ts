/**
 * The checks before a project is opened for writing, all made read-only so a refused file is left byte-for-byte
 * untouched and gets no `-wal`/`-shm` side files: the SQLite header (else "not an SQLite database"), the
 * application id (else "not a Tessera project"), the project's tables (else "has none of a project's tables"),
 * the schema version (newer → "saved by a newer Tessera"), the schema objects (a trigger, view or virtual table
 * — which Tessera never creates and which would run when the project is saved — is refused) and
 * `PRAGMA quick_check` (else "damaged"). Every connection runs with `trusted_schema = OFF`.
 */
import { open as openFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { exists } from './disk';
import { APPLICATION_ID, SCHEMA_VERSION, tablesOfSchema } from './schema';
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
  let walMode: boolean;
  try {
    const buffer = Buffer.alloc(20);
    await handle.read(buffer, 0, 20, 0);
    header = buffer.toString('latin1', 0, 16);
    // Header bytes 18 and 19 (file format write and read versions) are 2 in WAL mode.
    walMode = buffer[18] === 2 || buffer[19] === 2;
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
    // A WAL-mode file that no one has open (no `-wal` beside it) holds all its content itself: read it as
    // immutable, so that looking creates no side files. With a `-wal` there, another connection has it open and
    // its log is part of the content.
    const immutable = walMode && !(await exists(`${path}-wal`));
    connection = await Connection.open(path, { readOnly: true, immutable });
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
    await connection.exec('PRAGMA trusted_schema = OFF');
    const version = await schemaVersionOf(connection, path);
    if (version > SCHEMA_VERSION) throw newerVersion(path, version);
    await verifySchemaObjects(connection, path, version);
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

/** The file's schema version; refuses a file without the `schema_version` table or a valid version in it. */
async function schemaVersionOf(connection: Connection, path: string): Promise<number> {
  const table = await connection.get(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
  );
  if (table === undefined) {
    throw new StoreError(
      'damaged',
      `${basename(path)} is marked as a Tessera project but has none of a project's tables, so it cannot be opened. The file was not changed; restore it from a backup.`,
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
  return version;
}

/**
 * Checks the file's schema objects (`sqlite_master`) against what Tessera writes at `version`: every table of
 * that schema must be there, and nothing that runs code — a trigger, a view, a virtual table — may be. Such
 * objects would run on the next save (a trigger can wipe the history). Tables and indexes another tool added
 * are left alone: they hold data, they run nothing. Read-only; run again on the writing connection, before it
 * writes anything, in case the file changed in between.
 */
export async function verifySchemaObjects(
  connection: Connection,
  path: string,
  version: number,
): Promise<void> {
  const objects = await connection.all<{ type: string; name: string; sql: string | null }>(
    'SELECT type, name, sql FROM sqlite_master',
  );
  const foreign = objects.filter(
    (object) =>
      (object.type !== 'table' && object.type !== 'index') ||
      (object.type === 'table' && /^\s*CREATE\s+VIRTUAL\s/i.test(object.sql ?? '')),
  );
  if (foreign.length > 0) {
    const listed = foreign
      .slice(0, 3)
      .map((object) => `${object.type} "${object.name}"`)
      .join(', ');
    throw new StoreError(
      'not-tessera',
      `${basename(path)} contains SQLite objects Tessera never creates (${listed}${foreign.length > 3 ? ', …' : ''}), which would run when the project is saved. It was not opened. The file was not changed.`,
    );
  }
  const tables = new Set(objects.filter((object) => object.type === 'table').map((object) => object.name));
  const missing = tablesOfSchema(version).filter((table) => !tables.has(table));
  if (missing.length > 0) {
    throw new StoreError(
      'damaged',
      `${basename(path)} is damaged: the project tables ${missing.join(', ')} are missing. The file was not changed; restore it from a backup.`,
    );
  }
}

export function newerVersion(path: string, version: number): StoreError {
  return new StoreError(
    'newer-version',
    `${basename(path)} was saved by a newer Tessera (project schema ${version}; this version reads up to ${SCHEMA_VERSION}). Update Tessera to open it. The file was not changed.`,
  );
}
