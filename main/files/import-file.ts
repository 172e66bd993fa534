/**
 * One entry point for every file a person can open or drop into Tessera: a design spec (JSON or YAML), a
 * drawing that carries one (SVG or PNG exported by Tessera), or a Hugging Face `config.json` (a model). What
 * the file is comes from its content first, its extension second. Pure: no reads, no writes; the caller hands
 * over the bytes and decides what to do with the result.
 */
import { readDesign } from '../../engine/design-io';
import { importHfConfig } from '../../engine/models/hf-import';
import type { DesignDocument } from '../../engine/schema/design';
import { parseWith } from '../../engine/schema/common';
import type { ModelConfig } from '../../engine/schema/model';
import { workloadSchema, type Workload } from '../../engine/schema/workload';
import { readJsonSource } from '../../engine/spec/json-source';
import { lineLocator } from '../../engine/spec/source-tree';
import { maxDesignTextLength, parseDesignText, type DesignTextFormat } from '../../engine/spec/spec-text';
import { readSpecFromPng, readSpecFromSvg } from '../export';

/** The largest file read, in bytes: ten times a thousand-block design in JSON. */
export const maxImportBytes = 8 * 1024 * 1024;

/** A file to import: its name (for messages and the extension) and its bytes. */
export interface ImportInput {
  fileName: string;
  bytes: Uint8Array;
}

/** What a Hugging Face config does not say about itself. */
export interface ImportOptions {
  /**
   * Library id of an imported model (kebab-case). Default: derived from the config's `_name_or_path`, else
   * from the file name (`imported-<model type>` for a plain `config.json`).
   */
  modelId?: string;
  /** Display name of an imported model. Default: the last part of `_name_or_path`, else the id. */
  modelName?: string;
  /** Where the config came from (its Hugging Face URL), cited as the model's source. */
  sourceUrl?: string;
}

/** One problem with a file: where (a path in the document or config, `(file)` for the whole file) and why. */
export interface ImportProblem {
  path: string;
  message: string;
  /** 1-based line in the file's text, for design specs in JSON or YAML. */
  line?: number;
  /** 1-based column (UTF-16 code units), with `line`. */
  column?: number;
}

/** Where a design came from. */
export type DesignSource = 'json' | 'yaml' | 'png' | 'svg';

/** The result of importing a file: a validated design, a validated model, or every problem found. */
export type ImportResult =
  | {
      ok: true;
      kind: 'design';
      design: DesignDocument;
      source: DesignSource;
      /** The workload the file carried (its `workload` section, as the spec exports write it), validated. */
      workload?: Workload;
    }
  | { ok: true; kind: 'model'; model: ModelConfig }
  | { ok: false; message: string; problems: ImportProblem[] };

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
const wholeFile = '(file)';
const embeddedDesign = '(embedded design)';

/** What the file was taken to be, as a message says it. */
const takenAs = {
  json: 'a Tessera design in JSON',
  yaml: 'a Tessera design in YAML',
  png: 'a PNG picture with a Tessera design',
  svg: 'an SVG drawing with a Tessera design',
  model: 'a Hugging Face config.json',
} as const;

/**
 * Reads a file as a design or a model. Detection, content first: the PNG signature → the design embedded by
 * Tessera's PNG export; text starting with `<` (after a byte-order mark and white space) → the design embedded
 * in an SVG; a JSON object with `format: "tessera.design"` → a design in JSON; a JSON object with
 * `model_type` or `architectures` → a Hugging Face config; other JSON → a design in JSON; any other text
 * (and text starting with `{` in a `.yaml` or `.yml` file, a YAML flow mapping) → a design in YAML. Files
 * that are empty, larger than {@link maxImportBytes}, not UTF-8 or binary are refused.
 *
 * A design is validated with `readDesign` (format, version and migration, schema), and the workload it carries
 * (a `workload` section, written by the spec exports) with the workload schema; a bad workload refuses the file
 * with its path (`workload.serving.traffic.ratePerSecond`) and, in JSON and YAML, its line. Its block types are NOT
 * checked against the catalog here: the editor shows unknown types and parameters as diagnostics, so a design
 * from a newer library still opens. A model is validated against the model schema by `importHfConfig`.
 *
 * Never throws. A failure's message says what the file was taken to be; each problem has a path (a document
 * path, a config.json field, `(syntax)`, or `(file)`) and, for JSON and YAML specs, a line and column.
 */
export function importFile(file: ImportInput, options: ImportOptions = {}): ImportResult {
  const name = displayName(file?.fileName);
  try {
    return importOrFail(file, name, options);
  } catch (error) {
    // The readers never throw by contract; this guard turns whatever they did not foresee into a failure.
    const reason = error instanceof Error ? error.message : String(error);
    return failure(`${name} could not be read: ${reason}`, [{ path: wholeFile, message: reason || 'error' }]);
  }
}

