/**
 * One entry point for every export of a design: the spec (JSON, YAML, JSON Schema), the drawing (SVG, PNG
 * with the spec inside), the engineering report (Markdown, HTML), results (CSV), a Chrome/Perfetto trace and
 * the Timeloop/Accelergy and LLMCompass architecture descriptions. Pure: it returns the file's name, media
 * type and content; the caller writes it (the CLI to disk, the app through a save dialog).
 */
import type { CatalogIndex } from '../../engine/catalog';
import { escapeHtml } from '../../engine/figures';
import type { EvaluationResult, Report } from '../../engine/report';
import type { Source } from '../../engine/schema/common';
import type { DesignDocument } from '../../engine/schema/design';
import type { ModelConfig } from '../../engine/schema/model';
import type { Workload } from '../../engine/schema/workload';
import { designJsonSchema, designToJson, designToYaml } from '../../engine/spec/spec-text';
import {
  designToLlmCompassJson,
  designToSvg,
  designToTimeloopYaml,
  embedSpecInPng,
  reportToChromeTrace,
  reportToHtml,
  reportToMarkdown,
  resultsToCsv,
} from '../export';

/** The formats a design can be exported in. */
export type ExportFormat =
  'json' | 'schema' | 'yaml' | 'md' | 'html' | 'svg' | 'png' | 'csv' | 'trace' | 'timeloop' | 'llmcompass';

/** What the export menu shows for one format. */
export interface ExportFormatInfo {
  id: ExportFormat;
  /** The menu label, e.g. "Design spec (YAML)". */
  label: string;
  /** The file name's ending, with its dot: `.tessera.yaml`. */
  extension: string;
  mediaType: string;
  /** Needs a successful report (the design simulated without errors). */
  needsReport: boolean;
  /** Needs a PNG picture of the canvas from the caller (`ExportInput.raster`). */
  needsRaster: boolean;
  /** One sentence on what the file holds and what reads it. */
  description: string;
}

/** Every export format, in menu order. */
export const exportFormats: readonly ExportFormatInfo[] = [
  {
    id: 'yaml',
    label: 'Design spec (YAML)',
    extension: '.tessera.yaml',
    mediaType: 'application/yaml',
    needsReport: false,
    needsRaster: false,
    description: 'The design as readable YAML, the text spec of the editor; opens again in Tessera.',
  },
  {
    id: 'json',
    label: 'Design spec (JSON)',
    extension: '.tessera.json',
    mediaType: 'application/json',
    needsReport: false,
    needsRaster: false,
    description: 'The design document as JSON, valid against the JSON Schema; opens again in Tessera.',
  },
  {
    id: 'schema',
    label: 'JSON Schema of the design format',
    extension: '.schema.json',
    mediaType: 'application/schema+json',
    needsReport: false,
    needsRaster: false,
    description:
      'The JSON Schema (draft 2020-12) of the design format, for editors and other tools; the same for every design.',
  },
  {
    id: 'svg',
    label: 'Drawing (SVG)',
    extension: '.svg',
    mediaType: 'image/svg+xml',
    needsReport: false,
    needsRaster: false,
    description:
      'The design as a drawing, with utilization and power when it has results; the spec is embedded, so it opens again in Tessera.',
  },
  {
    id: 'png',
    label: 'Picture (PNG)',
    extension: '.png',
    mediaType: 'image/png',
    needsReport: false,
    needsRaster: true,
    description: 'A picture of the canvas with the spec embedded, so it opens again in Tessera.',
  },
  {
    id: 'html',
    label: 'Report (HTML)',
    extension: '.report.html',
    mediaType: 'text/html',
    needsReport: true,
    needsRaster: false,
    description:
      'The engineering report as one self-contained page with the diagram and charts; prints to PDF.',
  },
  {
    id: 'md',
    label: 'Report (Markdown)',
    extension: '.report.md',
    mediaType: 'text/markdown',
    needsReport: true,
    needsRaster: false,
    description: 'The engineering report as Markdown with tables, for a wiki, an issue or a review.',
  },
  {
    id: 'csv',
    label: 'Results (CSV)',
    extension: '.results.csv',
    mediaType: 'text/csv',
    needsReport: true,
    needsRaster: false,
    description:
      "One row with the report's headline numbers in SI units, under the report's stable keys, for a spreadsheet.",
  },
  {
    id: 'trace',
    label: 'Chrome trace (Perfetto)',
    extension: '.trace.json',
    mediaType: 'application/json',
    needsReport: true,
    needsRaster: false,
    description:
      'One prefill step and one decode step on one chip as a timeline of operators; opens in ui.perfetto.dev.',
  },
  {
    id: 'timeloop',
    label: 'Timeloop / Accelergy YAML',
    extension: '.timeloop.yaml',
    mediaType: 'application/yaml',
    needsReport: false,
    needsRaster: false,
    description:
      'The architecture as a Timeloop/Accelergy v0.4 hierarchy; a comment lists what does not map.',
  },
  {
    id: 'llmcompass',
    label: 'LLMCompass system JSON',
    extension: '.llmcompass.json',
    mediaType: 'application/json',
    needsReport: false,
    needsRaster: false,
    description: 'The architecture as an LLMCompass system description; `_notes` lists what does not map.',
  },
];

