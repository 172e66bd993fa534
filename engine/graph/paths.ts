/**
 * Paths over a chip's data graph: from a compute unit to a memory level, and from a chip to the system's fabric.
 *
 * Bandwidth is a maximum flow (`max-flow.ts`) with blocks as node capacities and links as edge capacities: the
 * narrowest element bounds a path, parallel paths add, an element shared by several consumers divides its
 * bandwidth. Latency, energy per bit, compression units and the staging capacity follow the lowest-latency route
 * (Dijkstra over a binary heap, `min-heap.ts`).
 */
import type { ChipNetwork, MemoryLevel, MemoryPath, PathCompression } from '../machine';
import type { DataGraph, GraphNode } from './data-graph';
import { FlowNetwork } from './max-flow';
import { MinHeap } from './min-heap';

/**
 * Added to every step of a route so that, between routes of equal latency, the one with fewer hops wins (and a
 * route is never "free" through a zero-latency block). Far below any latency a block states (≥ 1 ns).
 */
const HOP_TIEBREAK_SECONDS = 1e-15;

/** The lowest-latency route from any source to the nearest sink, as predecessor arrays. */
interface Route {
  reached: number | undefined;
  previous: Int32Array;
  previousEdge: Int32Array;
}

/**
 * The lowest-latency route from any source to the nearest sink (Dijkstra over a binary heap). A route may pass
 * through a node only where `passes` says so (by default: a source, or a block data can cross).
 */
function lowestLatencyRoute(
  graph: DataGraph,
  sources: ReadonlySet<number>,
  sinks: ReadonlySet<number>,
  passes: (index: number) => boolean = (index) =>
    sources.has(index) || (graph.nodes[index] as GraphNode).model.crossable,
): Route {
  const size = graph.nodes.length;
  const distance = new Float64Array(size).fill(Infinity);
  const previous = new Int32Array(size).fill(-1);
  const previousEdge = new Int32Array(size).fill(-1);
  const done = new Uint8Array(size);
  const queue = new MinHeap();
  for (const source of sources) {
    distance[source] = 0;
    queue.push(source, 0);
  }
  for (let next = queue.pop(); next; next = queue.pop()) {
    const current = next.item;
    if (done[current] || next.key > (distance[current] as number)) continue;
    if (sinks.has(current)) break;
    done[current] = 1;
    if (!passes(current)) continue;
    for (const { other, edgeIndex } of graph.adjacency[current] ?? []) {
      const edge = graph.edges[edgeIndex];
      if (!edge || done[other]) continue;
      const step =
        (distance[current] as number) +
        edge.latency +
        (graph.latencyOf[other] as number) +
        HOP_TIEBREAK_SECONDS;
      if (step < (distance[other] as number)) {
        distance[other] = step;
        previous[other] = current;
        previousEdge[other] = edgeIndex;
        queue.push(other, step);
      }
    }
  }
  const reached = [...sinks]
    .filter((sink) => Number.isFinite(distance[sink]))
    .sort((a, b) => (distance[a] as number) - (distance[b] as number))[0];
  return { reached, previous, previousEdge };
}

/** Bytes per second the sources can pull from the sinks: a max flow with node capacities split in two. */
function flowBetween(graph: DataGraph, sources: ReadonlySet<number>, sinks: ReadonlySet<number>): number {
  const size = graph.nodes.length;
  const network = new FlowNetwork(size * 2 + 2);
  const source = size * 2;
  const sink = source + 1;
  graph.nodes.forEach((node, index) => {
    // A source limits what it takes in by its own transfer (an FPGA overlay's memory ports; Infinity for other
    // compute blocks); a block that is also the sink serves itself below.
    const capacity = sinks.has(index)
      ? Infinity
      : sources.has(index)
        ? (graph.bandwidthOf[index] as number)
        : node.model.crossable
          ? (graph.bandwidthOf[index] as number)
          : 0;
    network.addEdge(index * 2, index * 2 + 1, capacity);
  });
  for (const edge of graph.edges) {
    network.addEdge(edge.from * 2 + 1, edge.to * 2, edge.capacity);
    network.addEdge(edge.to * 2 + 1, edge.from * 2, edge.capacity);
  }
  for (const index of sources) network.addEdge(source, index * 2, Infinity);
  // A block that is both the unit and the level (processing in memory, a host and its DRAM) serves its own
  // compute at its internal bandwidth.
  for (const index of sinks)
    network.addEdge(
      index * 2 + 1,
      sink,
      sources.has(index)
        ? (graph.internalBandwidthOf[index] as number)
        : (graph.bandwidthOf[index] as number),
    );
  return network.maxFlow(source, sink);
}

/**
 * The path from a compute unit (its pooled blocks, `sources`) to a memory level (its pooled blocks, `sinks`), or
 * `undefined` when the unit cannot reach the level.
 */