function importOrFail(file: ImportInput, name: string, options: ImportOptions): ImportResult {
  const bytes = file?.bytes;
  if (!(bytes instanceof Uint8Array))
    return wholeFileFailure(name, 'was not given as bytes', 'expected the bytes of the file');
  if (bytes.length === 0) return wholeFileFailure(name, 'is empty', 'the file is empty');
  if (bytes.length > maxImportBytes)
    return wholeFileFailure(
      name,
      'is too large',
      `the file is ${bytes.length} bytes; the limit is ${maxImportBytes} (8 MB) — it is not a design, a drawing or a config.json`,
    );
  if (pngSignature.every((byte, index) => bytes[index] === byte)) return importPng(bytes, name);

  let text: string;
  try {
    // `fatal`: text that is not UTF-8 is refused rather than read with replacement characters.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return wholeFileFailure(
      name,
      'is not text',
      'the file is neither text (UTF-8) nor a PNG picture, so it is not a design, a drawing or a config.json',
    );
  }
  text = text.replace(/^\uFEFF/, '');
  // A NUL never appears in a design, an SVG or a config.json; it marks a binary file that happens to be UTF-8.
  if (text.includes('\u0000'))
    return wholeFileFailure(
      name,
      'is not text',
      'the file is binary (it contains NUL bytes), so it is not a design, a drawing or a config.json',
    );
  const start = text.trimStart();
  if (start === '') return wholeFileFailure(name, 'is empty', 'the file holds only white space');
  if (start.startsWith('<')) return importSvg(text, name);

  const extension = extensionOf(file.fileName);
  const yamlByName = extension === '.yaml' || extension === '.yml';
  if (!yamlByName && (start.startsWith('{') || start.startsWith('[')))
    return importJson(text, name, baseName(file.fileName), options);
  return importDesignText(text, 'yaml', name);
}

function importPng(bytes: Uint8Array, name: string): ImportResult {
  const found = readSpecFromPng(bytes);
  if (!found.ok)
    return failure(`${name} is a PNG picture, but not one Tessera can open: ${found.message}`, [
      { path: wholeFile, message: found.message },
    ]);
  // The PNG reader inflates up to 64 MB; a design is read from at most as much text as a JSON spec.
  if (found.json.length > maxDesignTextLength.json)
    return problemsFailure(name, 'png', [
      {
        path: embeddedDesign,
        message: `the embedded design is too long (${found.json.length} characters; the limit is ${maxDesignTextLength.json})`,
      },
    ]);
  let value: unknown;
  try {
    value = JSON.parse(found.json);
  } catch (error) {
    return problemsFailure(name, 'png', [
      {
        path: embeddedDesign,
        message: `the embedded design is not valid JSON (${(error as Error).message})`,
      },
    ]);
  }
  return validatedDesign(value, name, 'png');
}

function importSvg(text: string, name: string): ImportResult {
  const found = readSpecFromSvg(text);
  if (!found.ok)
    return failure(`${name} was read as an SVG drawing, but not one Tessera can open: ${found.message}`, [
      { path: wholeFile, message: found.message },
    ]);
  return validatedDesign(found.design, name, 'svg');
}

/**
 * The design embedded in a drawing, and its workload when it carries one (the document's `workload` key, read
 * apart: the design format knows no workload). Problems of the workload have paths under `workload`.
 */
function validatedDesign(value: unknown, name: string, source: 'png' | 'svg'): ImportResult {
  const { workload, ...rest } = isRecord(value) ? value : { workload: undefined };
  const read = readDesign(isRecord(value) ? rest : value);
  const workloadRead = workload === undefined ? undefined : parseWith(workloadSchema, workload);
  const problems: ImportProblem[] = [
    ...(read.ok ? [] : read.problems),
    ...(workloadRead === undefined || workloadRead.ok
      ? []
      : workloadRead.problems.map((problem) => ({
          path: problem.path === '(top level)' ? 'workload' : `workload.${problem.path}`,
          message: problem.message,
        }))),
  ];
  if (!read.ok || problems.length > 0) return problemsFailure(name, source, problems);
  return workloadRead?.ok === true
    ? { ok: true, kind: 'design', design: read.value, source, workload: workloadRead.value }
    : { ok: true, kind: 'design', design: read.value, source };
}

function importDesignText(text: string, format: DesignTextFormat, name: string): ImportResult {
  const parsed = parseDesignText(text, format);
  if (!parsed.ok) return problemsFailure(name, format, parsed.problems);
  return parsed.workload === undefined
    ? { ok: true, kind: 'design', design: parsed.design, source: format }
    : { ok: true, kind: 'design', design: parsed.design, source: format, workload: parsed.workload };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A config.json names its model type or its model classes; a design never has either key. */
function looksLikeHfConfig(value: Record<string, unknown>): boolean {
  return Object.hasOwn(value, 'model_type') || Object.hasOwn(value, 'architectures');
}

function importJson(text: string, name: string, fileName: string, options: ImportOptions): ImportResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Damaged JSON: a config.json when it names a model type, else a design; either way the syntax error is
    // located by the spec's own JSON reader (JSON.parse's messages carry no reliable position).
    if (/"(?:model_type|architectures)"\s*:/.test(text)) return modelSyntaxFailure(text, name);
    return importDesignText(text, 'json', name);
  }
  if (isRecord(value) && value.format !== 'tessera.design' && looksLikeHfConfig(value))
    return importModel(value, name, fileName, options);
  return importDesignText(text, 'json', name);
}

