/**
 * A pool of engine workers, each its own operating-system process: no simulation runs on the Electron main thread
 * or the UI, and a fatal error in V8 (a heap out of memory, an invalid size, a failed CHECK, an abort in native
 * code) ends only the process it happened in — in a worker thread it would take the whole app down with it.
 *
 * - size = cores by default; jobs wait in a queue when every worker is busy;
 * - a job may name a `supersedes` key: a newer job with the same key cancels the older one (queued ones are
 *   dropped, a running one's result is discarded) — re-simulating on every edit never piles up stale work;
 * - a worker that crashes or exceeds the time limit is replaced, and its job is reported as failed, never hung;
 *   other jobs, running on other workers or queued, are not affected;
 * - a job may report progress (`RunOptions.onProgress`: the worker sends `JobProgress` messages before its
 *   reply) and may be cancelled (`RunOptions.signal`): it answers `cancelled` at once; a queued one is dropped; a
 *   running one keeps its worker until it answers (discarded) or, after `CANCEL_GRACE_MS`, the worker is killed
 *   and replaced as on a timeout. A worker runs a job synchronously, so it cannot hear a message until the job
 *   ends: a long job is stopped by ending its process;
 * - a job may have its own time limit (`RunOptions.timeLimitMs`: a serving run may take minutes);
 * - a job may carry a design under a key: workers keep the last few designs they were given, and a job goes to a
 *   free worker that already holds its design (or the design it is a delta of), so a 1,000-block design is not
 *   copied into a worker on every edit. The pool mirrors what each worker holds; a worker that is replaced
 *   holds nothing.
 */
import { availableParallelism } from 'node:os';
import type { Catalog } from '../../engine/catalog';
import type { DesignDelta } from '../../engine/design-delta';
import type { DesignDocument } from '../../engine/schema/design';
import type { ApiError, Result } from '../contract/api';

/** How many designs a worker keeps (the editor's current one, the one before it, a sweep's). */
export const HELD_DESIGNS = 4;

/** A job's design: whole, or as a delta of a design the worker already holds. */
export interface JobDesign {
  /** The key the worker keeps this design under. */
  key: string;
  design: DesignDocument;
  /** The key of the design `delta` applies to. */
  base?: string;
  delta?: DesignDelta;
}

/** The first message a worker process receives, before any job. */
export interface EngineStart {
  catalog: Catalog;
}

/** What the pool sends a worker: the job, and its design in the cheapest form that worker can use. */
export interface JobMessage {
  jobId: number;
  kind: string;
  payload: unknown;
  /** The worker sets `payload.design` from this: the design itself, a delta of a held one, or only its key. */
  design?: { key: string; design?: DesignDocument; base?: string; delta?: DesignDelta };
  /** The worker sets `payload.session` from this: the session's data when first sent, else only its key. */
  session?: { key: string; data?: unknown };
}

/** A running job's progress, sent by the worker before its reply (a few times a second at most). */
export interface JobProgress {
  jobId: number;
  progress: unknown;
}

/** What a worker answers a job. */
export type JobReply =
  { jobId: number; ok: true; value: unknown } | { jobId: number; ok: false; error: ApiError };

/** What a worker says once, when it has the catalog and has warmed up: jobs go to it from then on. */
export interface EngineReady {
  ready: true;
}

/**
 * One worker process as the pool sees it. The shells start it: `child_process.fork` under Node
 * (`fork-engine-process.ts`), Electron's `utilityProcess` in the app (`main/electron/engine-process.ts`).
 */
export interface EngineProcess {
  /** Sends one job to the process. */
  send(message: JobMessage): void;
  /**
   * Listens to the process (called once): `reply` for each answer, `exit` once when it ends, with why — the
   * fatal error it printed if any, else its exit code or signal.
   */
  listen(listeners: {
    reply: (reply: JobReply | JobProgress | EngineReady) => void;
    exit: (reason: string) => void;
  }): void;
  /** Ends the process at once; no listener is called after this. Resolves when it has ended. */
  kill(): Promise<void>;
}

export interface PoolOptions {
  /** Starts one worker process (the shells pass the bundled engine; tests may pass their own). */
  createProcess: () => EngineProcess;
  /** Number of workers; defaults to the number of cores. */
  size?: number;
  /** A job running longer than this is stopped and reported as failed (its worker is replaced). */
  jobTimeoutMs?: number;
}

