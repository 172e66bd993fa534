/**
 * Stage 2 of the engine, **resolve**: design → `Machine`.
 *
 * - Groups are flattened: a block's multiplicity on its chip is the product of the counts of the groups between
 *   it and its chip group; a chip group's count (times its ancestors') is the number of chips. The workload runs
 *   on the chip group with the most BF16 throughput; the others are reported as unused.
 * - Every block is read through the cost model its type names (`engine/blocks/`): this stage never asks what
 *   kind of block it is, only what the block's model says it computes, stores, carries and draws.
 * - Compute blocks of a chip pool into one unit when they are identical (same type and parameters) and reach the
 *   same memory through their own links; identical memory blocks pool into one level. A compute block with no
 *   link forms no unit (a copy left unlinked adds no compute, only its static power) and is reported. The path
 *   from every unit to every level is found over the chip's data graph (`engine/graph/paths.ts`).
 * - Every modelling problem becomes a diagnostic naming its block or group; nothing throws.
 *
 * The input is a design free of `check` errors.
 */
import type { BlockModel, BlockReading, TechContext } from '../blocks/block-model';
import { readBlock } from '../blocks/block-model';
import { blockModel } from '../blocks/registry';
import type { CatalogIndex } from '../catalog';
import type { Diagnostic } from '../diagnostics';
import { buildDataGraph, perChip, type DataGraph, type GraphNode } from '../graph/data-graph';
import { chipNetwork, memoryPath } from '../graph/paths';
import type { Chip, ChipNetwork, ChipPower, ComputeUnit, Machine, MemoryLevel, MemoryPath } from '../machine';
import type { Block, DesignDocument, Group } from '../schema/design';
import { computeClasses, type ComputeClass } from '../schema/number-format';
import { vfConstants, type VfConstants } from '../vf-curve';
import { chipDomains } from './dvfs-domains';

/** The tech table the engine reads MAC energies of other formats from (relative to BF16). */
export const MAC_ENERGY_TABLE = 'mac-energy-relative';

/** A block with its type read through its cost model. */
interface ModelledBlock {
  reading: BlockReading;
  model: BlockModel;
}

/** The design's blocks and groups, flattened. */
interface Layout {
  blocks: ModelledBlock[];
  groupOfBlock: Map<string, Group>;
  parent: Map<string, Group>;
  /** The chip group around each block, if any. */
  chipOf: Map<string, Group | undefined>;
  chipGroups: Group[];
}

/**
 * `chipGroupId` resolves the design as if the workload ran on that chip group (the heterogeneous placement,
 * `stages/hetero.ts`, costs every operator on every group this way); without it, on the group with the most BF16
 * throughput.
 */
