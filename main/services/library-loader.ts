/**
 * Loads the library (block types, presets, models, formats, technology constants, runtimes and the accuracy
 * suite's error bands) from its folder of JSON
 * files and validates every entry against its schema. Plain Node; used by the app, the test host, the CLI and
 * the tests.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { blockModel, costModelIds } from '../../engine/blocks/registry';
import type { Catalog } from '../../engine/catalog';
import {
  blockTypeSchema,
  errorBandsSchema,
  modelSchema,
  numberFormatSchema,
  parseWith,
  presetSchema,
  runtimeSchema,
  techTableSchema,
  type ValidationProblem,
} from '../../engine/schema';

/** A problem with one library file. */
export interface LibraryProblem extends ValidationProblem {
  file: string;
}

export interface LoadedLibrary {
  catalog: Catalog;
  problems: LibraryProblem[];
}

const folders = {
  blockTypes: { folder: 'blocks', schema: blockTypeSchema },
  presets: { folder: 'presets', schema: presetSchema },
  models: { folder: 'models', schema: modelSchema },
  formats: { folder: 'formats', schema: numberFormatSchema },
  tech: { folder: 'tech', schema: techTableSchema },
  runtimes: { folder: 'runtimes', schema: runtimeSchema },
} as const;

async function loadFolder<T extends { id: string }>(
  root: string,
  folder: string,
  schema: z.ZodType<T>,
  problems: LibraryProblem[],
): Promise<T[]> {
  const directory = join(root, folder);
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const entries: T[] = [];
  for (const name of names) {
    const file = `${folder}/${name}`;
    let value: unknown;
    try {
      value = JSON.parse(await readFile(join(directory, name), 'utf8'));
    } catch (error) {
      problems.push({ file, path: '(file)', message: `not valid JSON: ${(error as Error).message}` });
      continue;
    }
    const parsed = parseWith(schema, value);
    if (!parsed.ok) {
      for (const problem of parsed.problems) problems.push({ file, ...problem });
      continue;
    }
    const expectedName = `${parsed.value.id}.json`;
    if (name !== expectedName)
      problems.push({
        file,
        path: 'id',
        message: `the file of entry "${parsed.value.id}" must be named ${expectedName}`,
      });
    if (entries.some((entry) => entry.id === parsed.value.id))
      problems.push({ file, path: 'id', message: `id "${parsed.value.id}" is used twice` });
    entries.push(parsed.value);
  }
  return entries;
}

/** The accuracy suite's error bands, when `npm run validate` has written them (`validation/error-bands.json`). */
async function loadErrorBands(root: string, problems: LibraryProblem[]): Promise<Catalog['errorBands']> {
  const file = 'validation/error-bands.json';
  let text: string;
  try {
    text = await readFile(join(root, file), 'utf8');
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    problems.push({ file, path: '(file)', message: `not valid JSON: ${(error as Error).message}` });
    return undefined;
  }
  const parsed = parseWith(errorBandsSchema, value);
  if (parsed.ok) return parsed.value;
  for (const problem of parsed.problems) problems.push({ file, ...problem });
  return undefined;
}

/** Reads every library file under `root`. Invalid entries are left out and reported in `problems`. */
export async function loadLibrary(root: string): Promise<LoadedLibrary> {
  const problems: LibraryProblem[] = [];
  const blockTypes = await loadFolder(root, folders.blockTypes.folder, folders.blockTypes.schema, problems);
  const catalog: Catalog = {
    // A block type the engine cannot cost is left out like any invalid entry.
    blockTypes: blockTypes.filter((type) => {
      if (blockModel(type.costModel)) return true;
      problems.push({
        file: `${folders.blockTypes.folder}/${type.id}.json`,
        path: 'costModel',
        message: `the engine has no cost model "${type.costModel}" (it has ${costModelIds.join(', ')})`,
      });
      return false;
    }),
    presets: await loadFolder(root, folders.presets.folder, folders.presets.schema, problems),
    models: await loadFolder(root, folders.models.folder, folders.models.schema, problems),
    formats: await loadFolder(root, folders.formats.folder, folders.formats.schema, problems),
    tech: await loadFolder(root, folders.tech.folder, folders.tech.schema, problems),
    runtimes: await loadFolder(root, folders.runtimes.folder, folders.runtimes.schema, problems),
  };
  const errorBands = await loadErrorBands(root, problems);
  if (errorBands) catalog.errorBands = errorBands;
  return { catalog, problems };
}

export { libraryFolders, locateLibrary } from './library-locate';
