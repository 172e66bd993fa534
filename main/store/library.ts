/**
 * The project's own library: models imported into it and modules (groups saved to the palette). The module
 * fragment's schema lives here, with the table that stores it; the API's payload schema reuses it.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { describeProblems, parseWith } from '../../engine/schema/common';
import { blockSchema, groupSchema, linkSchema } from '../../engine/schema/design';
import { modelSchema, type ModelConfig } from '../../engine/schema/model';
import type { ModuleEntry } from '../contract/api';
import { timestamp, type StoreContext } from './context';
import { safeJson } from './rows';
import type { Connection } from './sqlite';
import { StoreError } from './store-error';

/** A module's content: blocks with the links and groups among them. */
export const fragmentSchema = z.strictObject({
  blocks: z.array(blockSchema).min(1, 'a module needs at least one block').max(5000),
  links: z.array(linkSchema).max(20000),
  groups: z.array(groupSchema).max(5000),
});

/** Models imported into this project (Hugging Face configs), each validated on the way out. */
export async function listModels(connection: Connection): Promise<ModelConfig[]> {
  const rows = await connection.all<{ id: string; entry: string }>(
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
}

/** Keeps an imported model in the project; a second import of the same id replaces the first. */
export async function saveModel(context: StoreContext, model: ModelConfig): Promise<void> {
  const { connection } = context;
  await connection.transaction(() =>
    connection.run(
      'INSERT INTO models (id, entry, created_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET entry = excluded.entry',
      [model.id, JSON.stringify(model), timestamp(context)],
    ),
  );
}

/** Groups saved to the palette. A row that no longer validates is skipped (and named in `damaged`). */
export async function listModules(connection: Connection): Promise<ModuleEntry[]> {
  const rows = await connection.all<{
    id: string;
    name: string;
    description: string;
    fragment: string;
  }>('SELECT id, name, description, fragment FROM modules ORDER BY created_at, rowid');
  return rows.flatMap((row) => {
    const parsed = fragmentSchema.safeParse(safeJson(row.fragment));
    return parsed.success
      ? [{ id: row.id, name: row.name, description: row.description, fragment: parsed.data }]
      : [];
  });
}

export async function saveModule(
  context: StoreContext,
  name: string,
  description: string,
  fragment: ModuleEntry['fragment'],
): Promise<ModuleEntry> {
  const { connection } = context;
  const id = `m-${randomBytes(5).toString('hex')}`;
  await connection.transaction(() =>
    connection.run(
      'INSERT INTO modules (id, name, description, fragment, created_at) VALUES (?, ?, ?, ?, ?)',
      [id, name, description, JSON.stringify(fragment), timestamp(context)],
    ),
  );
  return { id, name, description, fragment };
}

export async function deleteModule(connection: Connection, id: string): Promise<void> {
  const { changes } = await connection.transaction(() =>
    connection.run('DELETE FROM modules WHERE id = ?', [id]),
  );
  if (changes === 0) throw new StoreError('not-found', `There is no module with id "${id}" in this project.`);
}
