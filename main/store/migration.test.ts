/**
 * Upgrading a project written at schema 1 (the fixture, written by an older Tessera): the backup copy kept
 * first, the content kept, the history started, the schema identical to a new project's — and a failed upgrade
 * leaves the file exactly as it was. Every test works on a copy of the fixture in a temporary folder.
 */
import { copyFile, readdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256, temporaryFolder } from '../testing/temp';
import { upgrade } from './migration';
import { ProjectStore, SCHEMA_VERSION, StoreError } from './project-store';
import { Connection } from './sqlite';

const fixture = fileURLToPath(new URL('./fixtures/project-v1.tessera', import.meta.url));
const fixtureV2 = fileURLToPath(new URL('./fixtures/project-v2.tessera', import.meta.url));

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
beforeEach(async () => {
  folder = await temporaryFolder();
});
afterEach(async () => {
  await folder.remove();
});

async function copyOfFixture(name = 'project.tessera'): Promise<string> {
  const path = folder.file(name);
  await copyFile(fixture, path);
  return path;
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

/** Reads rows from a file read-only with its own connection. */
function rawRows<T>(path: string, sql: string): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const database = new sqlite3.Database(path, sqlite3.OPEN_READONLY, (openError) => {
      if (openError) return reject(openError);
      database.all(sql, (error: Error | null, rows: T[]) =>
        database.close(() => (error ? reject(error) : resolve(rows))),
      );
    });
  });
}

/**
 * A file's schema, independent of formatting and creation order: each table's and index's SQL with
 * whitespace normalised (ALTER TABLE writes `…, deleted_at TEXT)` where CREATE TABLE has a line break), plus
 * `PRAGMA table_info` and `index_list` of every table.
 */
async function schemaOf(path: string): Promise<unknown> {
  const objects = await rawRows<{ type: string; name: string; tbl_name: string; sql: string | null }>(
    path,
    'SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name',
  );
  const normalise = (sql: string | null): string | null =>
    sql === null
      ? null
      : sql
          .replace(/\s+/g, ' ')
          .replace(/\s*([(),])\s*/g, '$1')
          .trim();
  const tables = objects.filter((object) => object.type === 'table').map((object) => object.name);
  const details: Record<string, unknown> = {};
  for (const table of tables) {
    details[table] = {
      columns: await rawRows(path, `PRAGMA table_info(${table})`),
      indexes: await rawRows(path, `PRAGMA index_list(${table})`),
    };
  }
  return {
    objects: objects.map((object) => ({ ...object, sql: normalise(object.sql) })),
    details,
  };
}

