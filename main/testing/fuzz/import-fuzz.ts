/**
 * Importer fuzzing: real exported files — presets as JSON, YAML, SVG and PNG, and the library models' Hugging Face
 * `config.json` — with their bytes changed (flipped, cut short, a slice repeated, brackets, quotes, anchors,
 * `xmlns` declarations, entities or huge numbers put in) through `importFile`, the path every opened or dropped
 * file takes.
 *
 * The property: `importFile` never throws and finishes each file within a bound; it gives a design that
 * `readDesign` accepts as it is, a model the model schema accepts, or a message with located problems.
 */
import fc from 'fast-check';
import type { CatalogIndex } from '../../../engine/catalog';
import { readDesign } from '../../../engine/design-io';
import { modelSchema } from '../../../engine/schema/model';
import { designToJson, designToYaml } from '../../../engine/spec/spec-text';
import { designToSvg, embedSpecInPng } from '../../export';
import { importFile, type ImportResult } from '../../files/import-file';
import { minimalPng } from '../../files/test-support';
import { fuzzSummary, type FuzzSummary } from './outcome';

export interface SeedFile {
  fileName: string;
  bytes: Uint8Array;
}

const encoder = new TextEncoder();

/** The files the mutations start from: what Tessera exports, and configs as Hugging Face publishes them. */
export function seedFiles(catalog: CatalogIndex): SeedFile[] {
  const presets = ['template-single-tile', 'nvidia-h100-sxm', 'google-tpu-v5e', 'groq-lpu']
    .map((id) => catalog.presets.get(id)?.design)
    .filter((design) => design !== undefined);
  const seeds: SeedFile[] = [];
  for (const design of presets) {
    const json = designToJson(design);
    seeds.push(
      { fileName: 'design.json', bytes: encoder.encode(json) },
      { fileName: 'design.yaml', bytes: encoder.encode(designToYaml(design)) },
      { fileName: 'design.svg', bytes: encoder.encode(designToSvg(design, catalog)) },
      { fileName: 'design.png', bytes: embedSpecInPng(minimalPng(), json) },
    );
  }
  for (const model of catalog.catalog.models.slice(0, 8))
    if (model.hfConfig !== undefined)
      seeds.push({ fileName: 'config.json', bytes: encoder.encode(JSON.stringify(model.hfConfig, null, 2)) });
  return seeds;
}

/** Text that breaks parsers: brackets, quotes, YAML anchors and tags, XML declarations and entities, huge numbers. */
const insertions = [
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  ':',
  ',',
  '- ',
  '\n',
  '\t',
  '\u0000',
  '\uFEFF',
  '&a ',
  '*a',
  '!!binary ',
  '? ',
  '<',
  '>',
  ' xmlns="http://example.com/x"',
  ' xmlns:t="urn:tessera"',
  '<!DOCTYPE x [<!ENTITY e "eeeeeeeeee">]>',
  '&e;',
  '&#0;',
  '<![CDATA[',
  ']]>',
  '1e999',
  '-1e999',
  '99999999999999999999999999',
  '-0',
  'NaN',
  '0x7fffffff',
  '"__proto__": {}',
  '"constructor": {"prototype": {}}',
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
  '{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{',
].map((text) => encoder.encode(text));

export type ByteEdit =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; at: number; length: number; times: number }
  | { kind: 'insert'; at: number; text: number }
  | { kind: 'number'; at: number; digits: number };

const edit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 400 }),
    times: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.nat({ max: insertions.length - 1 }),
  }),
  fc.record({
    kind: fc.constant('number' as const),
    at: fc.nat(),
    digits: fc.integer({ min: 20, max: 400 }),
  }),
);

