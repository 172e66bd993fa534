/**
 * Area and cost: every block's area estimated from its parameters at the chip's process node, the die's area,
 * and what one chip and the system cost — the die from the wafer price, the gross dies per wafer and a
 * negative-binomial yield; the DRAM, the package (a silicon interposer when the chip carries HBM) and the board.
 * Pure; read by `evaluate.ts` after the report, so it changes no other figure.
 *
 * Constants live in the library (`library/tech/`: sram-bitcell-area, sram-array-efficiency, cache-bit-area,
 * cache-array-efficiency, area-components, logic-transistor-density, node-scaling, wafer-cost, defect-density)
 * and in the `cost.fabrication` block type, each with its source.
 */
import { blockModel } from '../blocks/registry';
import { readBlock, type BlockReading } from '../blocks/block-model';
import { findParam, type CatalogIndex } from '../catalog';
import type { Diagnostic } from '../diagnostics';
import type { Machine } from '../machine';
import type { AreaReport, BlockAreaReport, CostReport, Report } from '../report';
import type { ComputeClass } from '../schema/number-format';
import type { Block, DesignDocument, Group } from '../schema/design';
import type { TechTable } from '../schema/tech';
import { formatQuantity } from '../units';

/** The block type that holds the node and cost figures. */
export const FABRICATION_TYPE = 'cost.fabrication';
/** The cache block type: priced with the cache model (tags, ECC, banking), not as scratchpad SRAM. */
const CACHE_TYPE = 'memory.cache';
/** Cost models of compute blocks, whose instances `computeUnitsOnDie` scales to the die's count. */
const COMPUTE_COST_MODELS = new Set(['tensor-cluster', 'matrix-array', 'vector', 'cpu']);
/** The node a design without a fabrication block is taken to be made in (its block type's default). */
const REFERENCE_NODE_7NM = '7nm';
/** The largest die a lithography scanner exposes in one shot: 26 mm × 33 mm (ASML/TSMC reticle field). */
export const RETICLE_LIMIT_SQUARE_METRES = 26e-3 * 33e-3;
/** Data bits of one HBM stack's interface (JESD235/JESD238): the PHY and controller areas are per 1024 bits. */
const HBM_INTERFACE_BITS = 1024;
/** Data bits of one LPDDR5 or GDDR6 channel (JESD209-5, JESD250): 16. */
const DRAM_CHANNEL_BITS = 16;
/** A codec's staging buffer: the 8 KB SRAM its energy per bit is cited for (`compress.*` block types). */
const CODEC_BUFFER_BYTES = 8192;

/** What the area model needs from the library, read once per evaluation. */
export interface AreaTech {
  node: string;
  /** High-density SRAM bit cell at the node, m². */
  bitCellSquareMetres: number;
  arrayEfficiency: number;
  /** Logic area factor from 45 nm to the node (node-scaling). */
  logicFrom45nm: number;
  /** Logic area factor from 7 nm to the node. */
  logicFrom7nm: number;
  /**
   * Area factor from 7 nm to the node for the transistor-count rows (SIMT core, crossbar port): the ratio of real
   * large-die transistor densities (logic-transistor-density), else node-scaling's factor from 7 nm.
   */
  densityFrom7nm: number;
  /** Area of one cache bit (cache-bit-area) before the bank's array efficiency, m². */
  cacheBitSquareMetres: number;
  /** Cache array efficiency by bank size (cache-array-efficiency): [bank bytes, efficiency], ascending. */
  cacheEfficiencyByBank: readonly (readonly [number, number])[];
  /** Component areas at their source's node (area-components), by row id. */
  components: ReadonlyMap<string, number>;
  /** The chip-to-chip bandwidth one `serdes` component carries (its row's `bandwidthBytesPerSecond`), bytes/s. */
  serdesBandwidthBytesPerSecond: number;
}

/** Largest cache bank: a larger cache is built of banks of this size (LLMCompass's cache model, 512 KB). */
export const CACHE_BANK_BYTES = 2 ** 19;
/** Smallest cache bank the efficiency table covers: 4 KB. */
const MIN_CACHE_BANK_BYTES = 2 ** 12;

/** Area of one instance of a block and how it was found. */
export interface BlockArea {
  areaSquareMetres: number;
  basis: string;
}

function rowValue(table: TechTable | undefined, match: Record<string, string>): number | undefined {
  return table?.rows.find((row) =>
    Object.entries(match).every(([key, value]) => row.conditions[key] === value),
  )?.value;
}