export function memoryPath(
  graph: DataGraph,
  unitStagingBytes: number,
  sources: ReadonlySet<number>,
  level: MemoryLevel,
  sinks: ReadonlySet<number>,
  levelIndex: number,
): MemoryPath | undefined {
  const { reached, previous, previousEdge } = lowestLatencyRoute(graph, sources, sinks);
  if (reached === undefined) return undefined;
  const flow = flowBetween(graph, sources, sinks);

  // Walk the route back for latency, energy, compression, staging and the narrowest element.
  const own = sources.has(reached) ? graph.nodes[reached] : undefined;
  const internal = own?.model.internalTransfer?.(own.reading);
  let latency = internal?.latencySeconds ?? level.latencySeconds;
  let energy = internal?.energyJoulesPerBit ?? level.energyJoulesPerBit;
  let staging = unitStagingBytes;
  let weightCompression: PathCompression | undefined;
  let kvCompression: PathCompression | undefined;
  let limitedBy = level.id;
  let narrowest = graph.bandwidthOf[reached] as number;
  for (let at = reached; at >= 0 && !sources.has(at); at = previous[at] as number) {
    const edge = graph.edges[previousEdge[at] as number];
    if (edge) {
      latency += edge.latency;
      energy += edge.energy;
      if (edge.capacity < narrowest) {
        narrowest = edge.capacity;
        limitedBy = edge.link.id;
      }
    }
    const before = previous[at] as number;
    if (before < 0 || sources.has(before)) break;
    const node = graph.nodes[before] as GraphNode;
    latency += graph.latencyOf[before] as number;
    energy += graph.energyPerBitOf[before] as number;
    const bandwidth = graph.bandwidthOf[before] as number;
    if (bandwidth < narrowest) {
      narrowest = bandwidth;
      limitedBy = node.reading.block.id;
    }
    const effect = node.model.onPath?.(node.reading);
    if (effect?.stagingBytes !== undefined) staging = Math.max(staging, effect.stagingBytes);
    if (effect?.compression) {
      const compression: PathCompression = {
        blockId: node.reading.block.id,
        ratio: effect.compression.ratio,
        throughputBytesPerSecond: bandwidth,
        energyJoulesPerBit: effect.compression.energyJoulesPerBit,
      };
      if (effect.compression.tensorClass === 'weights') weightCompression = compression;
      else kvCompression = compression;
    }
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
    ownMemory: own !== undefined,
  };
}

/** Why a chip has no network to the others, or the network. */
export type ChipNetworkResult =
  { ok: true; network: ChipNetwork } | { ok: false; reason: 'no-fabric' | 'unbounded' };

/**
 * How one chip reaches the others for collectives: the max flow from the chip's compute to the system's fabric
 * (links and switches outside every chip group), with latency and energy along the lowest-latency route.
 */
export function chipNetwork(graph: DataGraph): ChipNetworkResult {
  const { nodes } = graph;
  const boundary = new Set<number>();
  const computeInside: number[] = [];
  nodes.forEach((node, index) => {
    if (node.system && node.model.chipFabric) boundary.add(index);
    if (!node.system && node.model.compute) computeInside.push(index);
  });
  if (boundary.size === 0 || !nodes.some((node) => !node.system)) return { ok: false, reason: 'no-fabric' };
  const network = new FlowNetwork(nodes.length * 2 + 2);
  const source = nodes.length * 2;
  const sink = source + 1;
  nodes.forEach((node, index) => {
    const capacity = boundary.has(index)
      ? (graph.bandwidthOf[index] as number)
      : node.model.chipFabric && !node.system
        ? (graph.bandwidthOf[index] as number)
        : node.system
          ? 0
          : Infinity;
    network.addEdge(index * 2, index * 2 + 1, capacity);
  });
  for (const edge of graph.edges) {
    network.addEdge(edge.from * 2 + 1, edge.to * 2, edge.capacity);
    network.addEdge(edge.to * 2 + 1, edge.from * 2, edge.capacity);
  }
  for (const index of computeInside) network.addEdge(source, index * 2, Infinity);
  for (const index of boundary) network.addEdge(index * 2 + 1, sink, Infinity);
  const flow = network.maxFlow(source, sink);
  if (!(flow > 0) || !Number.isFinite(flow)) return { ok: false, reason: 'unbounded' };
  // The route stays inside the chip until it meets the system's fabric.
  const route = lowestLatencyRoute(
    graph,
    new Set(computeInside),
    boundary,
    (index) =>
      computeInside.includes(index) || (!nodes[index]?.system && nodes[index]?.model.crossable === true),
  );
  const via: string[] = [];
  let energy = 0;
  let latency = 0;
  for (let at = route.reached ?? -1; at >= 0; at = route.previous[at] as number) {
    const node = nodes[at] as GraphNode;
    if (node.model.compute) break;
    via.unshift(node.reading.block.id);
    if (node.model.chipFabric) energy += graph.energyPerBitOf[at] as number;
    latency +=
      (graph.latencyOf[at] as number) + (graph.edges[route.previousEdge[at] as number]?.latency ?? 0);
  }
  return {
    ok: true,
    network: { bandwidthBytesPerSecond: flow, latencySeconds: latency, energyJoulesPerBit: energy, via },
  };
}