export function resolve(
  design: DesignDocument,
  catalog: CatalogIndex,
  options: { chipGroupId?: string } = {},
): Machine {
  const diagnostics: Diagnostic[] = [];
  const tech = techContext(catalog, diagnostics);
  const layout = layoutOf(design, catalog);
  const forced = layout.chipGroups.find((group) => group.id === options.chipGroupId);
  const chipGroup = forced ?? chooseChip(layout, tech, diagnostics);
  const count = chipGroup ? chipCount(layout, chipGroup) : 1;
  const graph = buildDataGraph(chipNodes(layout, chipGroup), design.links, count);
  const unconnected = unconnectedCompute(graph);
  const units = poolUnits(graph, tech, unconnected);
  const levels = poolLevels(graph);
  for (const index of unconnected) {
    const { block } = (graph.nodes[index] as GraphNode).reading;
    diagnostics.push({
      severity: 'warning',
      code: 'unconnected-compute',
      message: `${block.name} is not linked to anything, so it adds no compute (only its static power). Link it to memory or to a network the memory is on.`,
      blockId: block.id,
    });
  }
  if (units.length === 0)
    diagnostics.push({
      severity: 'error',
      code: 'no-compute',
      message:
        unconnected.size > 0
          ? 'No compute block is linked to anything, so nothing can run the model. Link a compute block to memory.'
          : 'The design has no compute block, so nothing can run the model. Add a compute tile, SM or other compute block.',
    });
  applySparsityEngines(graph, units);
  const paths = units.map(({ unit, members }) =>
    levels.map(({ level, members: levelMembers }, levelIndex) =>
      memoryPath(graph, unit.localBufferBytes, new Set(members), level, new Set(levelMembers), levelIndex),
    ),
  );
  reachDiagnostics(
    units.map(({ unit }) => unit),
    levels.map(({ level }) => level),
    paths,
    diagnostics,
  );
  const blockPower = staticPowerAndArea(graph);
  const chip: Chip = {
    id: chipGroup?.id ?? 'design',
    name: chipGroup?.name ?? design.name,
    count,
    units: units.map(({ unit }) => unit),
    levels: levels.map(({ level }) => level),
    paths,
    power: chipPower(layout, chipGroup, count, blockPower, vfConstants(catalog), diagnostics),
    blockStaticWatts: blockPower.blockStaticWatts,
    areaSquareMetres: blockPower.areaSquareMetres,
  };
  return {
    chip,
    network: count > 1 ? networkOf(graph, count, chipGroup, diagnostics) : undefined,
    systemStaticWatts: blockPower.systemStaticWatts,
    systemBlockStaticWatts: blockPower.systemBlockStaticWatts,
    diagnostics,
  };
}

/**
 * `techContext`'s answer per catalog, with the warning it gave: a function of the library's tables alone. One
 * object per catalog also lets a block's compute spec be cached by it (`computeSpecOf`).
 */
const techCache = new WeakMap<CatalogIndex, { tech: TechContext; warnings: Diagnostic[] }>();

function techContext(catalog: CatalogIndex, diagnostics: Diagnostic[]): TechContext {
  let entry = techCache.get(catalog);
  if (!entry) {
    const warnings: Diagnostic[] = [];
    entry = { tech: readTechContext(catalog, warnings), warnings };
    techCache.set(catalog, entry);
  }
  for (const warning of entry.warnings) diagnostics.push({ ...warning });
  return entry.tech;
}

function readTechContext(catalog: CatalogIndex, diagnostics: Diagnostic[]): TechContext {
  const table = catalog.tech.get(MAC_ENERGY_TABLE);
  if (!table) {
    diagnostics.push({
      severity: 'warning',
      code: 'missing-tech-table',
      message: `The library has no "${MAC_ENERGY_TABLE}" table; every format's MAC energy is taken as BF16's.`,
    });
    return { relativeMacEnergy: undefined };
  }
  const ratios = {} as Record<ComputeClass, number>;
  for (const computeClass of computeClasses) {
    const row = table.rows.find((candidate) => candidate.conditions.class === computeClass);
    ratios[computeClass] = row ? row.value : 1;
  }
  return { relativeMacEnergy: ratios };
}

/**
 * A block read through its type's cost model, per block object and catalog: a block object never changes (designs
 * are edited by replacing blocks, and a sweep point replaces only the blocks it sets), so a point that changes one
 * block reads the others once for the whole sweep. The reading and the spec cached on it are shared between the
 * machines of those designs and never modified.
 */
const modelledCache = new WeakMap<Block, { catalog: CatalogIndex; modelled: ModelledBlock | undefined }>();

function modelledBlock(block: Block, catalog: CatalogIndex): ModelledBlock | undefined {
  const cached = modelledCache.get(block);
  if (cached && cached.catalog === catalog) return cached.modelled;
  const type = catalog.blockTypes.get(block.type);
  const model = type && blockModel(type.costModel);
  const modelled = type && model ? { reading: readBlock(block, type), model } : undefined;
  modelledCache.set(block, { catalog, modelled });
  return modelled;
}

type ComputeSpec = ReturnType<NonNullable<BlockModel['compute']>> | undefined;