/**
 * `areaTech`'s answers per catalog and node, with the warnings it gave: a function of the library's tables alone,
 * read again for every design a sweep evaluates.
 */
const areaTechCache = new WeakMap<CatalogIndex, Map<string, { tech: AreaTech; warnings: Diagnostic[] }>>();

/** The area constants at `node`, with a warning for each table the library lacks (their term is then zero). */
export function areaTech(catalog: CatalogIndex, node: string, diagnostics: Diagnostic[]): AreaTech {
  let perCatalog = areaTechCache.get(catalog);
  if (!perCatalog) {
    perCatalog = new Map();
    areaTechCache.set(catalog, perCatalog);
  }
  let entry = perCatalog.get(node);
  if (!entry) {
    const warnings: Diagnostic[] = [];
    entry = { tech: readAreaTech(catalog, node, warnings), warnings };
    perCatalog.set(node, entry);
  }
  for (const warning of entry.warnings) diagnostics.push({ ...warning });
  return entry.tech;
}

function readAreaTech(catalog: CatalogIndex, node: string, diagnostics: Diagnostic[]): AreaTech {
  const missing = (what: string): void => {
    diagnostics.push({
      severity: 'warning',
      code: 'area-table-missing',
      message: `The library has no ${what} for ${node}; that part of the area estimate is left out.`,
    });
  };
  const bitCell = rowValue(catalog.tech.get('sram-bitcell-area'), { node });
  if (bitCell === undefined) missing('SRAM bit cell (sram-bitcell-area)');
  const efficiency = catalog.tech.get('sram-array-efficiency')?.rows[0]?.value;
  if (efficiency === undefined) missing('SRAM array efficiency (sram-array-efficiency)');
  const scaling = catalog.tech.get('node-scaling');
  const at = rowValue(scaling, { to: node, quantity: 'area' });
  const at7 = rowValue(scaling, { to: REFERENCE_NODE_7NM, quantity: 'area' });
  if (at === undefined || at7 === undefined) missing('logic area scaling (node-scaling)');
  const components = new Map(
    (catalog.tech.get('area-components')?.rows ?? []).map((row) => [row.id, row.value]),
  );
  if (components.size === 0) missing('component areas (area-components)');
  const serdesRow = catalog.tech.get('area-components')?.rows.find((row) => row.id === 'serdes');
  const serdesBandwidth = Number(serdesRow?.conditions.bandwidthBytesPerSecond);
  const density = catalog.tech.get('logic-transistor-density');
  const densityAt = rowValue(density, { node });
  const densityAt7 = rowValue(density, { node: REFERENCE_NODE_7NM });
  const logicFrom7nm = at !== undefined && at7 !== undefined && at7 > 0 ? at / at7 : 0;
  const cacheBits = catalog.tech.get('cache-bit-area');
  const bitCell7 = rowValue(catalog.tech.get('sram-bitcell-area'), { node: REFERENCE_NODE_7NM });
  const cacheBit7 = rowValue(cacheBits, { node: REFERENCE_NODE_7NM });
  // A node without its own cache row: the 7 nm cache bit × (the node's HD cell ÷ 7 nm's HD cell).
  const cacheBit =
    rowValue(cacheBits, { node }) ??
    (cacheBit7 !== undefined && bitCell !== undefined && bitCell7 !== undefined && bitCell7 > 0
      ? (cacheBit7 * bitCell) / bitCell7
      : undefined);
  const cacheEfficiencyByBank = (catalog.tech.get('cache-array-efficiency')?.rows ?? [])
    .map((row) => [Number(row.conditions.bankBytes), row.value] as const)
    .filter(([bytes, value]) => bytes > 0 && value > 0)
    .sort((a, b) => a[0] - b[0]);
  return {
    node,
    bitCellSquareMetres: bitCell ?? 0,
    arrayEfficiency: efficiency !== undefined && efficiency > 0 ? efficiency : 1,
    logicFrom45nm: at ?? 0,
    logicFrom7nm,
    densityFrom7nm:
      densityAt !== undefined && densityAt7 !== undefined && densityAt > 0
        ? densityAt7 / densityAt
        : logicFrom7nm,
    // Without a cache table a cache is priced as scratchpad SRAM (the high-density model).
    cacheBitSquareMetres: cacheBit ?? bitCell ?? 0,
    cacheEfficiencyByBank:
      cacheBit !== undefined && cacheEfficiencyByBank.length > 0
        ? cacheEfficiencyByBank
        : [[CACHE_BANK_BYTES, efficiency !== undefined && efficiency > 0 ? efficiency : 1]],
    components,
    // Without the row's bandwidth no SerDes is priced (the component's area is then 0 as well).
    serdesBandwidthBytesPerSecond: serdesBandwidth > 0 ? serdesBandwidth : Number.POSITIVE_INFINITY,
  };
}

