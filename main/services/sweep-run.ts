/**
 * `SweepRun`: one sweep on the engine worker pool. Points are generated as they are needed (never all at once),
 * go to the workers in chunks with a bounded number in flight (enough to keep every worker busy), and their rows
 * come back to `onRows` in index order through a reorder buffer no larger than the chunks in flight — so a
 * 1,000,000-point sweep runs in the memory of a few chunks. The design, workload and definition go to each worker
 * once (`sweep-protocol.ts`).
 *
 * - `shard` {index, count} (1-based): this run evaluates the points whose index mod count is index − 1;
 * - `skip`: indices already evaluated (a resumed sweep): not evaluated again, counted as evaluated;
 * - pause stops sending chunks (those in flight finish and are delivered), resume goes on, cancel stops and
 *   resolves `done` once the chunks in flight are delivered;
 * - NSGA-II: a generation is asked for, evaluated, told, and the next asked for.
 */
import type { CatalogIndex } from '../../engine/catalog';
import type { DesignDocument } from '../../engine/schema/design';
import type { Workload } from '../../engine/schema/workload';
import { prepareSweep, type SweepProblem } from '../../engine/sweep/apply';
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepSpec } from '../../engine/sweep/spec';
import type { ApiError } from '../contract/api';
import type { EnginePool } from './engine-pool';
import { SWEEP_CHUNK_JOB, unpackRows, type SweepChunk, type SweepChunkRows } from './sweep-protocol';
import { createPointFeed, type PointFeed } from './sweep-points';

export type SweepRunStatus = 'idle' | 'running' | 'paused' | 'cancelled' | 'done' | 'failed';

export interface SweepRunProgress {
  status: SweepRunStatus;
  /** Points this run has in all (this shard's, when sharded). */
  total: number;
  /** Points evaluated, those skipped as already done included. */
  evaluated: number;
  /** Points skipped as already done (`skip`). */
  skipped: number;
  /** Points of this run that could not be evaluated. */
  failed: number;
  /** Points of this run within every constraint. */
  feasible: number;
  /** Points evaluated per second while running (pauses not counted). */
  pointsPerSecond: number;
  /** Seconds left at that rate; null while paused, finished or before the rate is known. */
  etaSeconds: number | null;
}

export interface SweepRunOptions {
  pool: EnginePool;
  /** The catalog the workers index (to check the sweep's paths before any point is sent). */
  catalog: CatalogIndex;
  design: DesignDocument;
  workload: Workload;
  spec: SweepSpec;
  /** Rows in index order, a chunk at a time. */
  onRows: (rows: SweepRow[]) => void;
  /** Progress after each chunk and on every change of status. */
  onProgress?: (progress: SweepRunProgress) => void;
  shard?: { index: number; count: number };
  /** Indices already evaluated. */
  skip?: ReadonlySet<number>;
  /** Points per chunk (default 1,000: about 40 ms of one worker on a small design). */
  chunkSize?: number;
  /** Chunks in flight at most (default 3 per worker). */
  inFlight?: number;
  /** The key workers keep the sweep under (default a new one per run). */
  key?: string;
}

export interface SweepRunResult {
  status: 'done' | 'cancelled' | 'failed';
  progress: SweepRunProgress;
  /** Why it failed. */
  error?: ApiError;
  /** The problems that stopped it before any point (a parameter the design does not have). */
  problems?: SweepProblem[];
}

let nextKey = 1;

interface Flight {
  sequence: number;
  chunk: SweepChunk;
  rows: SweepRow[] | undefined;
}

export class SweepRun {
  private status: SweepRunStatus = 'idle';
  private feed: PointFeed | undefined;
  private readonly paths: string[];
  private readonly chunkSize: number;
  private readonly maxInFlight: number;
  private readonly key: string;
  private readonly flights: Flight[] = [];
  private nextSequence = 0;
  private feedDone = false;
  private evaluated = 0;
  private skipped = 0;
  private failed = 0;
  private feasible = 0;
  private total = 0;
  private activeMs = 0;
  private resumedAt = 0;
  private evaluatedThisRun = 0;
  private error: ApiError | undefined;
  private finish: ((result: SweepRunResult) => void) | undefined;

  constructor(private readonly options: SweepRunOptions) {
    this.paths = options.spec.parameters.map((parameter) => parameter.path);
    this.chunkSize = Math.max(1, options.chunkSize ?? 1000);
    this.maxInFlight = Math.max(1, options.inFlight ?? options.pool.size * 3);
    this.key = options.key ?? `sweep-run-${nextKey++}`;
  }

