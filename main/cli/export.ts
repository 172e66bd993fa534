/**
 * `tessera export`: one design of a project in any export format the command line can make (every format but
 * PNG, which needs a picture the app renders). The design is evaluated in-process for the report formats.
 */
import { stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CatalogIndex } from '../../engine/catalog';
import { evaluate } from '../../engine/evaluate';
import type { EvaluationResult } from '../../engine/report';
import type { ModelConfig } from '../../engine/schema/model';
import { DEFAULT_MODEL_ID, defaultWorkload, type Workload } from '../../engine/schema/workload';
import type { StoredDesign } from '../contract/api';
import {
  ExportError,
  designSchemaFile,
  exportFormatInfo,
  exportFormats,
  type ExportFormat,
  type ExportedFile,
  type FileJobRunner,
} from '../files';
import { ProjectStore } from '../store/project-store';
import { loadCatalog, UsageError, type Streams } from '../app/command-line';

/** The formats `tessera export --format` offers: all but PNG. */
export const cliExportFormats: readonly ExportFormat[] = exportFormats
  .filter((format) => !format.needsRaster)
  .map((format) => format.id);

export const exportUsage = `export --project FILE.tessera --design NAME|ID --format ${cliExportFormats.join('|')}
         --out FILE|FOLDER [--force]`;

function options(args: string[]): {
  project: string | undefined;
  design: string | undefined;
  format: string | undefined;
  out: string | undefined;
  force: boolean;
  help: boolean;
} {
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      options: {
        project: { type: 'string' },
        design: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    return {
      project: values.project,
      design: values.design,
      format: values.format,
      out: values.out,
      force: values.force === true,
      help: values.help === true,
    };
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\nusage: tessera ${exportUsage}`);
  }
}

function exportFormat(format: string | undefined): ExportFormat {
  if (format === undefined)
    throw new UsageError(
      `export needs --format ${cliExportFormats.join('|')}\n\nusage: tessera ${exportUsage}`,
    );
  if (format === 'png')
    throw new UsageError(
      'png is exported from the app (it needs a picture of the canvas); export --format svg here, which also carries the design',
    );
  if (!(cliExportFormats as readonly string[]).includes(format))
    throw new UsageError(
      `there is no export format "${format}"; the formats are ${cliExportFormats.join(', ')}`,
    );
  return format as ExportFormat;
}

/** The design named by `reference`: its id, else its exact name (which must be unambiguous). */
async function findDesign(store: ProjectStore, reference: string, project: string): Promise<StoredDesign> {
  const designs = await store.listDesigns();
  const byId = designs.find((design) => design.id === reference);
  if (byId) return store.getDesign(byId.id);
  const byName = designs.filter((design) => design.name === reference);
  const only = byName[0];
  if (byName.length === 1 && only) return store.getDesign(only.id);
  if (byName.length > 1)
    throw new UsageError(
      `${byName.length} designs in ${project} are named "${reference}"; pass one of their ids to --design:\n${byName.map((design) => `  ${design.id}  (${design.blockCount} blocks, saved ${design.updatedAt})`).join('\n')}`,
    );
  const known =
    designs.length === 0
      ? 'the project has no designs'
      : `its designs are:\n${designs.map((design) => `  ${design.id}  ${design.name}`).join('\n')}`;
  throw new UsageError(`there is no design "${reference}" (by id or name) in ${project}; ${known}`);
}

/** The model of the workload when it is one the project imported, not one of the library's. */
async function projectModel(
  store: ProjectStore,
  workload: Workload,
  catalog: CatalogIndex,
): Promise<ModelConfig | undefined> {
  if (catalog.models.has(workload.model)) return undefined;
  return (await store.listModels()).find((model) => model.id === workload.model);
}

/** Writes the file; refuses to replace one unless forced. An existing folder gets the file's own name. */
async function writeExport(out: string, file: ExportedFile, force: boolean): Promise<string> {
  const isFolder = await stat(out).then(
    (info) => info.isDirectory(),
    () => false,
  );
  const path = isFolder ? join(out, file.fileName) : out;
  try {
    await writeFile(path, file.data, { flag: force ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${path} already exists; pass --force to replace it`);
    if (code === 'ENOENT') throw new UsageError(`cannot write ${path}: its folder does not exist`);
    throw new UsageError(`cannot write ${path}: ${(error as Error).message}`);
  }
  return path;
}

function sizeText(data: string | Uint8Array): string {
  const bytes = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length;
  return bytes < 10_000 ? `${bytes} bytes` : `${(bytes / 1000).toFixed(1)} kB`;
}

export async function runExport(args: string[], streams: Streams, files: FileJobRunner): Promise<number> {
  const values = options(args);
  if (values.help) {
    streams.stdout(`usage: tessera ${exportUsage}\n`);
    return 0;
  }
  const format = exportFormat(values.format);
  if (values.out === undefined)
    throw new UsageError(`export needs --out <file or folder>\n\nusage: tessera ${exportUsage}`);
  const info = exportFormatInfo(format);

  let file: ExportedFile;
  if (format === 'schema' && values.project === undefined && values.design === undefined) {
    // The schema is the same for every design, so it needs no project.
    file = designSchemaFile();
  } else {
    if (values.project === undefined)
      throw new UsageError(`export needs --project <file.tessera>\n\nusage: tessera ${exportUsage}`);
    if (values.design === undefined)
      throw new UsageError(`export needs --design <name or id>\n\nusage: tessera ${exportUsage}`);
    const catalog = await loadCatalog();
    const store = await ProjectStore.open(resolve(values.project));
    try {
      const stored = await findDesign(store, values.design, values.project);
      let report: EvaluationResult | null = null;
      let workload = stored.workload;
      let model: ModelConfig | undefined;
      // The SVG shows utilization and power when the design has results; the spec formats need none.
      if (info.needsReport || format === 'svg') {
        if (workload === null) {
          workload = defaultWorkload(DEFAULT_MODEL_ID);
          streams.stderr(
            `design "${stored.name}" has no workload saved with it; using the default (${workload.model}, batch ${workload.batch}, ${workload.inputTokens} tokens in, ${workload.outputTokens} out, ${workload.weights})\n`,
          );
        }
        model = await projectModel(store, workload, catalog);
        report = evaluate(
          model === undefined
            ? { design: stored.document, workload }
            : { design: stored.document, workload, model },
          catalog,
        );
      }
      // Written on the file worker (the app's path, with its time limit); a stopped export is a FileJobError.
      file = await files.exportDesign({
        design: stored.document,
        // The spec formats write the design's own workload (none saved: none written); reports the one used.
        workload: info.needsReport ? workload : stored.workload,
        report,
        catalog,
        format,
        ...(model === undefined ? {} : { model }),
      });
    } catch (error) {
      if (error instanceof ExportError) throw new UsageError(error.message);
      throw error;
    } finally {
      await store.close();
    }
  }
  const path = await writeExport(values.out, file, values.force);
  streams.stdout(`wrote ${path} (${info.label}, ${sizeText(file.data)})\n`);
  return 0;
}