async function refusal(open: Promise<ProjectStore>): Promise<StoreError> {
  try {
    await (await open).close();
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('the store opened a file it should have refused');
}

describe('upgrading a schema-1 project', () => {
  it('keeps a byte-for-byte backup, keeps every design, and starts each history', async () => {
    const path = await copyOfFixture();
    const original = await sha256(fixture);

    const store = await ProjectStore.open(path);
    const backupPath = folder.file('project.schema-1.backup.tessera');
    expect(store.info()).toEqual({
      path,
      name: 'project',
      schemaVersion: SCHEMA_VERSION,
      upgrade: { fromSchema: 1, backupPath },
    });
    expect(await sha256(backupPath)).toBe(original);

    const designs = await store.listDesigns();
    expect(designs.map(({ name, revision }) => ({ name, revision }))).toEqual([
      { name: 'H100 baseline', revision: 2 },
      { name: 'Single tile', revision: 1 },
    ]);
    const [h100, tile] = designs;
    if (!h100 || !tile) throw new Error('the fixture has two designs');

    const baseline = await store.getDesign(h100.id);
    expect(baseline.document.blocks.find((block) => block.id === 'hbm')?.params).toMatchObject({
      bandwidthBytesPerSecond: 4e12,
    });
    expect(baseline.workload).toMatchObject({ model: 'llama-3-8b', batch: 8 });
    expect(baseline.document.groups.find((group) => group.id === 'sms')?.count).toBe(132);
    const single = await store.getDesign(tile.id);
    expect(single.workload).toBeNull();
    expect(single.document.blocks.map((block) => block.id)).toEqual(['tile', 'sram', 'dram']);

    for (const design of [baseline, single]) {
      const versions = await store.listVersions(design.id);
      expect(versions).toEqual([
        {
          id: expect.stringMatching(/^v-[0-9a-f]{10}$/) as string,
          designId: design.id,
          kind: 'created',
          name: null,
          summary: 'Version history started (project upgraded from schema 1)',
          author: '',
          createdAt: design.updatedAt,
          updatedAt: design.updatedAt,
          revision: design.revision,
        },
      ]);
      const first = await store.getVersion(versions[0]?.id ?? '');
      expect(first.document).toEqual(design.document);
      expect(first.workload).toEqual(design.workload);
    }
    await store.close();
  });

  it('does not upgrade or back up again when reopened', async () => {
    const path = await copyOfFixture();
    await (await ProjectStore.open(path)).close();
    const reopened = await ProjectStore.open(path);
    expect(reopened.info().upgrade).toBeUndefined();
    expect(reopened.info().schemaVersion).toBe(SCHEMA_VERSION);
    const designs = await reopened.listDesigns();
    expect(designs).toHaveLength(2);
    expect(await reopened.listVersions(designs[0]?.id ?? '')).toHaveLength(1);
    await reopened.close();
    const backups = (await readdir(folder.path)).filter((name) => name.includes('backup'));
    expect(backups).toEqual(['project.schema-1.backup.tessera']);
  });

  it('never overwrites an earlier backup: the next one is numbered', async () => {
    const path = await copyOfFixture();
    const earlier = folder.file('project.schema-1.backup.tessera');
    await writeFile(earlier, 'an earlier backup the user keeps');
    const earlierChecksum = await sha256(earlier);

    const store = await ProjectStore.open(path);
    const backupPath = folder.file('project.schema-1.backup-2.tessera');
    expect(store.info().upgrade).toEqual({ fromSchema: 1, backupPath });
    expect(await sha256(backupPath)).toBe(await sha256(fixture));
    expect(await sha256(earlier)).toBe(earlierChecksum);
    await store.close();
  });

  it('upgrades once when two windows open the old project at the same moment', async () => {
    const path = await copyOfFixture();
    const [first, second] = await Promise.all([ProjectStore.open(path), ProjectStore.open(path)]);
    const upgrades = [first.info().upgrade, second.info().upgrade].filter((upgrade) => upgrade !== undefined);
    expect(upgrades).toEqual([{ fromSchema: 1, backupPath: folder.file('project.schema-1.backup.tessera') }]);
    const [design] = await first.listDesigns();
    expect(await second.listVersions(design?.id ?? '')).toHaveLength(1);
    await Promise.all([first.close(), second.close()]);
    expect((await readdir(folder.path)).filter((name) => name.includes('backup'))).toHaveLength(1);
  });

  it('opens the project a second window has just upgraded, even while that window is reading it', async () => {
    // The race behind the test above, made certain: this window inspected the file at schema 1, then another
    // window upgraded it, switched it to WAL and holds a read open, so a TRUNCATE checkpoint reports busy.
    const path = await copyOfFixture();
    const first = await ProjectStore.open(path);
    const reader = await Connection.open(path, { readOnly: true });
    await reader.exec('BEGIN');
    await reader.get('SELECT COUNT(*) AS n FROM designs');
    const late = await Connection.open(path, { readOnly: false });
    try {
      await expect(upgrade(late, path, 1)).resolves.toBeUndefined();
    } finally {
      await reader.exec('COMMIT');
      await Promise.all([reader.close(), late.close(), first.close()]);
    }
    expect((await readdir(folder.path)).filter((name) => name.includes('backup'))).toHaveLength(1);
  });

  it('ends with exactly the schema a new project has', async () => {
    const upgraded = await copyOfFixture();
    await (await ProjectStore.open(upgraded)).close();
    const fresh = folder.file('fresh.tessera');
    await (await ProjectStore.create(fresh)).close();

    const upgradedSchema = await schemaOf(upgraded);
    expect(upgradedSchema).toEqual(await schemaOf(fresh));
    expect(JSON.stringify(upgradedSchema)).toContain('deleted_at');
    expect(await rawRows(upgraded, 'SELECT version FROM schema_version')).toEqual([
      { version: SCHEMA_VERSION },
    ]);
  });

  it('opens a backup copy as a project of its own (it is the schema-1 file)', async () => {
    const path = await copyOfFixture();
    const store = await ProjectStore.open(path);
    const backupPath = store.info().upgrade?.backupPath ?? '';
    await store.close();
    const backup = await ProjectStore.open(backupPath);
    expect(backup.info().upgrade?.fromSchema).toBe(1);
    expect(await backup.listDesigns()).toHaveLength(2);
    await backup.close();
  });
});

describe('an upgrade that fails half-way', () => {
  // Something else in the file already uses the name of the index the upgrade creates, so the upgrade fails
  // after it has added a column and two tables — and must take all of that back.
  it.each(['wal', 'delete'])(
    'leaves a %s-journal file byte-for-byte as it was and says so',
    async (journalMode) => {
      const path = await copyOfFixture();
      await rawSql(
        path,
        `CREATE TABLE notes_of_another_tool (id TEXT);
       CREATE INDEX versions_by_design ON notes_of_another_tool (id);
       PRAGMA journal_mode = ${journalMode};`,
      );
      const checksum = await sha256(path);

      const error = await refusal(ProjectStore.open(path));
      expect(error.code).toBe('damaged');
      expect(error.message).toContain(
        `project.tessera could not be upgraded from project schema 1 to ${SCHEMA_VERSION}`,
      );
      expect(error.message).toContain('versions_by_design');
      expect(error.message).toContain('The file was not changed');
      expect(await sha256(path)).toBe(checksum);

      // The backup made before the attempt is named in the message and is the untouched file.
      const backupPath = folder.file('project.schema-1.backup.tessera');
      expect(error.message).toContain(backupPath);
      expect(await sha256(backupPath)).toBe(checksum);
      expect(await rawRows(path, 'SELECT version FROM schema_version')).toEqual([{ version: 1 }]);
    },
  );
});

describe('upgrading a schema-2 project (before sweeps)', () => {
  async function copyOfV2(): Promise<string> {
    const path = folder.file('two.tessera');
    await copyFile(fixtureV2, path);
    return path;
  }

  it('keeps a byte-for-byte backup, every design, its history and its report, and adds empty sweeps', async () => {
    const path = await copyOfV2();
    const original = await sha256(fixtureV2);
    const before = await rawRows<Record<string, unknown>>(
      fixtureV2,
      'SELECT * FROM versions ORDER BY design_id, created_at, rowid',
    );
    const designsBefore = await rawRows<Record<string, unknown>>(
      fixtureV2,
      'SELECT * FROM designs ORDER BY id',
    );
    const reportsBefore = await rawRows<Record<string, unknown>>(fixtureV2, 'SELECT * FROM reports');

    const store = await ProjectStore.open(path);
    const backupPath = folder.file('two.schema-2.backup.tessera');
    expect(store.info()).toEqual({
      path,
      name: 'two',
      schemaVersion: SCHEMA_VERSION,
      upgrade: { fromSchema: 2, backupPath },
    });
    expect(await sha256(backupPath)).toBe(original);
    const designs = await store.listDesigns();
    expect(designs.map((design) => design.name)).toEqual(['H100 baseline', 'Empty']);
    const h100 = designs[0];
    if (!h100) throw new Error('the fixture has the H100 design');
    // The history as it was: created, the autosave that raised the HBM bandwidth, the checkpoint.
    expect((await store.listVersions(h100.id)).map((version) => [version.kind, version.name])).toEqual([
      ['checkpoint', 'Faster HBM'],
      ['auto', null],
      ['created', null],
    ]);
    expect((await store.getDesign(h100.id)).report).toEqual({
      ok: true,
      report: { note: 'a stored report' },
    });
    expect(await store.listSweeps()).toEqual([]);
    await store.close();

    expect(await rawRows(path, 'SELECT * FROM versions ORDER BY design_id, created_at, rowid')).toEqual(
      before,
    );
    expect(await rawRows(path, 'SELECT * FROM designs ORDER BY id')).toEqual(designsBefore);
    expect(await rawRows(path, 'SELECT * FROM reports')).toEqual(reportsBefore);
  });

  it('ends with exactly the schema a new project has', async () => {
    const upgraded = await copyOfV2();
    await (await ProjectStore.open(upgraded)).close();
    const fresh = folder.file('fresh.tessera');
    await (await ProjectStore.create(fresh)).close();
    expect(await schemaOf(upgraded)).toEqual(await schemaOf(fresh));
    expect(JSON.stringify(await schemaOf(upgraded))).toContain('sweep_points');
  });
});
