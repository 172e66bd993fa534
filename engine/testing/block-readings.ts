/**
 * Single blocks for tests of the cost-model plug-ins (`engine/blocks/`): a block type made from plain parameter
 * values, the reading a plug-in receives for one block of it, and a compute unit built from a plug-in's spec — so
 * each model's physics can be tested on its own, without resolving a design. Values are the test's own, never the
 * library's.
 */
import { readBlock, type BlockModel, type BlockReading, type TechContext } from '../blocks/block-model';
import type { ComputeUnit } from '../machine';
import type { BlockType, ParamSpec, PortSpec, TableRow } from '../schema/block-type';
import type { Block } from '../schema/design';

/** A parameter's default: a number, an enum's value, or a table's rows. */
export type ParamDefault = number | string | TableRow[];

function paramSpec(key: string, value: ParamDefault): ParamSpec {
  const description = `test parameter ${key}`;
  if (typeof value === 'number')
    return { key, name: key, kind: 'number', unit: 'count', default: value, min: 0, max: 1e30, description };
  if (typeof value === 'string')
    return { key, name: key, kind: 'enum', options: [{ value, label: value }], default: value, description };
  return {
    key,
    name: key,
    kind: 'table',
    columns: [{ key: 'name', name: 'name', kind: 'text' }],
    default: value,
    description,
  };
}

/** One port that connects to every kind: the models never read ports, and `testDesign` names it `port`. */
const anyPort: PortSpec = {
  id: 'port',
  name: 'Port',
  kind: 'fabric',
  connects: ['compute', 'memory', 'fabric', 'stream', 'host'],
  side: 'top',
};

/** A block type served by `costModel` whose parameters default to `defaults`. */
export function blockTypeOf(
  id: string,
  costModel: string,
  defaults: Record<string, ParamDefault>,
  options: { category?: BlockType['category']; traits?: 'dram'[] } = {},
): BlockType {
  return {
    format: 'tessera.blockType',
    version: 1,
    id,
    name: id,
    category: options.category ?? 'compute',
    description: `test block type ${id}`,
    costModel,
    params: Object.entries(defaults).map(([key, value]) => paramSpec(key, value)),
    ports: [anyPort],
    source: { citation: 'engine test fixture' },
    ...(options.traits ? { traits: options.traits } : {}),
  };
}

/** What a plug-in reads of one block of `type` named `name`, with `params` set on the block. */
export function readingOf(type: BlockType, params: Block['params'] = {}, name = 'block'): BlockReading {
  return readBlock({ id: name, type: type.id, name, params, position: { x: 0, y: 0 } }, type);
}

/** No technology table: every class's MAC energy is BF16's. */
export const noTech: TechContext = { relativeMacEnergy: undefined };

/** A unit of `instances` blocks as the resolve stage pools it, from the model's compute spec. */
export function unitOf(model: BlockModel, reading: BlockReading, instances = 1, tech = noTech): ComputeUnit {
  const spec = model.compute?.(reading, tech);
  if (!spec) throw new Error(`cost model ${model.id} does not compute`);
  return {
    ...spec,
    id: reading.block.id,
    blockIds: [reading.block.id],
    name: reading.block.name,
    typeId: reading.type.id,
    instances,
    sparsitySpeedup: 1,
  };
}
