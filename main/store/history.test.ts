/**
 * Schema-2 features of the project store on real SQLite files: version history (coalesced and bounded
 * automatic versions, checkpoints, restores), stored reports, the bin (soft delete, restore, purge),
 * duplicates and Save As. Time is a controllable clock passed to the store.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeChange } from '../../engine/diff';
import { emptyDesign, type DesignDocument } from '../../engine/schema/design';
import { defaultServing } from '../../engine/schema/serving';
import { DEFAULT_MODEL_ID, defaultWorkload, type Workload } from '../../engine/schema/workload';
import { sha256, temporaryFolder } from '../testing/temp';
import { contentKey, ProjectStore, SCHEMA_VERSION, type ProjectStoreOptions } from './project-store';

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
beforeEach(async () => {
  folder = await temporaryFolder();
});
afterEach(async () => {
  await folder.remove();
});

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A clock the test moves by hand. */
function testClock(start = '2026-11-12T14:02:00.000Z'): { now: () => Date; advance: (ms: number) => void } {
  let time = Date.parse(start);
  return {
    now: () => new Date(time),
    advance: (ms) => {
      time += ms;
    },
  };
}

function accelerator(name: string, bandwidth = 3.35e12): DesignDocument {
  return {
    ...emptyDesign(name),
    blocks: [
      { id: 'tile', type: 'compute.systolic', name: 'Tile', params: { rows: 256 }, position: { x: 0, y: 0 } },
      {
        id: 'hbm',
        type: 'memory.hbm',
        name: 'HBM3',
        params: { bandwidthBytesPerSecond: bandwidth },
        position: { x: 0, y: 200 },
      },
    ],
    links: [
      {
        id: 'tile-hbm',
        from: { block: 'tile', port: 'mem' },
        to: { block: 'hbm', port: 'port' },
        params: {},
      },
    ],
  };
}

function withSram(document: DesignDocument): DesignDocument {
  return {
    ...document,
    blocks: [
      ...document.blocks,
      { id: 'sram', type: 'memory.sram', name: 'SRAM', params: {}, position: { x: 200, y: 0 } },
    ],
  };
}

function rawSql(path: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const database = new sqlite3.Database(path, (openError) => {
      if (openError) return reject(openError);
      database.exec(sql, (error) => database.close(() => (error ? reject(error) : resolve())));
    });
  });
}

function rawRows<T>(path: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const database = new sqlite3.Database(path, sqlite3.OPEN_READONLY, (openError) => {
      if (openError) return reject(openError);
      database.all(sql, params, (error: Error | null, rows: T[]) =>
        database.close(() => (error ? reject(error) : resolve(rows))),
      );
    });
  });
}

async function newStore(
  name: string,
  options: ProjectStoreOptions = {},
): Promise<{ store: ProjectStore; path: string }> {
  const path = folder.file(name);
  return { store: await ProjectStore.create(path, options), path };
}

const workload8b = defaultWorkload('llama-3-8b');