/** Compute specs per reading (cached per block object above) and tech context (cached per catalog). */
const computeSpecCache = new WeakMap<BlockReading, { tech: TechContext; spec: ComputeSpec }>();

/** A block's compute spec: a pure function of its reading and the tech context, computed once per pair. */
function computeSpecOf(reading: BlockReading, model: BlockModel, tech: TechContext): ComputeSpec {
  const cached = computeSpecCache.get(reading);
  if (cached && cached.tech === tech) return cached.spec;
  const spec = model.compute?.(reading, tech);
  computeSpecCache.set(reading, { tech, spec });
  return spec;
}

/**
 * The group structure of a design (which group holds each block, each group's parent, the chip group around a block
 * id), per groups array: a function of the groups alone, which a design edited by replacing blocks (a sweep point
 * that changes a block or link parameter) shares with the design it came from. Never modified once built.
 */
interface GroupStructure {
  groupOfBlock: Map<string, Group>;
  parent: Map<string, Group>;
  /** The chip group around a block id, filled in as blocks are asked about. */
  chipOfId: Map<string, Group | undefined>;
}

const groupStructures = new WeakMap<readonly Group[], GroupStructure>();

function groupStructure(groups: readonly Group[]): GroupStructure {
  let structure = groupStructures.get(groups);
  if (structure) return structure;
  const byId = new Map(groups.map((group) => [group.id, group]));
  const groupOfBlock = new Map<string, Group>();
  const parent = new Map<string, Group>();
  for (const group of groups) {
    for (const blockId of group.blocks) if (!groupOfBlock.has(blockId)) groupOfBlock.set(blockId, group);
    for (const childId of group.groups ?? []) {
      const child = byId.get(childId);
      if (child && !parent.has(child.id)) parent.set(child.id, group);
    }
  }
  structure = { groupOfBlock, parent, chipOfId: new Map() };
  groupStructures.set(groups, structure);
  return structure;
}

function layoutOf(design: DesignDocument, catalog: CatalogIndex): Layout {
  const { groupOfBlock, parent, chipOfId } = groupStructure(design.groups);
  const blocks = design.blocks.flatMap((block): ModelledBlock[] => {
    const modelled = modelledBlock(block, catalog);
    return modelled ? [modelled] : [];
  });
  const layout: Layout = { blocks, groupOfBlock, parent, chipOf: new Map(), chipGroups: [] };
  for (const { reading } of blocks) {
    const id = reading.block.id;
    let chip = chipOfId.get(id);
    if (chip === undefined && !chipOfId.has(id)) {
      chip = ancestors(layout, reading.block).find((group) => group.kind === 'chip');
      chipOfId.set(id, chip);
    }
    layout.chipOf.set(id, chip);
  }
  layout.chipGroups = [
    ...new Set([...layout.chipOf.values()].filter((group): group is Group => group !== undefined)),
  ];
  return layout;
}

/** The groups around a block, innermost first (cycle-safe). */
function ancestors(layout: Layout, block: Block): Group[] {
  const first = layout.groupOfBlock.get(block.id);
  return first ? [first, ...groupAncestors(layout, first)] : [];
}

/** The groups around a group, innermost first (cycle-safe). */
function groupAncestors(layout: Layout, group: Group): Group[] {
  const chain: Group[] = [];
  const seen = new Set<string>([group.id]);
  for (let parent = layout.parent.get(group.id); parent && !seen.has(parent.id);) {
    chain.push(parent);
    seen.add(parent.id);
    parent = layout.parent.get(parent.id);
  }
  return chain;
}

const product = (groups: Group[]): number => groups.reduce((total, group) => total * group.count, 1);

function chipCount(layout: Layout, group: Group): number {
  return group.count * product(groupAncestors(layout, group));
}

/** Instances of a block on one chip: the counts of the groups between it and the chip group. */
function multiplicityOnChip(layout: Layout, block: Block, chip: Group | undefined): number {
  let total = 1;
  for (const group of ancestors(layout, block)) {
    if (chip && group.id === chip.id) break;
    total *= group.count;
  }
  return total;
}

