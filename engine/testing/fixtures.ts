/**
 * A small catalog written for engine tests: block types with the parameter names the engine reads, number
 * formats and a toy model, all with values a test can reason about. Tests derive expected numbers from these
 * parameters (not from the library, whose values may be recalibrated).
 */
import { indexCatalog, type Catalog, type CatalogIndex } from '../catalog';
import type { BlockType, CostModel, ParamSpec, PortSpec } from '../schema/block-type';
import type { Block, DesignDocument, Group, Link } from '../schema/design';
import type { ModelArchitecture, ModelConfig } from '../schema/model';
import type { ComputeClass, NumberFormat } from '../schema/number-format';
import type { Unit } from '../units';

const source = { citation: 'engine test fixture' };

function number(key: string, unit: Unit, value: number, min = 0, max = 1e30): ParamSpec {
  return {
    key,
    name: key,
    kind: 'number',
    unit,
    default: value,
    min,
    max,
    description: `test parameter ${key}`,
  };
}

function type(
  id: string,
  category: BlockType['category'],
  costModel: CostModel,
  params: ParamSpec[],
  ports: PortSpec[],
  traits?: 'dram'[],
): BlockType {
  return {
    format: 'tessera.blockType',
    version: 1,
    id,
    name: id,
    category,
    description: `test block type ${id}`,
    costModel,
    params,
    ports,
    source,
    ...(traits ? { traits } : {}),
  };
}

const computePort: PortSpec = {
  id: 'mem',
  name: 'Memory',
  kind: 'compute',
  connects: ['memory', 'fabric', 'stream'],
  side: 'bottom',
};
const memoryPort: PortSpec = {
  id: 'port',
  name: 'Port',
  kind: 'memory',
  connects: ['compute', 'fabric', 'memory', 'stream'],
  side: 'top',
};
const fabricPort: PortSpec = {
  id: 'port',
  name: 'Port',
  kind: 'fabric',
  connects: ['compute', 'memory', 'fabric', 'stream'],
  side: 'left',
};

const computeParams = (): ParamSpec[] => [
  number('clockHertz', 'hertz', 1e9, 1e6, 1e10),
  number('fp32Rate', 'ratio', 0),
  number('tf32Rate', 'ratio', 0),
  number('fp8Rate', 'ratio', 2),
  number('int8Rate', 'ratio', 2),
  number('int4Rate', 'ratio', 0),
  number('fp4Rate', 'ratio', 0),
  number('vectorOpsPerCycle', 'count', 1024, 1),
  number('localBufferBytes', 'bytes', 1 << 20),
  number('computeEfficiency', 'ratio', 1, 0.01, 1),
  number('dispatchOverheadSeconds', 'seconds', 0),
  number('energyJoulesPerMacBf16', 'joulesPerOperation', 1e-12),
  number('energyJoulesPerVectorOp', 'joulesPerOperation', 1e-13),
  number('staticPowerWatts', 'watts', 1),
  number('areaSquareMetres', 'squareMetres', 0),
];

const memoryParams = (capacity: number, bandwidth: number): ParamSpec[] => [
  number('capacityBytes', 'bytes', capacity),
  number('bandwidthBytesPerSecond', 'bytesPerSecond', bandwidth, 1),
  {
    key: 'usage',
    name: 'usage',
    kind: 'enum',
    options: [
      { value: 'storage', label: 'storage' },
      { value: 'cache', label: 'cache' },
    ],
    default: 'storage',
    description: 'test parameter usage',
  },
  number('achievableBandwidthFraction', 'ratio', 1, 0.01, 1),
  number('latencySeconds', 'seconds', 0),
  number('energyJoulesPerBit', 'joulesPerBit', 1e-12),
  number('staticPowerWatts', 'watts', 1),
];

