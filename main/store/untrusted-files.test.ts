/**
 * Project files the store must refuse without changing them (issue 15): a file carrying a trigger or a view
 * (which would run when the project is saved), a file marked as a project with none of its tables, and paths that
 * are not absolute `.tessera` paths. A refused file keeps its bytes and gets no `-wal`/`-shm` side files.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyDesign } from '../../engine/schema/design';
import { sha256, temporaryFolder } from '../testing/temp';
import { APPLICATION_ID, ProjectStore, StoreError } from './project-store';

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
beforeEach(async () => {
  folder = await temporaryFolder();
});
afterEach(async () => {
  await folder.remove();
});

/** Runs raw SQL on a file with its own connection, the way a foreign program would. */
function rawSql(path: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const database = new sqlite3.Database(path, (openError) => {
      if (openError) return reject(openError);
      database.exec(sql, (error) => database.close(() => (error ? reject(error) : resolve())));
    });
  });
}

async function refusal(opening: Promise<ProjectStore>): Promise<StoreError> {
  try {
    const store = await opening;
    await store.close();
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('the store accepted what it should have refused');
}

/** A project (WAL mode, as Tessera writes it) with one design and its history. */
async function projectWithHistory(name: string): Promise<string> {
  const path = folder.file(name);
  const store = await ProjectStore.create(path);
  await store.createDesign('Tile', emptyDesign('Tile'), null);
  await store.close();
  return path;
}

describe('a project file carrying code', () => {
  it.each([
    [
      'a trigger that deletes the history on save',
      `CREATE TRIGGER wipe AFTER UPDATE ON designs BEGIN DELETE FROM versions; END;`,
      'trigger "wipe"',
    ],
    ['a view', `CREATE VIEW everything AS SELECT * FROM versions;`, 'view "everything"'],
  ])(
    'is refused when it has %s, and left byte-for-byte as it was, without side files',
    async (_, sql, named) => {
      const path = await projectWithHistory('project.tessera');
      await rawSql(path, sql);
      expect(await readdir(folder.path)).toEqual(['project.tessera']);
      const checksum = await sha256(path);

      const error = await refusal(ProjectStore.open(path));
      expect(error.code).toBe('not-tessera');
      expect(error.message).toContain(
        `project.tessera contains SQLite objects Tessera never creates (${named})`,
      );
      expect(error.message).toContain('The file was not changed');
      expect(await sha256(path)).toBe(checksum);
      expect(await readdir(folder.path)).toEqual(['project.tessera']);
    },
  );
});

describe('a file marked as a project with no tables', () => {
  it('is refused with a clear message before anything writes to it', async () => {
    const path = folder.file('empty.tessera');
    // The application id only reaches the file with a page written; the table is then dropped again.
    await rawSql(path, `PRAGMA application_id = ${APPLICATION_ID}; CREATE TABLE t (x); DROP TABLE t;`);
    const checksum = await sha256(path);

    const error = await refusal(ProjectStore.open(path));
    expect(error.code).toBe('damaged');
    expect(error.message).toContain(
      "empty.tessera is marked as a Tessera project but has none of a project's tables",
    );
    expect(error.message).toContain('The file was not changed');
    expect(await sha256(path)).toBe(checksum);
    expect(await readdir(folder.path)).toEqual(['empty.tessera']);
  });
});

describe('a refused WAL-mode project', () => {
  it('gets no -wal/-shm side files from being looked at', async () => {
    const path = await projectWithHistory('newer.tessera');
    await rawSql(path, 'UPDATE schema_version SET version = 99');
    const checksum = await sha256(path);

    const error = await refusal(ProjectStore.open(path));
    expect(error.code).toBe('newer-version');
    expect(await sha256(path)).toBe(checksum);
    expect(await readdir(folder.path)).toEqual(['newer.tessera']);
  });
});

describe('paths that are not absolute .tessera paths', () => {
  it('refuses a relative path to open, create or save a copy, before looking at the disk', async () => {
    for (const opening of [ProjectStore.open('project.tessera'), ProjectStore.create('new.tessera')]) {
      const error = await refusal(opening);
      expect(error.code).toBe('invalid-payload');
      expect(error.message).toContain('must be an absolute path');
    }
    expect(await readdir(process.cwd())).not.toContain('new.tessera');
  });

  it('refuses other extensions without saying whether the file exists', async () => {
    const existing = folder.file('notes.txt');
    await writeFile(existing, 'not a project');
    const missing = folder.file('missing.txt');
    const messages: string[] = [];
    for (const path of [existing, missing]) {
      const error = await refusal(ProjectStore.open(path));
      expect(error.code).toBe('invalid-payload');
      messages.push(error.message.replace(path, ''));
    }
    expect(messages[0]).toBe(messages[1]);
    expect(messages[0]).toContain('must be the path of a .tessera file');

    const created = await refusal(ProjectStore.create(folder.file('project.bin')));
    expect(created.code).toBe('invalid-payload');

    const store = await ProjectStore.create(folder.file('project.tessera'));
    try {
      await expect(store.saveCopyAs(folder.file('copy.bin'))).rejects.toMatchObject({
        code: 'invalid-payload',
      });
      await expect(store.saveCopyAs('copy.tessera')).rejects.toMatchObject({ code: 'invalid-payload' });
    } finally {
      await store.close();
    }
    expect((await readdir(folder.path)).sort()).toEqual(['notes.txt', 'project.tessera']);
    expect(join(folder.path, 'project.tessera')).toBe(folder.file('project.tessera'));
  });
});
