/**
 * The project store: one `.tessera` file is one SQLite database holding a project's designs, their version
 * history, the last report of each design, imported models and modules. WAL mode with `synchronous = FULL` (a
 * save that returned survives a power cut); a schema-version table with forward migrations; every change in one
 * transaction.
 *
 * Opening is careful: a file that is not SQLite, a SQLite file that is not a Tessera project, a damaged
 * project or one from a newer Tessera is refused with a clear message, and the file is only ever opened
 * read-only until it has passed every check — so it is left byte-for-byte untouched. A project from an older
 * Tessera is copied byte for byte to a backup next to it before it is upgraded, in one transaction.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, open as openFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { describeChange, type DesignState } from '../../engine/diff';
import { readDesign } from '../../engine/design-io';
import type { EvaluationResult } from '../../engine/report';
import { describeProblems, parseWith } from '../../engine/schema/common';
import type { DesignDocument } from '../../engine/schema/design';
import { modelSchema, type ModelConfig } from '../../engine/schema/model';
import {
  DEFAULT_MODEL_ID,
  defaultWorkload,
  workloadSchema,
  type Workload,
} from '../../engine/schema/workload';
import type {
  DesignSummary,
  ErrorCode,
  ModuleEntry,
  ProjectInfo,
  StoredDesign,
  StoredVersion,
  VersionSummary,
} from '../contract/api';
import { fragmentSchema } from './library';
import { Connection } from './sqlite';

/** `PRAGMA application_id` of Tessera projects: the bytes "TESS". */
export const APPLICATION_ID = 0x54455353;
/** The schema version this build writes. */
export const SCHEMA_VERSION = 2;

/** Saves within this long of an automatic version's start are folded into it (10 minutes). */
export const DEFAULT_AUTO_VERSION_INTERVAL_MS = 10 * 60 * 1000;
/** Automatic versions kept per design; the oldest beyond this are pruned (named versions never are). */
export const DEFAULT_AUTO_VERSION_LIMIT = 100;
/** A deleted design is kept this long (30 days), then purged with its history when the project is opened. */
export const DELETED_DESIGN_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

const SQLITE_HEADER = 'SQLite format 3\0';

/** A failure the user can understand, with the API error code it maps to. */
export class StoreError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** How the store keeps history, and its clock (tests pass their own). */
export interface ProjectStoreOptions {
  /** Saves within this many milliseconds of an automatic version's start update it in place. Default 10 minutes. */
  autoVersionIntervalMs?: number;
  /** Automatic versions kept per design; older ones are pruned. Default 100. */
  autoVersionLimit?: number;
  /** The time now; every timestamp the store writes and the 30-day purge of deleted designs use it. */
  now?: () => Date;
}

type Settings = Required<ProjectStoreOptions>;

export type VersionKind = VersionSummary['kind'];
const versionKinds: readonly VersionKind[] = ['created', 'auto', 'checkpoint', 'restore', 'import'];

// Tables added by schema 2, written once: a new project and an upgraded one get the same definitions
// (project-store.test.ts compares them).
const versionsTable = `
CREATE TABLE versions (
  id TEXT PRIMARY KEY,
  design_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  author TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT,
  summary TEXT NOT NULL,
  revision INTEGER NOT NULL,
  document TEXT NOT NULL,
  workload TEXT
);
CREATE INDEX versions_by_design ON versions (design_id, created_at);
`;
const reportsTable = `
CREATE TABLE reports (
  design_id TEXT PRIMARY KEY,
  content_key TEXT NOT NULL,
  report TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`;

const UPGRADE_SUMMARY = 'Version history started (project upgraded from schema 1)';

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
};

const createSchema = `
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE designs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  document TEXT NOT NULL,
  workload TEXT,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE TABLE models (
  id TEXT PRIMARY KEY,
  entry TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE modules (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  fragment TEXT NOT NULL,
  created_at TEXT NOT NULL
);
${reportsTable}
${versionsTable}
`;

interface DesignRow {
  [key: string]: unknown;
  id: string;
  name: string;
  document: string;
  workload: string | null;
  revision: number;
  updated_at: string;
}

/** A version without its content (what lists and the history bookkeeping read). */
interface VersionMeta {
  [key: string]: unknown;
  /** The row's rowid: orders versions taken in the same millisecond. */
  sequence: number;
  id: string;
  design_id: string;
  created_at: string;
  updated_at: string;
  author: string;
  kind: string;
  name: string | null;
  summary: string;
  revision: number;
}