export const testBlockTypes: BlockType[] = [
  type(
    'test.array',
    'compute',
    'matrix-array',
    [number('rows', 'count', 128, 1), number('cols', 'count', 128, 1), ...computeParams()],
    [computePort],
  ),
  type(
    'test.sm',
    'compute',
    'tensor-cluster',
    [
      number('bf16MacsPerCycle', 'count', 1024, 1),
      number('tileM', 'count', 128, 1),
      number('tileN', 'count', 128, 1),
      number('minTileM', 'count', 64, 1),
      number('prologueK', 'count', 0),
      ...computeParams(),
    ],
    [computePort],
  ),
  type(
    'test.vector',
    'compute',
    'vector',
    [number('lanes', 'count', 64, 1), ...computeParams()],
    [computePort],
  ),
  type('test.sram', 'memory', 'memory', memoryParams(64 << 20, 1e13), [memoryPort]),
  type('test.dram', 'memory', 'memory', memoryParams(64 * 2 ** 30, 1e12), [memoryPort], ['dram']),
  type(
    'test.fabric',
    'interconnect',
    'fabric',
    [
      number('bandwidthBytesPerSecond', 'bytesPerSecond', 1e12, 1),
      number('achievableBandwidthFraction', 'ratio', 1, 0.01, 1),
      number('latencySeconds', 'seconds', 0),
      number('energyJoulesPerBit', 'joulesPerBit', 0),
      number('staticPowerWatts', 'watts', 0),
    ],
    [fabricPort],
  ),
  type(
    'test.link',
    'interconnect',
    'fabric',
    [
      number('bandwidthBytesPerSecond', 'bytesPerSecond', 1e11, 1),
      number('achievableBandwidthFraction', 'ratio', 1, 0.01, 1),
      number('latencySeconds', 'seconds', 0),
      number('energyJoulesPerBit', 'joulesPerBit', 0),
      number('staticPowerWatts', 'watts', 0),
    ],
    [
      { id: 'a', name: 'A', kind: 'fabric', connects: ['compute', 'memory', 'fabric'], side: 'left' },
      { id: 'b', name: 'B', kind: 'fabric', connects: ['compute', 'memory', 'fabric'], side: 'right' },
    ],
  ),
  type(
    'test.decompress',
    'compression',
    'weight-decompression',
    [
      number('compressionRatio', 'ratio', 2, 1),
      number('throughputBytesPerSecond', 'bytesPerSecond', 1e15, 1),
      number('energyJoulesPerBit', 'joulesPerBit', 0),
      number('staticPowerWatts', 'watts', 0),
    ],
    [
      {
        id: 'memorySide',
        name: 'Memory side',
        kind: 'stream',
        connects: ['memory', 'fabric', 'compute'],
        side: 'top',
      },
      {
        id: 'computeSide',
        name: 'Compute side',
        kind: 'stream',
        connects: ['compute', 'fabric', 'memory'],
        side: 'bottom',
      },
    ],
  ),
  type(
    'test.dvfs',
    'power',
    'dvfs-domain',
    [
      {
        key: 'operatingPoints',
        name: 'operatingPoints',
        kind: 'table',
        columns: [
          { key: 'name', name: 'name', kind: 'text' },
          { key: 'clockHertz', name: 'clock', kind: 'number', unit: 'hertz' },
          { key: 'voltageVolts', name: 'voltage', kind: 'number', unit: 'volts' },
          { key: 'memoryBandwidthScale', name: 'memory', kind: 'number', unit: 'ratio' },
          { key: 'capWatts', name: 'cap', kind: 'number', unit: 'watts' },
        ],
        default: [
          { name: 'top', clockHertz: 1e9, voltageVolts: 1, memoryBandwidthScale: 1, capWatts: 0 },
          { name: 'low', clockHertz: 0.25e9, voltageVolts: 0.5, memoryBandwidthScale: 1, capWatts: 0 },
        ],
        description: 'test parameter operatingPoints',
      },
      {
        key: 'policy',
        name: 'policy',
        kind: 'enum',
        options: [
          { value: 'fixed', label: 'fixed' },
          { value: 'adaptive', label: 'adaptive' },
        ],
        default: 'fixed',
        description: 'test parameter policy',
      },
    ],
    [],
  ),
  type(
    'test.cap',
    'power',
    'power-cap',
    [
      number('capWatts', 'watts', 100, 0.001),
      {
        key: 'enforce',
        name: 'enforce',
        kind: 'enum',
        options: [
          { value: 'true', label: 'enforce' },
          { value: 'false', label: 'report only' },
        ],
        default: 'true',
        description: 'test parameter enforce',
      },
    ],
    [],
  ),
];