describe('version history', () => {
  it('starts with a "created" version (or "import") by its author', async () => {
    const clock = testClock();
    const { store } = await newStore('created.tessera', { now: clock.now });
    const design = await store.createDesign('Edge', accelerator('Edge'), workload8b, { author: 'Ada' });
    const imported = await store.createDesign('Imported', accelerator('Imported'), null, { kind: 'import' });

    expect(await store.listVersions(design.id)).toEqual([
      {
        id: expect.stringMatching(/^v-[0-9a-f]{10}$/) as string,
        designId: design.id,
        kind: 'created',
        name: null,
        summary: 'Created',
        author: 'Ada',
        createdAt: '2026-11-12T14:02:00.000Z',
        updatedAt: '2026-11-12T14:02:00.000Z',
        revision: 1,
      },
    ]);
    expect(await store.listVersions(imported.id)).toEqual([
      expect.objectContaining({ kind: 'import', summary: 'Imported', author: '' }),
    ]);
    await store.close();
  });

  it('folds saves within the interval into one automatic version, and starts another after it', async () => {
    const clock = testClock();
    const { store } = await newStore('coalesce.tessera', { now: clock.now });
    const created = await store.createDesign('Edge', accelerator('Edge'), workload8b, { author: 'Ada' });

    clock.advance(MINUTE);
    const halved = accelerator('Edge', 1.68e12);
    await store.saveDesign(created.id, halved, undefined, 1, { author: 'Ada' });
    clock.advance(4 * MINUTE);
    const grown = withSram(halved);
    await store.saveDesign(created.id, grown, { ...workload8b, batch: 8 }, 2, { author: 'Ada' });

    let versions = await store.listVersions(created.id);
    expect(versions.map((version) => version.kind)).toEqual(['auto', 'created']);
    // The one automatic version holds the latest save, and its summary is recomputed against the version
    // before it (the created one), so it names both saves' changes.
    expect(versions[0]).toMatchObject({
      revision: 3,
      createdAt: '2026-11-12T14:03:00.000Z',
      updatedAt: '2026-11-12T14:07:00.000Z',
      summary: describeChange(
        { document: accelerator('Edge'), workload: workload8b },
        { document: grown, workload: { ...workload8b, batch: 8 } },
      ),
    });
    expect(versions[0]?.summary).toBe(
      'Added 1 block (SRAM); 1 parameter changed (HBM3 bandwidth 3.35 TB/s → 1.68 TB/s); workload: batch 1 → 8',
    );
    const folded = await store.getVersion(versions[0]?.id ?? '');
    expect(folded.document).toEqual(grown);
    expect(folded.workload).toEqual({ ...workload8b, batch: 8 });

    // Ten minutes after the automatic version started, the next save starts a new one.
    clock.advance(6 * MINUTE);
    const renamed = { ...grown, name: 'Edge v2' };
    await store.saveDesign(created.id, renamed, undefined, 3, { author: 'Ada' });
    versions = await store.listVersions(created.id);
    expect(versions.map((version) => [version.kind, version.revision])).toEqual([
      ['auto', 4],
      ['auto', 3],
      ['created', 1],
    ]);
    expect(versions[0]?.summary).toBe('Renamed the design "Edge" → "Edge v2"');
    await store.close();
  });

  it('does not fold one author’s save into another author’s automatic version', async () => {
    const clock = testClock();
    const { store } = await newStore('authors.tessera', { now: clock.now });
    const created = await store.createDesign('Edge', accelerator('Edge'), null, { author: 'Ada' });
    await store.saveDesign(created.id, accelerator('Edge', 2e12), undefined, 1, { author: 'Ada' });
    clock.advance(MINUTE);
    await store.saveDesign(created.id, accelerator('Edge', 1e12), undefined, 2, { author: 'Grace' });
    const versions = await store.listVersions(created.id);
    expect(versions.map((version) => [version.kind, version.author])).toEqual([
      ['auto', 'Grace'],
      ['auto', 'Ada'],
      ['created', 'Ada'],
    ]);
    await store.close();
  });

  it('keeps at most the limit of automatic versions, pruning the oldest, and never prunes named ones', async () => {
    const clock = testClock();
    const { store } = await newStore('limit.tessera', {
      now: clock.now,
      autoVersionIntervalMs: MINUTE,
      autoVersionLimit: 3,
    });
    const created = await store.createDesign('Edge', accelerator('Edge'), null);
    clock.advance(MINUTE);
    await store.createCheckpoint(created.id, 'Baseline');
    let revision = 1;
    for (let save = 1; save <= 6; save += 1) {
      clock.advance(MINUTE);
      revision = (await store.saveDesign(created.id, accelerator('Edge', save * 1e12), undefined, revision))
        .revision;
    }
    const versions = await store.listVersions(created.id);
    expect(versions.map((version) => [version.kind, version.revision])).toEqual([
      ['auto', 7],
      ['auto', 6],
      ['auto', 5],
      ['checkpoint', 1],
      ['created', 1],
    ]);
    await store.close();
  });

  it('keeps a named checkpoint with its summary, and gives its content back', async () => {
    const clock = testClock();
    const { store } = await newStore('checkpoint.tessera', { now: clock.now });
    const created = await store.createDesign('Edge', accelerator('Edge'), workload8b);
    clock.advance(MINUTE);
    await store.saveDesign(created.id, withSram(created.document), undefined, 1);
    clock.advance(MINUTE);
    const checkpoint = await store.createCheckpoint(created.id, '  Before HBM change ', 'Ada');
    expect(checkpoint).toMatchObject({
      kind: 'checkpoint',
      name: 'Before HBM change',
      author: 'Ada',
      revision: 2,
      createdAt: '2026-11-12T14:04:00.000Z',
      // Nothing changed since the automatic version of the save before it.
      summary: 'No changes',
    });
    expect((await store.listVersions(created.id))[0]).toEqual(checkpoint);

    const stored = await store.getDesign(created.id);
    const version = await store.getVersion(checkpoint.id);
    expect(version).toEqual({
      version: checkpoint,
      document: stored.document,
      workload: workload8b,
      threads: [],
    });

    await expect(store.createCheckpoint(created.id, '   ')).rejects.toMatchObject({
      code: 'invalid-payload',
    });
    await expect(store.getVersion('v-0000000000')).rejects.toMatchObject({ code: 'not-found' });
    await store.close();
  });

  it('records a restore with the name and time of the version restored and what it changed', async () => {
    const clock = testClock();
    const { store } = await newStore('restore.tessera', { now: clock.now });
    const created = await store.createDesign('Edge', accelerator('Edge'), workload8b);
    const checkpoint = await store.createCheckpoint(created.id, 'Before HBM change');
    clock.advance(MINUTE);
    await store.saveDesign(created.id, accelerator('Edge', 1.68e12), undefined, 1);

    clock.advance(2 * MINUTE);
    const old = await store.getVersion(checkpoint.id);
    await store.saveDesign(created.id, old.document, old.workload, 2, {
      author: 'Ada',
      restoredFrom: { versionId: checkpoint.id, name: 'Before HBM change' },
    });
    const [restore] = await store.listVersions(created.id);
    // "12 Nov 14:02" in this computer's time zone: the checkpoint was taken at 14:02 UTC.
    const taken = new Date('2026-11-12T14:02:00.000Z');
    const when = `${taken.getDate()} Nov ${String(taken.getHours()).padStart(2, '0')}:${String(taken.getMinutes()).padStart(2, '0')}`;
    expect(restore).toMatchObject({
      kind: 'restore',
      name: 'Before HBM change',
      author: 'Ada',
      revision: 3,
      summary: `Restored "Before HBM change" (${when}); 1 parameter changed (HBM3 bandwidth 1.68 TB/s → 3.35 TB/s)`,
    });
    // A save right after a restore starts a new automatic version instead of rewriting the restore.
    clock.advance(MINUTE);
    await store.saveDesign(created.id, withSram(old.document), undefined, 3);
    expect((await store.listVersions(created.id)).map((version) => version.kind)).toEqual([
      'auto',
      'restore',
      'auto',
      'checkpoint',
      'created',
    ]);
    await store.close();
  });

  it('records renames in the history', async () => {
    const { store } = await newStore('rename.tessera');
    const created = await store.createDesign('Edge', accelerator('Edge'), null);
    await store.renameDesign(created.id, 'Edge NPU');
    const [newest] = await store.listVersions(created.id);
    expect(newest).toMatchObject({
      kind: 'auto',
      revision: 2,
      summary: 'Renamed the design "Edge" → "Edge NPU"',
    });
    await store.close();
  });

  it('refuses a damaged version, naming the design', async () => {
    const { store, path } = await newStore('damaged-version.tessera');
    const created = await store.createDesign('Broken', accelerator('Broken'), null);
    const [version] = await store.listVersions(created.id);
    await rawSql(
      path,
      `UPDATE versions SET document = '{"format":"tessera.design","version":1,"name":"Broken","blocks":[{"id":""}]}'`,
    );
    await expect(store.getVersion(version?.id ?? '')).rejects.toMatchObject({
      code: 'damaged',
      message: expect.stringContaining('The version of design "Broken" taken') as string,
    });
    await store.close();
  });
});

