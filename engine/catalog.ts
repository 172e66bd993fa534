/**
 * The catalog: everything the library holds, passed into the engine as plain data (the engine never reads
 * files). `indexCatalog` builds the lookups the engine uses and checks the references between entries.
 */
import type { BlockType, ParamSpec } from './schema/block-type';
import type { ErrorBands } from './schema/error-bands';
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
  /** The accuracy suite's error bands (`library/validation/error-bands.json`); absent: figures carry no band. */
  errorBands?: ErrorBands;
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

/** Each block type's parameters by key, built once per type: resolve reads a design's parameters on every edit. */
const specsByType = new WeakMap<BlockType, ReadonlyMap<string, ParamSpec>>();

/** The spec of one parameter of a block type, or `undefined`. */
export function findParam(type: BlockType, key: string): ParamSpec | undefined {
  let specs = specsByType.get(type);
  if (!specs) {
    specs = new Map(type.params.map((param) => [param.key, param]));
    specsByType.set(type, specs);
  }
  return specs.get(key);
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