/** A chip group that hosts compute, with its chips' BF16 MAC throughput. */
export interface ComputeChipGroup {
  id: string;
  name: string;
  /** Chips in the group (its count times its ancestors'). */
  chips: number;
  /** BF16 multiply-accumulates per second of one chip. */
  peakBf16MacsPerSecond: number;
}

/** The chip groups whose compute can host the workload, the most BF16 throughput first (the primary group). */
export function computeChipGroups(design: DesignDocument, catalog: CatalogIndex): ComputeChipGroup[] {
  const layout = layoutOf(design, catalog);
  const tech = techContext(catalog, []);
  return rankedChips(layout, tech)
    .filter(({ peak }) => peak > 0)
    .map(({ group, peak }) => ({
      id: group.id,
      name: group.name,
      chips: chipCount(layout, group),
      peakBf16MacsPerSecond: peak,
    }));
}

function rankedChips(layout: Layout, tech: TechContext): { group: Group; peak: number }[] {
  const peakOf = (group: Group): number =>
    layout.blocks
      .filter(({ reading, model }) => layout.chipOf.get(reading.block.id) === group && model.hostsWorkload)
      .reduce((sum, { reading, model }) => {
        const spec = computeSpecOf(reading, model, tech);
        if (!spec) return sum;
        return (
          sum + spec.macsPerCycle.bf16 * spec.clockHertz * multiplicityOnChip(layout, reading.block, group)
        );
      }, 0);
  return layout.chipGroups.map((group) => ({ group, peak: peakOf(group) })).sort((a, b) => b.peak - a.peak);
}

/** The chip group the workload runs on: the one with the most BF16 MAC throughput. */
function chooseChip(layout: Layout, tech: TechContext, diagnostics: Diagnostic[]): Group | undefined {
  if (layout.chipGroups.length === 0) return undefined;
  const ranked = rankedChips(layout, tech);
  const chosen = ranked[0]?.group;
  for (const other of ranked.slice(1)) {
    if (other.peak > 0)
      diagnostics.push({
        severity: 'warning',
        code: 'unused-chip-group',
        message: `The model runs on chip group "${chosen?.name ?? ''}"; the compute of chip group "${other.group.name}" is not used by the headline figures, which are for "${chosen?.name ?? ''}" alone; the placement (the report's heterogeneous section) runs operators across the groups.`,
        groupId: other.group.id,
      });
  }
  return chosen;
}

/** The nodes of the chip's data graph: its own blocks, plus system blocks outside every chip. */
function chipNodes(layout: Layout, chipGroup: Group | undefined): GraphNode[] {
  const nodes: GraphNode[] = [];
  for (const { reading, model } of layout.blocks) {
    const chip = layout.chipOf.get(reading.block.id);
    const system = chip === undefined && chipGroup !== undefined;
    if ((chip !== chipGroup && !system) || model.power) continue;
    nodes.push({
      reading,
      model,
      multiplicity: system
        ? product(ancestors(layout, reading.block))
        : multiplicityOnChip(layout, reading.block, chipGroup),
      system,
    });
  }
  return nodes;
}

/**
 * The pool key of each block object: a function of its type and parameters alone, which a block object never
 * changes (designs are edited by replacing blocks), so a sweep that changes one block keys the others once.
 */
const poolKeys = new WeakMap<Block, string>();