describe('stored reports', () => {
  const report = { ok: true, report: { decode: { tokensPerSecond: 1234.5 } } };

  it('returns the report while the design has the content it was made for', async () => {
    const { store } = await newStore('report.tessera');
    const created = await store.createDesign('Edge', accelerator('Edge'), workload8b);
    expect((await store.getDesign(created.id)).report).toBeUndefined();

    await store.saveReport(created.id, created.document, workload8b, report);
    expect((await store.getDesign(created.id)).report).toEqual(report);

    // The same content saved again (as read back, in its schema's key order) keeps the report…
    const loaded = await store.getDesign(created.id);
    await store.saveDesign(created.id, loaded.document, loaded.workload, loaded.revision);
    expect((await store.getDesign(created.id)).report).toEqual(report);

    // …a changed document or workload does not.
    await store.saveDesign(created.id, withSram(loaded.document), undefined, 2);
    expect((await store.getDesign(created.id)).report).toBeUndefined();
    await store.saveReport(created.id, withSram(loaded.document), workload8b, report);
    expect((await store.getDesign(created.id)).report).toEqual(report);
    await store.saveDesign(created.id, withSram(loaded.document), { ...workload8b, batch: 4 }, 3);
    expect((await store.getDesign(created.id)).report).toBeUndefined();
    await store.close();
  });

  it('matches a report made under the default workload to a design that has none saved yet', async () => {
    // A design opened from a preset runs the default workload until someone changes it; its report must come
    // back when the design is reopened, and must not once a workload of its own is saved.
    const { store } = await newStore('default-workload.tessera');
    const created = await store.createDesign('Edge', accelerator('Edge'), null);
    await store.saveReport(created.id, created.document, defaultWorkload(DEFAULT_MODEL_ID), report);
    expect((await store.getDesign(created.id)).report).toEqual(report);
    await store.saveDesign(
      created.id,
      created.document,
      { ...defaultWorkload(DEFAULT_MODEL_ID), batch: 2 },
      1,
    );
    expect((await store.getDesign(created.id)).report).toBeUndefined();
    await store.close();
  });

  it('files a report under the hash of its content, whatever the order of the keys', () => {
    const document = accelerator('Edge');
    // The same content with its keys written in reverse order.
    const reordered = Object.fromEntries(Object.entries(document).reverse()) as DesignDocument;
    expect(Object.keys(reordered)).not.toEqual(Object.keys(document));
    expect(contentKey(reordered, workload8b)).toBe(contentKey(document, workload8b));
    expect(contentKey(document, workload8b)).toMatch(/^[0-9a-f]{64}$/);
    expect(contentKey(document, null)).not.toBe(contentKey(document, workload8b));
    expect(contentKey(accelerator('Edge', 1e12), workload8b)).not.toBe(contentKey(document, workload8b));
  });

  it('ignores a report that is not valid JSON', async () => {
    const { store, path } = await newStore('corrupt-report.tessera');
    const created = await store.createDesign('Edge', accelerator('Edge'), null);
    await store.saveReport(created.id, created.document, null, report);
    await rawSql(path, `UPDATE reports SET report = '{"ok": tru'`);
    const loaded = await store.getDesign(created.id);
    expect(loaded.report).toBeUndefined();
    expect(loaded.document).toEqual(created.document);
    await store.close();
  });

  it('replaces a design’s earlier report and refuses a report for a missing design', async () => {
    const { store, path } = await newStore('replace-report.tessera');
    const created = await store.createDesign('Edge', accelerator('Edge'), null);
    await store.saveReport(created.id, created.document, null, { ok: false, diagnostics: [] });
    await store.saveReport(created.id, created.document, null, report);
    expect((await store.getDesign(created.id)).report).toEqual(report);
    expect(await rawRows(path, 'SELECT count(*) AS count FROM reports')).toEqual([{ count: 1 }]);
    await expect(store.saveReport('d-missing', created.document, null, report)).rejects.toMatchObject({
      code: 'not-found',
    });
    await store.close();
  });
});

