/**
 * A pool of engine workers on `worker_threads`: no simulation runs on the Electron main thread or the UI.
 *
 * - size = cores by default; jobs wait in a queue when every worker is busy;
 * - a job may name a `supersedes` key: a newer job with the same key cancels the older one (queued ones are
 *   dropped, a running one's result is discarded) — re-simulating on every edit never piles up stale work;
 * - a worker that crashes or exceeds the time limit is replaced, and its job is reported as failed, never hung.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ApiError, Result } from '../contract/api';

/** What the pool sends a worker. */
export interface JobMessage {
  jobId: number;
  kind: string;
  payload: unknown;
}

/** What a worker answers. */
export type JobReply =
  { jobId: number; ok: true; value: unknown } | { jobId: number; ok: false; error: ApiError };

export interface PoolOptions {
  /** Creates one worker thread (the app passes the bundled engine worker; tests may pass their own). */
  createWorker: () => Worker;
  /** Number of workers; defaults to the number of cores. */
  size?: number;
  /** A job running longer than this is stopped and reported as failed (its worker is replaced). */
  jobTimeoutMs?: number;
}

export interface RunOptions {
  /** A later job with the same key makes this one stale. */
  supersedes?: string;
}

interface Job {
  id: number;
  kind: string;
  payload: unknown;
  key: string | undefined;
  stale: boolean;
  resolve: (result: Result<unknown>) => void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const cancelled: Result<never> = {
  ok: false,
  error: { code: 'cancelled', message: 'A newer request replaced this one.' },
};

export class EnginePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly latestByKey = new Map<string, Job>();
  private nextJobId = 1;
  private closed = false;
  private readonly timeoutMs: number;
  /** Workers replaced after a crash or a timeout, for diagnostics and tests. */
  replacedWorkers = 0;

  constructor(private readonly options: PoolOptions) {
    this.timeoutMs = options.jobTimeoutMs ?? 60_000;
    const size = Math.max(1, options.size ?? availableParallelism());
    for (let index = 0; index < size; index += 1) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  /** Runs one job on the next free worker. */
  run<T>(kind: string, payload: unknown, options: RunOptions = {}): Promise<Result<T>> {
    if (this.closed)
      return Promise.resolve({
        ok: false,
        error: { code: 'unavailable', message: 'The engine is shutting down.' },
      });
    return new Promise<Result<T>>((resolve) => {
      const job: Job = {
        id: this.nextJobId++,
        kind,
        payload,
        key: options.supersedes,
        stale: false,
        resolve: resolve as (result: Result<unknown>) => void,
      };
      if (job.key !== undefined) {
        const previous = this.latestByKey.get(job.key);
        if (previous) this.makeStale(previous);
        this.latestByKey.set(job.key, job);
      }
      this.queue.push(job);
      this.pump();
    });
  }

  /** Stops every worker; queued jobs are answered `unavailable`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0))
      job.resolve({ ok: false, error: { code: 'unavailable', message: 'The engine was shut down.' } });
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.timer) clearTimeout(slot.timer);
        slot.job?.resolve({
          ok: false,
          error: { code: 'unavailable', message: 'The engine was shut down.' },
        });
        slot.job = undefined;
        slot.worker.removeAllListeners();
        await slot.worker.terminate();
      }),
    );
  }

  private makeStale(job: Job): void {
    job.stale = true;
    const index = this.queue.indexOf(job);
    if (index >= 0) {
      this.queue.splice(index, 1);
      job.resolve(cancelled);
    }
  }

  private spawn(): Slot {
    const worker = this.options.createWorker();
    const slot: Slot = { worker, job: undefined, timer: undefined };
    worker.on('message', (reply: JobReply) => this.onReply(slot, reply));
    worker.on('error', (error: Error) => this.onFailure(slot, `the engine worker crashed: ${error.message}`));
    worker.on('exit', (code: number) => {
      if (!this.closed) this.onFailure(slot, `the engine worker stopped (exit code ${code})`);
    });
    worker.unref();
    return slot;
  }

  private onReply(slot: Slot, reply: JobReply): void {
    const job = slot.job;
    if (!job || reply.jobId !== job.id) return;
    this.finish(slot);
    if (job.stale) job.resolve(cancelled);
    else job.resolve(reply.ok ? { ok: true, value: reply.value } : { ok: false, error: reply.error });
    this.pump();
  }

  private onFailure(slot: Slot, reason: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    const job = slot.job;
    this.finish(slot);
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    if (job)
      job.resolve({
        ok: false,
        error: {
          code: 'worker-failed',
          message: `The simulation failed: ${reason}. The worker was replaced; try again.`,
        },
      });
    if (this.closed) return;
    this.replacedWorkers += 1;
    this.slots[index] = this.spawn();
    this.pump();
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    if (slot.job?.key !== undefined && this.latestByKey.get(slot.job.key) === slot.job)
      this.latestByKey.delete(slot.job.key);
    slot.job = undefined;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.job = job;
      slot.timer = setTimeout(
        () => this.onFailure(slot, `it took longer than ${this.timeoutMs / 1000} s`),
        this.timeoutMs,
      );
      const message: JobMessage = { jobId: job.id, kind: job.kind, payload: job.payload };
      slot.worker.postMessage(message);
    }
  }
}