/** Identical blocks (same type and parameters) pool; the key says which. */
function poolKey(block: Block): string {
  let key = poolKeys.get(block);
  if (key === undefined) {
    const params = Object.entries(block.params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    key = `${block.type}|${JSON.stringify(params)}`;
    poolKeys.set(block, key);
  }
  return key;
}

function pools(
  graph: DataGraph,
  belongs: (node: GraphNode, index: number) => boolean,
  key: (node: GraphNode, index: number) => string,
) {
  const grouped = new Map<string, number[]>();
  graph.nodes.forEach((node, index) => {
    if (!belongs(node, index)) return;
    const nodeKey = key(node, index);
    const pool = grouped.get(nodeKey);
    if (pool) pool.push(index);
    else grouped.set(nodeKey, [index]);
  });
  return [...grouped.values()];
}

/**
 * The chip's compute blocks with no link at all and no memory of their own (a host or a processing-in-memory block
 * computes on its own memory): they form no unit.
 */
function unconnectedCompute(graph: DataGraph): Set<number> {
  const unconnected = new Set<number>();
  graph.nodes.forEach((node, index) => {
    if (
      node.model.compute !== undefined &&
      node.model.memory === undefined &&
      !node.system &&
      (graph.adjacency[index]?.length ?? 0) === 0
    )
      unconnected.add(index);
  });
  return unconnected;
}

/** The memory pool key of a memory node (see `poolLevels`). */
function levelKey(node: GraphNode): string {
  return `${node.system ? 'system' : 'chip'}|${poolKey(node.reading.block)}`;
}

/**
 * The memory levels a compute block reaches through its own links (crossing only blocks data can cross), as the
 * sorted keys of the levels' pools: two identical blocks with the same reach pool into one unit, a copy wired
 * differently does not.
 */
function memoryReach(graph: DataGraph, start: number): string {
  const seen = new Set<number>([start]);
  const queue = [start];
  const reached = new Set<string>();
  for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
    const node = graph.nodes[at] as GraphNode;
    if (node.model.memory !== undefined) reached.add(levelKey(node));
    if (at !== start && !node.model.crossable) continue;
    for (const { other } of graph.adjacency[at] ?? []) {
      if (seen.has(other)) continue;
      seen.add(other);
      queue.push(other);
    }
  }
  return JSON.stringify([...reached].sort());
}

/** Compute blocks of the chip that are identical and reach the same memory, pooled into units. */
function poolUnits(
  graph: DataGraph,
  tech: TechContext,
  unconnected: ReadonlySet<number>,
): { unit: ComputeUnit; members: number[] }[] {
  const memberPools = pools(
    graph,
    (node, index) => node.model.compute !== undefined && !node.system && !unconnected.has(index),
    (node, index) => `${poolKey(node.reading.block)}|${memoryReach(graph, index)}`,
  );
  return memberPools.map((members) => {
    const nodes = members.map((index) => graph.nodes[index] as GraphNode);
    const first = nodes[0] as GraphNode;
    const spec = computeSpecOf(first.reading, first.model, tech);
    if (!spec) throw new Error('unreachable: a pooled compute block has a compute model');
    // Every field written out: a spread that then adds fields takes V8's slow path (this runs on each design edit).
    const unit: ComputeUnit = {
      id: first.reading.block.id,
      blockIds: nodes.map((node) => node.reading.block.id),
      name:
        nodes.length > 1 ? `${first.reading.block.name} (+${nodes.length - 1})` : first.reading.block.name,
      typeId: first.reading.type.id,
      costModel: spec.costModel,
      instances: nodes.reduce((sum, node) => sum + node.multiplicity, 0),
      clockHertz: spec.clockHertz,
      macsPerCycle: spec.macsPerCycle,
      vectorOpsPerCycle: spec.vectorOpsPerCycle,
      geometry: spec.geometry,
      computeEfficiency: spec.computeEfficiency,
      lowPrecisionEfficiencyScale: spec.lowPrecisionEfficiencyScale,
      dispatchOverheadSeconds: spec.dispatchOverheadSeconds,
      energyJoulesPerMac: spec.energyJoulesPerMac,
      energyJoulesPerVectorOp: spec.energyJoulesPerVectorOp,
      localBufferBytes: spec.localBufferBytes,
      sparsitySpeedup: 1,
      reconfigurationSeconds: spec.reconfigurationSeconds,
    };
    return { unit, members };
  });
}