describe('the design list', () => {
  it('lists designs made in the same instant in the order they were made, whatever their ids', async () => {
    // Ids are random; the list's order must not depend on them when two designs share a creation time.
    const clock = testClock();
    const { store } = await newStore('same-instant.tessera', { now: clock.now });
    const names = ['One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight'];
    const made = [];
    for (const name of names) made.push(await store.createDesign(name, accelerator(name), null));
    expect((await store.listDesigns()).map((design) => design.name)).toEqual(names);
    expect((await store.listDesigns()).map((design) => design.id)).toEqual(made.map((design) => design.id));
  });
});

describe('the bin: soft delete, restore, purge', () => {
  it('hides a deleted design until it is restored, and drops its report', async () => {
    const { store, path } = await newStore('bin.tessera');
    const kept = await store.createDesign('Kept', accelerator('Kept'), null);
    const binned = await store.createDesign('Binned', accelerator('Binned'), null);
    await store.saveReport(binned.id, binned.document, null, { ok: false, diagnostics: [] });

    await store.deleteDesign(binned.id);
    expect((await store.listDesigns()).map((design) => design.id)).toEqual([kept.id]);
    const gone = { code: 'not-found', message: expect.stringContaining('"Binned"') as string };
    await expect(store.getDesign(binned.id)).rejects.toMatchObject(gone);
    await expect(store.saveDesign(binned.id, binned.document, undefined, 1)).rejects.toMatchObject(gone);
    await expect(store.listVersions(binned.id)).rejects.toMatchObject(gone);
    await expect(store.createCheckpoint(binned.id, 'Too late')).rejects.toMatchObject(gone);
    await expect(store.deleteDesign(binned.id)).rejects.toMatchObject(gone);
    expect(await rawRows(path, 'SELECT count(*) AS count FROM reports')).toEqual([{ count: 0 }]);

    const restored = await store.restoreDesign(binned.id);
    expect(restored).toEqual({
      id: binned.id,
      name: 'Binned',
      revision: 1,
      blockCount: 2,
      updatedAt: binned.updatedAt,
    });
    expect((await store.listDesigns()).map((design) => design.id)).toEqual([kept.id, binned.id]);
    expect((await store.getDesign(binned.id)).report).toBeUndefined();
    expect(await store.listVersions(binned.id)).toHaveLength(1);

    await expect(store.restoreDesign(kept.id)).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringContaining('not deleted') as string,
    });
    await expect(store.restoreDesign('d-missing')).rejects.toMatchObject({ code: 'not-found' });
    await store.close();
  });

  it('purges a design deleted more than 30 days ago, with its history and report, when the project opens', async () => {
    const clock = testClock();
    const { store, path } = await newStore('purge.tessera', { now: clock.now });
    const kept = await store.createDesign('Kept', accelerator('Kept'), null);
    const binned = await store.createDesign('Binned', accelerator('Binned'), null);
    await store.saveReport(binned.id, binned.document, null, { ok: false, diagnostics: [] });
    await store.deleteDesign(binned.id);
    await store.close();
    // A report cannot be stored for a deleted design; put one back to prove the purge removes it.
    await rawSql(
      path,
      `INSERT INTO reports (design_id, content_key, report, created_at) VALUES ('${binned.id}', 'x', '{}', 'now')`,
    );
    const rowsOf = async (id: string): Promise<number[]> =>
      Promise.all(
        [
          'SELECT count(*) AS count FROM designs WHERE id = ?',
          'SELECT count(*) AS count FROM versions WHERE design_id = ?',
          'SELECT count(*) AS count FROM reports WHERE design_id = ?',
        ].map(async (sql) => (await rawRows<{ count: number }>(path, sql, [id]))[0]?.count ?? -1),
      );

    clock.advance(29 * DAY);
    await (await ProjectStore.open(path, { now: clock.now })).close();
    expect(await rowsOf(binned.id)).toEqual([1, 1, 1]);

    clock.advance(2 * DAY);
    const reopened = await ProjectStore.open(path, { now: clock.now });
    expect(await rowsOf(binned.id)).toEqual([0, 0, 0]);
    expect(await rowsOf(kept.id)).toEqual([1, 1, 0]);
    expect((await reopened.listDesigns()).map((design) => design.name)).toEqual(['Kept']);
    await reopened.close();
  });
});

