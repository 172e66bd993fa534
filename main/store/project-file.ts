/**
 * The project file as a whole: creating one at the current schema, opening one (read-only checks first, then
 * the upgrade of an older schema), the settings of every connection, and Save As (`VACUUM INTO`).
 */
import { randomBytes } from 'node:crypto';
import { link, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { exists, syncFile } from './disk';
import { inspect, verifySchemaObjects } from './inspection';
import { upgrade } from './migration';
import { APPLICATION_ID, createSchema, SCHEMA_VERSION } from './schema';
import { Connection } from './sqlite';
import { StoreError } from './store-error';

/** What opening an older project did: the schema it had and where its backup copy is. */
export interface Upgrade {
  fromSchema: number;
  backupPath: string;
}

/**
 * Per-connection settings. `synchronous = FULL` makes each commit wait for the write-ahead log to reach the disk
 * (NORMAL may lose the last commits on a power cut); `fullfsync` asks macOS to flush the drive's cache too (a
 * plain fsync there does not); `trusted_schema = OFF` keeps functions with side effects out of anything stored
 * in the file's schema. The journal mode is set separately: an upgrade runs in the file's own mode first.
 */
async function configure(connection: Connection): Promise<void> {
  await connection.exec('PRAGMA trusted_schema = OFF');
  await connection.exec('PRAGMA busy_timeout = 5000');
  await connection.exec('PRAGMA synchronous = FULL');
  await connection.exec('PRAGMA fullfsync = ON');
}

/** Creates a new project file at the current schema; refuses to overwrite an existing file. */
export async function createProjectFile(path: string): Promise<Connection> {
  if (await exists(path))
    throw new StoreError('exists', `${basename(path)} already exists; choose another name or open it.`);
  let connection: Connection;
  try {
    connection = await Connection.open(path, { readOnly: false, create: true });
  } catch (error) {
    throw new StoreError('io', `Could not create ${path}: ${(error as Error).message}`);
  }
  await configure(connection);
  await connection.get('PRAGMA journal_mode = WAL');
  await connection.transaction(async () => {
    await connection.exec(createSchema);
    await connection.run('INSERT INTO schema_version (version) VALUES (?)', [SCHEMA_VERSION]);
    await connection.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
  });
  return connection;
}

/**
 * Opens an existing project for writing after checking it read-only; an older schema is upgraded (backup copy
 * first). On any failure the connection is closed again.
 */
export async function openProjectFile(
  path: string,
): Promise<{ connection: Connection; upgraded: Upgrade | undefined }> {
  const { schemaVersion } = await inspect(path);
  let connection: Connection;
  try {
    connection = await Connection.open(path, { readOnly: false });
  } catch (error) {
    throw new StoreError('io', `Could not open ${path} for writing: ${(error as Error).message}`);
  }
  try {
    await configure(connection);
    // Checked again on the writing connection before its first write: the file may have changed since.
    await verifySchemaObjects(connection, path, schemaVersion);
    const upgraded =
      schemaVersion < SCHEMA_VERSION ? await upgrade(connection, path, schemaVersion) : undefined;
    await connection.get('PRAGMA journal_mode = WAL');
    return { connection, upgraded };
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Writes a consistent copy of the whole project (every design, its history and reports) to a new file with
 * `VACUUM INTO`; refuses (`exists`) to overwrite anything. The copy is written under a temporary name, flushed
 * to the disk, then given its name, so a crash never leaves a half-written project at `path`.
 */
export async function saveCopyAs(connection: Connection, path: string): Promise<void> {
  const refuse = (): StoreError =>
    new StoreError('exists', `${basename(path)} already exists; choose another name for the copy.`);
  if (await exists(path)) throw refuse();
  const partial = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.partial`);
  try {
    await connection.run('VACUUM INTO ?', [partial]);
    await syncFile(partial);
    try {
      // A hard link gives the copy its name without replacing a file that appeared meanwhile.
      await link(partial, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw refuse();
      // File systems without hard links (FAT, some network shares): check, then rename.
      if (await exists(path)) throw refuse();
      await rename(partial, path);
    }
    await syncFile(path);
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(
      'io',
      `Could not save a copy of the project as ${path}: ${(error as Error).message}`,
    );
  } finally {
    await rm(partial, { force: true });
  }
}