  /** Starts the run; resolves when it is done, cancelled or failed. Call once. */
  start(): Promise<SweepRunResult> {
    if (this.status !== 'idle') throw new Error('a SweepRun starts once');
    const { design, workload, spec, catalog } = this.options;
    const prepared = prepareSweep(design, workload, spec, catalog);
    if (!prepared.ok) {
      this.status = 'failed';
      return Promise.resolve({
        status: 'failed',
        progress: this.progress,
        problems: prepared.problems,
        error: {
          code: 'invalid-payload',
          message: `The sweep cannot run on this design:\n${prepared.problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n')}`,
        },
      });
    }
    const feed = createPointFeed(spec, this.options.shard, this.options.skip);
    if (!feed.ok) {
      this.status = 'failed';
      return Promise.resolve({
        status: 'failed',
        progress: this.progress,
        error: { code: 'invalid-payload', message: feed.message },
      });
    }
    this.feed = feed.feed;
    this.total = feed.feed.total;
    this.skipped = feed.feed.skipped;
    this.evaluated = this.skipped;
    return new Promise((resolve) => {
      this.finish = resolve;
      this.setStatus('running');
      this.pump();
    });
  }

  pause(): void {
    if (this.status !== 'running') return;
    this.activeMs += performance.now() - this.resumedAt;
    this.setStatus('paused');
  }

  resume(): void {
    if (this.status !== 'paused') return;
    this.setStatus('running');
    this.pump();
  }

  /** Stops sending points; the run resolves `cancelled` once the chunks in flight are delivered. */
  cancel(): void {
    if (this.status !== 'running' && this.status !== 'paused') return;
    if (this.status === 'running') this.activeMs += performance.now() - this.resumedAt;
    this.status = 'cancelled';
    this.emitProgress();
    this.settle();
  }

  get progress(): SweepRunProgress {
    const running = this.status === 'running';
    const seconds = (this.activeMs + (running ? performance.now() - this.resumedAt : 0)) / 1000;
    const pointsPerSecond = seconds > 0 ? this.evaluatedThisRun / seconds : 0;
    const left = this.total - this.evaluated;
    return {
      status: this.status,
      total: this.total,
      evaluated: this.evaluated,
      skipped: this.skipped,
      failed: this.failed,
      feasible: this.feasible,
      pointsPerSecond,
      etaSeconds: running && pointsPerSecond > 0 ? left / pointsPerSecond : null,
    };
  }

  private setStatus(status: SweepRunStatus): void {
    if (status === 'running') this.resumedAt = performance.now();
    this.status = status;
    this.emitProgress();
  }

  private emitProgress(): void {
    this.options.onProgress?.(this.progress);
  }

  /** Sends chunks until the flight is full, the feed must wait for a generation, or it is empty. */
  private pump(): void {
    const feed = this.feed;
    if (!feed) return;
    while (this.status === 'running' && this.flights.length < this.maxInFlight && !this.feedDone) {
      const points = feed.take(this.chunkSize);
      if (points === undefined) {
        this.feedDone = true;
        break;
      }
      // NSGA-II: the next generation waits for this one's rows.
      if (points === 'wait' || points.length === 0) break;
      const chunk: SweepChunk = { indices: [], values: [] };
      for (const point of points) {
        chunk.indices.push(point.index);
        for (const value of point.values) chunk.values.push(value);
      }
      this.send({ sequence: this.nextSequence++, chunk, rows: undefined });
    }
    this.settle();
  }

  private send(flight: Flight): void {
    this.flights.push(flight);
    const { design, workload, spec } = this.options;
    void this.options.pool
      .run<SweepChunkRows>(
        SWEEP_CHUNK_JOB,
        { chunk: flight.chunk },
        { session: { key: this.key, data: { design, workload, spec } } },
      )
      .then((result) => {
        if (!result.ok) {
          this.fail(result.error);
          return;
        }
        flight.rows = unpackRows(this.paths, flight.chunk, result.value);
        this.deliver();
        this.pump();
      });
  }

  private fail(error: ApiError): void {
    if (this.error) return;
    this.error = error;
    if (this.status === 'running') this.activeMs += performance.now() - this.resumedAt;
    this.status = 'failed';
    this.flights.length = 0;
    this.emitProgress();
    this.settle();
  }

  /** Hands the finished chunks at the front of the flight to `onRows`, in order. */
  private deliver(): void {
    let delivered = false;
    while (this.flights[0]?.rows) {
      const flight = this.flights.shift() as Flight;
      const rows = flight.rows as SweepRow[];
      for (const row of rows) {
        if (!row.ok) this.failed += 1;
        else if (row.feasible) this.feasible += 1;
      }
      this.evaluated += rows.length;
      this.evaluatedThisRun += rows.length;
      if (this.status !== 'failed') {
        this.options.onRows(rows);
        this.feed?.tell?.(rows);
      }
      delivered = true;
    }
    if (delivered) this.emitProgress();
  }

  /** Resolves the run once nothing is left in flight and nothing more will be sent. */
  private settle(): void {
    if (!this.finish || this.flights.length > 0) return;
    let status: SweepRunResult['status'] | undefined;
    if (this.status === 'failed') status = 'failed';
    else if (this.status === 'cancelled') status = 'cancelled';
    else if (this.status === 'running' && this.feedDone) status = 'done';
    if (!status) return;
    if (status === 'done') {
      this.activeMs += performance.now() - this.resumedAt;
      this.status = 'done';
      this.emitProgress();
    }
    const finish = this.finish;
    this.finish = undefined;
    finish({ status, progress: this.progress, ...(this.error ? { error: this.error } : {}) });
  }
}
