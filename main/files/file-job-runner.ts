/**
 * Runs imports and exports on a worker thread with a time and a memory limit, so a file that makes a parser or
 * a writer slow never blocks the caller's event loop (the Electron main process, the test host, the CLI).
 *
 * - one worker, started on the first job (or at once, with `keepWarm`) and kept for the next ones; jobs run one
 *   at a time, in order;
 * - a job running longer than the time limit is stopped: the worker is terminated and the job fails with a
 *   `FileJobError` that says so; a worker that runs out of memory or crashes costs only its job the same way;
 *   the next job starts a fresh worker;
 * - the time limit counts from when the job reaches a worker that has loaded its modules, so a worker's start
 *   never eats into it.
 *
 * The caller reads the file before and writes the result after, so a stopped job has changed nothing.
 */
import type { Worker, WorkerOptions } from 'node:worker_threads';
import { ExportError, exportFormatInfo, type ExportInput, type ExportedFile } from './export-design';
import type { FileJob, FileJobFailure, FileJobMessage, FileWorkerReply } from './file-jobs';
import { displayName, type ImportInput, type ImportOptions, type ImportResult } from './import-file';

/** Starts one file worker thread with the given options (the bundled one in the app, the source one in tests). */
export type FileWorkerFactory = (options: WorkerOptions) => Worker;

export interface FileJobRunnerOptions {
  createWorker: FileWorkerFactory;
  /** A job running longer than this is stopped, in milliseconds. Default: {@link defaultFileJobTimeLimitMs}. */
  timeLimitMs?: number;
  /** The worker's heap limit in MB (`resourceLimits.maxOldGenerationSizeMb`). Default: {@link defaultFileJobMemoryMb}. */
  memoryLimitMb?: number;
  /**
   * Start the worker at once, and a new one after a job was stopped, so that no import waits for a worker to
   * load its modules (about a second of CPU). The app sets it; a one-shot CLI command does not.
   */
  keepWarm?: boolean;
}

/** Ten seconds: a thousand-block design imports in well under one; only a malformed file gets near this. */
export const defaultFileJobTimeLimitMs = 10_000;

/** 1 GB of heap: an 8 MB file, or a PNG's 64 MB of embedded text, needs a fraction of it. */
export const defaultFileJobMemoryMb = 1024;

/** Why a job was stopped: it ran out of time, out of memory, or its worker crashed. */
export type FileJobStopReason = 'time' | 'memory' | 'crash' | 'closed';

/** A job the runner stopped; the message says what was stopped, why, and that nothing was changed. */
export class FileJobError extends Error {
  constructor(
    readonly reason: FileJobStopReason,
    message: string,
  ) {
    super(message);
    this.name = 'FileJobError';
  }
}

interface Pending {
  id: number;
  job: FileJob;
  /** `Importing "spec.yaml"`, `Exporting design "H100" as Report (HTML)`. */
  doing: string;
  /** What a person may conclude from a stop: `the file may be malformed`. */
  hint: string;
  /** `Nothing was changed.` */
  untouched: string;
  resolve: (value: ImportResult | ExportedFile) => void;
  reject: (error: Error) => void;
}

export class FileJobRunner {
  private readonly timeLimitMs: number;
  private readonly memoryLimitMb: number;
  private worker: Worker | undefined;
  private ready = false;
  private readonly queue: Pending[] = [];
  private running: Pending | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private nextJobId = 1;
  private closed = false;
  /** Workers stopped after a timeout, running out of memory or a crash (for tests and diagnostics). */
  stoppedWorkers = 0;

  constructor(private readonly options: FileJobRunnerOptions) {
    this.timeLimitMs = options.timeLimitMs ?? defaultFileJobTimeLimitMs;
    this.memoryLimitMb = options.memoryLimitMb ?? defaultFileJobMemoryMb;
    if (options.keepWarm === true) this.warm();
  }

  /**
   * `importFile` on the worker: the same result, or a `FileJobError` when the import was stopped (time, memory,
   * crash); the message then names the file and says that nothing was changed.
   */
  async importFile(input: ImportInput, options: ImportOptions = {}): Promise<ImportResult> {
    return (await this.run(
      { kind: 'import', input, options },
      `Importing ${displayName(input.fileName)}`,
      'the file may be malformed',
      'Nothing was changed.',
    )) as ImportResult;
  }

  /**
   * `exportDesign` on the worker: the same file, the same `ExportError`s, or a `FileJobError` when the export
   * was stopped. An unknown format is refused at once, before any worker is involved.
   */
  async exportDesign(input: ExportInput): Promise<ExportedFile> {
    const info = exportFormatInfo(input.format);
    return (await this.run(
      { kind: 'export', input },
      `Exporting design "${input.design.name.slice(0, 200)}" as ${info.label}`,
      'the design may be too large for this format',
      'Nothing was written.',
    )) as ExportedFile;
  }

