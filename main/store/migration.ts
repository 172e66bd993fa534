/**
 * Upgrading a project from an older schema: the forward migrations, and `upgrade`, which first copies the file
 * byte for byte to a backup beside it, then runs every migration in one transaction.
 */
import { constants } from 'node:fs';
import { copyFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectName, syncFile } from './disk';
import { newerVersion } from './inspection';
import { reportsTable, SCHEMA_VERSION, sweepsTable, versionsTable } from './schema';
import type { Connection } from './sqlite';
import { StoreError } from './store-error';

const UPGRADE_SUMMARY = 'Version history started (project upgraded from schema 1)';

/** A busy checkpoint is tried again this many times, this far apart, before the file is called in use (0.5 s). */
const CHECKPOINT_ATTEMPTS = 10;
const CHECKPOINT_RETRY_MS = 50;

/**
 * Forward migrations: `migrations[n]` upgrades a project from schema version n to n + 1. They run inside the
 * upgrade's one transaction, after the backup copy was made.
 */
const migrations: Record<number, (connection: Connection) => Promise<void>> = {
  1: async (connection) => {
    // ALTER TABLE appends the column last, so `createSchema` declares `deleted_at` last as well.
    await connection.exec(`ALTER TABLE designs ADD COLUMN deleted_at TEXT;${reportsTable}${versionsTable}`);
    // Each design's history starts with the state it has now, dated when that state was saved.
    await connection.run(
      `INSERT INTO versions (id, design_id, created_at, updated_at, author, kind, name, summary, revision, document, workload)
       SELECT 'v-' || lower(hex(randomblob(5))), id, updated_at, updated_at, '', 'created', NULL, ?, revision, document, workload
       FROM designs`,
      [UPGRADE_SUMMARY],
    );
  },
  // Schema 3 adds the sweeps and their points; nothing else changes.
  2: async (connection) => {
    await connection.exec(sweepsTable);
  },
};

/**
 * Copies the project file byte for byte to `<name>.schema-<version>.backup.tessera` next to it (then
 * `…backup-2.tessera` and so on: an earlier backup is never overwritten) and flushes the copy to the disk.
 */
async function keepBackup(path: string, version: number): Promise<string> {
  const stem = join(dirname(path), `${projectName(path)}.schema-${version}.backup`);
  for (let attempt = 1; ; attempt += 1) {
    const candidate = attempt === 1 ? `${stem}.tessera` : `${stem}-${attempt}.tessera`;
    try {
      await copyFile(path, candidate, constants.COPYFILE_EXCL);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new StoreError(
        'io',
        `${basename(path)} needs upgrading from project schema ${version}, but no backup copy could be made next to it (${(error as Error).message}). The file was not changed; move it to a folder you can write to and open it again.`,
      );
    }
    await syncFile(candidate);
    return candidate;
  }
}

/** SQLite failures that are about the disk, not the file's content. */
function isDiskError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    typeof code === 'string' &&
    ['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PERM'].includes(code)
  );
}

/**
 * Brings an older project to this schema: a byte-for-byte backup first, then every migration in one
 * transaction (a failure rolls it all back and leaves the file as it was). Returns what it did, or undefined
 * when another window finished the upgrade first.
 */
export async function upgrade(
  connection: Connection,
  path: string,
  inspectedVersion: number,
): Promise<{ fromSchema: number; backupPath: string } | undefined> {
  const name = basename(path);
  const inUse = new StoreError(
    'io',
    `${name} needs upgrading, but another window or program is writing to it. Close it there and open it again. The file was not changed.`,
  );
  const schemaNow = async (): Promise<number> =>
    (await connection.get<{ version: number }>('SELECT version FROM schema_version'))?.version ?? 0;
  for (let attempt = 1; ; attempt += 1) {
    // Another window may have upgraded the file since it was inspected: then there is nothing to do.
    const current = await schemaNow();
    if (current === SCHEMA_VERSION) return undefined;
    if (current > SCHEMA_VERSION) throw newerVersion(path, current);
    const mode = await connection.get<{ journal_mode: string }>('PRAGMA journal_mode');
    if (mode?.journal_mode !== 'wal') break;
    // Committed changes still in the write-ahead log are written into the file first (what SQLite does anyway
    // when the last connection closes; the project's content does not change), so that the file alone — and so
    // its backup copy — holds the whole project.
    const checkpoint = await connection.get<{ busy: number }>('PRAGMA wal_checkpoint(TRUNCATE)');
    if (checkpoint?.busy === 0) break;
    // Busy: another connection is reading or writing. Two windows opening the old project at once meet here
    // (one checkpoints or upgrades while the other looks), so look again shortly before calling the file in use.
    if (attempt === CHECKPOINT_ATTEMPTS) throw inUse;
    await sleep(CHECKPOINT_RETRY_MS);
  }
  let backupPath: string | undefined;
  let fromSchema = inspectedVersion;
  try {
    return await connection.transaction(async () => {
      const row = await connection.get<{ version: number }>('SELECT version FROM schema_version');
      const version = row?.version ?? 0;
      if (version === SCHEMA_VERSION) return undefined;
      if (version > SCHEMA_VERSION) throw newerVersion(path, version);
      // The write lock is held from here; a commit that slipped in after the checkpoint would be missing from
      // the copy.
      const log = await stat(`${path}-wal`).catch(() => undefined);
      if (log !== undefined && log.size > 0) throw inUse;
      fromSchema = version;
      backupPath = await keepBackup(path, version);
      for (let step = version; step < SCHEMA_VERSION; step += 1) {
        const migrate = migrations[step];
        if (!migrate) throw new StoreError('internal', `No migration from project schema ${step}.`);
        await migrate(connection);
      }
      await connection.run('UPDATE schema_version SET version = ?', [SCHEMA_VERSION]);
      return { fromSchema: version, backupPath };
    });
  } catch (error) {
    if (error instanceof StoreError) throw error;
    const copy = backupPath === undefined ? '' : ` A copy made before the attempt is at ${backupPath}.`;
    throw new StoreError(
      isDiskError(error) ? 'io' : 'damaged',
      `${name} could not be upgraded from project schema ${fromSchema} to ${SCHEMA_VERSION}: ${(error as Error).message}. The file was not changed.${copy}`,
    );
  }
}