/** Identical memory blocks of the chip (and, apart, of the system), pooled into levels. */
function poolLevels(graph: DataGraph): { level: MemoryLevel; members: number[] }[] {
  const memberPools = pools(graph, (node) => node.model.memory !== undefined, levelKey);
  return memberPools.map((members) => {
    const nodes = members.map((index) => graph.nodes[index] as GraphNode);
    const first = nodes[0] as GraphNode;
    const specs = nodes.map((node) => {
      const spec = node.model.memory?.(node.reading);
      if (!spec) throw new Error('unreachable: a pooled memory block has a memory model');
      return { spec, share: perChip(node, graph.chipCount) };
    });
    const { spec } = specs[0] as (typeof specs)[number];
    const level: MemoryLevel = {
      id: first.reading.block.id,
      blockIds: nodes.map((node) => node.reading.block.id),
      name: spec.name,
      typeId: first.reading.type.id,
      usage: spec.usage,
      capacityBytes: specs.reduce((sum, entry) => sum + entry.spec.capacityBytes * entry.share, 0),
      capacityBytesPerInstance: spec.capacityBytes,
      bandwidthBytesPerSecond: specs.reduce(
        (sum, entry) => sum + entry.spec.bandwidthBytesPerSecond * entry.share,
        0,
      ),
      achievableBandwidthFraction: spec.achievableBandwidthFraction,
      latencySeconds: spec.latencySeconds,
      energyJoulesPerBit: spec.energyJoulesPerBit,
      dram: spec.dram,
      shared: first.system,
    };
    return { level, members };
  });
}

/** Sparsity engines linked straight to a compute block speed up that unit's sparse GEMMs of their pattern. */
function applySparsityEngines(graph: DataGraph, units: { unit: ComputeUnit; members: number[] }[]): void {
  for (const { unit, members } of units) {
    for (const member of members) {
      for (const { other } of graph.adjacency[member] ?? []) {
        const neighbour = graph.nodes[other] as GraphNode;
        const speedup = neighbour.model.sparsitySpeedup?.(neighbour.reading);
        if (speedup === undefined || speedup < unit.sparsitySpeedup) continue;
        unit.sparsitySpeedup = speedup;
        unit.sparsityPattern = neighbour.model.sparsityPattern?.(neighbour.reading);
      }
    }
  }
}

/** Memory that no compute reaches, and compute that reaches no storage. */
function reachDiagnostics(
  units: readonly ComputeUnit[],
  levels: readonly MemoryLevel[],
  paths: (MemoryPath | undefined)[][],
  diagnostics: Diagnostic[],
): void {
  levels.forEach((level, levelIndex) => {
    if (level.shared || paths.some((row) => row[levelIndex] !== undefined)) return;
    diagnostics.push({
      severity: 'warning',
      code: 'unconnected-memory',
      message: `${level.name} is not connected to any compute block, so nothing can use it. Link it to a compute block or to a network the compute is on.`,
      blockId: level.id,
    });
  });
  units.forEach((unit, unitIndex) => {
    const reachesStorage = levels.some(
      (level, levelIndex) => level.usage === 'storage' && paths[unitIndex]?.[levelIndex] !== undefined,
    );
    if (!reachesStorage)
      diagnostics.push({
        severity: 'error',
        code: 'unit-without-memory',
        message: `${unit.name} reaches no memory that can hold weights. Link it to an SRAM, HBM or DRAM block (directly or through a network).`,
        blockId: unit.id,
      });
  });
}

interface BlockPower {
  blockStaticWatts: Record<string, number>;
  systemBlockStaticWatts: Record<string, number>;
  /** Static power of one chip: leakage that follows the core voltage, and power that does not (DRAM). */
  staticScaledWatts: number;
  staticFixedWatts: number;
  systemStaticWatts: number;
  areaSquareMetres: number;
}