function format(id: string, bits: number, computeClass: ComputeClass | null): NumberFormat {
  return {
    format: 'tessera.numberFormat',
    version: 1,
    id,
    name: id.toUpperCase(),
    kind: computeClass === null ? 'block' : 'float',
    bitsPerElement: bits,
    effectiveBitsPerElement: bits,
    computeClass,
    description: `test format ${id}`,
    source,
  };
}

export const testFormats: NumberFormat[] = [
  format('bf16', 16, 'bf16'),
  format('fp8', 8, 'fp8'),
  format('int8', 8, 'int8'),
  format('int4', 4, 'int4'),
  format('q4', 4.5, null),
  format('fp32', 32, 'fp32'),
];

/** A small dense model: every count chosen so a test can multiply it out by hand. */
export const toyArchitecture: ModelArchitecture = {
  layers: 4,
  hiddenSize: 512,
  heads: 8,
  kvHeads: 2,
  headDim: 64,
  intermediateSize: 1536,
  gatedFfn: true,
  activation: 'silu',
  vocabSize: 4096,
  tiedEmbeddings: false,
  maxContext: 8192,
  normalization: 'rmsnorm',
  positional: 'rope',
  attention: 'gqa',
};

export function testModel(id: string, architecture: ModelArchitecture): ModelConfig {
  return { format: 'tessera.model', version: 1, id, name: id, family: 'test', source, architecture };
}

export const testModels: ModelConfig[] = [
  testModel('toy', toyArchitecture),
  testModel('toy-moe', {
    ...toyArchitecture,
    moe: { experts: 8, activeExperts: 2, sharedExperts: 0, expertIntermediateSize: 768, firstDenseLayers: 0 },
  }),
];

export const testCatalogData: Catalog = {
  blockTypes: testBlockTypes,
  presets: [],
  models: testModels,
  formats: testFormats,
  tech: [],
  runtimes: [],
};

export function testCatalog(extra: Partial<Catalog> = {}): CatalogIndex {
  return indexCatalog({ ...testCatalogData, ...extra, models: [...testModels, ...(extra.models ?? [])] });
}

/** Builds a design from blocks (id → type and params), links (pairs of block ids) and groups. */
export function testDesign(
  blocks: Record<string, { type: string; params?: Block['params'] }>,
  links: [string, string][],
  groups: Group[] = [],
): DesignDocument {
  const typeOf = (id: string): BlockType | undefined =>
    testBlockTypes.find((candidate) => candidate.id === blocks[id]?.type);
  const portOf = (id: string, other: string): string => {
    const ports = typeOf(id)?.ports ?? [];
    if (ports.length > 1 && typeOf(other)?.category === 'compute') return ports[1]?.id ?? 'port';
    return ports[0]?.id ?? 'port';
  };
  return {
    format: 'tessera.design',
    version: 1,
    name: 'test design',
    blocks: Object.entries(blocks).map(([id, block], index) => ({
      id,
      type: block.type,
      name: id,
      params: block.params ?? {},
      position: { x: index * 200, y: 0 },
    })),
    links: links.map(([from, to], index): Link => ({
      id: `l${index}`,
      from: { block: from, port: portOf(from, to) },
      to: { block: to, port: portOf(to, from) },
      params: {},
    })),
    groups,
  };
}

/**
 * A tile, an SRAM and a DRAM linked in a chain, in two nested groups: the tile in a cluster of 16 ("tiles"),
 * and that cluster with the memories in a chip of 4 ("chip").
 */
export function testGroupedDesign(): DesignDocument {
  return testDesign(
    { tile: { type: 'test.array' }, sram: { type: 'test.sram' }, dram: { type: 'test.dram' } },
    [
      ['tile', 'sram'],
      ['sram', 'dram'],
    ],
    [
      { id: 'tiles', name: 'Tiles', kind: 'cluster', count: 16, blocks: ['tile'] },
      { id: 'chip', name: 'Chip', kind: 'chip', count: 4, blocks: ['sram', 'dram'], groups: ['tiles'] },
    ],
  );
}
