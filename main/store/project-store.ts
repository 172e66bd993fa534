/**
 * The project store: one `.tessera` file is one SQLite database holding a project's designs (and, as the
 * product grows, their history, runs and reviews). WAL mode; a schema-version table with forward migrations;
 * every change in one transaction.
 *
 * Opening is careful: a file that is not SQLite, a SQLite file that is not a Tessera project, a damaged
 * project or one from a newer Tessera is refused with a clear message, and the file is only ever opened
 * read-only until it has passed every check — so it is left byte-for-byte untouched.
 */
import { randomBytes } from 'node:crypto';
import { open as openFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { readDesign } from '../../engine/design-io';
import { describeProblems, parseWith } from '../../engine/schema/common';
import type { DesignDocument } from '../../engine/schema/design';
import { modelSchema, type ModelConfig } from '../../engine/schema/model';
import { workloadSchema, type Workload } from '../../engine/schema/workload';
import { fragmentSchema } from '../api/payloads';
import type { DesignSummary, ErrorCode, ModuleEntry, ProjectInfo, StoredDesign } from '../contract/api';
import { Connection } from './sqlite';

/** `PRAGMA application_id` of Tessera projects: the bytes "TESS". */
export const APPLICATION_ID = 0x54455353;
/** The schema version this build writes. */
export const SCHEMA_VERSION = 1;

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

/** Forward migrations: `migrations[n]` upgrades a project from schema version n to n + 1. */
const migrations: Record<number, (connection: Connection) => Promise<void>> = {};

const createSchema = `
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE designs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  document TEXT NOT NULL,
  workload TEXT,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
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

function projectName(path: string): string {
  return basename(path, extname(path));
}

function newDesignId(): string {
  return `d-${randomBytes(5).toString('hex')}`;
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
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        'newer-version',
        `${basename(path)} was saved by a newer Tessera (project schema ${version}; this version reads up to ${SCHEMA_VERSION}). Update Tessera to open it. The file was not changed.`,
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

async function configure(connection: Connection): Promise<void> {
  await connection.exec('PRAGMA busy_timeout = 5000');
  await connection.get('PRAGMA journal_mode = WAL');
  await connection.exec('PRAGMA synchronous = NORMAL');
}

export class ProjectStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly connection: Connection,
    readonly path: string,
    readonly schemaVersion: number,
  ) {}

  /** Creates a new project file; refuses to overwrite an existing file. */
  static async create(path: string): Promise<ProjectStore> {
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    if (exists)
      throw new StoreError('exists', `${basename(path)} already exists; choose another name or open it.`);
    let connection: Connection;
    try {
      connection = await Connection.open(path, { readOnly: false, create: true });
    } catch (error) {
      throw new StoreError('io', `Could not create ${path}: ${(error as Error).message}`);
    }
    await configure(connection);
    await connection.transaction(async () => {
      await connection.exec(createSchema);
      await connection.run('INSERT INTO schema_version (version) VALUES (?)', [SCHEMA_VERSION]);
      await connection.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
    });
    return new ProjectStore(connection, path, SCHEMA_VERSION);
  }

  /** Opens an existing project after checking it read-only; migrates older schemas forward. */
  static async open(path: string): Promise<ProjectStore> {
    const { schemaVersion } = await inspect(path);
    const connection = await Connection.open(path, { readOnly: false });
    await configure(connection);
    for (let version = schemaVersion; version < SCHEMA_VERSION; version += 1) {
      const migrate = migrations[version];
      if (!migrate) throw new StoreError('internal', `No migration from project schema ${version}.`);
      await connection.transaction(async () => {
        await migrate(connection);
        await connection.run('UPDATE schema_version SET version = ?', [version + 1]);
      });
    }
    return new ProjectStore(connection, path, SCHEMA_VERSION);
  }

  /** Project facts for the UI. */
  info(): ProjectInfo {
    return { path: this.path, name: projectName(this.path), schemaVersion: this.schemaVersion };
  }

  /** Runs operations one after another on this connection, so transactions never interleave. */
  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.queue.then(operation, operation);
    this.queue = next.catch(() => undefined);
    return next;
  }

  listDesigns(): Promise<DesignSummary[]> {
    return this.serial(async () => {
      const rows = await this.connection.all<DesignRow>(
        'SELECT id, name, document, revision, updated_at FROM designs ORDER BY created_at, id',
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

  getDesign(id: string): Promise<StoredDesign> {
    return this.serial(async () => toStored(await this.requireRow(id)));
  }

  createDesign(name: string, document: DesignDocument, workload: Workload | null): Promise<StoredDesign> {
    return this.serial(async () => {
      const id = newDesignId();
      const now = new Date().toISOString();
      const named = { ...document, name };
      await this.connection.transaction(() =>
        this.connection.run(
          'INSERT INTO designs (id, name, document, workload, revision, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)',
          [id, name, JSON.stringify(named), workload === null ? null : JSON.stringify(workload), now, now],
        ),
      );
      return { id, name, document: named, workload, revision: 1, updatedAt: now };
    });
  }

  /**
   * Saves a new state of a design. `baseRevision` is the revision the edit started from; if someone else
   * saved in between, the save is refused (`conflict`) rather than silently overwriting their work.
   */
  saveDesign(
    id: string,
    document: DesignDocument,
    workload: Workload | null | undefined,
    baseRevision: number,
  ): Promise<DesignSummary> {
    return this.serial(() =>
      this.connection.transaction(async () => {
        // Only what the check needs: re-reading and re-validating the stored document on every save would
        // cost as much as the save itself on a large design.
        const row = await this.connection.get<Pick<DesignRow, 'name' | 'workload' | 'revision'>>(
          'SELECT name, workload, revision FROM designs WHERE id = ?',
          [id],
        );
        if (!row) throw new StoreError('not-found', `There is no design with id "${id}" in this project.`);
        if (row.revision !== baseRevision) {
          throw new StoreError(
            'conflict',
            `Design "${row.name}" was changed elsewhere (revision ${row.revision}, this edit started from ${baseRevision}). Reload it before saving.`,
          );
        }
        const now = new Date().toISOString();
        const revision = row.revision + 1;
        const workloadText =
          workload === undefined ? row.workload : workload === null ? null : JSON.stringify(workload);
        // The document's name is the design's name (edited in the text spec, it renames the design).
        const name = document.name.trim() === '' ? row.name : document.name;
        const named = { ...document, name };
        await this.connection.run(
          'UPDATE designs SET name = ?, document = ?, workload = ?, revision = ?, updated_at = ? WHERE id = ?',
          [name, JSON.stringify(named), workloadText, revision, now, id],
        );
        return { id, name, revision, updatedAt: now, blockCount: named.blocks.length };
      }),
    );
  }

  renameDesign(id: string, name: string): Promise<StoredDesign> {
    return this.serial(() =>
      this.connection.transaction(async () => {
        const row = await this.requireRow(id);
        const document = { ...(JSON.parse(row.document) as Record<string, unknown>), name };
        const now = new Date().toISOString();
        const revision = row.revision + 1;
        await this.connection.run(
          'UPDATE designs SET name = ?, document = ?, revision = ?, updated_at = ? WHERE id = ?',
          [name, JSON.stringify(document), revision, now, id],
        );
        return toStored({ ...row, name, document: JSON.stringify(document), revision, updated_at: now });
      }),
    );
  }

  deleteDesign(id: string): Promise<void> {
    return this.serial(async () => {
      const { changes } = await this.connection.transaction(() =>
        this.connection.run('DELETE FROM designs WHERE id = ?', [id]),
      );
      if (changes === 0)
        throw new StoreError('not-found', `There is no design with id "${id}" in this project.`);
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
          [model.id, JSON.stringify(model), new Date().toISOString()],
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
          [id, name, description, JSON.stringify(fragment), new Date().toISOString()],
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

  private async requireRow(id: string): Promise<DesignRow> {
    const row = await this.connection.get<DesignRow>('SELECT * FROM designs WHERE id = ?', [id]);
    if (!row) throw new StoreError('not-found', `There is no design with id "${id}" in this project.`);
    return row;
  }
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
  let raw: unknown;
  try {
    raw = JSON.parse(row.document);
  } catch {
    throw new StoreError(
      'damaged',
      `Design "${row.name}" is damaged in the project file: its document is not valid JSON.`,
    );
  }
  const design = readDesign(raw);
  if (!design.ok)
    throw new StoreError(
      'damaged',
      `Design "${row.name}" is damaged in the project file:\n${describeProblems(design.problems)}`,
    );
  let workload: Workload | null = null;
  if (row.workload !== null) {
    const parsed = parseWith(workloadSchema, safeJson(row.workload));
    if (!parsed.ok)
      throw new StoreError(
        'damaged',
        `The workload of design "${row.name}" is damaged:\n${describeProblems(parsed.problems)}`,
      );
    workload = parsed.value;
  }
  return {
    id: row.id,
    name: row.name,
    document: design.value,
    workload,
    revision: row.revision,
    updatedAt: row.updated_at,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