/** The file name of the `schema` export, the same for every design. */
export const schemaFileName = 'tessera-design.schema.json';

/** What to export. */
export interface ExportInput {
  design: DesignDocument;
  /**
   * The workload: the one the report was computed with (the report's facts and sources), and the one the spec
   * formats (`json`, `yaml`, the `svg` and `png` embeds) write beside the design — give the design's stored
   * workload there, so that the file opens again with it; null when none.
   */
  workload: Workload | null;
  /** The evaluation of the design under `workload`; the report formats need a successful one. */
  report: EvaluationResult | null;
  catalog: CatalogIndex;
  format: ExportFormat;
  /** A PNG of the canvas, rendered by the caller: the `png` format embeds the spec in it. */
  raster?: Uint8Array;
  /** The model the report was computed with when it is not in the catalog (a project's imported model); cited. */
  model?: ModelConfig;
  /** When the file is made; written into the report and trace formats only, and only when given. */
  generatedAt?: Date;
  /** Tessera's version; written next to `generatedAt`, and only when given. */
  appVersion?: string;
}

/** An exported file: its suggested name, its media type and its content (text, or bytes for PNG). */
export interface ExportedFile {
  fileName: string;
  mediaType: string;
  data: string | Uint8Array;
}

/** Why an export could not be made: what the person must do first. */
export type ExportErrorCode = 'unknown-format' | 'no-report' | 'report-failed' | 'no-raster' | 'bad-raster';

/** An export that cannot be made, with a message a person can act on. */
export class ExportError extends Error {
  constructor(
    readonly code: ExportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExportError';
  }
}

/** The description of a format, or an `ExportError` for an unknown id (the id comes from a UI or a command line). */
export function exportFormatInfo(format: string): ExportFormatInfo {
  const info = exportFormats.find((candidate) => candidate.id === format);
  if (!info)
    throw new ExportError(
      'unknown-format',
      `There is no export format "${format}"; the formats are ${exportFormats.map((candidate) => candidate.id).join(', ')}.`,
    );
  return info;
}

const windowsReservedName = /^(con|prn|aux|nul|com\d|lpt\d)$/;
export const maxStemCharacters = 80;

/**
 * A file name stem for a design name: lowercase letters and digits (any script) joined by single dashes, so
 * path separators, dots, control characters and spaces never reach a file name; at most 80 characters;
 * `design` when nothing is left, and never a name Windows reserves (`con`, `nul`, `com1`…).
 */
export function safeFileStem(name: string): string {
  const dashed = name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  const stem = Array.from(dashed).slice(0, maxStemCharacters).join('').replace(/-+$/, '');
  if (stem === '') return 'design';
  return windowsReservedName.test(stem) ? `${stem}-design` : stem;
}

/** The name an exported file of `design` gets in `format`. */
export function exportFileName(design: Pick<DesignDocument, 'name'>, format: ExportFormat): string {
  if (format === 'schema') return schemaFileName;
  return `${safeFileStem(design.name)}${exportFormatInfo(format).extension}`;
}

/** The successful report, or an `ExportError` saying why there is none. */
function requireReport(input: ExportInput, info: ExportFormatInfo): Report {
  const { design, report } = input;
  if (report === null)
    throw new ExportError(
      'no-report',
      `Design "${design.name}" has not been simulated, so there are no results to export as ${info.label}.`,
    );
  if (!report.ok) {
    const errors = report.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    const lines = (errors.length > 0 ? errors : report.diagnostics).map(
      (diagnostic) =>
        `  ${diagnostic.blockId === undefined ? '' : `[${diagnostic.blockId}] `}${diagnostic.message}`,
    );
    throw new ExportError(
      'report-failed',
      `Design "${design.name}" has errors, so there are no results to report:\n${lines.join('\n')}`,
    );
  }
  return report.report;
}

/** "Exported by Tessera 0.1.0 on 2025-01-02T03:04:05.000Z", or nothing when neither is given. */
function generatedLine(input: ExportInput): string | undefined {
  const when =
    input.generatedAt !== undefined && Number.isFinite(input.generatedAt.getTime())
      ? ` on ${input.generatedAt.toISOString()}`
      : '';
  const version = input.appVersion === undefined ? '' : ` ${input.appVersion}`;
  if (when === '' && version === '') return undefined;
  return `Exported by Tessera${version}${when}.`;
}