function staticPowerAndArea(graph: DataGraph): BlockPower {
  const power: BlockPower = {
    blockStaticWatts: {},
    systemBlockStaticWatts: {},
    staticScaledWatts: 0,
    staticFixedWatts: 0,
    systemStaticWatts: 0,
    areaSquareMetres: 0,
  };
  for (const node of graph.nodes) {
    const { watts: one, scalesWithVoltage } = node.model.staticPower(node.reading);
    const watts = one * node.multiplicity;
    const id = node.reading.block.id;
    if (node.system) {
      power.systemBlockStaticWatts[id] = watts;
      power.systemStaticWatts += watts;
      continue;
    }
    power.blockStaticWatts[id] = watts;
    if (scalesWithVoltage) power.staticScaledWatts += watts;
    else power.staticFixedWatts += watts;
    power.areaSquareMetres += node.model.areaSquareMetres(node.reading) * node.multiplicity;
  }
  return power;
}

/** The chip's voltage/frequency domain and cap; a cap outside every chip is shared by the chips. */
function chipPower(
  layout: Layout,
  chipGroup: Group | undefined,
  count: number,
  blockPower: BlockPower,
  vf: VfConstants | undefined,
  diagnostics: Diagnostic[],
): ChipPower {
  const inChip = layout.blocks.filter(
    ({ reading }) => !chipGroup || layout.chipOf.get(reading.block.id) === chipGroup,
  );
  const { domains, dvfs } = chipDomains(
    inChip.filter(({ model }) => model.power === 'domain'),
    diagnostics,
  );
  const caps = inChip.filter(({ model }) => model.power === 'cap');
  const domain = domains[0];
  const spec = domain?.model.domain?.(domain.reading);
  const systemCaps = chipGroup
    ? layout.blocks.filter(
        ({ reading, model }) => model.power === 'cap' && layout.chipOf.get(reading.block.id) === undefined,
      )
    : [];
  // Each cap as watts per chip (a system cap is shared by the chips); the smallest enforced one throttles, the
  // smallest of those with enforcement off is only reported.
  const perChipCaps = [
    ...caps.map((cap) => ({ cap, share: 1 })),
    ...systemCaps.map((cap) => ({ cap, share: 1 / count })),
  ].map(({ cap: { reading, model }, share }) => ({
    blockId: reading.block.id,
    watts: (model.capWatts?.(reading) ?? Infinity) * share,
    enforced: model.capEnforced?.(reading) ?? true,
  }));
  const smallest = (enforced: boolean) =>
    perChipCaps
      .filter((cap) => cap.enforced === enforced)
      .reduce<(typeof perChipCaps)[number] | undefined>(
        (best, cap) => (best === undefined || cap.watts < best.watts ? cap : best),
        undefined,
      );
  const enforcedCap = smallest(true);
  const advisoryCap = smallest(false);
  return {
    operatingPoints: spec?.operatingPoints ?? [],
    policy: spec?.policy ?? 'fixed',
    domainBlockId: domain?.reading.block.id,
    capWatts: enforcedCap?.watts,
    capBlockId: enforcedCap?.blockId,
    advisoryCapWatts: advisoryCap?.watts,
    advisoryCapBlockId: advisoryCap?.blockId,
    vf,
    staticScaledWatts: blockPower.staticScaledWatts,
    staticFixedWatts: blockPower.staticFixedWatts,
    ...(dvfs ? { dvfs } : {}),
  };
}

function networkOf(
  graph: DataGraph,
  count: number,
  chipGroup: Group | undefined,
  diagnostics: Diagnostic[],
): ChipNetwork | undefined {
  const result = chipNetwork(graph);
  if (result.ok) return result.network;
  diagnostics.push({
    severity: 'warning',
    code: 'no-chip-network',
    message:
      result.reason === 'no-fabric'
        ? `The ${count} chips are not linked to each other through a switch or link outside the chip group, so they cannot share a model (only data-parallel replicas run).`
        : 'The chips have no bounded path to each other, so collectives cannot be costed; link them through a chip-to-chip link.',
    groupId: chipGroup?.id,
  });
  return undefined;
}
