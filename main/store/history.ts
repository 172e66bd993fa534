/**
 * A design's history: every saved state is a version (`created`, `auto`, `checkpoint`, `restore`, `import`,
 * `sweep`) with its time, author and a one-line summary of what changed. Saves within the interval of an automatic
 * version's start are folded into it; the oldest automatic versions beyond the limit are pruned (checkpoints, restores and
 * the first version never are).
 */
import { randomBytes } from 'node:crypto';
import { describeChange, type DesignState } from '../../engine/diff';
import type { DesignDocument } from '../../engine/schema/design';
import type { Workload } from '../../engine/schema/workload';
import type { StoredVersion, VersionSummary } from '../contract/api';
import { timestamp, type StoreContext, type StoreSettings } from './context';
import { readContent, requireLive, requireRow, toStored } from './rows';
import type { Connection } from './sqlite';
import { StoreError } from './store-error';

export type VersionKind = VersionSummary['kind'];
const versionKinds: readonly VersionKind[] = ['created', 'auto', 'checkpoint', 'restore', 'import', 'sweep'];

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

function newVersionId(): string {
  return `v-${randomBytes(5).toString('hex')}`;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "12 Nov 14:02", in this computer's time zone, for version summaries a person reads. */
function shortTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const twoDigits = (value: number): string => String(value).padStart(2, '0');
  return `${date.getDate()} ${months[date.getMonth()] ?? ''} ${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}`;
}

/** Keeps a design's saved state as a named version (never pruned). */
export function createCheckpoint(
  context: StoreContext,
  designId: string,
  name: string,
  author?: string,
): Promise<VersionSummary> {
  const { connection } = context;
  return connection.transaction(async () => {
    const label = name.trim();
    if (label === '') throw new StoreError('invalid-payload', 'A checkpoint needs a name.');
    const row = await requireRow(connection, designId);
    const current = toStored(row);
    const previous = await contentOf(connection, await newestVersion(connection, designId));
    return insertVersion(connection, designId, {
      kind: 'checkpoint',
      name: label,
      summary: summarise(previous, current),
      author: author ?? '',
      revision: row.revision,
      document: row.document,
      workload: row.workload,
      at: timestamp(context),
    });
  });
}

/** A design's history, newest first (without the documents). */
export async function listVersions(connection: Connection, designId: string): Promise<VersionSummary[]> {
  await requireLive(connection, designId);
  const rows = await connection.all<VersionMeta>(
    `SELECT ${versionColumns} FROM versions WHERE design_id = ? ${newestFirst}`,
    [designId],
  );
  return rows.map(toVersionSummary);
}

/** One version with its document and workload, validated like `getDesign`. */
export async function getVersion(connection: Connection, versionId: string): Promise<StoredVersion> {
  const row = await connection.get<VersionRow & { design_name: string }>(
    `SELECT versions.rowid AS sequence, versions.*, designs.name AS design_name FROM versions
         JOIN designs ON designs.id = versions.design_id
         WHERE versions.id = ? AND designs.deleted_at IS NULL`,
    [versionId],
  );
  if (!row) throw new StoreError('not-found', `There is no version with id "${versionId}" in this project.`);
  const version = toVersionSummary(row);
  const { document, workload } = readContent(
    row.document,
    row.workload,
    `the version of design "${row.design_name}" taken ${shortTime(row.created_at)}`,
  );
  return { version, document, workload, threads: [] };
}

function newestVersion(connection: Connection, designId: string): Promise<VersionMeta | undefined> {
  return connection.get<VersionMeta>(
    `SELECT ${versionColumns} FROM versions WHERE design_id = ? ${newestFirst} LIMIT 1`,
    [designId],
  );
}

/** A version's stored content; read only when a summary needs it (it is the whole document). */
async function contentOf(
  connection: Connection,
  version: VersionMeta | undefined,
): Promise<VersionContent | undefined> {
  if (!version) return undefined;
  return connection.get<VersionContent>('SELECT document, workload FROM versions WHERE id = ?', [version.id]);
}

/** Adds a version to a design's history (inside the caller's transaction). */
export async function insertVersion(
  connection: Connection,
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
  await connection.run(
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
export async function recordChange(
  context: StoreContext,
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
  const { connection, settings } = context;
  const newest = await newestVersion(connection, designId);
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
    const restored = await connection.get<{ created_at: string }>(
      'SELECT created_at FROM versions WHERE id = ? AND design_id = ?',
      [versionId, designId],
    );
    const when = restored ? ` (${shortTime(restored.created_at)})` : '';
    const since = summarise(await contentOf(connection, newest), after);
    await insertVersion(connection, designId, {
      ...content,
      kind: 'restore',
      name,
      summary: `Restored "${name}"${when}; ${since.charAt(0).toLowerCase()}${since.slice(1)}`,
    });
  } else if (newest && foldsInto(settings, newest, change)) {
    // The summary compares with the version before the one the save is folded into.
    const before = await connection.get<VersionContent>(
      `SELECT document, workload FROM versions WHERE design_id = ?
           AND (created_at < ? OR (created_at = ? AND rowid < ?)) ${newestFirst} LIMIT 1`,
      [designId, newest.created_at, newest.created_at, newest.sequence],
    );
    await connection.run(
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
    await insertVersion(connection, designId, {
      ...content,
      kind: 'auto',
      name: null,
      summary: summarise(await contentOf(connection, newest), after),
    });
  }
  await connection.run(
    `DELETE FROM versions WHERE design_id = ? AND kind = 'auto' AND id NOT IN (
         SELECT id FROM versions WHERE design_id = ? AND kind = 'auto' ${newestFirst} LIMIT ?)`,
    [designId, designId, settings.autoVersionLimit],
  );
}

/** Whether a save goes into the newest version: an `auto` one by the same author, started within the interval. */
function foldsInto(
  settings: StoreSettings,
  newest: VersionMeta,
  change: { now: string; author: string },
): boolean {
  if (newest.kind !== 'auto' || newest.author !== change.author) return false;
  const age = Date.parse(change.now) - Date.parse(newest.created_at);
  return age >= 0 && age < settings.autoVersionIntervalMs;
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