describe('duplicating a design', () => {
  it('copies the document and workload under a free "copy" name, with a history of its own', async () => {
    const clock = testClock();
    const { store } = await newStore('duplicate.tessera', { now: clock.now });
    const source = await store.createDesign('Edge', accelerator('Edge'), workload8b);
    await store.saveDesign(source.id, withSram(source.document), undefined, 1);

    clock.advance(MINUTE);
    const copy = await store.duplicateDesign(source.id, undefined, 'Ada');
    expect(copy).toMatchObject({ name: 'Edge copy', revision: 1, workload: workload8b });
    expect(copy.id).not.toBe(source.id);
    expect(copy.document).toEqual({ ...(await store.getDesign(source.id)).document, name: 'Edge copy' });
    expect(await store.getDesign(copy.id)).toEqual(copy);
    expect(await store.listVersions(copy.id)).toEqual([
      expect.objectContaining({
        kind: 'created',
        summary: 'Created as a copy of "Edge"',
        author: 'Ada',
        revision: 1,
      }),
    ]);

    const second = await store.duplicateDesign(source.id);
    expect(second.name).toBe('Edge copy 2');
    const named = await store.duplicateDesign(source.id, 'Edge, low power');
    expect(named.name).toBe('Edge, low power');
    // Names are unique among designs in the project, not the bin.
    await store.deleteDesign(second.id);
    expect((await store.duplicateDesign(source.id)).name).toBe('Edge copy 2');
    await expect(store.duplicateDesign('d-missing')).rejects.toMatchObject({ code: 'not-found' });
    await store.close();
  });

  it('keeps a copy’s name within the length a design name may have', async () => {
    const { store } = await newStore('long-name.tessera');
    const long = 'N'.repeat(200);
    const source = await store.createDesign(long, accelerator(long), null);
    const copy = await store.duplicateDesign(source.id);
    expect(copy.name).toHaveLength(200);
    expect(copy.name.endsWith(' copy')).toBe(true);
    expect((await store.getDesign(copy.id)).name).toBe(copy.name);
    await store.close();
  });
});