/** A version's content as stored (JSON text). */
interface VersionContent {
  [key: string]: unknown;
  document: string;
  workload: string | null;
}

type VersionRow = VersionMeta & VersionContent;

/** Columns of a version without its content, for lists. */
const versionColumns =
  'rowid AS sequence, id, design_id, created_at, updated_at, author, kind, name, summary, revision';
/** Newest first; versions of the same millisecond by insertion order. */
const newestFirst = 'ORDER BY created_at DESC, rowid DESC';

function projectName(path: string): string {
  return basename(path, extname(path));
}

function newDesignId(): string {
  return `d-${randomBytes(5).toString('hex')}`;
}

function newVersionId(): string {
  return `v-${randomBytes(5).toString('hex')}`;
}

/**
 * The key a stored report is filed under: the SHA-256 (hex) of the JSON of `{ document, workload }` with object
 * keys sorted, so the same content gives the same key whichever order its keys were written in (a document
 * read back through its schema has the schema's key order, not the order it was saved in).
 */
export function contentKey(document: unknown, workload: unknown): string {
  return createHash('sha256').update(canonicalJson({ document, workload })).digest('hex');
}

/**
 * The workload a design runs: its own, or the default one when none is saved yet (the app, the CLI and the
 * exports all run the default then), so a report made under the default matches a design without a workload.
 */
function workloadRun(workload: unknown): unknown {
  return workload === null || workload === undefined ? defaultWorkload(DEFAULT_MODEL_ID) : workload;
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : item,
  );
}