/**
 * Cache area (LLMCompass's cache model): a cache larger than 512 KB is ⌈bytes ÷ 512 KB⌉ whole banks of 512 KB; a
 * smaller one is one bank of its own size (at least 4 KB), at the efficiency of the next power-of-two bank. Each
 * bank is its bits × the cache bit area ÷ the array efficiency of its size (CACTI): tags, ECC, decoders and sense
 * amplifiers included.
 */
export function cacheAreaSquareMetres(bytes: number, tech: AreaTech): number {
  if (!(bytes > 0)) return 0;
  const banks = bytes > CACHE_BANK_BYTES ? Math.ceil(bytes / CACHE_BANK_BYTES) : 1;
  const bankBytes = bytes > CACHE_BANK_BYTES ? CACHE_BANK_BYTES : Math.max(MIN_CACHE_BANK_BYTES, bytes);
  const sizeClass = 2 ** Math.ceil(Math.log2(bankBytes));
  const table = tech.cacheEfficiencyByBank;
  const efficiency = (table.find(([size]) => size >= sizeClass) ?? table[table.length - 1])?.[1] ?? 1;
  return (banks * bankBytes * 8 * tech.cacheBitSquareMetres) / efficiency;
}

/** SRAM area: bits × bit cell ÷ array efficiency (cells plus decoders, sense amplifiers and assists). */
export function sramAreaSquareMetres(bytes: number, tech: AreaTech): number {
  return (bytes * 8 * tech.bitCellSquareMetres) / tech.arrayEfficiency;
}

/** The MAC of each compute class, by the row of area-components that prices it (narrower formats: an upper bound). */
const macRowOf: Record<ComputeClass, string> = {
  fp32: 'mac-fp32',
  tf32: 'mac-fp32',
  bf16: 'mac-bf16',
  fp8: 'mac-fp8',
  fp4: 'mac-fp8',
  int8: 'mac-int8',
  int4: 'mac-int8',
};

function component(tech: AreaTech, id: string): number {
  return tech.components.get(id) ?? 0;
}

/**
 * A compute block's area: the MAC datapath sized for its widest format (a unit shares its multipliers across
 * formats, so it needs at least the largest of MACs × MAC area over its formats), its vector lanes (one FP32
 * multiply-add each), its local buffer, and per core the control and the core's port on the chip's crossbar
 * (LLMCompass). A GPU SM (tensor-cluster) is a SIMT core: its control is four 32-wide processing blocks' warp
 * scheduling and dispatch, plus its multi-ported register file and INT32/FP64 pipes, and its local buffer is an L1
 * cache (LLMCompass's GA100 model); other cores keep LLMCompass's Table II per-core overhead and a scratchpad.
 */
function computeArea(reading: BlockReading, costModel: string, tech: AreaTech): BlockArea {
  const spec = blockModel(costModel)?.compute?.(reading, { relativeMacEnergy: undefined });
  if (!spec) return { areaSquareMetres: 0, basis: 'no compute' };
  let macs = 0;
  for (const [computeClass, row] of Object.entries(macRowOf) as [ComputeClass, string][])
    macs = Math.max(macs, spec.macsPerCycle[computeClass] * component(tech, row));
  const lanes = spec.vectorOpsPerCycle * component(tech, 'mac-fp32');
  const datapath = (macs + lanes) * tech.logicFrom45nm;
  const cores = reading.numberOr('cores', 1);
  const crossbar = cores * component(tech, 'core-crossbar-port') * tech.densityFrom7nm;
  if (costModel === 'tensor-cluster') {
    const buffer = cacheAreaSquareMetres(spec.localBufferBytes, tech);
    const control = cores * component(tech, 'simt-core-control') * tech.densityFrom7nm;
    const registers = cores * component(tech, 'simt-core-register-file') * tech.densityFrom7nm;
    const pipes = cores * component(tech, 'simt-core-int-fp64-pipes') * tech.densityFrom7nm;
    return {
      areaSquareMetres: datapath + buffer + control + registers + pipes + crossbar,
      basis: `register file ${mm2(registers)}, control ${mm2(control)}, MACs and lanes ${mm2(datapath)}, L1 ${mm2(buffer)}, crossbar port ${mm2(crossbar)}, INT32/FP64 ${mm2(pipes)} at ${tech.node}`,
    };
  }
  const buffer = sramAreaSquareMetres(spec.localBufferBytes, tech);
  const control = cores * component(tech, 'core-overhead') * tech.logicFrom7nm;
  return {
    areaSquareMetres: datapath + buffer + control + crossbar,
    basis: `MACs and lanes ${mm2(datapath)}, local buffer ${mm2(buffer)}, control ${mm2(control)}, crossbar port ${mm2(crossbar)} at ${tech.node}`,
  };
}

