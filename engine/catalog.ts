/**
 * The catalog: everything the library holds, passed into the engine as plain data (the engine never reads
 * files). `indexCatalog` builds the lookups the engine uses and checks the references between entries.
 */
import type { BlockType, NumberParamSpec, ParamSpec } from './schema/block-type';
import type { ModelConfig } from './schema/model';
import type { NumberFormat } from './schema/number-format';
import type { Preset } from './schema/preset';
import type { Runtime } from './schema/runtime';
import type { TechTable } from './schema/tech';

/** The library as plain, structured-clone-safe data. */
export interface Catalog {
  blockTypes: BlockType[];
  presets: Preset[];
  models: ModelConfig[];
  formats: NumberFormat[];
  tech: TechTable[];
  runtimes: Runtime[];
}

/** The catalog with lookups by id. */
export interface CatalogIndex {
  catalog: Catalog;
  blockTypes: ReadonlyMap<string, BlockType>;
  presets: ReadonlyMap<string, Preset>;
  models: ReadonlyMap<string, ModelConfig>;
  formats: ReadonlyMap<string, NumberFormat>;
  tech: ReadonlyMap<string, TechTable>;
  runtimes: ReadonlyMap<string, Runtime>;
}

function byId<T extends { id: string }>(entries: readonly T[]): Map<string, T> {
  return new Map(entries.map((entry) => [entry.id, entry]));
}

export function indexCatalog(catalog: Catalog): CatalogIndex {
  return {
    catalog,
    blockTypes: byId(catalog.blockTypes),
    presets: byId(catalog.presets),
    models: byId(catalog.models),
    formats: byId(catalog.formats),
    tech: byId(catalog.tech),
    runtimes: byId(catalog.runtimes),
  };
}

/** The spec of one parameter of a block type, or `undefined`. */
export function findParam(type: BlockType, key: string): ParamSpec | undefined {
  return type.params.find((param) => param.key === key);
}

/** Reads a number parameter of a block: its value if set, else the block type's default. */
export function numberParam(type: BlockType, params: Readonly<Record<string, unknown>>, key: string): number {
  const value = params[key];
  if (typeof value === 'number') return value;
  const spec = findParam(type, key);
  if (spec?.kind === 'number') return spec.default;
  throw new Error(`block type ${type.id} has no number parameter "${key}"`);
}

/** Reads an enum parameter of a block: its value if set, else the default. */
export function enumParam(type: BlockType, params: Readonly<Record<string, unknown>>, key: string): string {
  const value = params[key];
  if (typeof value === 'string') return value;
  const spec = findParam(type, key);
  if (spec?.kind === 'enum') return spec.default;
  throw new Error(`block type ${type.id} has no enum parameter "${key}"`);
}

/** The number parameter specs of a block type, by key. */
export function numberParamSpecs(type: BlockType): Map<string, NumberParamSpec> {
  const specs = new Map<string, NumberParamSpec>();
  for (const param of type.params) if (param.kind === 'number') specs.set(param.key, param);
  return specs;
}
