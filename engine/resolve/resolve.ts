/**
 * Stage 1 of the engine, resolve: design → machine.
 *
 * - Groups are flattened: a block's multiplicity on its chip is the product of the counts of the groups
 *   between it and its chip group; a chip group's count (times its ancestors') is the number of chips.
 * - Identical compute blocks of a chip (same type and parameters) are pooled into one unit; identical memory
 *   blocks into one level.
 * - The bandwidth from a unit to a level is a maximum flow over the design's graph (blocks are nodes with their
 *   bandwidth as capacity, links are edges with theirs): the narrowest element bounds a path, parallel paths
 *   add, a shared element divides its bandwidth. Latency and energy per bit follow the lowest-latency path.
 * - Compression units met on that path multiply the effective bandwidth of the tensor class they handle.
 * - Every modelling problem becomes a diagnostic naming its block; nothing throws.
 */
import { enumParam, numberParam, type CatalogIndex } from '../catalog';
import type { Diagnostic } from '../diagnostics';
import type { BlockType, TableRow } from '../schema/block-type';
import type { Block, DesignDocument, Group } from '../schema/design';
import { computeClasses, type ComputeClass } from '../schema/number-format';
import { MinHeap } from './min-heap';
import type {
  Chip,
  ChipNetwork,
  ChipPower,
  ComputeUnit,
  Machine,
  MemoryLevel,
  MemoryPath,
  OperatingPoint,
  PathCompression,
  UnitGeometry,
} from '../machine';
import { FlowNetwork } from './max-flow';

/** The tech table the engine reads MAC energies of other formats from (relative to BF16). */
export const MAC_ENERGY_TABLE = 'mac-energy-relative';

interface Node {
  block: Block;
  type: BlockType;
  /** Instances of the block per chip (for system blocks: in the whole system). */
  multiplicity: number;
  /** Outside every chip group: shared by all chips. */
  system: boolean;
}

const computeModels = new Set(['matrix-array', 'tensor-cluster', 'vector', 'cpu', 'fpga', 'host']);
const memoryModels = new Set(['memory', 'host']);
const traversable = new Set(['memory', 'fabric', 'weight-decompression', 'kv-compression', 'sparsity']);

/** What the resolve stage needs to know about groups. */
interface GroupTree {
  groupOfBlock: Map<string, Group>;
  parent: Map<string, Group>;
}

function groupTree(design: DesignDocument): GroupTree {
  const byId = new Map(design.groups.map((group) => [group.id, group]));
  const groupOfBlock = new Map<string, Group>();
  const parent = new Map<string, Group>();
  for (const group of design.groups) {
    for (const blockId of group.blocks) if (!groupOfBlock.has(blockId)) groupOfBlock.set(blockId, group);
    for (const childId of group.groups ?? []) {
      const child = byId.get(childId);
      if (child && !parent.has(child.id)) parent.set(child.id, group);
    }
  }
  return { groupOfBlock, parent };
}

/** The groups around a block, innermost first (cycle-safe). */
function ancestors(tree: GroupTree, blockId: string): Group[] {
  const chain: Group[] = [];
  const seen = new Set<string>();
  let group = tree.groupOfBlock.get(blockId);
  while (group && !seen.has(group.id)) {
    chain.push(group);
    seen.add(group.id);
    group = tree.parent.get(group.id);
  }
  return chain;
}

function groupAncestors(tree: GroupTree, group: Group): Group[] {
  const chain: Group[] = [];
  const seen = new Set<string>([group.id]);
  let parent = tree.parent.get(group.id);
  while (parent && !seen.has(parent.id)) {
    chain.push(parent);
    seen.add(parent.id);
    parent = tree.parent.get(parent.id);
  }
  return chain;
}

const product = (groups: Group[]): number => groups.reduce((total, group) => total * group.count, 1);

function rate(type: BlockType, params: Block['params'], key: string): number {
  return type.params.some((param) => param.key === key) ? numberParam(type, params, key) : 0;
}

function optional(type: BlockType, params: Block['params'], key: string, fallback: number): number {
  return type.params.some((param) => param.key === key) ? numberParam(type, params, key) : fallback;
}