/** A DRAM's on-die interface: per HBM stack a PHY (not scaled: analog I/O) and a controller; per channel, per bit. */
/** A DRAM block's generation ("hbm3", "lpddr5"); '' for a DRAM kind without one (PIM). */
function generationOf(reading: BlockReading): string {
  return findParam(reading.type, 'generation')?.kind === 'enum' ? reading.choice('generation') : '';
}

function dramInterfaceArea(reading: BlockReading, tech: AreaTech): BlockArea {
  const phy = component(tech, 'hbm-phy');
  const controller = component(tech, 'hbm-controller') * tech.logicFrom7nm;
  const generation = generationOf(reading);
  if (generation.startsWith('hbm')) {
    const stacks = reading.numberOr('stacks', 1);
    return {
      areaSquareMetres: stacks * (phy + controller),
      basis: `${stacks} HBM PHY + controller ${mm2(phy + controller)} each`,
    };
  }
  const bits = reading.numberOr('channels', 1) * DRAM_CHANNEL_BITS;
  return {
    areaSquareMetres: (bits * (phy + controller)) / HBM_INTERFACE_BITS,
    basis: `${bits}-bit ${generation} PHY + controller at the HBM PHY's area per bit`,
  };
}

/**
 * A chip-to-chip link or switch port: per SerDes of the `serdes` row's bandwidth (LLMCompass's I/O: 1 mm² per
 * 50 GB/s, analog, not scaled) a PHY and a link controller (LLMCompass's NVLink4 controller transistors, scaled by
 * transistor density).
 */
function serdesArea(reading: BlockReading, tech: AreaTech): BlockArea {
  const perIoBandwidth = tech.serdesBandwidthBytesPerSecond;
  const bandwidth = reading.numberOr('bandwidthBytesPerSecond', 0);
  const links = bandwidth / perIoBandwidth;
  const phy = links * component(tech, 'serdes');
  const controller = links * component(tech, 'link-controller') * tech.densityFrom7nm;
  return {
    areaSquareMetres: phy + controller,
    basis: `SerDes ${mm2(phy)} and link controllers ${mm2(controller)} for ${gbps(bandwidth)} (per ${Number((perIoBandwidth / 1e9).toPrecision(3))} GB/s: ${Number((component(tech, 'serdes') * 1e6).toPrecision(3))} mm² PHY + one NVLink4-class controller)`,
  };
}

