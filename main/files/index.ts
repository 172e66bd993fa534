/**
 * Files in and out of Tessera: `exportDesign` makes the file of any export format from a design, its workload,
 * its report and the catalog; `importFile` reads any file a person opens or drops (a design spec, a drawing
 * that carries one, a Hugging Face config.json). Both are pure; the CLI and the app write and read the bytes.
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
