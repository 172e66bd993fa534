import { readFile, writeFile } from 'node:fs/promises';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyDesign, type DesignDocument } from '../../engine/schema/design';
import { defaultWorkload } from '../../engine/schema/workload';
import { sha256, temporaryFolder } from '../testing/temp';
import { APPLICATION_ID, ProjectStore, SCHEMA_VERSION, StoreError } from './project-store';

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
beforeEach(async () => {
  folder = await temporaryFolder();
});
afterEach(async () => {
  await folder.remove();
});

function twoBlockDesign(name: string): DesignDocument {
  return {
    ...emptyDesign(name),
    blocks: [
      { id: 'tile', type: 'compute.systolic', name: 'Tile', params: { rows: 256 }, position: { x: 0, y: 0 } },
      { id: 'sram', type: 'memory.sram', name: 'SRAM', params: {}, position: { x: 0, y: 200 } },
    ],
    links: [
      {
        id: 'tile-sram',
        from: { block: 'tile', port: 'mem' },
        to: { block: 'sram', port: 'port' },
        params: {},
      },
    ],
  };
}

/** Runs raw SQL on a file with its own connection, the way a foreign program would. */
function rawSql(path: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const database = new sqlite3.Database(path, (openError) => {
      if (openError) return reject(openError);
      database.exec(sql, (error) => database.close(() => (error ? reject(error) : resolve())));
    });
  });
}

async function refusal(path: string): Promise<StoreError> {
  try {
    const store = await ProjectStore.open(path);
    await store.close();
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('the store opened a file it should have refused');
}

describe('ProjectStore on a real SQLite file', () => {
  it('creates a project, saves a design, and finds it again after reopening', async () => {
    const path = folder.file('designs.tessera');
    const store = await ProjectStore.create(path);
    const created = await store.createDesign(
      'Accelerator',
      twoBlockDesign('Accelerator'),
      defaultWorkload('llama-3-8b'),
    );
    expect(created.revision).toBe(1);
    const moved = {
      ...created.document,
      blocks: created.document.blocks.map((block) => ({ ...block, position: { x: 40, y: 80 } })),
    };
    const saved = await store.saveDesign(created.id, moved, undefined, created.revision);
    expect(saved.revision).toBe(2);
    await store.close();

    const reopened = await ProjectStore.open(path);
    const designs = await reopened.listDesigns();
    expect(designs).toEqual([
      expect.objectContaining({ id: created.id, name: 'Accelerator', revision: 2, blockCount: 2 }),
    ]);
    const loaded = await reopened.getDesign(created.id);
    expect(loaded.document).toEqual({ ...moved, name: 'Accelerator' });
    expect(loaded.workload).toEqual(defaultWorkload('llama-3-8b'));
    await reopened.close();
  });

  it('renames a design when a save carries a new name in its document (an edit of the text spec)', async () => {
    const store = await ProjectStore.create(folder.file('renamed.tessera'));
    const created = await store.createDesign('Draft', twoBlockDesign('Draft'), null);
    const saved = await store.saveDesign(created.id, { ...created.document, name: 'Edge NPU' }, undefined, 1);
    expect(saved).toMatchObject({ name: 'Edge NPU', revision: 2, blockCount: 2 });
    expect((await store.getDesign(created.id)).document.name).toBe('Edge NPU');
    expect((await store.listDesigns()).map((design) => design.name)).toEqual(['Edge NPU']);
    await store.close();
  });

  it('marks its files as Tessera projects with the current schema version', async () => {
    const path = folder.file('marked.tessera');
    await (await ProjectStore.create(path)).close();
    const facts = await new Promise<{ id: number; version: number }>((resolve, reject) => {
      const database = new sqlite3.Database(path, sqlite3.OPEN_READONLY, () => {
        database.get('PRAGMA application_id', (error: Error | null, row: { application_id: number }) => {
          if (error) return reject(error);
          database.get(
            'SELECT version FROM schema_version',
            (versionError: Error | null, versionRow: { version: number }) => {
              database.close(() =>
                versionError
                  ? reject(versionError)
                  : resolve({ id: row.application_id, version: versionRow.version }),
              );
            },
          );
        });
      });
    });
    expect(facts).toEqual({ id: APPLICATION_ID, version: SCHEMA_VERSION });
  });

  it('renames and deletes designs, and says which design is missing or deleted', async () => {
    const store = await ProjectStore.create(folder.file('p.tessera'));
    const design = await store.createDesign('First', emptyDesign('First'), null);
    const renamed = await store.renameDesign(design.id, 'Second');
    expect(renamed.name).toBe('Second');
    expect(renamed.document.name).toBe('Second');
    await store.deleteDesign(design.id);
    expect(await store.listDesigns()).toEqual([]);
    await expect(store.getDesign(design.id)).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringContaining(`Design "Second" (id "${design.id}") was deleted`) as string,
    });
    await expect(store.getDesign('d-0000000000')).rejects.toMatchObject({
      code: 'not-found',
      message: 'There is no design with id "d-0000000000" in this project.',
    });
    await store.close();
  });

  it('creates new projects at the current schema in WAL mode, with a history for every design', async () => {
    const path = folder.file('current.tessera');
    const store = await ProjectStore.create(path);
    expect(store.info()).toEqual({ path, name: 'current', schemaVersion: SCHEMA_VERSION });
    // Bytes 18 and 19 of the SQLite header are 2 in WAL mode (1 with a rollback journal).
    const header = await readFile(path);
    expect([header[18], header[19]]).toEqual([2, 2]);
    // A save made with the four arguments callers have always passed is recorded in the history.
    const created = await store.createDesign('Accelerator', twoBlockDesign('Accelerator'), null);
    await store.saveDesign(created.id, { ...created.document, blocks: [], links: [] }, undefined, 1);
    expect((await store.listVersions(created.id)).map((version) => [version.kind, version.summary])).toEqual([
      ['auto', 'Removed 2 blocks (Tile, SRAM); removed 1 link (Tile → SRAM)'],
      ['created', 'Created'],
    ]);
    await store.close();
  });

  it('refuses to overwrite an existing file when creating a project', async () => {
    const path = folder.file('existing.tessera');
    await writeFile(path, 'precious');
    const checksum = await sha256(path);
    await expect(ProjectStore.create(path)).rejects.toMatchObject({ code: 'exists' });
    expect(await sha256(path)).toBe(checksum);
  });
});

