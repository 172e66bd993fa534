/**
 * The designs of a project: list, get, create, save (refused on a stale revision), rename, the bin (delete,
 * restore, and the purge of designs deleted more than 30 days ago) and duplicate. Every change is one
 * transaction that also records it in the design's history (`history.ts`).
 */
import { randomBytes } from 'node:crypto';
import type { DesignState } from '../../engine/diff';
import type { DesignDocument } from '../../engine/schema/design';
import type { Workload } from '../../engine/schema/workload';
import type { DesignSummary, StoredDesign } from '../contract/api';
import { timestamp, type StoreContext } from './context';
import { insertVersion, recordChange } from './history';
import { matchingReport } from './reports';
import { countBlocks, missingDesign, requireRow, storedWorkload, toStored, type DesignRow } from './rows';
import type { Connection } from './sqlite';
import { StoreError } from './store-error';

/** A deleted design is kept this long (30 days), then purged with its history when the project is opened. */
export const DELETED_DESIGN_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

function newDesignId(): string {
  return `d-${randomBytes(5).toString('hex')}`;
}

export async function listDesigns(connection: Connection): Promise<DesignSummary[]> {
  const rows = await connection.all<DesignRow>(
    'SELECT id, name, document, revision, updated_at FROM designs WHERE deleted_at IS NULL ORDER BY created_at, rowid',
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    revision: row.revision,
    updatedAt: row.updated_at,
    blockCount: countBlocks(row.document),
  }));
}

/** A design with its last report when that report was made for exactly its current document and workload. */
export async function getDesign(connection: Connection, id: string): Promise<StoredDesign> {
  const row = await requireRow(connection, id);
  const stored = toStored(row);
  const report = await matchingReport(connection, row);
  return report === undefined ? stored : { ...stored, report };
}

export async function createDesign(
  context: StoreContext,
  name: string,
  document: DesignDocument,
  workload: Workload | null,
  options: { author?: string; kind?: 'created' | 'import' | 'sweep'; summary?: string },
): Promise<StoredDesign> {
  const { connection } = context;
  const id = newDesignId();
  const now = timestamp(context);
  const named = { ...document, name };
  const documentText = JSON.stringify(named);
  const workloadText = workload === null ? null : JSON.stringify(workload);
  const kind = options.kind ?? 'created';
  await connection.transaction(async () => {
    await connection.run(
      'INSERT INTO designs (id, name, document, workload, revision, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)',
      [id, name, documentText, workloadText, now, now],
    );
    await insertVersion(connection, id, {
      kind,
      name: null,
      summary: options.summary ?? (kind === 'import' ? 'Imported' : 'Created'),
      author: options.author ?? '',
      revision: 1,
      document: documentText,
      workload: workloadText,
      at: now,
    });
  });
  return { id, name, document: named, workload, revision: 1, updatedAt: now };
}

/**
 * Saves a new state of a design. `baseRevision` is the revision the edit started from; if someone else
 * saved in between, the save is refused (`conflict`) rather than silently overwriting their work.
 *
 * The same transaction keeps the history: with `restoredFrom` it records a `restore` version; otherwise it
 * folds the save into the newest `auto` version when that one was started less than the interval ago by the
 * same author, or starts a new one — and prunes the oldest `auto` versions beyond the limit.
 */
export function saveDesign(
  context: StoreContext,
  id: string,
  document: DesignDocument,
  workload: Workload | null | undefined,
  baseRevision: number,
  options: { author?: string; restoredFrom?: { versionId: string; name: string } },
): Promise<DesignSummary> {
  const { connection } = context;
  return connection.transaction(async () => {
    // Only what the check needs: re-reading and re-validating the stored document on every save would
    // cost as much as the save itself on a large design.
    const row = await connection.get<Pick<DesignRow, 'name' | 'workload' | 'revision'>>(
      'SELECT name, workload, revision FROM designs WHERE id = ? AND deleted_at IS NULL',
      [id],
    );
    if (!row) throw await missingDesign(connection, id);
    if (row.revision !== baseRevision) {
      throw new StoreError(
        'conflict',
        `Design "${row.name}" was changed elsewhere (revision ${row.revision}, this edit started from ${baseRevision}). Reload it before saving.`,
      );
    }
    const now = timestamp(context);
    const revision = row.revision + 1;
    const workloadText =
      workload === undefined ? row.workload : workload === null ? null : JSON.stringify(workload);
    // The document's name is the design's name (edited in the text spec, it renames the design).
    const name = document.name.trim() === '' ? row.name : document.name;
    const named = { ...document, name };
    const documentText = JSON.stringify(named);
    await connection.run(
      'UPDATE designs SET name = ?, document = ?, workload = ?, revision = ?, updated_at = ? WHERE id = ?',
      [name, documentText, workloadText, revision, now, id],
    );
    const after: DesignState = {
      document: named,
      workload: workload === undefined ? storedWorkload(row.workload) : workload,
    };
    await recordChange(context, id, after, {
      documentText,
      workloadText,
      revision,
      now,
      author: options.author ?? '',
      restoredFrom: options.restoredFrom,
    });
    return { id, name, revision, updatedAt: now, blockCount: named.blocks.length };
  });
}

