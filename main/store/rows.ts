/**
 * Reading what the store wrote: rows of the designs table (a live design, or the `not-found` error that says
 * whether it was deleted), and stored JSON validated — and migrated — on the way out.
 */
import { readDesign } from '../../engine/design-io';
import { describeProblems, parseWith } from '../../engine/schema/common';
import type { DesignDocument } from '../../engine/schema/design';
import { workloadSchema, type Workload } from '../../engine/schema/workload';
import type { StoredDesign } from '../contract/api';
import type { Connection } from './sqlite';
import { StoreError } from './store-error';

export interface DesignRow {
  [key: string]: unknown;
  id: string;
  name: string;
  document: string;
  workload: string | null;
  revision: number;
  updated_at: string;
}

/** A live (not deleted) design's row, or a `not-found` error that says whether it was deleted. */
export async function requireRow(connection: Connection, id: string): Promise<DesignRow> {
  const row = await connection.get<DesignRow>('SELECT * FROM designs WHERE id = ? AND deleted_at IS NULL', [
    id,
  ]);
  if (!row) throw await missingDesign(connection, id);
  return row;
}

/** Checks that a live design exists without reading its document. */
export async function requireLive(connection: Connection, id: string): Promise<void> {
  const row = await connection.get<{ id: string }>(
    'SELECT id FROM designs WHERE id = ? AND deleted_at IS NULL',
    [id],
  );
  if (!row) throw await missingDesign(connection, id);
}

export async function missingDesign(connection: Connection, id: string): Promise<StoreError> {
  const deleted = await connection.get<{ name: string }>(
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

export function countBlocks(documentText: string): number {
  try {
    const document = JSON.parse(documentText) as { blocks?: unknown };
    return Array.isArray(document.blocks) ? document.blocks.length : 0;
  } catch {
    return 0;
  }
}

export function toStored(row: DesignRow): StoredDesign {
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
export function readContent(
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
export function storedWorkload(text: string | null): Workload | null {
  if (text === null) return null;
  return (safeJson(text) as Workload | undefined) ?? null;
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