export interface RunOptions {
  /** A later job with the same key makes this one stale. */
  supersedes?: string;
  /** The job's design, kept by the worker under its key (the worker puts it in `payload.design`). */
  design?: JobDesign;
  /**
   * Data many jobs share (a sweep's design, workload and definition), sent to each worker once and kept by it
   * under its key (the worker puts it in `payload.session`); later jobs carry only the key.
   */
  session?: JobSession;
  /** This job's time limit, instead of the pool's (a serving run may take minutes). */
  timeLimitMs?: number;
  /** Called with each progress message the worker sends for this job (never after it is answered). */
  onProgress?: (progress: unknown) => void;
  /** Cancels the job: it answers `cancelled` at once (a running one's worker is killed if it does not end soon). */
  signal?: AbortSignal;
}

/**
 * How long a cancelled job's worker may take to finish it (its answer is discarded) before the worker is killed:
 * a job about to end keeps its warm worker; a long one costs a new worker's start-up.
 */
export const CANCEL_GRACE_MS = 1000;

/** Data a worker keeps for later jobs: sent whole to a worker that does not hold the key yet. */
export interface JobSession {
  key: string;
  data: unknown;
}

/** How many sessions a worker keeps (a few sweeps at once). */
export const HELD_SESSIONS = 4;

interface Job {
  id: number;
  kind: string;
  payload: unknown;
  key: string | undefined;
  design: JobDesign | undefined;
  session: JobSession | undefined;
  stale: boolean;
  /** Cancelled through its signal: it has answered `cancelled`, whatever its worker says later. */
  aborted: boolean;
  timeLimitMs: number;
  onProgress: ((progress: unknown) => void) | undefined;
  resolve: (result: Result<unknown>) => void;
}

interface Slot {
  worker: EngineProcess;
  job: Job | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Started when its job is cancelled: the worker is killed unless the job answers first. */
  graceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Keys of the designs this worker holds, oldest first (the worker keeps the same list). */
  held: string[];
  /** Keys of the sessions this worker holds, oldest first (the worker keeps the same list). */
  sessions: string[];
  /** Whether this worker has started (said it is ready); until then it gets no job. */
  ready: boolean;
}

/** Workers in a row that may end before they are ready before the pool gives up starting them. */
const START_ATTEMPTS = 3;

const isReady = (reply: JobReply | JobProgress | EngineReady): reply is EngineReady => 'ready' in reply;
const isProgress = (reply: JobReply | JobProgress): reply is JobProgress => 'progress' in reply;

const cancelled: Result<never> = {
  ok: false,
  error: { code: 'cancelled', message: 'A newer request replaced this one.' },
};
const stopped: Result<never> = {
  ok: false,
  error: { code: 'cancelled', message: 'The run was cancelled.' },
};

/** What a job that ended without its own answer says: cancelled (stale or aborted) or `otherwise`. */
const endOf = (job: Job, otherwise: Result<never>): Result<never> =>
  job.aborted ? stopped : job.stale ? cancelled : otherwise;

