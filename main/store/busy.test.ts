// Another program holding the project file's write lock: a real second process (node with sqlite3) takes it with
// BEGIN EXCLUSIVE; the store's save fails with `busy`, names that process where the system tells (Linux), writes
// nothing, and the same save succeeds once the lock is let go.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyDesign } from '../../engine/schema/design';
import { temporaryFolder } from '../testing/temp';
import { lockHolders } from './busy';
import { ProjectStore, StoreError } from './project-store';

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
let holder: ChildProcess | undefined;
beforeEach(async () => {
  folder = await temporaryFolder();
});
afterEach(async () => {
  holder?.kill();
  holder = undefined;
  await folder.remove();
});

const sqlite3Module = createRequire(import.meta.url).resolve('sqlite3');

/**
 * Starts a node process that opens `path`, takes the write lock (BEGIN EXCLUSIVE) and holds it until it reads a
 * line on its standard input; `next()` returns the next line it prints ("locked", then "released").
 */
function lockingProcess(path: string): { child: ChildProcess; next: () => Promise<string> } {
  const script = `
    const sqlite3 = require(${JSON.stringify(sqlite3Module)});
    const database = new sqlite3.Database(${JSON.stringify(path)});
    database.exec('PRAGMA busy_timeout = 5000; BEGIN EXCLUSIVE', (error) => {
      if (error) { console.log('failed ' + error.message); process.exit(1); }
      console.log('locked');
      process.stdin.once('data', () =>
        database.exec('COMMIT', () => database.close(() => { console.log('released'); process.exit(0); })));
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    child,
    next: async () => {
      const line = await lines.next();
      return line.done === true ? '(the process exited)' : String(line.value);
    },
  };
}

async function failure(pending: Promise<unknown>): Promise<StoreError> {
  try {
    await pending;
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('the operation succeeded although another process held the lock');
}

describe('a project file another program is writing to', () => {
  it('refuses a save with `busy`, names the program, writes nothing, and saves once the lock is free', async () => {
    const path = folder.file('shared.tessera');
    const store = await ProjectStore.create(path, { busyTimeoutMs: 50 });
    const created = await store.createDesign('Chip', emptyDesign('Chip'), null);
    const edited = { ...created.document, name: 'Chip, edited' };

    const locker = lockingProcess(path);
    holder = locker.child;
    expect(await locker.next()).toBe('locked');

    const busy = await failure(store.saveDesign(created.id, edited, null, created.revision));
    expect(busy.code).toBe('busy');
    expect(busy.message).toContain('shared.tessera is busy: another program');
    if (process.platform === 'linux')
      expect(busy.message).toContain(`(node, pid ${locker.child.pid}) is writing to it`);
    // Nothing of the refused save reached the file.
    expect((await store.getDesign(created.id)).revision).toBe(created.revision);

    locker.child.stdin!.write('release\n');
    expect(await locker.next()).toBe('released');
    const saved = await store.saveDesign(created.id, edited, null, created.revision);
    expect(saved.revision).toBe(created.revision + 1);
    expect((await store.getDesign(created.id)).document.name).toBe('Chip, edited');
    await store.close();
  });

  it('finds the writer in /proc/locks by the inodes of the file and its side files, leaving this process out', async () => {
    const path = folder.file('locks.tessera');
    const store = await ProjectStore.create(path);
    expect(await lockHolders(path)).toEqual([]);
    const locker = lockingProcess(path);
    holder = locker.child;
    expect(await locker.next()).toBe('locked');
    const holders = await lockHolders(path);
    if (process.platform === 'linux')
      expect(holders[0]).toEqual({ pid: locker.child.pid, name: 'node', writing: true });
    else expect(holders).toEqual([]);
    locker.child.stdin!.write('release\n');
    expect(await locker.next()).toBe('released');
    await store.close();
  });
});
