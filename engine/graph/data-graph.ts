/**
 * The data graph of one chip, as the resolve stage routes bytes over it: the chip's blocks and the system's
 * blocks outside every chip (host, switches) as nodes, the design's links as edges. Each node knows, from its
 * cost model, how many instances it stands for and what bytes crossing it meet (bandwidth for one chip, latency,
 * energy per bit).
 */
import type { BlockModel, BlockReading } from '../blocks/block-model';
import type { Link } from '../schema/design';

export interface GraphNode {
  reading: BlockReading;
  model: BlockModel;
  /** Instances of the block per chip (for system blocks: in the whole system). */
  multiplicity: number;
  /** Outside every chip group: shared by all chips. */
  system: boolean;
}

export interface GraphEdge {
  link: Link;
  from: number;
  to: number;
  /** Bandwidth of the link for one chip (Infinity when the link states none). */
  capacity: number;
  latency: number;
  energy: number;
}

export interface DataGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** `adjacency[node]`: the edges at a node and the node at their other end. */
  adjacency: { other: number; edgeIndex: number }[][];
  /** Bandwidth a node offers bytes crossing it or ending in it, for one chip. */
  bandwidthOf: number[];
  /** Bandwidth between a node's own compute and its own memory, for one chip (processing in memory, a host). */
  internalBandwidthOf: number[];
  latencyOf: number[];
  energyPerBitOf: number[];
  /** Chips sharing the system's blocks. */
  chipCount: number;
}

/** A node's share of a system block's bandwidth or capacity, or its instances on the chip. */
export function perChip(node: GraphNode, chipCount: number): number {
  return node.system ? node.multiplicity / chipCount : node.multiplicity;
}

export function buildDataGraph(nodes: GraphNode[], links: readonly Link[], chipCount: number): DataGraph {
  const indexOf = new Map(nodes.map((node, index) => [node.reading.block.id, index]));
  const edges = links.flatMap((link): GraphEdge[] => {
    const from = indexOf.get(link.from.block);
    const to = indexOf.get(link.to.block);
    if (from === undefined || to === undefined) return [];
    const fromNode = nodes[from] as GraphNode;
    const toNode = nodes[to] as GraphNode;
    // A link is replicated with the deeper of its ends; a link between two system blocks is shared by the chips.
    const multiplicity =
      fromNode.system && toNode.system
        ? Math.max(fromNode.multiplicity, toNode.multiplicity) / chipCount
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
  const adjacency: DataGraph['adjacency'] = nodes.map(() => []);
  edges.forEach((edge, edgeIndex) => {
    adjacency[edge.from]?.push({ other: edge.to, edgeIndex });
    adjacency[edge.to]?.push({ other: edge.from, edgeIndex });
  });
  // Read once: routing visits every node many times per path.
  const transfers = nodes.map((node) => node.model.transfer(node.reading));
  const internal = nodes.map((node) => node.model.internalTransfer?.(node.reading));
  return {
    nodes,
    edges,
    adjacency,
    bandwidthOf: transfers.map(
      (transfer, index) => transfer.bandwidthBytesPerSecond * perChip(nodes[index] as GraphNode, chipCount),
    ),
    internalBandwidthOf: nodes.map(
      (node, index) =>
        (internal[index] ?? (transfers[index] as (typeof transfers)[number])).bandwidthBytesPerSecond *
        perChip(node, chipCount),
    ),
    latencyOf: transfers.map((transfer) => transfer.latencySeconds),
    energyPerBitOf: transfers.map((transfer) => transfer.energyJoulesPerBit),
    chipCount,
  };
}