function relativeMacEnergy(catalog: CatalogIndex): Record<ComputeClass, number> | undefined {
  const table = catalog.tech.get(MAC_ENERGY_TABLE);
  if (!table) return undefined;
  const ratios = {} as Record<ComputeClass, number>;
  for (const computeClass of computeClasses) {
    const row = table.rows.find((candidate) => candidate.conditions.class === computeClass);
    ratios[computeClass] = row ? row.value : 1;
  }
  return ratios;
}

/** Reads one compute block into a unit (one instance; the pool multiplies). */
function computeUnit(node: Node, relative: Record<ComputeClass, number> | undefined): ComputeUnit {
  const { block, type } = node;
  const p = block.params;
  let bf16: number;
  let geometry: UnitGeometry = { kind: 'simd' };
  let vector = optional(type, p, 'vectorOpsPerCycle', 1);
  switch (type.costModel) {
    case 'matrix-array':
      bf16 = numberParam(type, p, 'rows') * numberParam(type, p, 'cols');
      geometry = { kind: 'array', rows: numberParam(type, p, 'rows'), cols: numberParam(type, p, 'cols') };
      break;
    case 'tensor-cluster':
      bf16 = numberParam(type, p, 'bf16MacsPerCycle');
      geometry = {
        kind: 'tiles',
        tileM: numberParam(type, p, 'tileM'),
        tileN: numberParam(type, p, 'tileN'),
        minTileM: numberParam(type, p, 'minTileM'),
      };
      break;
    case 'vector':
      bf16 = numberParam(type, p, 'lanes');
      break;
    case 'cpu':
    case 'host':
      bf16 = numberParam(type, p, 'cores') * numberParam(type, p, 'bf16MacsPerCyclePerCore');
      break;
    case 'fpga':
      bf16 = numberParam(type, p, 'dspSlices') * numberParam(type, p, 'bf16MacsPerDspPerCycle');
      break;
    default:
      bf16 = 0;
  }
  if (type.costModel === 'host') vector = numberParam(type, p, 'vectorOpsPerCycle');
  const macsPerCycle = {} as Record<ComputeClass, number>;
  const energy = {} as Record<ComputeClass, number>;
  const macEnergy = numberParam(type, p, 'energyJoulesPerMacBf16');
  for (const computeClass of computeClasses) {
    const multiplier = computeClass === 'bf16' ? 1 : rate(type, p, `${computeClass}Rate`);
    macsPerCycle[computeClass] =
      type.costModel === 'host' && computeClass === 'fp32' ? bf16 * 0.5 : bf16 * multiplier;
    energy[computeClass] = macEnergy * (relative?.[computeClass] ?? 1);
  }
  const perPhase = type.costModel === 'fpga' && enumParam(type, p, 'bitstreamPolicy') === 'per-phase';
  return {
    id: block.id,
    blockIds: [block.id],
    name: block.name,
    typeId: type.id,
    instances: node.multiplicity,
    clockHertz: numberParam(type, p, 'clockHertz'),
    macsPerCycle,
    vectorOpsPerCycle: vector,
    geometry,
    computeEfficiency: numberParam(type, p, 'computeEfficiency'),
    lowPrecisionEfficiencyScale: optional(type, p, 'lowPrecisionEfficiencyScale', 1),
    dispatchOverheadSeconds: numberParam(type, p, 'dispatchOverheadSeconds'),
    energyJoulesPerMac: energy,
    energyJoulesPerVectorOp: numberParam(type, p, 'energyJoulesPerVectorOp'),
    localBufferBytes: optional(type, p, 'localBufferBytes', 0),
    sparsitySpeedup: 1,
    reconfigurationSeconds: perPhase ? numberParam(type, p, 'reconfigurationSeconds') : 0,
  };
}