/** The area of one instance of a block at the chip's node; a block that states `areaSquareMetres` keeps it. */
export function blockArea(block: Block, reading: BlockReading, costModel: string, tech: AreaTech): BlockArea {
  const stated = block.params.areaSquareMetres;
  if (typeof stated === 'number') return { areaSquareMetres: stated, basis: 'stated on the block' };
  switch (costModel) {
    case 'tensor-cluster':
    case 'matrix-array':
    case 'vector':
    case 'cpu':
      return computeArea(reading, costModel, tech);
    case 'memory': {
      if (reading.trait('dram')) return dramInterfaceArea(reading, tech);
      const bytes = reading.numberOr('capacityBytes', 0);
      if (reading.type.id === CACHE_TYPE)
        return {
          areaSquareMetres: cacheAreaSquareMetres(bytes, tech),
          basis: `${formatQuantity(bytes, 'bytes')} cache in banks of at most 512 KB: bits × ${Number((tech.cacheBitSquareMetres * 1e12).toPrecision(3))} µm² ÷ the bank's efficiency`,
        };
      return {
        areaSquareMetres: sramAreaSquareMetres(bytes, tech),
        basis: `${formatQuantity(bytes, 'bytes')} SRAM: bits × ${Number((tech.bitCellSquareMetres * 1e12).toPrecision(3))} µm² ÷ ${tech.arrayEfficiency}`,
      };
    }
    case 'fabric':
      return reading.type.id === 'interconnect.chip-link' || reading.type.id === 'interconnect.switch'
        ? serdesArea(reading, tech)
        : { areaSquareMetres: 0, basis: 'on-chip wiring: not modelled (state areaSquareMetres)' };
    case 'weight-decompression':
    case 'kv-compression':
    case 'sparsity': {
      // The unit's own area parameter (its block type's cited estimate unless the design sets one), so the chip's
      // area and the compression report's "adds N mm²" agree; without one, a core of control and its staging SRAM.
      const control = component(tech, 'core-overhead') * tech.logicFrom7nm;
      const buffer = sramAreaSquareMetres(CODEC_BUFFER_BYTES, tech);
      const own = reading.numberOr('areaSquareMetres', Number.NaN);
      return Number.isFinite(own)
        ? { areaSquareMetres: own, basis: 'the unit’s area parameter (its block type’s estimate)' }
        : { areaSquareMetres: control + buffer, basis: 'one core of control and an 8 KB staging SRAM' };
    }
    case 'fpga':
      return {
        areaSquareMetres: reading.numberOr('areaSquareMetres', 0),
        basis: 'the FPGA die as its block type states',
      };
    default:
      return { areaSquareMetres: 0, basis: 'no silicon on the die' };
  }
}

/**
 * `blockArea` per block object and area technology: a function of the block (its type and parameters, which a
 * block object never changes — designs are edited by replacing blocks) and of the node's constants (`areaTech`'s
 * answers are themselves cached per catalog and node, so the same node gives the same object). A sweep point that
 * replaces one block computes that block's area alone; the returned object is shared, so it is never modified.
 */
const blockAreaCache = new WeakMap<Block, { tech: AreaTech; costModel: string; area: Readonly<BlockArea> }>();

function cachedBlockArea(
  block: Block,
  reading: BlockReading,
  costModel: string,
  tech: AreaTech,
): Readonly<BlockArea> {
  const cached = blockAreaCache.get(block);
  if (cached && cached.tech === tech && cached.costModel === costModel && reading.block === block)
    return cached.area;
  const area = blockArea(block, reading, costModel, tech);
  blockAreaCache.set(block, { tech, costModel, area });
  return area;
}

/** Gross dies per wafer (Hennessy & Patterson §1.6): π(d/2)²/A − πd/√(2A), whole dies, never negative. */
export function grossDiesPerWafer(waferDiameterMetres: number, dieAreaSquareMetres: number): number {
  if (dieAreaSquareMetres <= 0) return 0;
  const dies =
    (Math.PI * (waferDiameterMetres / 2) ** 2) / dieAreaSquareMetres -
    (Math.PI * waferDiameterMetres) / Math.sqrt(2 * dieAreaSquareMetres);
  return Math.max(0, Math.floor(dies));
}

/** Negative-binomial die yield (Stapper): (1 + A·D0/α)^−α. */
export function negativeBinomialYield(
  dieAreaSquareMetres: number,
  defectDensityPerSquareMetre: number,
  clusterParameter: number,
): number {
  return (1 + (dieAreaSquareMetres * defectDensityPerSquareMetre) / clusterParameter) ** -clusterParameter;
}

/** Cost of one good die: wafer cost ÷ (gross dies × yield). */
export function costPerGoodDie(waferCostDollars: number, grossDies: number, dieYield: number): number {
  return waferCostDollars / (grossDies * dieYield);
}

interface ChipBlock {
  block: Block;
  reading: BlockReading;
  costModel: string;
  instances: number;
}

/** The blocks of the chip group with their instances on one chip (nested groups multiply). */
function chipBlocks(design: DesignDocument, catalog: CatalogIndex, chipId: string): ChipBlock[] {
  const groupOfBlock = new Map<string, Group>();
  const parent = new Map<string, Group>();
  for (const group of design.groups) {
    for (const id of group.blocks) if (!groupOfBlock.has(id)) groupOfBlock.set(id, group);
    for (const id of group.groups ?? []) if (!parent.has(id)) parent.set(id, group);
  }
  const chipGroup = design.groups.find((group) => group.id === chipId && group.kind === 'chip');
  const result: ChipBlock[] = [];
  for (const block of design.blocks) {
    const type = catalog.blockTypes.get(block.type);
    if (!type) continue;
    let instances = 1;
    let inside = chipGroup === undefined;
    const seen = new Set<string>();
    for (let group = groupOfBlock.get(block.id); group && !seen.has(group.id); group = parent.get(group.id)) {
      seen.add(group.id);
      if (chipGroup && group.id === chipGroup.id) {
        inside = true;
        break;
      }
      if (chipGroup === undefined && group.kind === 'chip') break;
      instances *= group.count;
    }
    if (!inside) continue;
    result.push({ block, reading: readBlock(block, type), costModel: type.costModel, instances });
  }
  return result;
}