function modelSyntaxFailure(text: string, name: string): ImportResult {
  const locate = lineLocator(text);
  const reading = readJsonSource(text);
  const problems: ImportProblem[] = reading.problems.map((problem) => ({
    ...locate(problem.offset),
    path: problem.path,
    message: problem.message,
  }));
  return problemsFailure(
    name,
    'model',
    problems.length > 0 ? problems : [{ path: '(syntax)', message: 'the text is not valid JSON' }],
  );
}

function importModel(
  config: Record<string, unknown>,
  name: string,
  fileName: string,
  options: ImportOptions,
): ImportResult {
  const id = options.modelId ?? derivedModelId(config, fileName);
  const modelName = options.modelName ?? derivedModelName(config);
  const imported = importHfConfig(config, {
    id,
    ...(modelName === undefined ? {} : { name: modelName }),
    ...(options.sourceUrl === undefined ? {} : { sourceUrl: options.sourceUrl }),
  });
  if (imported.ok) return { ok: true, kind: 'model', model: imported.value };
  return problemsFailure(name, 'model', imported.problems);
}

/** Lowercase kebab-case of any text: `Meta-Llama-3.1_8B` → `meta-llama-3-1-8b`; empty when nothing is left. */
function kebabCase(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

/** The last part of `_name_or_path` (`meta-llama/Meta-Llama-3-8B` → `Meta-Llama-3-8B`), when it has one. */
function nameOrPathTail(config: Record<string, unknown>): string | undefined {
  const value = config._name_or_path;
  if (typeof value !== 'string') return undefined;
  const tail = value
    .split(/[\\/]/)
    .filter((part) => part.trim() !== '')
    .at(-1);
  return tail === undefined ? undefined : tail.trim();
}

function derivedModelId(config: Record<string, unknown>, fileName: string): string {
  const fromPath = kebabCase(nameOrPathTail(config) ?? '');
  if (fromPath !== '') return fromPath;
  const fromFile = kebabCase(fileName.replace(/\.json$/i, '').replace(/(?:^|[-_.])config$/i, ''));
  if (fromFile !== '') return fromFile;
  const modelType = typeof config.model_type === 'string' ? kebabCase(config.model_type) : '';
  return modelType === '' ? 'imported-model' : `imported-${modelType}`;
}

function derivedModelName(config: Record<string, unknown>): string | undefined {
  const tail = nameOrPathTail(config);
  // A name is shown in menus and reports: one line, of a reasonable length.
  if (tail === undefined || tail.length > 120 || /\p{Cc}/u.test(tail)) return undefined;
  return tail;
}

/** The last path part of a file name, without control characters; empty when there is none. */
function baseName(fileName: unknown): string {
  if (typeof fileName !== 'string') return '';
  return (fileName.split(/[\\/]/).at(-1) ?? '').replace(/[\p{Cc}\u2028\u2029]/gu, '');
}

/** The file's name for messages: its last path part, quoted, without control characters. */
export function displayName(fileName: unknown): string {
  const base = baseName(fileName);
  return base === '' ? 'The file' : `"${base.slice(0, 200)}"`;
}

function extensionOf(fileName: unknown): string {
  if (typeof fileName !== 'string') return '';
  const match = /\.[A-Za-z0-9]+$/.exec(fileName);
  return match ? match[0].toLowerCase() : '';
}

/** A failure; every problem keeps a non-empty path and message, whatever a reader gave. */
function failure(message: string, problems: readonly ImportProblem[]): ImportResult {
  const cleaned = problems.map((problem) => ({
    ...problem,
    path: problem.path.trim() === '' ? '(top level)' : problem.path,
    message: problem.message.trim() === '' ? 'invalid' : problem.message,
  }));
  return {
    ok: false,
    message,
    problems: cleaned.length > 0 ? cleaned : [{ path: wholeFile, message: 'the file could not be read' }],
  };
}

function wholeFileFailure(name: string, summary: string, detail: string): ImportResult {
  return failure(`${name} ${summary}.`, [{ path: wholeFile, message: detail }]);
}

function problemsFailure(
  name: string,
  taken: keyof typeof takenAs,
  problems: readonly ImportProblem[],
): ImportResult {
  const what = taken === 'model' ? 'cannot be imported as a model' : 'cannot be opened';
  return failure(`${name} was read as ${takenAs[taken]} and ${what}:`, problems);
}
