/**
 * Shared helpers of the export formats: how a block's parameters and key figures read to a person (always
 * through `formatQuantity`), which parameters differ from their defaults, and the category colours the
 * diagram and the charts share. Figures the app shows too (FLOP/s, percentages) are formatted by
 * `engine/figures`. Pure; no I/O.
 */
import type { CatalogIndex } from '../../engine/catalog';
import type { BlockCategory, BlockType, ParamSpec, TableRow } from '../../engine/schema/block-type';
import type { Block, DesignDocument, ParamValue } from '../../engine/schema/design';
import { formatQuantity } from '../../engine/units';

/** Stripe colour of each block category (the canvas palette): compute blue, memory green, and so on. */
export const categoryColours: Readonly<Record<BlockCategory, string>> = {
  compute: '#2563eb',
  memory: '#16a34a',
  interconnect: '#7c3aed',
  compression: '#ea580c',
  power: '#d97706',
  host: '#6b7280',
  cost: '#0d9488',
};

/** Colour of a block whose type the catalog does not know. */
export const unknownTypeColour = '#9ca3af';

/** One row of a table parameter ("boost: 1.83 GHz, 0.9 V, 1, 0 W"), each column in its unit. */
function formatTableRow(spec: Extract<ParamSpec, { kind: 'table' }>, row: TableRow): string {
  const cells: string[] = [];
  let label: string | undefined;
  for (const column of spec.columns) {
    const value = row[column.key];
    if (value === undefined) continue;
    if (column.kind === 'text') {
      if (label === undefined) label = String(value);
      else cells.push(String(value));
    } else if (typeof value === 'number') {
      cells.push(formatQuantity(value, column.unit ?? 'count'));
    } else {
      cells.push(value);
    }
  }
  return label === undefined ? cells.join(', ') : `${label}: ${cells.join(', ')}`;
}

/** A parameter value in human units: "3.35 TB/s", "NVLink", or the rows of a table parameter. */
export function formatParamValue(spec: ParamSpec | undefined, value: ParamValue): string {
  if (spec?.kind === 'number' && typeof value === 'number') return formatQuantity(value, spec.unit);
  if (spec?.kind === 'enum' && typeof value === 'string')
    return spec.options.find((option) => option.value === value)?.label ?? value;
  if (spec?.kind === 'table' && Array.isArray(value))
    return value.length === 0 ? '(no rows)' : value.map((row) => formatTableRow(spec, row)).join('; ');
  // A value whose spec is missing or of another kind: show it as it is stored, never hide it.
  if (typeof value === 'number') return formatQuantity(value, 'count');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function sameValue(left: ParamValue, right: ParamValue): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

/** A parameter a block sets, with its spec (undefined when the block type has no such parameter). */
export interface SetParam {
  key: string;
  name: string;
  spec: ParamSpec | undefined;
  value: ParamValue;
  /** The block type's default, for the reader's comparison. */
  defaultValue: ParamValue | undefined;
}

/**
 * The parameters of a block that differ from its type's defaults, in the type's parameter order (then any
 * unknown keys). A document may store a value equal to the default; it is left out because it says nothing.
 */
export function nonDefaultParams(block: Block, type: BlockType | undefined): SetParam[] {
  const result: SetParam[] = [];
  const seen = new Set<string>();
  for (const spec of type?.params ?? []) {
    seen.add(spec.key);
    const value = block.params[spec.key];
    if (value === undefined || sameValue(value, spec.default)) continue;
    result.push({ key: spec.key, name: spec.name, spec, value, defaultValue: spec.default });
  }
  for (const [key, value] of Object.entries(block.params)) {
    if (seen.has(key)) continue;
    result.push({ key, name: key, spec: undefined, value, defaultValue: undefined });
  }
  return result;
}

/**
 * The key figures of a block from its type's summary template ("{rows}×{cols} MAC · {clockHertz}"), each
 * value in its unit; empty when the type has no template.
 */
export function blockSummary(block: Block, type: BlockType | undefined): string {
  const template = type?.summary;
  if (template === undefined) return '';
  return template.replace(/\{(\w+)\}/g, (_match, key: string) => {
    const spec = type?.params.find((param) => param.key === key);
    if (!spec) return '?';
    const value = block.params[key] ?? spec.default;
    return formatParamValue(spec, value);
  });
}

/** The block type of a block, or undefined when the catalog does not know it. */
export function typeOf(block: Block, catalog: CatalogIndex): BlockType | undefined {
  return catalog.blockTypes.get(block.type);
}

/** The display name of a block by id, falling back to the id (reports name blocks by id). */
export function blockName(design: DesignDocument, blockId: string): string {
  return design.blocks.find((block) => block.id === blockId)?.name ?? blockId;
}