describe('Save As', () => {
  it('writes a consistent copy of the whole project that opens as a project', async () => {
    const { store } = await newStore('original.tessera');
    const design = await store.createDesign('Edge', accelerator('Edge'), workload8b);
    const checkpoint = await store.createCheckpoint(design.id, 'Baseline');
    await store.saveReport(design.id, design.document, workload8b, { ok: false, diagnostics: [] });
    const binned = await store.createDesign('Binned', accelerator('Binned'), null);
    await store.deleteDesign(binned.id);

    const copyPath = folder.file('copy.tessera');
    await store.saveCopyAs(copyPath);
    // The original stays open and usable.
    await store.saveDesign(design.id, withSram(design.document), undefined, 1);
    await store.close();

    const copy = await ProjectStore.open(copyPath);
    expect(copy.info()).toEqual({ path: copyPath, name: 'copy', schemaVersion: SCHEMA_VERSION });
    const loaded = await copy.getDesign(design.id);
    expect(loaded).toMatchObject({ revision: 1, document: design.document, workload: workload8b });
    expect(loaded.report).toEqual({ ok: false, diagnostics: [] });
    expect(await copy.listVersions(design.id)).toEqual([
      checkpoint,
      expect.objectContaining({ kind: 'created' }),
    ]);
    expect(await copy.restoreDesign(binned.id)).toMatchObject({ name: 'Binned' });
    await copy.close();
    expect((await readdir(folder.path)).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('refuses to overwrite an existing file', async () => {
    const { store } = await newStore('original.tessera');
    const existing = folder.file('existing.tessera');
    await writeFile(existing, 'precious');
    const checksum = await sha256(existing);
    await expect(store.saveCopyAs(existing)).rejects.toMatchObject({
      code: 'exists',
      message: expect.stringContaining('existing.tessera') as string,
    });
    expect(await sha256(existing)).toBe(checksum);
    await expect(store.saveCopyAs(folder.file('original.tessera'))).rejects.toMatchObject({
      code: 'exists',
    });
    expect(await readFile(existing, 'utf8')).toBe('precious');
    await store.close();
  });
});

describe('a version keeps its workload (issue 18)', () => {
  it('gives back the served workload a version was taken with, after the design moved on', async () => {
    const clock = testClock();
    const { store } = await newStore('served-history.tessera', { now: clock.now });
    const served: Workload = {
      ...defaultWorkload('llama-3-70b'),
      batch: 16,
      serving: { ...defaultServing(), traffic: { kind: 'poisson', ratePerSecond: 6 }, requests: 4000 },
    };
    const created = await store.createDesign('Edge', accelerator('Edge'), served);
    const checkpoint = await store.createCheckpoint(created.id, 'Served');
    clock.advance(MINUTE);
    await store.saveDesign(created.id, withSram(created.document), workload8b, 1);
    expect((await store.getDesign(created.id)).workload).toEqual(workload8b);

    const version = await store.getVersion(checkpoint.id);
    expect(version.workload).toEqual(served);
    clock.advance(MINUTE);
    await store.saveDesign(created.id, version.document, version.workload, 2, {
      restoredFrom: { versionId: checkpoint.id, name: 'Served' },
    });
    expect(await store.getDesign(created.id)).toMatchObject({
      document: accelerator('Edge'),
      workload: served,
    });
    await store.close();
  });
});
