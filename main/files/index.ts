/**
 * Files in and out of Tessera: `exportDesign` makes the file of any export format from a design, its workload,
 * its report and the catalog; `importFile` reads any file a person opens or drops (a design spec, a drawing
 * that carries one, a Hugging Face config.json). Both are pure; the CLI and the app write and read the bytes,
 * and run both through a `FileJobRunner`, on a worker thread with a time and a memory limit (the worker itself
 * is started by the shells with `create-file-worker.ts`, which is not exported here).
 */
export {
  ExportError,
  designSchemaFile,
  exportDesign,
  exportFileName,
  exportFormatInfo,
  exportFormats,
  safeFileStem,
  schemaFileName,
  type ExportErrorCode,
  type ExportFormat,
  type ExportFormatInfo,
  type ExportInput,
  type ExportedFile,
} from './export-design';
export {
  importFile,
  maxImportBytes,
  type DesignSource,
  type ImportInput,
  type ImportOptions,
  type ImportProblem,
  type ImportResult,
} from './import-file';
export {
  FileJobError,
  FileJobRunner,
  defaultFileJobMemoryMb,
  defaultFileJobTimeLimitMs,
  type FileJobRunnerOptions,
  type FileJobStopReason,
  type FileWorkerFactory,
} from './file-job-runner';