  /** Stops the worker; jobs not finished fail with a `FileJobError` (`closed`). */
  async close(): Promise<void> {
    this.closed = true;
    const unfinished = [...(this.running ? [this.running] : []), ...this.queue.splice(0)];
    this.running = undefined;
    this.clearTimer();
    for (const pending of unfinished)
      pending.reject(new FileJobError('closed', `${pending.doing} was cancelled: Tessera is shutting down.`));
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      worker.removeAllListeners();
      await worker.terminate();
    }
  }

  private run(
    job: FileJob,
    doing: string,
    hint: string,
    untouched: string,
  ): Promise<ImportResult | ExportedFile> {
    if (this.closed)
      return Promise.reject(new FileJobError('closed', `${doing} was cancelled: Tessera is shutting down.`));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextJobId++, job, doing, hint, untouched, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.closed || this.running) return;
    if (this.queue.length === 0) {
      // Idle: the worker stays warm for the next job but does not keep the process alive.
      this.worker?.unref();
      return;
    }
    const worker = this.worker ?? this.start();
    // Work waiting: the process stays alive until it is done (a CLI awaiting an import must not exit).
    worker.ref();
    if (!this.ready) return;
    const pending = this.queue.shift()!;
    this.running = pending;
    this.timer = setTimeout(() => {
      const seconds = Number((this.timeLimitMs / 1000).toPrecision(3));
      this.stop(
        pending,
        'time',
        `${pending.doing} took longer than ${seconds} s and was stopped; ${pending.hint}. ${pending.untouched}`,
      );
    }, this.timeLimitMs);
    worker.postMessage({ jobId: pending.id, job: pending.job } satisfies FileJobMessage);
  }

  private start(): Worker {
    const worker = this.options.createWorker({
      resourceLimits: { maxOldGenerationSizeMb: this.memoryLimitMb },
    });
    this.worker = worker;
    this.ready = false;
    worker.on('message', (reply: FileWorkerReply) => this.onReply(worker, reply));
    worker.on('error', (error: Error & { code?: string }) => this.onFailure(worker, error));
    worker.on('exit', (code: number) => this.onFailure(worker, new Error(`it exited with code ${code}`)));
    return worker;
  }

  private onReply(worker: Worker, reply: FileWorkerReply): void {
    if (worker !== this.worker) return;
    if (reply.kind === 'ready') {
      this.ready = true;
      this.pump();
      return;
    }
    const pending = this.running;
    if (!pending || pending.id !== reply.jobId) return;
    this.running = undefined;
    this.clearTimer();
    if (reply.kind === 'done') pending.resolve(reply.value);
    else pending.reject(rebuilt(reply.failure));
    this.pump();
  }

  private onFailure(worker: Worker, error: Error & { code?: string }): void {
    if (worker !== this.worker) return;
    const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
    const failed = [...(this.running ? [this.running] : []), ...(this.ready ? [] : this.queue.splice(0))];
    const describe = (pending: Pending): string =>
      outOfMemory
        ? `${pending.doing} needed more than ${this.memoryLimitMb} MB of memory and was stopped; ${pending.hint}. ${pending.untouched}`
        : `${pending.doing} failed: the file worker stopped (${error.message}). ${pending.untouched}`;
    const [first, ...rest] = failed;
    if (first) this.stop(first, outOfMemory ? 'memory' : 'crash', describe(first));
    else this.discardWorker();
    // A worker that failed before it was ready fails the jobs waiting for it (the next job starts a new one).
    for (const pending of rest) pending.reject(new FileJobError('crash', describe(pending)));
    this.pump();
  }

  /** Fails `pending` with `message`, terminates its worker and goes on with the next job on a fresh one. */
  private stop(pending: Pending, reason: FileJobStopReason, message: string): void {
    if (this.running === pending) this.running = undefined;
    this.clearTimer();
    this.discardWorker();
    pending.reject(new FileJobError(reason, message));
    this.pump();
    // Only after a job: a worker that fails as it loads, with no job, is not started again and again.
    if (this.options.keepWarm === true) this.warm();
  }

  /** Starts an idle worker when there is none. */
  private warm(): void {
    if (this.worker || this.closed) return;
    this.start().unref();
  }

  private discardWorker(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = false;
    if (!worker) return;
    this.stoppedWorkers += 1;
    worker.removeAllListeners();
    // An 'error' listener stays: a terminating worker may still report one, which must not become uncaught.
    worker.on('error', () => undefined);
    void worker.terminate();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function rebuilt(failure: FileJobFailure): Error {
  return failure.kind === 'export-error'
    ? new ExportError(failure.code, failure.message)
    : new Error(failure.message);
}