/** Bandwidth a node offers traffic crossing it or ending in it, for one chip. */
function nodeBandwidth(node: Node, chipCount: number): number {
  const { block, type } = node;
  const p = block.params;
  const share = node.system ? node.multiplicity / chipCount : node.multiplicity;
  switch (type.costModel) {
    case 'memory':
    case 'fabric':
      return (
        numberParam(type, p, 'bandwidthBytesPerSecond') *
        numberParam(type, p, 'achievableBandwidthFraction') *
        share
      );
    case 'weight-decompression':
    case 'kv-compression':
    case 'sparsity':
      return numberParam(type, p, 'throughputBytesPerSecond') * share;
    case 'host':
      return numberParam(type, p, 'dramBandwidthBytesPerSecond') * 0.85 * share;
    default:
      return Infinity;
  }
}

function nodeLatency(node: Node): number {
  return node.type.params.some((param) => param.key === 'latencySeconds')
    ? numberParam(node.type, node.block.params, 'latencySeconds')
    : 0;
}

function nodeEnergyPerBit(node: Node): number {
  const { type, block } = node;
  if (type.costModel === 'host') return numberParam(type, block.params, 'dramEnergyJoulesPerBit');
  return type.params.some((param) => param.key === 'energyJoulesPerBit')
    ? numberParam(type, block.params, 'energyJoulesPerBit')
    : 0;
}

function staticWatts(node: Node): number {
  return optional(node.type, node.block.params, 'staticPowerWatts', 0) * node.multiplicity;
}

function memoryLevel(node: Node, chipCount: number): MemoryLevel {
  const { block, type } = node;
  const p = block.params;
  const isHost = type.costModel === 'host';
  const perInstance = isHost
    ? numberParam(type, p, 'dramCapacityBytes')
    : numberParam(type, p, 'capacityBytes');
  const share = node.system ? node.multiplicity / chipCount : node.multiplicity;
  const fraction = isHost ? 0.85 : numberParam(type, p, 'achievableBandwidthFraction');
  const peak = isHost
    ? numberParam(type, p, 'dramBandwidthBytesPerSecond')
    : numberParam(type, p, 'bandwidthBytesPerSecond');
  return {
    id: block.id,
    blockIds: [block.id],
    name: isHost ? `${block.name} DRAM` : block.name,
    typeId: type.id,
    usage: isHost ? 'storage' : (enumParam(type, p, 'usage') as MemoryLevel['usage']),
    capacityBytes: perInstance * share,
    capacityBytesPerInstance: perInstance,
    bandwidthBytesPerSecond: peak * share,
    achievableBandwidthFraction: fraction,
    latencySeconds: isHost ? 1e-7 : numberParam(type, p, 'latencySeconds'),
    energyJoulesPerBit: nodeEnergyPerBit(node),
    dram: isHost || (type.traits ?? []).includes('dram'),
    shared: node.system,
  };
}

function paramsKey(block: Block): string {
  return `${block.type}|${JSON.stringify(Object.entries(block.params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`;
}

function operatingPoints(rows: TableRow[]): OperatingPoint[] {
  return rows
    .map((row) => ({
      name: typeof row.name === 'string' ? row.name : 'point',
      clockHertz: typeof row.clockHertz === 'number' ? row.clockHertz : 0,
      voltageVolts: typeof row.voltageVolts === 'number' ? row.voltageVolts : 0,
      memoryBandwidthScale: typeof row.memoryBandwidthScale === 'number' ? row.memoryBandwidthScale : 1,
      capWatts: typeof row.capWatts === 'number' ? row.capWatts : 0,
    }))
    .filter((point) => point.clockHertz > 0 && point.voltageVolts > 0)
    .sort((a, b) => b.clockHertz - a.clockHertz);
}

