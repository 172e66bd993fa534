/**
 * What the file worker does: the messages between a `FileJobRunner` and its worker thread, and the loop the
 * thread runs. A job is one import (`importFile`) or one export (`exportDesign`); only the pure CPU part runs
 * here, the caller reads and writes the files. Every payload is structured-cloneable (bytes as `Uint8Array`).
 */
import type { MessagePort } from 'node:worker_threads';
import {
  ExportError,
  exportDesign,
  type ExportErrorCode,
  type ExportInput,
  type ExportedFile,
} from './export-design';
import { importFile, type ImportInput, type ImportOptions, type ImportResult } from './import-file';

/** One unit of work for the file worker. */
export type FileJob =
  { kind: 'import'; input: ImportInput; options: ImportOptions } | { kind: 'export'; input: ExportInput };

/** What a runner sends its worker. */
export interface FileJobMessage {
  jobId: number;
  job: FileJob;
}

/** Why a job failed inside the worker: an `ExportError` (rebuilt on the caller's side) or anything else. */
export type FileJobFailure =
  { kind: 'export-error'; code: ExportErrorCode; message: string } | { kind: 'error'; message: string };

/** What the worker answers: `ready` once, when its modules are loaded, then one reply per job. */
export type FileWorkerReply =
  | { kind: 'ready' }
  | { kind: 'done'; jobId: number; value: ImportResult | ExportedFile }
  | { kind: 'failed'; jobId: number; failure: FileJobFailure };

/** The functions a worker runs its jobs with. */
export interface FileJobHandlers {
  importFile: (input: ImportInput, options: ImportOptions) => ImportResult;
  exportDesign: (input: ExportInput) => ExportedFile;
}

/** The product's handlers; a test may start a worker with others (a parser that never ends). */
export const fileJobHandlers: FileJobHandlers = { importFile, exportDesign };

function failureOf(error: unknown): FileJobFailure {
  if (error instanceof ExportError) return { kind: 'export-error', code: error.code, message: error.message };
  return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
}

/** Runs one job; never throws (a failure becomes a `failed` reply). */
export function runFileJob(message: FileJobMessage, handlers: FileJobHandlers): FileWorkerReply {
  const { jobId, job } = message;
  try {
    const value =
      job.kind === 'import' ? handlers.importFile(job.input, job.options) : handlers.exportDesign(job.input);
    return { kind: 'done', jobId, value };
  } catch (error) {
    return { kind: 'failed', jobId, failure: failureOf(error) };
  }
}

/** The worker thread's loop: says it is ready, then answers each job in turn. */
export function serveFileJobs(port: MessagePort, handlers: FileJobHandlers = fileJobHandlers): void {
  port.on('message', (message: FileJobMessage) => port.postMessage(runFileJob(message, handlers)));
  port.postMessage({ kind: 'ready' } satisfies FileWorkerReply);
}