/** Renames a design (its document's name too); recorded in its history like a save. */
export function renameDesign(
  context: StoreContext,
  id: string,
  name: string,
  options: { author?: string },
): Promise<StoredDesign> {
  const { connection } = context;
  return connection.transaction(async () => {
    const row = await requireRow(connection, id);
    const document = { ...(JSON.parse(row.document) as Record<string, unknown>), name };
    const documentText = JSON.stringify(document);
    const now = timestamp(context);
    const revision = row.revision + 1;
    await connection.run(
      'UPDATE designs SET name = ?, document = ?, revision = ?, updated_at = ? WHERE id = ?',
      [name, documentText, revision, now, id],
    );
    const renamed = toStored({ ...row, name, document: documentText, revision, updated_at: now });
    await recordChange(
      context,
      id,
      { document: renamed.document, workload: renamed.workload },
      { documentText, workloadText: row.workload, revision, now, author: options.author ?? '' },
    );
    return renamed;
  });
}

/**
 * Moves a design to the bin: hidden from lists and refused by `getDesign`/`saveDesign` until
 * `restoreDesign`; purged with its history 30 days later. Its stored report is dropped at once.
 */
export function deleteDesign(context: StoreContext, id: string): Promise<void> {
  const { connection } = context;
  return connection.transaction(async () => {
    const { changes } = await connection.run(
      'UPDATE designs SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL',
      [timestamp(context), id],
    );
    if (changes === 0) throw await missingDesign(connection, id);
    await connection.run('DELETE FROM reports WHERE design_id = ?', [id]);
  });
}

/** Brings a deleted design back (the undo of `deleteDesign`). */
export function restoreDesign(connection: Connection, id: string): Promise<DesignSummary> {
  return connection.transaction(async () => {
    const row = await connection.get<DesignRow & { deleted_at: string | null }>(
      'SELECT id, name, document, revision, updated_at, deleted_at FROM designs WHERE id = ?',
      [id],
    );
    if (!row) throw new StoreError('not-found', `There is no design with id "${id}" in this project.`);
    if (row.deleted_at === null)
      throw new StoreError('not-found', `Design "${row.name}" is not deleted; there is nothing to restore.`);
    await connection.run('UPDATE designs SET deleted_at = NULL WHERE id = ?', [id]);
    return {
      id,
      name: row.name,
      revision: row.revision,
      updatedAt: row.updated_at,
      blockCount: countBlocks(row.document),
    };
  });
}

/**
 * A copy of a design (document and workload) with a new id and its own history. The name defaults to
 * "<name> copy", then "<name> copy 2", … — the first not taken by a design in the project.
 */
export function duplicateDesign(
  context: StoreContext,
  id: string,
  name?: string,
  author?: string,
): Promise<StoredDesign> {
  const { connection } = context;
  return connection.transaction(async () => {
    const row = await requireRow(connection, id);
    const source = toStored(row);
    let copyName = name?.trim() ?? '';
    if (copyName === '') {
      const taken = await connection.all<{ name: string }>(
        'SELECT name FROM designs WHERE deleted_at IS NULL',
      );
      copyName = copyNameFor(source.name, new Set(taken.map((design) => design.name)));
    }
    const copyId = newDesignId();
    const now = timestamp(context);
    const document = { ...source.document, name: copyName };
    const documentText = JSON.stringify(document);
    await connection.run(
      'INSERT INTO designs (id, name, document, workload, revision, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)',
      [copyId, copyName, documentText, row.workload, now, now],
    );
    await insertVersion(connection, copyId, {
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
  });
}

/** Purges designs deleted more than 30 days ago, with their history and report. */
export async function purgeDeletedDesigns(context: StoreContext): Promise<void> {
  const { connection } = context;
  const cutoff = new Date(context.settings.now().getTime() - DELETED_DESIGN_RETENTION_MS).toISOString();
  const due = await connection.get<{ count: number }>(
    'SELECT count(*) AS count FROM designs WHERE deleted_at IS NOT NULL AND deleted_at < ?',
    [cutoff],
  );
  // Opening a project should not take the write lock when there is nothing to do.
  if ((due?.count ?? 0) === 0) return;
  await connection.transaction(async () => {
    const expired = 'SELECT id FROM designs WHERE deleted_at IS NOT NULL AND deleted_at < ?';
    await connection.run(`DELETE FROM versions WHERE design_id IN (${expired})`, [cutoff]);
    await connection.run(`DELETE FROM reports WHERE design_id IN (${expired})`, [cutoff]);
    await connection.run('DELETE FROM designs WHERE deleted_at IS NOT NULL AND deleted_at < ?', [cutoff]);
  });
}

/** "<name> copy", "<name> copy 2", … — the first not in `taken`, within the 200 characters a name may have. */
function copyNameFor(name: string, taken: ReadonlySet<string>): string {
  for (let number = 1; ; number += 1) {
    const suffix = number === 1 ? ' copy' : ` copy ${number}`;
    const candidate = `${name.slice(0, 200 - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