/** Resolves a design (already free of `checkDesign` errors) into a machine. */
export function resolve(design: DesignDocument, catalog: CatalogIndex): Machine {
  const diagnostics: Diagnostic[] = [];
  const tree = groupTree(design);
  const typed = design.blocks.flatMap((block) => {
    const type = catalog.blockTypes.get(block.type);
    return type ? [{ block, type }] : [];
  });

  // Chips: every chip group, or the whole design when there is none.
  const chipOf = new Map<string, Group | undefined>();
  for (const { block } of typed)
    chipOf.set(
      block.id,
      ancestors(tree, block.id).find((group) => group.kind === 'chip'),
    );
  const chipGroups = [
    ...new Set([...chipOf.values()].filter((group): group is Group => group !== undefined)),
  ];
  const chipCount = (group: Group): number => group.count * product(groupAncestors(tree, group));
  const relative = relativeMacEnergy(catalog);
  if (!relative)
    diagnostics.push({
      severity: 'warning',
      code: 'missing-tech-table',
      message: `The library has no "${MAC_ENERGY_TABLE}" table; every format's MAC energy is taken as BF16's.`,
    });

  const multiplicityOnChip = (blockId: string, chip: Group | undefined): number => {
    let total = 1;
    for (const group of ancestors(tree, blockId)) {
      if (chip && group.id === chip.id) break;
      total *= group.count;
    }
    return total;
  };

  // Pick the chip the workload runs on: the chip group with the most BF16 MAC throughput.
  const peakOf = (group: Group | undefined): number =>
    typed
      .filter(
        ({ block, type }) =>
          chipOf.get(block.id) === group && computeModels.has(type.costModel) && type.costModel !== 'host',
      )
      .reduce((sum, { block, type }) => {
        const unit = computeUnit(
          { block, type, multiplicity: multiplicityOnChip(block.id, group), system: false },
          relative,
        );
        return sum + unit.macsPerCycle.bf16 * unit.clockHertz * unit.instances;
      }, 0);
  let chipGroup: Group | undefined;
  if (chipGroups.length > 0) {
    const ranked = chipGroups
      .map((group) => ({ group, peak: peakOf(group) }))
      .sort((a, b) => b.peak - a.peak);
    chipGroup = ranked[0]?.group;
    for (const other of ranked.slice(1)) {
      if (other.peak > 0) {
        diagnostics.push({
          severity: 'warning',
          code: 'unused-chip-group',
          message: `The model runs on chip group "${chipGroup?.name ?? ''}"; the compute of chip group "${other.group.name}" is not used (mixing different chips in one system is not modelled yet).`,
          groupId: other.group.id,
        });
      }
    }
  }
  const count = chipGroup ? chipCount(chipGroup) : 1;

  // The nodes of the chip's graph: its own blocks, plus system blocks outside every chip.
  const nodes: Node[] = [];
  const indexOf = new Map<string, number>();
  for (const { block, type } of typed) {
    const chip = chipOf.get(block.id);
    const system = chip === undefined && chipGroup !== undefined;
    if (chip !== chipGroup && !system) continue;
    if (type.costModel === 'dvfs-domain' || type.costModel === 'power-cap') continue;
    indexOf.set(block.id, nodes.length);
    nodes.push({
      block,
      type,
      multiplicity: system ? product(ancestors(tree, block.id)) : multiplicityOnChip(block.id, chipGroup),
      system,
    });
  }
  const links = design.links.flatMap((link) => {
    const from = indexOf.get(link.from.block);
    const to = indexOf.get(link.to.block);
    if (from === undefined || to === undefined) return [];
    const fromNode = nodes[from] as Node;
    const toNode = nodes[to] as Node;
    // A link is replicated with the deeper of its ends; a link between two system blocks is shared by the chips.
    const multiplicity =
      fromNode.system && toNode.system
        ? Math.max(fromNode.multiplicity, toNode.multiplicity) / count
        : fromNode.system
          ? toNode.multiplicity
          : toNode.system
            ? fromNode.multiplicity
            : Math.max(fromNode.multiplicity, toNode.multiplicity);
    const capacity =
      link.params.bandwidthBytesPerSecond === undefined
        ? Infinity
        : link.params.bandwidthBytesPerSecond * multiplicity;
    return [
      {
        link,
        from,
        to,
        capacity,
        latency: link.params.latencySeconds ?? 0,
        energy: link.params.energyJoulesPerBit ?? 0,
      },
    ];
  });
  const adjacency: { other: number; linkIndex: number }[][] = nodes.map(() => []);
  links.forEach((entry, linkIndex) => {
    adjacency[entry.from]?.push({ other: entry.to, linkIndex });
    adjacency[entry.to]?.push({ other: entry.from, linkIndex });
  });

  // Each node's bandwidth and latency, read once: the routing below visits nodes many times per path.
  const bandwidthOf = nodes.map((node) => nodeBandwidth(node, count));
  const latencyOf = nodes.map(nodeLatency);

  // Pool identical compute blocks of the chip into units, identical memory blocks into levels.
  const unitPools = new Map<string, number[]>();
  const levelPools = new Map<string, number[]>();
  nodes.forEach((node, index) => {
    if (computeModels.has(node.type.costModel) && !node.system) {
      const key = paramsKey(node.block);
      const pool = unitPools.get(key);
      if (pool) pool.push(index);
      else unitPools.set(key, [index]);
    }
    if (memoryModels.has(node.type.costModel)) {
      const key = `${node.system ? 'system' : 'chip'}|${paramsKey(node.block)}`;
      const pool = levelPools.get(key);
      if (pool) pool.push(index);
      else levelPools.set(key, [index]);
    }
  });
  const units = [...unitPools.values()].map((members) => {
    const first = computeUnit(nodes[members[0] as number] as Node, relative);
    const instances = members.reduce((sum, index) => sum + (nodes[index] as Node).multiplicity, 0);
    const blockIds = members.map((index) => (nodes[index] as Node).block.id);
    return {
      unit: {
        ...first,
        instances,
        blockIds,
        name: members.length > 1 ? `${first.name} (+${members.length - 1})` : first.name,
      },
      members,
    };
  });
  const levels = [...levelPools.values()].map((members) => {
    const first = memoryLevel(nodes[members[0] as number] as Node, count);
    const total = members.reduce(
      (sum, index) => {
        const level = memoryLevel(nodes[index] as Node, count);
        return {
          capacity: sum.capacity + level.capacityBytes,
          bandwidth: sum.bandwidth + level.bandwidthBytesPerSecond,
        };
      },
      { capacity: 0, bandwidth: 0 },
    );
    const blockIds = members.map((index) => (nodes[index] as Node).block.id);
    return {
      level: { ...first, blockIds, capacityBytes: total.capacity, bandwidthBytesPerSecond: total.bandwidth },
      members,
    };
  });

  if (units.length === 0) {
    diagnostics.push({
      severity: 'error',
      code: 'no-compute',
      message:
        'The design has no compute block, so nothing can run the model. Add a compute tile, SM or other compute block.',
    });
  }

  // Sparsity engines linked straight to a compute block speed up that unit.
  for (const { unit, members } of units) {
    for (const member of members) {
      for (const { other } of adjacency[member] ?? []) {
        const neighbour = nodes[other] as Node;
        if (neighbour.type.costModel === 'sparsity')
          unit.sparsitySpeedup = Math.max(
            unit.sparsitySpeedup,
            numberParam(neighbour.type, neighbour.block.params, 'computeSpeedup'),
          );
      }
    }
  }

  const paths = units.map(({ unit, members }) =>
    levels.map(({ level, members: levelMembers }, levelIndex) =>
      findPath(unit, members, level, levelMembers, levelIndex),
    ),
  );

  function findPath(
    unit: ComputeUnit,
    sources: number[],
    level: MemoryLevel,
    sinks: number[],
    levelIndex: number,
  ): MemoryPath | undefined {
    // Lowest-latency route (Dijkstra) for latency, energy, compression and staging.
    const sinkSet = new Set(sinks);
    const sourceSet = new Set(sources);
    const distance = new Float64Array(nodes.length).fill(Infinity);
    const previous = new Int32Array(nodes.length).fill(-1);
    const previousLink = new Int32Array(nodes.length).fill(-1);
    const done = new Uint8Array(nodes.length);
    const queue = new MinHeap();
    for (const source of sources) {
      distance[source] = 0;
      queue.push(source, 0);
    }
    for (let next = queue.pop(); next; next = queue.pop()) {
      const current = next.item;
      if (done[current] || next.key > (distance[current] as number)) continue;
      if (sinkSet.has(current)) break;
      done[current] = 1;
      const node = nodes[current] as Node;
      if (!sourceSet.has(current) && !traversable.has(node.type.costModel)) continue;
      for (const { other, linkIndex } of adjacency[current] ?? []) {
        const entry = links[linkIndex];
        if (!entry || done[other]) continue;
        const step = (distance[current] as number) + entry.latency + (latencyOf[other] as number) + 1e-15;
        if (step < (distance[other] as number)) {
          distance[other] = step;
          previous[other] = current;
          previousLink[other] = linkIndex;
          queue.push(other, step);
        }
      }
    }
    const reached = sinks
      .filter((sink) => Number.isFinite(distance[sink]))
      .sort((a, b) => (distance[a] as number) - (distance[b] as number))[0];
    if (reached === undefined) return undefined;

    // Bandwidth: max-flow from the unit's blocks to the level's blocks over blocks and links.
    const network = new FlowNetwork(nodes.length * 2 + 2);
    const source = nodes.length * 2;
    const sink = source + 1;
    nodes.forEach((node, index) => {
      const capacity =
        sourceSet.has(index) || sinkSet.has(index)
          ? Infinity
          : traversable.has(node.type.costModel)
            ? (bandwidthOf[index] as number)
            : 0;
      network.addEdge(index * 2, index * 2 + 1, capacity);
    });
    for (const entry of links) {
      network.addEdge(entry.from * 2 + 1, entry.to * 2, entry.capacity);
      network.addEdge(entry.to * 2 + 1, entry.from * 2, entry.capacity);
    }
    for (const index of sources) network.addEdge(source, index * 2, Infinity);
    for (const index of sinks) network.addEdge(index * 2 + 1, sink, bandwidthOf[index] as number);
    const flow = network.maxFlow(source, sink);

    // Walk the route back for latency, energy, compression, staging and the narrowest element.
    let latency = level.latencySeconds;
    let energy = level.energyJoulesPerBit;
    let staging = unit.localBufferBytes;
    let weightCompression: PathCompression | undefined;
    let kvCompression: PathCompression | undefined;
    let limitedBy = level.id;
    let narrowest = bandwidthOf[reached] as number;
    for (let at = reached; at >= 0 && !sourceSet.has(at); at = previous[at] as number) {
      const linkIndex = previousLink[at] as number;
      const entry = links[linkIndex];
      if (entry) {
        latency += entry.latency;
        energy += entry.energy;
        if (entry.capacity < narrowest) {
          narrowest = entry.capacity;
          limitedBy = entry.link.id;
        }
      }
      const before = previous[at] as number;
      if (before < 0 || sourceSet.has(before)) break;
      const node = nodes[before] as Node;
      latency += latencyOf[before] as number;
      energy += nodeEnergyPerBit(node);
      const bandwidth = bandwidthOf[before] as number;
      if (bandwidth < narrowest) {
        narrowest = bandwidth;
        limitedBy = node.block.id;
      }
      if (node.type.costModel === 'memory')
        staging = Math.max(staging, numberParam(node.type, node.block.params, 'capacityBytes'));
      const compression = (): PathCompression => ({
        blockId: node.block.id,
        ratio: numberParam(node.type, node.block.params, 'compressionRatio'),
        throughputBytesPerSecond: bandwidth,
        energyJoulesPerBit: numberParam(node.type, node.block.params, 'energyJoulesPerBit'),
      });
      if (node.type.costModel === 'weight-decompression') weightCompression = compression();
      if (node.type.costModel === 'kv-compression') kvCompression = compression();
    }
    if (!(flow > 0)) return undefined;
    return {
      levelIndex,
      bandwidthBytesPerSecond: Number.isFinite(flow)
        ? flow
        : level.bandwidthBytesPerSecond * level.achievableBandwidthFraction,
      latencySeconds: latency,
      energyJoulesPerBit: energy,
      limitedBy,
      weightCompression,
      kvCompression,
      stagingBytes: staging,
    };
  }

  // Memory that no compute reaches, and compute that reaches no storage.
  levels.forEach(({ level }, levelIndex) => {
    if (level.shared) return;
    if (!paths.some((row) => row[levelIndex] !== undefined)) {
      diagnostics.push({
        severity: 'warning',
        code: 'unconnected-memory',
        message: `${level.name} is not connected to any compute block, so nothing can use it. Link it to a compute block or to a network the compute is on.`,
        blockId: level.id,
      });
    }
  });
  units.forEach(({ unit }, unitIndex) => {
    const reachesStorage = levels.some(
      ({ level }, levelIndex) => level.usage === 'storage' && paths[unitIndex]?.[levelIndex] !== undefined,
    );
    if (!reachesStorage) {
      diagnostics.push({
        severity: 'error',
        code: 'unit-without-memory',
        message: `${unit.name} reaches no memory that can hold weights. Link it to an SRAM, HBM or DRAM block (directly or through a network).`,
        blockId: unit.id,
      });
    }
  });

  // Power: the chip's voltage/frequency domain and cap; a cap outside every chip is shared by the chips.
  const inChip = typed.filter(({ block }) => (chipGroup ? chipOf.get(block.id) === chipGroup : true));
  const domains = inChip.filter(({ type }) => type.costModel === 'dvfs-domain');
  const caps = inChip.filter(({ type }) => type.costModel === 'power-cap');
  if (domains.length > 1)
    diagnostics.push({
      severity: 'warning',
      code: 'several-domains',
      message: `The chip has ${domains.length} voltage/frequency domains; only "${domains[0]?.block.name ?? ''}" is used.`,
      blockId: domains[1]?.block.id,
    });
  const domain = domains[0];
  const points = domain
    ? operatingPoints(
        (domain.block.params.operatingPoints as TableRow[] | undefined) ??
          ((domain.type.params.find((param) => param.key === 'operatingPoints')?.default ??
            []) as TableRow[]),
      )
    : [];
  let capWatts =
    caps.length > 0
      ? Math.min(...caps.map(({ block, type }) => numberParam(type, block.params, 'capWatts')))
      : undefined;
  const systemCaps = chipGroup
    ? typed.filter(({ block, type }) => type.costModel === 'power-cap' && chipOf.get(block.id) === undefined)
    : [];
  for (const { block, type } of systemCaps)
    capWatts = Math.min(capWatts ?? Infinity, numberParam(type, block.params, 'capWatts') / count);

  const blockStaticWatts: Record<string, number> = {};
  const systemBlockStaticWatts: Record<string, number> = {};
  let staticScaledWatts = 0;
  let staticFixedWatts = 0;
  let systemStaticWatts = 0;
  let areaSquareMetres = 0;
  for (const node of nodes) {
    const watts = staticWatts(node);
    if (node.system) {
      systemBlockStaticWatts[node.block.id] = watts;
      systemStaticWatts += watts;
      continue;
    }
    blockStaticWatts[node.block.id] = watts;
    if ((node.type.traits ?? []).includes('dram') || node.type.costModel === 'host')
      staticFixedWatts += watts;
    else staticScaledWatts += watts;
    areaSquareMetres += optional(node.type, node.block.params, 'areaSquareMetres', 0) * node.multiplicity;
  }

  const power: ChipPower = {
    operatingPoints: points,
    policy: domain ? (enumParam(domain.type, domain.block.params, 'policy') as ChipPower['policy']) : 'fixed',
    domainBlockId: domain?.block.id,
    capWatts,
    capBlockId: caps[0]?.block.id ?? systemCaps[0]?.block.id,
    staticScaledWatts,
    staticFixedWatts,
  };

  const chip: Chip = {
    id: chipGroup?.id ?? 'design',
    name: chipGroup?.name ?? design.name,
    count,
    units: units.map(({ unit }) => unit),
    levels: levels.map(({ level }) => level),
    paths,
    power,
    blockStaticWatts,
    areaSquareMetres,
  };

  return {
    chip,
    network: count > 1 ? chipNetwork() : undefined,
    systemStaticWatts,
    systemBlockStaticWatts,
    diagnostics,
  };

  /** Bandwidth per chip into the system's fabric (switches, links outside the chips), for collectives. */
  function chipNetwork(): ChipNetwork | undefined {
    const boundary = nodes
      .map((node, index) => ({ node, index }))
      .filter(({ node }) => node.system && node.type.costModel === 'fabric');
    const inside = nodes.map((node, index) => ({ node, index })).filter(({ node }) => !node.system);
    if (boundary.length === 0 || inside.length === 0) {
      diagnostics.push({
        severity: 'warning',
        code: 'no-chip-network',
        message: `The ${count} chips are not linked to each other through a switch or link outside the chip group, so they cannot share a model (only data-parallel replicas run).`,
        groupId: chipGroup?.id,
      });
      return undefined;
    }
    const network = new FlowNetwork(nodes.length * 2 + 2);
    const source = nodes.length * 2;
    const sink = source + 1;
    const boundarySet = new Set(boundary.map(({ index }) => index));
    nodes.forEach((node, index) => {
      const fabricLike = node.type.costModel === 'fabric';
      network.addEdge(
        index * 2,
        index * 2 + 1,
        boundarySet.has(index)
          ? (bandwidthOf[index] as number)
          : fabricLike && !node.system
            ? (bandwidthOf[index] as number)
            : node.system
              ? 0
              : Infinity,
      );
    });
    for (const entry of links) {
      network.addEdge(entry.from * 2 + 1, entry.to * 2, entry.capacity);
      network.addEdge(entry.to * 2 + 1, entry.from * 2, entry.capacity);
    }
    for (const { node, index } of inside)
      if (computeModels.has(node.type.costModel)) network.addEdge(source, index * 2, Infinity);
    for (const { index } of boundary) network.addEdge(index * 2 + 1, sink, Infinity);
    const flow = network.maxFlow(source, sink);
    if (!(flow > 0) || !Number.isFinite(flow)) {
      diagnostics.push({
        severity: 'warning',
        code: 'no-chip-network',
        message:
          'The chips have no bounded path to each other, so collectives cannot be costed; link them through a chip-to-chip link.',
        groupId: chipGroup?.id,
      });
      return undefined;
    }
    // Latency and energy follow the lowest-latency route from the chip's compute to the system fabric.
    const distance = new Float64Array(nodes.length).fill(Infinity);
    const previous = new Int32Array(nodes.length).fill(-1);
    const done = new Uint8Array(nodes.length);
    for (const { node, index } of inside) if (computeModels.has(node.type.costModel)) distance[index] = 0;
    let reached = -1;
    for (;;) {
      let current = -1;
      for (let index = 0; index < nodes.length; index += 1) {
        if (
          !done[index] &&
          Number.isFinite(distance[index]) &&
          (current < 0 || (distance[index] as number) < (distance[current] as number))
        )
          current = index;
      }
      if (current < 0) break;
      if (boundarySet.has(current)) {
        reached = current;
        break;
      }
      done[current] = 1;
      const node = nodes[current] as Node;
      if (node.system || (!computeModels.has(node.type.costModel) && !traversable.has(node.type.costModel)))
        continue;
      for (const { other, linkIndex } of adjacency[current] ?? []) {
        const step =
          (distance[current] as number) + (links[linkIndex]?.latency ?? 0) + (latencyOf[other] as number);
        if (!done[other] && step < (distance[other] as number)) {
          distance[other] = step;
          previous[other] = current;
        }
      }
    }
    const via: string[] = [];
    let energy = 0;
    for (let at = reached; at >= 0; at = previous[at] as number) {
      const node = nodes[at] as Node;
      if (computeModels.has(node.type.costModel)) break;
      via.unshift(node.block.id);
      if (node.type.costModel === 'fabric') energy += nodeEnergyPerBit(node);
    }
    const latency = reached >= 0 ? (distance[reached] as number) : 0;
    return { bandwidthBytesPerSecond: flow, latencySeconds: latency, energyJoulesPerBit: energy, via };
  }
}