export class EnginePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly latestByKey = new Map<string, Job>();
  private nextJobId = 1;
  private closed = false;
  private readonly timeoutMs: number;
  /** Workers replaced after a crash or a timeout, for diagnostics and tests. */
  replacedWorkers = 0;
  /** Workers in a row that ended before they were ready: the engine cannot start. */
  private failedStarts = 0;
  private startFailure: string | undefined;

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
    if (this.startFailure !== undefined) return Promise.resolve(this.cannotStart(this.startFailure));
    if (options.signal?.aborted === true) return Promise.resolve(stopped);
    return new Promise<Result<T>>((resolve) => {
      const job: Job = {
        id: this.nextJobId++,
        kind,
        payload,
        key: options.supersedes,
        design: options.design,
        session: options.session,
        stale: false,
        aborted: false,
        timeLimitMs: options.timeLimitMs ?? this.timeoutMs,
        onProgress: options.onProgress,
        resolve: resolve as (result: Result<unknown>) => void,
      };
      options.signal?.addEventListener('abort', () => this.abort(job), { once: true });
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
        if (slot.graceTimer) clearTimeout(slot.graceTimer);
        slot.job?.resolve({
          ok: false,
          error: { code: 'unavailable', message: 'The engine was shut down.' },
        });
        slot.job = undefined;
        await slot.worker.kill();
      }),
    );
  }

  private cannotStart(reason: string): Result<never> {
    return {
      ok: false,
      error: { code: 'unavailable', message: `The engine could not start (${reason}).` },
    };
  }

  /** A cancelled job answers at once; a queued one is dropped, a running one's worker killed after the grace time. */
  private abort(job: Job): void {
    if (job.aborted) return;
    job.aborted = true;
    job.resolve(stopped);
    const index = this.queue.indexOf(job);
    if (index >= 0) {
      this.queue.splice(index, 1);
      return;
    }
    const slot = this.slots.find((candidate) => candidate.job === job);
    if (!slot) return;
    slot.graceTimer = setTimeout(
      () => this.onFailure(slot, 'it was cancelled and did not stop'),
      CANCEL_GRACE_MS,
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
    const worker = this.options.createProcess();
    const slot: Slot = {
      worker,
      job: undefined,
      timer: undefined,
      graceTimer: undefined,
      held: [],
      sessions: [],
      ready: false,
    };
    worker.listen({
      reply: (reply) => this.onReply(slot, reply),
      exit: (reason) => {
        if (!this.closed) this.onFailure(slot, reason);
      },
    });
    return slot;
  }

  private onReply(slot: Slot, reply: JobReply | JobProgress | EngineReady): void {
    if (isReady(reply)) {
      slot.ready = true;
      this.failedStarts = 0;
      this.pump();
      return;
    }
    const job = slot.job;
    if (!job || reply.jobId !== job.id) return;
    if (isProgress(reply)) {
      if (!job.stale && !job.aborted) job.onProgress?.(reply.progress);
      return;
    }
    this.finish(slot);
    // After an internal failure the worker's held designs are not trusted: send the next ones whole.
    if (!reply.ok && reply.error.code === 'internal') {
      slot.held = [];
      slot.sessions = [];
    }
    if (job.stale || job.aborted) job.resolve(endOf(job, cancelled));
    else job.resolve(reply.ok ? { ok: true, value: reply.value } : { ok: false, error: reply.error });
    this.pump();
  }

  private onFailure(slot: Slot, reason: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    const job = slot.job;
    this.finish(slot);
    void slot.worker.kill();
    if (job)
      job.resolve(
        endOf(job, {
          ok: false,
          error: {
            code: 'worker-failed',
            message: `The engine stopped while evaluating this design (${reason}); other work is not affected.`,
          },
        }),
      );
    if (this.closed) return;
    // A worker that ends before it is ready did not start (a missing entry file, a broken catalog): after a few in
    // a row, stop starting them and say so.
    if (!slot.ready && ++this.failedStarts >= START_ATTEMPTS) {
      this.startFailure = reason;
      this.slots.splice(index, 1);
      for (const queued of this.queue.splice(0)) queued.resolve(this.cannotStart(reason));
      return;
    }
    this.replacedWorkers += 1;
    this.slots[index] = this.spawn();
    this.pump();
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.graceTimer) clearTimeout(slot.graceTimer);
    slot.timer = undefined;
    slot.graceTimer = undefined;
    if (slot.job?.key !== undefined && this.latestByKey.get(slot.job.key) === slot.job)
      this.latestByKey.delete(slot.job.key);
    slot.job = undefined;
  }

  private pump(): void {
    for (;;) {
      const job = this.queue[0];
      const free = this.slots.filter((slot) => slot.ready && !slot.job);
      if (!job || free.length === 0) return;
      this.queue.shift();
      // A worker that holds this design, else one that holds the design it is a delta of, else any.
      const wanted = job.design;
      const holding = (key: string | undefined) =>
        key === undefined ? undefined : free.find((candidate) => candidate.held.includes(key));
      const session = job.session;
      const slot =
        holding(wanted?.key) ??
        holding(wanted?.base) ??
        (session && free.find((candidate) => candidate.sessions.includes(session.key))) ??
        free[0]!;
      slot.job = job;
      slot.timer = setTimeout(
        () => this.onFailure(slot, `it took longer than ${job.timeLimitMs / 1000} s and was stopped`),
        job.timeLimitMs,
      );
      const message: JobMessage = { jobId: job.id, kind: job.kind, payload: job.payload };
      if (wanted) message.design = this.designFor(slot, wanted);
      if (session) {
        message.session = slot.sessions.includes(session.key)
          ? { key: session.key }
          : { key: session.key, data: session.data };
        slot.sessions = heldAfter(slot.sessions, session.key, HELD_SESSIONS);
      }
      slot.worker.send(message);
    }
  }

  /** The cheapest form of `wanted` for this worker, and the worker's list of held designs updated to match. */
  private designFor(slot: Slot, wanted: JobDesign): JobMessage['design'] {
    const holds = (key: string | undefined) => key !== undefined && slot.held.includes(key);
    const sent: JobMessage['design'] = holds(wanted.key)
      ? { key: wanted.key }
      : holds(wanted.base) && wanted.delta
        ? { key: wanted.key, base: wanted.base, delta: wanted.delta }
        : { key: wanted.key, design: wanted.design };
    slot.held = heldAfter(slot.held, wanted.key);
    return sent;
  }
}

/**
 * The designs a worker holds after it is given `key`: that key moves to the newest place and the oldest beyond
 * `HELD_DESIGNS` are dropped. The pool and the worker both use this, so their lists never disagree.
 */
export function heldAfter(held: readonly string[], key: string, limit = HELD_DESIGNS): string[] {
  return [...held.filter((candidate) => candidate !== key), key].slice(-limit);
}