/** Inspects a file without writing to it: is it a Tessera project this build can open? */
async function inspect(path: string): Promise<{ schemaVersion: number }> {
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

function newerVersion(path: string, version: number): StoreError {
  return new StoreError(
    'newer-version',
    `${basename(path)} was saved by a newer Tessera (project schema ${version}; this version reads up to ${SCHEMA_VERSION}). Update Tessera to open it. The file was not changed.`,
  );
}

/**
 * Per-connection settings. `synchronous = FULL` makes each commit wait for the write-ahead log to reach the disk
 * (NORMAL may lose the last commits on a power cut); `fullfsync` asks macOS to flush the drive's cache too (a
 * plain fsync there does not). The journal mode is set separately: an upgrade runs in the file's own mode first.
 */
async function configure(connection: Connection): Promise<void> {
  await connection.exec('PRAGMA busy_timeout = 5000');
  await connection.exec('PRAGMA synchronous = FULL');
  await connection.exec('PRAGMA fullfsync = ON');
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Flushes a file (and, where the platform allows, its folder's entry) to the disk. */
async function syncFile(path: string): Promise<void> {
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
async function upgrade(
  connection: Connection,
  path: string,
  inspectedVersion: number,
): Promise<{ fromSchema: number; backupPath: string } | undefined> {
  const name = basename(path);
  const inUse = new StoreError(
    'io',
    `${name} needs upgrading, but another window or program is writing to it. Close it there and open it again. The file was not changed.`,
  );
  const mode = await connection.get<{ journal_mode: string }>('PRAGMA journal_mode');
  if (mode?.journal_mode === 'wal') {
    // Committed changes still in the write-ahead log are written into the file first (what SQLite does anyway
    // when the last connection closes; the project's content does not change), so that the file alone — and so
    // its backup copy — holds the whole project.
    const checkpoint = await connection.get<{ busy: number }>('PRAGMA wal_checkpoint(TRUNCATE)');
    if (checkpoint?.busy !== 0) throw inUse;
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

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "12 Nov 14:02", in this computer's time zone, for version summaries a person reads. */
function shortTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const twoDigits = (value: number): string => String(value).padStart(2, '0');
  return `${date.getDate()} ${months[date.getMonth()] ?? ''} ${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}`;
}

export class ProjectStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly connection: Connection,
    readonly path: string,
    readonly schemaVersion: number,
    private readonly settings: Settings,
    private readonly upgraded: { fromSchema: number; backupPath: string } | undefined,
  ) {}

  /** Creates a new project file at the current schema; refuses to overwrite an existing file. */
  static async create(path: string, options: ProjectStoreOptions = {}): Promise<ProjectStore> {
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
    return new ProjectStore(connection, path, SCHEMA_VERSION, settingsOf(options), undefined);
  }

  /**
   * Opens an existing project after checking it read-only. An older schema is upgraded (backup copy first, see
   * `info().upgrade`); designs deleted more than 30 days ago are purged.
   */
  static async open(path: string, options: ProjectStoreOptions = {}): Promise<ProjectStore> {
    const { schemaVersion } = await inspect(path);
    let connection: Connection;
    try {
      connection = await Connection.open(path, { readOnly: false });
    } catch (error) {
      throw new StoreError('io', `Could not open ${path} for writing: ${(error as Error).message}`);
    }
    try {
      await configure(connection);
      const upgraded =
        schemaVersion < SCHEMA_VERSION ? await upgrade(connection, path, schemaVersion) : undefined;
      await connection.get('PRAGMA journal_mode = WAL');
      const store = new ProjectStore(connection, path, SCHEMA_VERSION, settingsOf(options), upgraded);
      // Housekeeping: if the file is busy now, the next opening purges instead.
      await store.purgeDeletedDesigns().catch(() => undefined);
      return store;
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
  }

  /** Project facts for the UI; `upgrade` when opening it upgraded the file. */
  info(): ProjectInfo {
    return {
      path: this.path,
      name: projectName(this.path),
      schemaVersion: this.schemaVersion,
      ...(this.upgraded ? { upgrade: { ...this.upgraded } } : {}),
    };
  }

  /** Runs operations one after another on this connection, so transactions never interleave. */
  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.queue.then(operation, operation);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private timestamp(): string {
    return this.settings.now().toISOString();
  }

  listDesigns(): Promise<DesignSummary[]> {
    return this.serial(async () => {
      const rows = await this.connection.all<DesignRow>(
        'SELECT id, name, document, revision, updated_at FROM designs WHERE deleted_at IS NULL ORDER BY created_at, id',
      );
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        revision: row.revision,
        updatedAt: row.updated_at,
        blockCount: countBlocks(row.document),
      }));
    });
  }

  /** A design with its last report when that report was made for exactly its current document and workload. */
  getDesign(id: string): Promise<StoredDesign> {
    return this.serial(async () => {
      const row = await this.requireRow(id);
      const stored = toStored(row);
      const report = await this.matchingReport(row);
      return report === undefined ? stored : { ...stored, report };
    });
  }

  createDesign(
    name: string,
    document: DesignDocument,
    workload: Workload | null,
    options: { author?: string; kind?: 'created' | 'import' } = {},
  ): Promise<StoredDesign> {
    return this.serial(async () => {
      const id = newDesignId();
      const now = this.timestamp();
      const named = { ...document, name };
      const documentText = JSON.stringify(named);
      const workloadText = workload === null ? null : JSON.stringify(workload);
      const kind = options.kind ?? 'created';
      await this.connection.transaction(async () => {
        await this.connection.run(
          'INSERT INTO designs (id, name, document, workload, revision, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)',
          [id, name, documentText, workloadText, now, now],
        );
        await this.insertVersion(id, {
          kind,
          name: null,
          summary: kind === 'import' ? 'Imported' : 'Created',
          author: options.author ?? '',
          revision: 1,
          document: documentText,
          workload: workloadText,
          at: now,
        });
      });
      return { id, name, document: named, workload, revision: 1, updatedAt: now };
    });
  }

  /**
   * Saves a new state of a design. `baseRevision` is the revision the edit started from; if someone else
   * saved in between, the save is refused (`conflict`) rather than silently overwriting their work.
   *
   * The same transaction keeps the history: with `restoredFrom` it records a `restore` version; otherwise it
   * folds the save into the newest `auto` version when that one was started less than the interval ago by the
   * same author, or starts a new one — and prunes the oldest `auto` versions beyond the limit.
   */
  saveDesign(
    id: string,
    document: DesignDocument,
    workload: Workload | null | undefined,
    baseRevision: number,
    options: { author?: string; restoredFrom?: { versionId: string; name: string } } = {},
  ): Promise<DesignSummary> {
    return this.serial(() =>
      this.connection.transaction(async () => {
        // Only what the check needs: re-reading and re-validating the stored document on every save would
        // cost as much as the save itself on a large design.
        const row = await this.connection.get<Pick<DesignRow, 'name' | 'workload' | 'revision'>>(
          'SELECT name, workload, revision FROM designs WHERE id = ? AND deleted_at IS NULL',
          [id],
        );
        if (!row) throw await this.missingDesign(id);
        if (row.revision !== baseRevision) {
          throw new StoreError(
            'conflict',
            `Design "${row.name}" was changed elsewhere (revision ${row.revision}, this edit started from ${baseRevision}). Reload it before saving.`,
          );
        }
        const now = this.timestamp();
        const revision = row.revision + 1;
        const workloadText =
          workload === undefined ? row.workload : workload === null ? null : JSON.stringify(workload);
        // The document's name is the design's name (edited in the text spec, it renames the design).
        const name = document.name.trim() === '' ? row.name : document.name;
        const named = { ...document, name };
        const documentText = JSON.stringify(named);
        await this.connection.run(
          'UPDATE designs SET name = ?, document = ?, workload = ?, revision = ?, updated_at = ? WHERE id = ?',
          [name, documentText, workloadText, revision, now, id],
        );
        const after: DesignState = {
          document: named,
          workload: workload === undefined ? storedWorkload(row.workload) : workload,
        };
        await this.recordChange(id, after, {
          documentText,
          workloadText,
          revision,
          now,
          author: options.author ?? '',
          restoredFrom: options.restoredFrom,
        });
        return { id, name, revision, updatedAt: now, blockCount: named.blocks.length };
      }),
    );
  }

  /** Renames a design (its document's name too); recorded in its history like a save. */
  renameDesign(id: string, name: string, options: { author?: string } = {}): Promise<StoredDesign> {
    return this.serial(() =>
      this.connection.transaction(async () => {
        const row = await this.requireRow(id);
        const document = { ...(JSON.parse(row.document) as Record<string, unknown>), name };
        const documentText = JSON.stringify(document);
        const now = this.timestamp();
        const revision = row.revision + 1;
        await this.connection.run(
          'UPDATE designs SET name = ?, document = ?, revision = ?, updated_at = ? WHERE id = ?',
          [name, documentText, revision, now, id],
        );
        const renamed = toStored({ ...row, name, document: documentText, revision, updated_at: now });
        await this.recordChange(
          id,
          { document: renamed.document, workload: renamed.workload },
          { documentText, workloadText: row.workload, revision, now, author: options.author ?? '' },
        );
        return renamed;
      }),
    );
  }

  /**
   * Moves a design to the bin: hidden from lists and refused by `getDesign`/`saveDesign` until
   * `restoreDesign`; purged with its history 30 days later. Its stored report is dropped at once.
   */
  deleteDesign(id: string): Promise<void> {
    return this.serial(() =>
      this.connection.transaction(async () => {
        const { changes } = await this.connection.run(
          'UPDATE designs SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL',
          [this.timestamp(), id],
        );
        if (changes === 0) throw await this.missingDesign(id);
        await this.connection.run('DELETE FROM reports WHERE design_id = ?', [id]);
      }),
    );
  }

  /** Brings a deleted design back (the undo of `deleteDesign`). */
  restoreDesign(id: string): Promise<DesignSummary> {
    return this.serial(() =>
      this.connection.transaction(async () => {
        const row = await this.connection.get<DesignRow & { deleted_at: string | null }>(
          'SELECT id, name, document, revision, updated_at, deleted_at FROM designs WHERE id = ?',
          [id],
        );
        if (!row) throw new StoreError('not-found', `There is no design with id "${id}" in this project.`);
        if (row.deleted_at === null)
          throw new StoreError(
            'not-found',
            `Design "${row.name}" is not deleted; there is nothing to restore.`,
          );
        await this.connection.run('UPDATE designs SET deleted_at = NULL WHERE id = ?', [id]);
        return {
          id,
          name: row.name,
          revision: row.revision,
          updatedAt: row.updated_at,
          blockCount: countBlocks(row.document),
        };
      }),
    );
  }

  /**
   * A copy of a design (document and workload) with a new id and its own history. The name defaults to
   * "<name> copy", then "<name> copy 2", … — the first not taken by a design in the project.
   */
  duplicateDesign(id: string, name?: string, author?: string): Promise<StoredDesign> {
    return this.serial(() =>
      this.connection.transaction(async () => {
        const row = await this.requireRow(id);
        const source = toStored(row);
        let copyName = name?.trim() ?? '';
        if (copyName === '') {
          const taken = await this.connection.all<{ name: string }>(
            'SELECT name FROM designs WHERE deleted_at IS NULL',
          );
          copyName = copyNameFor(source.name, new Set(taken.map((design) => design.name)));
        }
        const copyId = newDesignId();
        const now = this.timestamp();
        const document = { ...source.document, name: copyName };
        const documentText = JSON.stringify(document);
        await this.connection.run(
          'INSERT INTO designs (id, name, document, workload, revision, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)',
          [copyId, copyName, documentText, row.workload, now, now],
        );
        await this.insertVersion(copyId, {
          kind: 'created',
          name: null,
          summary: `Created as a copy of "${source.name}"`,
          author: author ?? '',
          revision: 1,
          document: documentText,
          workload: row.workload,
          at: now,
        });
        return {
          id: copyId,
          name: copyName,
          document,
          workload: source.workload,
          revision: 1,
          updatedAt: now,
        };
      }),
    );
  }

  /** Keeps a design's saved state as a named version (never pruned). */
  createCheckpoint(designId: string, name: string, author?: string): Promise<VersionSummary> {
    return this.serial(() =>
      this.connection.transaction(async () => {
        const label = name.trim();
        if (label === '') throw new StoreError('invalid-payload', 'A checkpoint needs a name.');
        const row = await this.requireRow(designId);
        const current = toStored(row);
        const previous = await this.contentOf(await this.newestVersion(designId));
        return this.insertVersion(designId, {
          kind: 'checkpoint',
          name: label,
          summary: summarise(previous, current),
          author: author ?? '',
          revision: row.revision,
          document: row.document,
          workload: row.workload,
          at: this.timestamp(),
        });
      }),
    );
  }

  /** A design's history, newest first (without the documents). */
  listVersions(designId: string): Promise<VersionSummary[]> {
    return this.serial(async () => {
      await this.requireLive(designId);
      const rows = await this.connection.all<VersionMeta>(
        `SELECT ${versionColumns} FROM versions WHERE design_id = ? ${newestFirst}`,
        [designId],
      );
      return rows.map(toVersionSummary);
    });
  }

  /** One version with its document and workload, validated like `getDesign`. */
  getVersion(versionId: string): Promise<StoredVersion> {
    return this.serial(async () => {
      const row = await this.connection.get<VersionRow & { design_name: string }>(
        `SELECT versions.rowid AS sequence, versions.*, designs.name AS design_name FROM versions
         JOIN designs ON designs.id = versions.design_id
         WHERE versions.id = ? AND designs.deleted_at IS NULL`,
        [versionId],
      );
      if (!row)
        throw new StoreError('not-found', `There is no version with id "${versionId}" in this project.`);
      const version = toVersionSummary(row);
      const { document, workload } = readContent(
        row.document,
        row.workload,
        `the version of design "${row.design_name}" taken ${shortTime(row.created_at)}`,
      );
      return { version, document, workload };
    });
  }

  /**
   * Keeps the report the engine made for a design's document and workload, filed under their `contentKey`;
   * `getDesign` returns it while the design still has exactly that content. Replaces the design's earlier report.
   */
  saveReport(
    designId: string,
    document: DesignDocument,
    workload: Workload | null,
    report: unknown,
  ): Promise<void> {
    return this.serial(async () => {
      let reportText: string | undefined;
      try {
        reportText = JSON.stringify(report);
      } catch (error) {
        throw new StoreError(
          'invalid-payload',
          `The report could not be stored: ${(error as Error).message}`,
        );
      }
      if (reportText === undefined)
        throw new StoreError('invalid-payload', 'The report could not be stored: it is not JSON data.');
      const text = reportText;
      await this.connection.transaction(async () => {
        await this.requireLive(designId);
        await this.connection.run(
          `INSERT INTO reports (design_id, content_key, report, created_at) VALUES (?, ?, ?, ?)
           ON CONFLICT(design_id) DO UPDATE SET content_key = excluded.content_key, report = excluded.report,
             created_at = excluded.created_at`,
          [designId, contentKey(document, workloadRun(workload)), text, this.timestamp()],
        );
      });
    });
  }

  /**
   * Writes a consistent copy of the whole project (every design, its history and reports) to a new file with
   * `VACUUM INTO`; refuses (`exists`) to overwrite anything. The copy is written under a temporary name, flushed
   * to the disk, then given its name, so a crash never leaves a half-written project at `path`.
   */
  saveCopyAs(path: string): Promise<void> {
    return this.serial(async () => {
      const refuse = (): StoreError =>
        new StoreError('exists', `${basename(path)} already exists; choose another name for the copy.`);
      if (await exists(path)) throw refuse();
      const partial = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.partial`);
      try {
        await this.connection.run('VACUUM INTO ?', [partial]);
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
    });
  }

  /** Models imported into this project (Hugging Face configs), each validated on the way out. */
  listModels(): Promise<ModelConfig[]> {
    return this.serial(async () => {
      const rows = await this.connection.all<{ id: string; entry: string }>(
        'SELECT id, entry FROM models ORDER BY id',
      );
      return rows.map((row) => {
        const parsed = parseWith(modelSchema, safeJson(row.entry));
        if (!parsed.ok)
          throw new StoreError(
            'damaged',
            `Imported model "${row.id}" is damaged in the project file:\n${describeProblems(parsed.problems)}`,
          );
        return parsed.value;
      });
    });
  }

  /** Keeps an imported model in the project; a second import of the same id replaces the first. */
  saveModel(model: ModelConfig): Promise<void> {
    return this.serial(async () => {
      await this.connection.transaction(() =>
        this.connection.run(
          'INSERT INTO models (id, entry, created_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET entry = excluded.entry',
          [model.id, JSON.stringify(model), this.timestamp()],
        ),
      );
    });
  }

  /** Groups saved to the palette. A row that no longer validates is skipped (and named in `damaged`). */
  listModules(): Promise<ModuleEntry[]> {
    return this.serial(async () => {
      const rows = await this.connection.all<{
        id: string;
        name: string;
        description: string;
        fragment: string;
      }>('SELECT id, name, description, fragment FROM modules ORDER BY created_at, id');
      return rows.flatMap((row) => {
        const parsed = fragmentSchema.safeParse(safeJson(row.fragment));
        return parsed.success
          ? [{ id: row.id, name: row.name, description: row.description, fragment: parsed.data }]
          : [];
      });
    });
  }

  saveModule(name: string, description: string, fragment: ModuleEntry['fragment']): Promise<ModuleEntry> {
    return this.serial(async () => {
      const id = `m-${randomBytes(5).toString('hex')}`;
      await this.connection.transaction(() =>
        this.connection.run(
          'INSERT INTO modules (id, name, description, fragment, created_at) VALUES (?, ?, ?, ?, ?)',
          [id, name, description, JSON.stringify(fragment), this.timestamp()],
        ),
      );
      return { id, name, description, fragment };
    });
  }

  deleteModule(id: string): Promise<void> {
    return this.serial(async () => {
      const { changes } = await this.connection.transaction(() =>
        this.connection.run('DELETE FROM modules WHERE id = ?', [id]),
      );
      if (changes === 0)
        throw new StoreError('not-found', `There is no module with id "${id}" in this project.`);
    });
  }

  close(): Promise<void> {
    return this.serial(() => this.connection.close());
  }

  /** A live (not deleted) design's row, or a `not-found` error that says whether it was deleted. */
  private async requireRow(id: string): Promise<DesignRow> {
    const row = await this.connection.get<DesignRow>(
      'SELECT * FROM designs WHERE id = ? AND deleted_at IS NULL',
      [id],
    );
    if (!row) throw await this.missingDesign(id);
    return row;
  }

  /** Checks that a live design exists without reading its document. */
  private async requireLive(id: string): Promise<void> {
    const row = await this.connection.get<{ id: string }>(
      'SELECT id FROM designs WHERE id = ? AND deleted_at IS NULL',
      [id],
    );
    if (!row) throw await this.missingDesign(id);
  }

  private async missingDesign(id: string): Promise<StoreError> {
    const deleted = await this.connection.get<{ name: string }>(
      'SELECT name FROM designs WHERE id = ? AND deleted_at IS NOT NULL',
      [id],
    );
    return new StoreError(
      'not-found',
      deleted
        ? `Design "${deleted.name}" (id "${id}") was deleted. Restore it to open or change it.`
        : `There is no design with id "${id}" in this project.`,
    );
  }

  /** The stored report, when it was made for exactly the stored document and workload and still parses. */
  private async matchingReport(row: DesignRow): Promise<EvaluationResult | undefined> {
    const stored = await this.connection.get<{ content_key: string; report: string }>(
      'SELECT content_key, report FROM reports WHERE design_id = ?',
      [row.id],
    );
    if (!stored) return undefined;
    const document = safeJson(row.document);
    const workload = row.workload === null ? null : safeJson(row.workload);
    if (stored.content_key !== contentKey(document, workloadRun(workload))) return undefined;
    // A report is a cache: one that does not parse is as good as none, and is made again by the next run.
    const report = safeJson(stored.report);
    return report === undefined || report === null ? undefined : (report as EvaluationResult);
  }

  private newestVersion(designId: string): Promise<VersionMeta | undefined> {
    return this.connection.get<VersionMeta>(
      `SELECT ${versionColumns} FROM versions WHERE design_id = ? ${newestFirst} LIMIT 1`,
      [designId],
    );
  }

  /** A version's stored content; read only when a summary needs it (it is the whole document). */
  private async contentOf(version: VersionMeta | undefined): Promise<VersionContent | undefined> {
    if (!version) return undefined;
    return this.connection.get<VersionContent>('SELECT document, workload FROM versions WHERE id = ?', [
      version.id,
    ]);
  }

  private async insertVersion(
    designId: string,
    version: {
      kind: VersionKind;
      name: string | null;
      summary: string;
      author: string;
      revision: number;
      document: string;
      workload: string | null;
      at: string;
    },
  ): Promise<VersionSummary> {
    const id = newVersionId();
    await this.connection.run(
      `INSERT INTO versions (id, design_id, created_at, updated_at, author, kind, name, summary, revision, document, workload)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        designId,
        version.at,
        version.at,
        version.author,
        version.kind,
        version.name,
        version.summary,
        version.revision,
        version.document,
        version.workload,
      ],
    );
    return {
      id,
      designId,
      kind: version.kind,
      name: version.name,
      summary: version.summary,
      author: version.author,
      createdAt: version.at,
      updatedAt: version.at,
      revision: version.revision,
    };
  }

  /** Records a saved state in the design's history (inside the save's transaction). */
  private async recordChange(
    designId: string,
    after: DesignState,
    change: {
      documentText: string;
      workloadText: string | null;
      revision: number;
      now: string;
      author: string;
      restoredFrom?: { versionId: string; name: string } | undefined;
    },
  ): Promise<void> {
    const newest = await this.newestVersion(designId);
    const content = {
      author: change.author,
      revision: change.revision,
      document: change.documentText,
      workload: change.workloadText,
      at: change.now,
    };
    if (change.restoredFrom) {
      const { versionId, name } = change.restoredFrom;
      // The restored version may have been pruned since it was opened; the restore is recorded all the same.
      const restored = await this.connection.get<{ created_at: string }>(
        'SELECT created_at FROM versions WHERE id = ? AND design_id = ?',
        [versionId, designId],
      );
      const when = restored ? ` (${shortTime(restored.created_at)})` : '';
      const since = summarise(await this.contentOf(newest), after);
      await this.insertVersion(designId, {
        ...content,
        kind: 'restore',
        name,
        summary: `Restored "${name}"${when}; ${since.charAt(0).toLowerCase()}${since.slice(1)}`,
      });
    } else if (newest && this.foldsInto(newest, change)) {
      // The summary compares with the version before the one the save is folded into.
      const before = await this.connection.get<VersionContent>(
        `SELECT document, workload FROM versions WHERE design_id = ?
           AND (created_at < ? OR (created_at = ? AND rowid < ?)) ${newestFirst} LIMIT 1`,
        [designId, newest.created_at, newest.created_at, newest.sequence],
      );
      await this.connection.run(
        'UPDATE versions SET document = ?, workload = ?, revision = ?, updated_at = ?, summary = ? WHERE id = ?',
        [
          change.documentText,
          change.workloadText,
          change.revision,
          change.now,
          summarise(before, after),
          newest.id,
        ],
      );
    } else {
      await this.insertVersion(designId, {
        ...content,
        kind: 'auto',
        name: null,
        summary: summarise(await this.contentOf(newest), after),
      });
    }
    await this.connection.run(
      `DELETE FROM versions WHERE design_id = ? AND kind = 'auto' AND id NOT IN (
         SELECT id FROM versions WHERE design_id = ? AND kind = 'auto' ${newestFirst} LIMIT ?)`,
      [designId, designId, this.settings.autoVersionLimit],
    );
  }

  /** Whether a save goes into the newest version: an `auto` one by the same author, started within the interval. */
  private foldsInto(newest: VersionMeta, change: { now: string; author: string }): boolean {
    if (newest.kind !== 'auto' || newest.author !== change.author) return false;
    const age = Date.parse(change.now) - Date.parse(newest.created_at);
    return age >= 0 && age < this.settings.autoVersionIntervalMs;
  }

  /** Purges designs deleted more than 30 days ago, with their history and report. */
  private async purgeDeletedDesigns(): Promise<void> {
    const cutoff = new Date(this.settings.now().getTime() - DELETED_DESIGN_RETENTION_MS).toISOString();
    const due = await this.connection.get<{ count: number }>(
      'SELECT count(*) AS count FROM designs WHERE deleted_at IS NOT NULL AND deleted_at < ?',
      [cutoff],
    );
    // Opening a project should not take the write lock when there is nothing to do.
    if ((due?.count ?? 0) === 0) return;
    await this.connection.transaction(async () => {
      const expired = 'SELECT id FROM designs WHERE deleted_at IS NOT NULL AND deleted_at < ?';
      await this.connection.run(`DELETE FROM versions WHERE design_id IN (${expired})`, [cutoff]);
      await this.connection.run(`DELETE FROM reports WHERE design_id IN (${expired})`, [cutoff]);
      await this.connection.run('DELETE FROM designs WHERE deleted_at IS NOT NULL AND deleted_at < ?', [
        cutoff,
      ]);
    });
  }
}

function settingsOf(options: ProjectStoreOptions): Settings {
  return {
    autoVersionIntervalMs: options.autoVersionIntervalMs ?? DEFAULT_AUTO_VERSION_INTERVAL_MS,
    autoVersionLimit: Math.max(1, Math.floor(options.autoVersionLimit ?? DEFAULT_AUTO_VERSION_LIMIT)),
    now: options.now ?? (() => new Date()),
  };
}

/** "<name> copy", "<name> copy 2", … — the first not in `taken`, within the 200 characters a name may have. */
function copyNameFor(name: string, taken: ReadonlySet<string>): string {
  for (let number = 1; ; number += 1) {
    const suffix = number === 1 ? ' copy' : ` copy ${number}`;
    const candidate = `${name.slice(0, 200 - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * The change from a stored version to a new state, for the history. The stored version is read without
 * validation (that would cost as much as the save); if it cannot be compared, the summary says so.
 */
function summarise(previous: VersionContent | undefined, after: DesignState): string {
  if (!previous) return describeChange(null, after);
  try {
    const before: DesignState = {
      document: JSON.parse(previous.document) as DesignDocument,
      workload: previous.workload === null ? null : (JSON.parse(previous.workload) as Workload),
    };
    return describeChange(before, after);
  } catch {
    return 'Saved (the version before could not be read to compare)';
  }
}

function toVersionSummary(row: VersionMeta): VersionSummary {
  const kind = versionKinds.find((candidate) => candidate === row.kind);
  if (!kind)
    throw new StoreError(
      'damaged',
      `A version (id "${row.id}") is damaged in the project file: its kind "${row.kind}" is unknown.`,
    );
  return {
    id: row.id,
    designId: row.design_id,
    kind,
    name: row.name,
    summary: row.summary,
    author: row.author,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    revision: row.revision,
  };
}

function countBlocks(documentText: string): number {
  try {
    const document = JSON.parse(documentText) as { blocks?: unknown };
    return Array.isArray(document.blocks) ? document.blocks.length : 0;
  } catch {
    return 0;
  }
}

function toStored(row: DesignRow): StoredDesign {
  const { document, workload } = readContent(row.document, row.workload, `design "${row.name}"`);
  return {
    id: row.id,
    name: row.name,
    document,
    workload,
    revision: row.revision,
    updatedAt: row.updated_at,
  };
}

/**
 * A stored document and workload, validated (and migrated) on the way out; `subject` names what they belong
 * to in the `damaged` message ("design "Edge NPU"").
 */
function readContent(
  documentText: string,
  workloadText: string | null,
  subject: string,
): { document: DesignDocument; workload: Workload | null } {
  const Subject = subject.charAt(0).toUpperCase() + subject.slice(1);
  let raw: unknown;
  try {
    raw = JSON.parse(documentText);
  } catch {
    throw new StoreError(
      'damaged',
      `${Subject} is damaged in the project file: its document is not valid JSON.`,
    );
  }
  const design = readDesign(raw);
  if (!design.ok)
    throw new StoreError(
      'damaged',
      `${Subject} is damaged in the project file:\n${describeProblems(design.problems)}`,
    );
  let workload: Workload | null = null;
  if (workloadText !== null) {
    const parsed = parseWith(workloadSchema, safeJson(workloadText));
    if (!parsed.ok)
      throw new StoreError(
        'damaged',
        `The workload of ${subject} is damaged:\n${describeProblems(parsed.problems)}`,
      );
    workload = parsed.value;
  }
  return { document: design.value, workload };
}

/** A stored workload for comparing versions (unvalidated; one that does not parse counts as none). */
function storedWorkload(text: string | null): Workload | null {
  if (text === null) return null;
  return (safeJson(text) as Workload | undefined) ?? null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