function mm2(squareMetres: number): string {
  return `${(squareMetres * 1e6).toPrecision(3)} mm²`;
}

function gbps(bytesPerSecond: number): string {
  return `${(bytesPerSecond / 1e9).toPrecision(3)} GB/s`;
}

/** Whole dollars with thousands separators; below $10 with cents (as `figures/area-cost.ts` shows them). */
function dollars(value: number): string {
  return value < 10 ? `$${value.toFixed(2)}` : `$${Math.round(value).toLocaleString('en-US')}`;
}

/**
 * How many compute units are fabricated per enabled one: the fabrication block's `computeUnitsOnDie` (SMs fused
 * off for yield count for area: GH100 144 for H100's 132) ÷ the compute instances the design enables; 1 when it
 * is unset. A count below the design's is a warning and is ignored.
 */
function onDieFactor(
  blocks: readonly ChipBlock[],
  fab: BlockReading | undefined,
  own: ChipBlock | undefined,
  diagnostics: Diagnostic[],
): number {
  const onDie = fab?.numberOr('computeUnitsOnDie', 0) ?? 0;
  if (!(onDie > 0)) return 1;
  const enabled = blocks
    .filter(({ costModel }) => COMPUTE_COST_MODELS.has(costModel))
    .reduce((sum, { instances }) => sum + instances, 0);
  if (enabled <= 0) return 1;
  if (onDie < enabled) {
    diagnostics.push({
      severity: 'warning',
      code: 'units-on-die-below-design',
      message: `The fabrication block "${own?.block.name ?? FABRICATION_TYPE}" puts ${onDie} compute units on the die, fewer than the ${enabled} the design enables; the design's count is used.`,
      ...(own ? { blockId: own.block.id } : {}),
    });
    return 1;
  }
  return onDie / enabled;
}