function reportSources(input: ExportInput): Source[] {
  return input.model === undefined || input.catalog.models.has(input.model.id) ? [] : [input.model.source];
}

function textFile(input: ExportInput, info: ExportFormatInfo, data: string): ExportedFile {
  return { fileName: exportFileName(input.design, info.id), mediaType: info.mediaType, data };
}

/**
 * Makes the file of one export format. The spec formats (`json`, `yaml`, the `svg` and `png` embeds) carry
 * `workload` beside the design and read back through `importFile` to the same document and workload. `md`, `html`, `csv` and `trace` need `report` to be a successful
 * evaluation; `csv` is the results table (`resultsToCsv`) with this design's one row. `png` needs `raster`, a
 * PNG the caller rendered from the SVG (the renderer rasterises; the CLI does not offer it). `svg` shows the
 * report's utilization and power when the report is successful. `generatedAt` and `appVersion`, when given,
 * are written as a closing line of `md` and `html` and into the trace's `otherData`; no other format carries
 * them, so those files are the same byte for byte on every export.
 *
 * Throws `ExportError` (with a message to show as is) when the format is unknown, a report format has no
 * successful report, or `png` has no valid raster.
 */
export function exportDesign(input: ExportInput): ExportedFile {
  const info = exportFormatInfo(input.format);
  const { design, catalog } = input;
  switch (info.id) {
    case 'json':
      return textFile(input, info, designToJson(design, input.workload ?? undefined));
    case 'yaml':
      return textFile(input, info, designToYaml(design, input.workload ?? undefined));
    case 'schema':
      return designSchemaFile();
    case 'svg': {
      const report = input.report?.ok === true ? input.report.report : undefined;
      const workload = input.workload ?? undefined;
      return textFile(
        input,
        info,
        designToSvg(design, catalog, {
          ...(report === undefined ? {} : { report }),
          ...(workload === undefined ? {} : { workload }),
        }),
      );
    }
    case 'png': {
      if (input.raster === undefined)
        throw new ExportError(
          'no-raster',
          `The PNG of design "${design.name}" needs a picture of the canvas; export the SVG instead, or export the PNG from the app.`,
        );
      let data: Uint8Array;
      try {
        data = embedSpecInPng(input.raster, designToJson(design, input.workload ?? undefined));
      } catch (error) {
        throw new ExportError(
          'bad-raster',
          `The picture of design "${design.name}" is not a valid PNG (${(error as Error).message}), so the spec cannot be embedded in it.`,
        );
      }
      return { fileName: exportFileName(design, 'png'), mediaType: info.mediaType, data };
    }
    case 'md':
    case 'html': {
      const report = requireReport(input, info);
      const reportInput = {
        design,
        // The report states the workload it was computed with; `input.workload` is the same when given.
        workload: input.workload ?? report.workload,
        report,
        catalog,
        sources: reportSources(input),
      };
      const line = generatedLine(input);
      if (info.id === 'md') {
        const markdown = reportToMarkdown(reportInput);
        return textFile(input, info, line === undefined ? markdown : `${markdown}\n---\n\n${line}\n`);
      }
      const html = reportToHtml(reportInput);
      const end = html.lastIndexOf('</main>');
      return textFile(
        input,
        info,
        line === undefined || end < 0
          ? html
          : `${html.slice(0, end)}<p class="generated">${escapeHtml(line)}</p>\n${html.slice(end)}`,
      );
    }
    case 'csv': {
      const report = requireReport(input, info);
      return textFile(input, info, resultsToCsv([{ designName: design.name, report }]));
    }
    case 'trace': {
      const report = requireReport(input, info);
      const trace = reportToChromeTrace(report, catalog);
      const otherData: Record<string, unknown> = { ...trace.otherData, design: design.name };
      if (input.appVersion !== undefined) otherData.generatorVersion = input.appVersion;
      if (input.generatedAt !== undefined && Number.isFinite(input.generatedAt.getTime()))
        otherData.generatedAt = input.generatedAt.toISOString();
      return textFile(input, info, `${JSON.stringify({ ...trace, otherData }, null, 2)}\n`);
    }
    case 'timeloop':
      return textFile(input, info, designToTimeloopYaml(design, catalog));
    case 'llmcompass':
      return textFile(input, info, `${JSON.stringify(designToLlmCompassJson(design, catalog), null, 2)}\n`);
  }
}

/** The JSON Schema of the design format as a file (`tessera-design.schema.json`). */
export function designSchemaFile(): ExportedFile {
  const info = exportFormatInfo('schema');
  return {
    fileName: schemaFileName,
    mediaType: info.mediaType,
    data: `${JSON.stringify(designJsonSchema(), null, 2)}\n`,
  };
}
