/**
 * The export formats, as pure functions from a design, a workload, a report and the catalog to text or plain
 * data: the design as SVG (with the document embedded) and inside PNG metadata, the engineering report as
 * Markdown and HTML, results as CSV, a Chrome/Perfetto trace, and architecture descriptions for Timeloop/
 * Accelergy and LLMCompass. Writing files and the menus around them live elsewhere.
 */
export {
  BLOCK_HEIGHT,
  BLOCK_WIDTH,
  TESSERA_NAMESPACE,
  designToSvg,
  readSpecFromSvg,
  type DesignSvgOptions,
  type SvgSpecResult,
} from './diagram-svg';
export { PNG_SPEC_KEYWORD, crc32, embedSpecInPng, readSpecFromPng, type PngSpecResult } from './png-spec';
export { escapeMarkdown, reportToMarkdown } from './report-markdown';
export { reportToHtml } from './report-html';
export { reportContent, type ReportContent, type ReportInput } from './report-content';
export {
  csvField,
  operatorCsvColumns,
  operatorsToCsv,
  resultCsvColumns,
  resultsToCsv,
  toCsv,
  type CsvValue,
  type ResultRow,
} from './csv';
export {
  reportToChromeTrace,
  type ChromeTrace,
  type ChromeTraceOptions,
  type TraceEvent,
} from './chrome-trace';
export { designToTimeloopYaml } from './timeloop';
export { designToLlmCompassJson, type LlmCompassSystem } from './llmcompass';