/** The design's area and cost sections, and the diagnostics they raise. */
export function areaAndCost(
  design: DesignDocument,
  catalog: CatalogIndex,
  machine: Machine,
  report: Report,
): { area: AreaReport | undefined; cost: CostReport | undefined; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const blocks = chipBlocks(design, catalog, machine.chip.id);
  if (blocks.length === 0) return { area: undefined, cost: undefined, diagnostics };
  const fabricationType = catalog.blockTypes.get(FABRICATION_TYPE);
  const own = blocks.find(({ block }) => block.type === FABRICATION_TYPE);
  const fab =
    own?.reading ??
    (fabricationType
      ? readBlock(
          { id: 'fabrication', type: FABRICATION_TYPE, name: '', params: {}, position: { x: 0, y: 0 } },
          fabricationType,
        )
      : undefined);
  const node = fab?.choice('processNode') ?? REFERENCE_NODE_7NM;
  // A missing table is worth a warning only where the design asks for a node (it has a fabrication block).
  const tech = areaTech(catalog, node, own ? diagnostics : []);

  const perBlock: BlockAreaReport[] = [];
  let dieArea = 0;
  const onDie = onDieFactor(blocks, fab, own, diagnostics);
  for (const { block, reading, costModel, instances: enabled } of blocks) {
    const one = cachedBlockArea(block, reading, costModel, tech);
    const compute = COMPUTE_COST_MODELS.has(costModel) && onDie > 1;
    const instances = compute ? enabled * onDie : enabled;
    const basis = compute
      ? `${one.basis}; ${Number(instances.toPrecision(6))} on the die, ${enabled} enabled`
      : one.basis;
    const total = one.areaSquareMetres * instances;
    if (total <= 0) continue;
    dieArea += total;
    perBlock.push({
      blockId: block.id,
      name: block.name,
      typeId: block.type,
      instances,
      areaSquareMetres: total,
      share: 0,
      basis,
    });
  }
  const statedDie = fab?.numberOr('dieAreaSquareMetres', 0) ?? 0;
  // Nothing on the chip has an area the library can estimate, and no die is stated: no area to report.
  if (perBlock.length === 0 && statedDie <= 0) return { area: undefined, cost: undefined, diagnostics };
  for (const entry of perBlock) entry.share = dieArea > 0 ? entry.areaSquareMetres / dieArea : 0;
  perBlock.sort((a, b) => b.areaSquareMetres - a.areaSquareMetres);

  const costedArea = statedDie > 0 ? statedDie : dieArea;
  const chips = Math.max(1, machine.chip.count);
  const chipPowerWatts = report.decode.averagePowerWatts / chips;
  const area: AreaReport = {
    chipId: machine.chip.id,
    processNode: node,
    dieAreaSquareMetres: dieArea,
    ...(statedDie > 0 ? { statedDieAreaSquareMetres: statedDie } : {}),
    blocks: perBlock,
    powerDensityWattsPerSquareMetre: costedArea > 0 ? chipPowerWatts / costedArea : 0,
    peakPowerDensityWattsPerSquareMetre: costedArea > 0 ? report.decode.peakPowerWatts / costedArea : 0,
  };
  if (costedArea > RETICLE_LIMIT_SQUARE_METRES)
    diagnostics.push({
      severity: 'warning',
      code: 'die-over-reticle',
      message: `The die of chip group "${machine.chip.name}" (${mm2(costedArea)}) is larger than one reticle (858 mm²): it must be stitched or split into chiplets; the cost assumes one die.`,
      ...(own ? { blockId: own.block.id } : {}),
    });
  if (!fab || costedArea <= 0) return { area, cost: undefined, diagnostics };

  const waferDiameter = fab.number('waferDiameterMetres');
  const gross = grossDiesPerWafer(waferDiameter, costedArea);
  if (gross < 1) {
    diagnostics.push({
      severity: 'warning',
      code: 'die-larger-than-wafer',
      message: `The die (${mm2(costedArea)}) does not fit a ${waferDiameter * 1000} mm wafer even once; no cost is reported.`,
      ...(own ? { blockId: own.block.id } : {}),
    });
    return { area, cost: undefined, diagnostics };
  }
  const stated = (key: string, table: string): number => {
    const value = fab.number(key);
    if (value > 0) return value;
    const fromTable = rowValue(catalog.tech.get(table), { node });
    if (fromTable === undefined)
      diagnostics.push({
        severity: 'warning',
        code: 'cost-table-missing',
        message: `The library has no ${table} row for ${node}; set ${key} on the fabrication block.`,
        ...(own ? { blockId: own.block.id } : {}),
      });
    return fromTable ?? 0;
  };
  const waferCost = stated('waferCostDollars', 'wafer-cost');
  const defectDensity = stated('defectDensityPerSquareMetre', 'defect-density');
  const alpha = fab.number('clusterParameter');
  const dieYield = negativeBinomialYield(costedArea, defectDensity, alpha);
  if (!(dieYield > 0)) {
    diagnostics.push({
      severity: 'warning',
      code: 'die-yield-zero',
      message: `No die of ${mm2(costedArea)} at ${defectDensity} defects/m² is expected to work; no cost is reported.`,
      ...(own ? { blockId: own.block.id } : {}),
    });
    return { area, cost: undefined, diagnostics };
  }
  const dieDollars = costPerGoodDie(waferCost, gross, dieYield);

  let memoryDollars = 0;
  let hbmStacks = 0;
  for (const { reading, instances } of blocks) {
    if (!reading.trait('dram')) continue;
    const hbm = generationOf(reading).startsWith('hbm');
    if (hbm) hbmStacks += reading.numberOr('stacks', 1) * instances;
    const perByte = fab.number(hbm ? 'memoryDollarsPerByte' : 'dramDollarsPerByte');
    memoryDollars += reading.numberOr('capacityBytes', 0) * instances * perByte;
  }
  const interposerArea =
    hbmStacks > 0 ? costedArea + hbmStacks * fab.number('hbmStackFootprintSquareMetres') : 0;
  const packageDollars =
    fab.number('packageDollars') + interposerArea * fab.number('interposerDollarsPerSquareMetre');
  const boardDollars = fab.number('boardDollars');
  const chipDollars = dieDollars + memoryDollars + packageDollars + boardDollars;
  const systemDollars = chipDollars * chips;
  const tokensPerSecond = report.decode.tokensPerSecond;
  const dollarsPerTokenPerSecond = tokensPerSecond > 0 ? systemDollars / tokensPerSecond : 0;
  const areaText =
    statedDie > 0 ? `${mm2(statedDie)} (stated; estimated ${mm2(dieArea)})` : `${mm2(dieArea)} (estimated)`;
  const cost: CostReport = {
    waferCostDollars: waferCost,
    defectDensityPerSquareMetre: defectDensity,
    clusterParameter: alpha,
    waferDiameterMetres: waferDiameter,
    grossDiesPerWafer: gross,
    yield: dieYield,
    dieDollars,
    memoryDollars,
    hbmStacks,
    interposerAreaSquareMetres: interposerArea,
    packageDollars,
    boardDollars,
    chipDollars,
    chips,
    systemDollars,
    dollarsPerTokenPerSecond,
    sentence:
      `One ${node} die of ${areaText}: ${gross} per wafer, ${(dieYield * 100).toFixed(0)} % yield, ` +
      `${dollars(dieDollars)} per good die; ${dollars(chipDollars)} per chip with memory, package and board; ` +
      `${dollars(systemDollars)} for ${chips} chip${chips === 1 ? '' : 's'}` +
      (tokensPerSecond > 0 ? `, ${dollars(dollarsPerTokenPerSecond)} per decode token/s.` : '.'),
  };
  return { area, cost, diagnostics };
}