function concat(...parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/** One edit applied to a copy of the bytes. */
export function applyEdit(bytes: Uint8Array, change: ByteEdit): Uint8Array {
  const at = bytes.length === 0 ? 0 : change.at % bytes.length;
  switch (change.kind) {
    case 'flip': {
      const copy = bytes.slice();
      if (copy.length > 0) copy[at] = (copy[at] ?? 0) ^ (1 << change.bit);
      return copy;
    }
    case 'set': {
      const copy = bytes.slice();
      if (copy.length > 0) copy[at] = change.byte;
      return copy;
    }
    case 'truncate':
      return bytes.slice(0, at);
    case 'duplicate': {
      const slice = bytes.slice(at, at + change.length);
      return concat(
        bytes.slice(0, at),
        ...Array.from({ length: change.times + 1 }, () => slice),
        bytes.slice(at + change.length),
      );
    }
    case 'insert':
      return concat(bytes.slice(0, at), insertions[change.text] ?? new Uint8Array(), bytes.slice(at));
    case 'number':
      return concat(bytes.slice(0, at), encoder.encode('9'.repeat(change.digits)), bytes.slice(at));
  }
}

export interface ImportCase {
  seed: number;
  fileName: string;
  edits: ByteEdit[];
}

export function importCases(seeds: readonly SeedFile[]): fc.Arbitrary<ImportCase> {
  return fc.record({
    seed: fc.nat({ max: seeds.length - 1 }),
    // Sometimes the file arrives under another kind of name: content decides first, the extension second.
    fileName: fc.oneof(
      { weight: 4, arbitrary: fc.constant('') },
      {
        weight: 1,
        arbitrary: fc.constantFrom('x.json', 'x.yaml', 'x.yml', 'x.svg', 'x.png', 'config.json', 'x'),
      },
    ),
    edits: fc.array(edit, { minLength: 1, maxLength: 4 }),
  });
}

export function caseFile(seeds: readonly SeedFile[], input: ImportCase): SeedFile {
  const seed = seeds[input.seed] ?? seeds[0];
  if (!seed) throw new Error('no seed files');
  return {
    fileName: input.fileName === '' ? seed.fileName : input.fileName,
    bytes: input.edits.reduce(applyEdit, seed.bytes),
  };
}

/** What is wrong with one import result, or `undefined`. */
export function importProblem(result: ImportResult): string | undefined {
  if (result.ok && result.kind === 'design') {
    const again = readDesign(result.design);
    if (!again.ok)
      return `the imported design does not pass readDesign: ${JSON.stringify(again).slice(0, 300)}`;
    return undefined;
  }
  if (result.ok)
    return modelSchema.safeParse(result.model).success ? undefined : 'the imported model is not valid';
  if (result.message.trim() === '') return 'refused without a message';
  if (result.problems.length === 0) return 'refused without problems';
  for (const problem of result.problems) {
    if (problem.path.trim() === '' || problem.message.trim() === '')
      return 'a problem without a path or message';
    if (problem.line !== undefined && !(Number.isInteger(problem.line) && problem.line >= 1))
      return `line ${problem.line} is not a line number`;
  }
  return undefined;
}

/** A file that takes longer than this to import is a hang. */
export const importCaseBoundMilliseconds = 2_000;

export function fuzzImport(catalog: CatalogIndex, runs: number, seed: number): FuzzSummary {
  const seeds = seedFiles(catalog);
  let cases = 0;
  let maxMilliseconds = 0;
  const details = fc.check(
    fc.property(importCases(seeds), (input) => {
      cases++;
      const file = caseFile(seeds, input);
      const started = performance.now();
      let result: ImportResult;
      try {
        result = importFile(file);
      } catch (error) {
        throw new Error(`importFile threw: ${(error as Error).stack ?? String(error)}`, { cause: error });
      }
      const elapsed = performance.now() - started;
      maxMilliseconds = Math.max(maxMilliseconds, elapsed);
      if (elapsed > importCaseBoundMilliseconds) throw new Error(`took ${elapsed.toFixed(0)} ms`);
      const problem = importProblem(result);
      if (problem) throw new Error(problem);
    }),
    { numRuns: runs, seed, endOnFailure: false },
  );
  return fuzzSummary('import', Math.min(cases, runs), maxMilliseconds, details);
}