describe('files that are not projects this build can open', () => {
  it('refuses a file that is not SQLite and leaves it byte-for-byte untouched', async () => {
    const path = folder.file('notes.tessera');
    await writeFile(path, 'Meeting notes: not a database.\n'.repeat(20));
    const checksum = await sha256(path);
    const error = await refusal(path);
    expect(error.code).toBe('not-sqlite');
    expect(error.message).toContain('not an SQLite database');
    expect(await sha256(path)).toBe(checksum);
  });

  it('refuses an SQLite database of another program and leaves it untouched', async () => {
    const path = folder.file('foreign.tessera');
    await rawSql(
      path,
      'CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ("Ada");',
    );
    const checksum = await sha256(path);
    const error = await refusal(path);
    expect(error.code).toBe('not-tessera');
    expect(error.message).toContain('not a Tessera project');
    expect(await sha256(path)).toBe(checksum);
  });

  it('refuses a project from a newer Tessera, names both versions, and leaves it untouched', async () => {
    const path = folder.file('future.tessera');
    await (await ProjectStore.create(path)).close();
    await rawSql(
      path,
      `UPDATE schema_version SET version = ${SCHEMA_VERSION + 1}; PRAGMA journal_mode = DELETE;`,
    );
    const checksum = await sha256(path);
    const error = await refusal(path);
    expect(error.code).toBe('newer-version');
    expect(error.message).toContain(`schema ${SCHEMA_VERSION + 1}`);
    expect(error.message).toContain(`up to ${SCHEMA_VERSION}`);
    expect(await sha256(path)).toBe(checksum);
  });

  it('refuses a damaged project (valid header, garbage pages) and leaves it untouched', async () => {
    const path = folder.file('damaged.tessera');
    await writeFile(
      path,
      Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(8176, 0x5a)]),
    );
    const checksum = await sha256(path);
    const error = await refusal(path);
    expect(error.code).toBe('damaged');
    expect(error.message).toContain('The file was not changed');
    expect(await sha256(path)).toBe(checksum);
  });

  it('refuses a project whose design rows were damaged, naming the design', async () => {
    const path = folder.file('bad-row.tessera');
    const store = await ProjectStore.create(path);
    const design = await store.createDesign('Broken', emptyDesign('Broken'), null);
    await store.close();
    await rawSql(
      path,
      `UPDATE designs SET document = '{"format":"tessera.design","version":1,"name":"Broken","blocks":[{"id":""}]}'`,
    );
    const reopened = await ProjectStore.open(path);
    await expect(reopened.getDesign(design.id)).rejects.toMatchObject({
      code: 'damaged',
      message: expect.stringContaining('"Broken"') as string,
    });
    await reopened.close();
  });

  it('says plainly when there is no file', async () => {
    const error = await refusal(folder.file('missing.tessera'));
    expect(error.code).toBe('not-found');
  });
});

describe('two connections on one project file', () => {
  it('sees each other’s saves and refuses a save based on a stale revision', async () => {
    const path = folder.file('shared.tessera');
    const first = await ProjectStore.create(path);
    const design = await first.createDesign('Shared', emptyDesign('Shared'), null);
    const second = await ProjectStore.open(path);

    const fromSecond = await second.saveDesign(design.id, twoBlockDesign('Shared'), undefined, 1);
    expect(fromSecond.revision).toBe(2);
    expect((await first.getDesign(design.id)).document.blocks).toHaveLength(2);

    await expect(first.saveDesign(design.id, emptyDesign('Shared'), undefined, 1)).rejects.toMatchObject({
      code: 'conflict',
    });
    expect((await second.getDesign(design.id)).document.blocks).toHaveLength(2);

    const writes = Array.from({ length: 10 }, (_, index) =>
      (index % 2 === 0 ? first : second).createDesign(
        `Variant ${index}`,
        emptyDesign(`Variant ${index}`),
        null,
      ),
    );
    await Promise.all(writes);
    expect(await first.listDesigns()).toHaveLength(11);
    await Promise.all([first.close(), second.close()]);
  });
});
