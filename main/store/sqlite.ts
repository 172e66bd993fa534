/**
 * A small promise wrapper over one sqlite3 connection. One connection per thread; WAL mode and a busy timeout
 * let several connections (the app, a worker, a second window, the CLI) share a project file.
 */
import { pathToFileURL } from 'node:url';
import sqlite3 from 'sqlite3';

export type Row = Record<string, unknown>;

export class Connection {
  private constructor(private readonly database: sqlite3.Database) {}

  /**
   * Opens a connection; `readOnly` never writes to the file. `immutable` (read-only only) tells SQLite the file
   * cannot change while it is open, so it takes no locks and creates no `-wal`/`-shm` side files — which a plain
   * read-only connection to a WAL-mode file does, and leaves behind. Only right while nothing else has the file
   * open (no `-wal` beside it).
   */
  static open(
    path: string,
    options: { readOnly: boolean; create?: boolean; immutable?: boolean },
  ): Promise<Connection> {
    const immutable = options.readOnly && options.immutable === true;
    const mode = options.readOnly
      ? sqlite3.OPEN_READONLY | (immutable ? sqlite3.OPEN_URI : 0)
      : sqlite3.OPEN_READWRITE | (options.create === true ? sqlite3.OPEN_CREATE : 0);
    const name = immutable ? `${pathToFileURL(path).href}?immutable=1` : path;
    return new Promise((resolve, reject) => {
      const database = new sqlite3.Database(name, mode, (error) => {
        if (error) reject(error);
        else resolve(new Connection(database));
      });
    });
  }

  run(sql: string, params: unknown[] = []): Promise<{ changes: number }> {
    return new Promise((resolve, reject) => {
      this.database.run(sql, params, function (this: sqlite3.RunResult, error: Error | null) {
        if (error) reject(error);
        else resolve({ changes: this.changes });
      });
    });
  }

  get<T extends Row>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.database.get(sql, params, (error: Error | null, row: T | undefined) => {
        if (error) reject(error);
        else resolve(row);
      });
    });
  }

  all<T extends Row>(sql: string, params: unknown[] = []): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.database.all(sql, params, (error: Error | null, rows: T[]) => {
        if (error) reject(error);
        else resolve(rows);
      });
    });
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.database.exec(sql, (error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }

  /**
   * Runs `body` in one transaction (BEGIN IMMEDIATE, so a second writer waits for the busy timeout instead of
   * failing half-way). Calls on one connection are serialised by the caller (`ProjectStore` queues them).
   */
  async transaction<T>(body: () => Promise<T>): Promise<T> {
    await this.exec('BEGIN IMMEDIATE');
    try {
      const result = await body();
      await this.exec('COMMIT');
      return result;
    } catch (error) {
      await this.exec('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.database.close((error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }
}
