/**
 * What the commands read from files and references: JSON files with a readable complaint, a design from a
 * preset or a file, a model from the library or a Hugging Face config.json.
 */
import { readFile } from 'node:fs/promises';
import type { CatalogIndex } from '../../engine/catalog';
import { readDesign } from '../../engine/design-io';
import { importHfConfig } from '../../engine/models/hf-import';
import { describeProblems } from '../../engine/schema/common';
import type { DesignDocument } from '../../engine/schema/design';
import type { ModelConfig } from '../../engine/schema/model';
import { UsageError } from '../app/command-line';

export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** A design from `preset:ID` or a design-document file (JSON). */
export async function designFrom(reference: string, catalog: CatalogIndex): Promise<DesignDocument> {
  if (reference.startsWith('preset:')) {
    const id = reference.slice('preset:'.length);
    const preset = catalog.presets.get(id);
    if (!preset) throw new UsageError(`there is no preset "${id}"; \`tessera presets\` lists them`);
    return preset.design;
  }
  const parsed = readDesign(await readJsonFile(reference, 'design'));
  if (!parsed.ok)
    throw new UsageError(`design ${reference} is invalid:\n${describeProblems(parsed.problems)}`);
  return parsed.value;
}

/** A model by library id, or from a Hugging Face config.json file. */
export async function modelFrom(reference: string, catalog: CatalogIndex): Promise<ModelConfig> {
  const known = catalog.models.get(reference);
  if (known) return known;
  if (!reference.endsWith('.json'))
    throw new UsageError(
      `there is no model "${reference}"; \`tessera models\` lists them, or pass a config.json`,
    );
  const imported = importHfConfig(await readJsonFile(reference, 'model config'), {
    id: 'imported-model',
    name: reference,
  });
  if (!imported.ok)
    throw new UsageError(`model config ${reference} cannot be used:\n${describeProblems(imported.problems)}`);
  return imported.value;
}
