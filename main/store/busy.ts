/**
 * A project file another program is writing to: SQLite answers `SQLITE_BUSY` once the busy timeout has passed.
 * That becomes a `busy` error saying so, and by which program where the system tells: on Linux, `/proc/locks`
 * lists every POSIX lock with its process and the file's inode, and SQLite locks the file and its `-wal`/`-shm`
 * side files that way; `/proc/<pid>/comm` names the process. Elsewhere the message says "another program".
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { StoreError } from './store-error';

/** A process holding a lock on the project file or a side file of it. */
export interface LockHolder {
  pid: number;
  /** The process's name (`/proc/<pid>/comm`), when it can be read. */
  name: string | undefined;
  /** Whether it holds a write lock (the writer), not only a read lock. */
  writing: boolean;
}

/** Whether `error` is SQLite's "database is locked" (another connection holds the lock it needs). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY';
}

/**
 * The other processes holding POSIX locks on `path` or its `-wal`/`-shm` files, writers first; empty where
 * `/proc/locks` does not exist (not Linux) or cannot be read. This process is left out (its own connections lock
 * the files too).
 */
export async function lockHolders(path: string): Promise<LockHolder[]> {
  const inodes = new Set<number>();
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    const info = await stat(file).catch(() => undefined);
    if (info) inodes.add(info.ino);
  }
  const table = await readFile('/proc/locks', 'utf8').catch(() => '');
  const holders = new Map<number, LockHolder>();
  for (const line of table.split('\n')) {
    // "1: POSIX  ADVISORY  WRITE 4242 08:01:1234567 120 120"; a line with "->" is a process waiting, not holding.
    const fields = line.trim().split(/\s+/);
    if (fields[1] === '->' || fields.length < 6) continue;
    const [, kind, , access, pidText, device] = fields;
    if (kind !== 'POSIX' && kind !== 'FLOCK') continue;
    const inode = Number(device?.split(':')[2]);
    const pid = Number(pidText);
    if (!inodes.has(inode) || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
    const writing = access === 'WRITE' || (holders.get(pid)?.writing ?? false);
    holders.set(pid, { pid, name: undefined, writing });
  }
  const found = [...holders.values()].sort((a, b) => Number(b.writing) - Number(a.writing) || a.pid - b.pid);
  for (const holder of found)
    holder.name = (await readFile(`/proc/${holder.pid}/comm`, 'utf8').catch(() => '')).trim() || undefined;
  return found;
}

/** The `busy` error for `path`, naming the program that holds the lock when it can be found. */
export async function busyError(path: string): Promise<StoreError> {
  const [holder] = await lockHolders(path);
  const who = holder
    ? `another program (${holder.name ?? 'unknown name'}, pid ${holder.pid})`
    : 'another program';
  return new StoreError(
    'busy',
    `The project file ${basename(path)} is busy: ${who} is writing to it, so nothing was written.`,
  );
}

/** `error` as a `busy` StoreError when it is SQLITE_BUSY, else unchanged. */
export function explainBusy(error: unknown, path: string): Promise<unknown> {
  return isBusy(error) ? busyError(path) : Promise.resolve(error);
}