/**
 * What `areaAndCost` gives for a design before any figure of its evaluation enters: the areas, yield and dollars
 * depend on the design alone, so a sweep or a workload edit re-evaluating one design computes them once. Cached per
 * catalog and design object, like the resolve stage (`designStages` in `evaluate.ts`).
 */
const designAreaCache = new WeakMap<CatalogIndex, WeakMap<DesignDocument, ReturnType<typeof areaAndCost>>>();

function designAreaAndCost(
  design: DesignDocument,
  catalog: CatalogIndex,
  machine: Machine,
): ReturnType<typeof areaAndCost> {
  let perCatalog = designAreaCache.get(catalog);
  if (!perCatalog) {
    perCatalog = new WeakMap();
    designAreaCache.set(catalog, perCatalog);
  }
  let cached = perCatalog.get(design);
  if (!cached) {
    // No power and no throughput yet: the power densities and $ per token/s are filled in per evaluation below.
    const idle = { decode: { averagePowerWatts: 0, peakPowerWatts: 0, tokensPerSecond: 0 } } as Report;
    cached = areaAndCost(design, catalog, machine, idle);
    perCatalog.set(design, cached);
  }
  return cached;
}

/** The report's `area` and `cost` keys (absent when there is nothing to estimate), its diagnostics appended. */
export function withAreaAndCost(
  design: DesignDocument,
  catalog: CatalogIndex,
  machine: Machine,
  report: Report,
): Pick<Report, 'area' | 'cost' | 'diagnostics'> {
  const cached = designAreaAndCost(design, catalog, machine);
  // The three figures that follow the evaluation, as `areaAndCost` derives them.
  const costedArea = cached.area
    ? (cached.area.statedDieAreaSquareMetres ?? cached.area.dieAreaSquareMetres)
    : 0;
  const chips = Math.max(1, machine.chip.count);
  const area: AreaReport | undefined = cached.area && {
    ...cached.area,
    powerDensityWattsPerSquareMetre:
      costedArea > 0 ? report.decode.averagePowerWatts / chips / costedArea : 0,
    peakPowerDensityWattsPerSquareMetre: costedArea > 0 ? report.decode.peakPowerWatts / costedArea : 0,
  };
  let cost: CostReport | undefined;
  if (cached.cost) {
    const tokensPerSecond = report.decode.tokensPerSecond;
    const dollarsPerTokenPerSecond = tokensPerSecond > 0 ? cached.cost.systemDollars / tokensPerSecond : 0;
    const head = cached.cost.sentence.replace(/\.$/, '');
    cost = {
      ...cached.cost,
      dollarsPerTokenPerSecond,
      sentence:
        tokensPerSecond > 0
          ? `${head}, ${dollars(dollarsPerTokenPerSecond)} per decode token/s.`
          : `${head}.`,
    };
  }
  return {
    ...(area ? { area } : {}),
    ...(cost ? { cost } : {}),
    diagnostics: [...report.diagnostics, ...cached.diagnostics],
  };
}
