/**
 * Whether a link being drawn on the canvas can be made, and why not: Svelte Flow asks before it lets a link drop
 * on a port (`isValidConnection`), and the canvas names the reason next to the pointer while a refused link is
 * dragged. The rule itself is the block types' (`portsCanConnect`); this looks the ports up in the design. Pure.
 */
import {
  blockCategories,
  portsCanConnect,
  whyPortsCannotConnect,
  type BlockType,
  type PortSpec,
} from '../../../engine/schema/block-type';
import type { DesignDocument } from '../../../engine/schema/design';

/** A link being dragged between two ports (`null` ports: the flow did not say which). */
export interface ConnectionAttempt {
  fromBlock: string;
  fromPort: string | null;
  toBlock: string;
  toPort: string | null;
}

type BlockTypes = ReadonlyMap<string, BlockType>;

function endOf(
  document: DesignDocument,
  blockTypes: BlockTypes,
  blockId: string,
  portId: string | null,
): { type: BlockType; port: PortSpec | undefined } | undefined {
  const block = document.blocks.find((candidate) => candidate.id === blockId);
  const type = block ? blockTypes.get(block.type) : undefined;
  return type ? { type, port: type.ports.find((port) => port.id === portId) } : undefined;
}

/** Whether the canvas takes the link: both ports known, on two blocks, and able to connect. */
export function canConnect(
  document: DesignDocument,
  blockTypes: BlockTypes,
  attempt: ConnectionAttempt,
): boolean {
  if (attempt.fromBlock === attempt.toBlock) return false;
  const from = endOf(document, blockTypes, attempt.fromBlock, attempt.fromPort)?.port;
  const to = endOf(document, blockTypes, attempt.toBlock, attempt.toPort)?.port;
  return from !== undefined && to !== undefined && portsCanConnect(from, to);
}

/**
 * Why the link cannot be made, in words, or null when it can — or when an end is not a known port yet (there is
 * nothing useful to say while the pointer is not over a port).
 */
export function connectionProblem(
  document: DesignDocument,
  blockTypes: BlockTypes,
  attempt: ConnectionAttempt,
): string | null {
  if (attempt.fromBlock === attempt.toBlock) return 'A block cannot be linked to itself.';
  const from = endOf(document, blockTypes, attempt.fromBlock, attempt.fromPort);
  const to = endOf(document, blockTypes, attempt.toBlock, attempt.toPort);
  if (!from?.port || !to?.port) return null;
  return whyPortsCannotConnect(from.type, from.port, to.type, to.port) ?? null;
}

/** A block type that can take a link from a given port, and the first of its ports the link would end on. */
export interface CompatibleBlockType {
  type: BlockType;
  port: PortSpec;
}

/**
 * The block types a new block could be made of to link to `port` (a link dragged from it into empty space): each
 * type with a port the two can connect through (`portsCanConnect`). Ordered as the port lists the kinds it
 * connects to (a compute port's memory before its fabric), then by category as the palette shows them.
 */
export function compatibleBlockTypes(
  blockTypes: readonly BlockType[],
  port: PortSpec,
): CompatibleBlockType[] {
  const rank = (entry: CompatibleBlockType): number =>
    port.connects.indexOf(entry.port.kind) * blockCategories.length +
    blockCategories.indexOf(entry.type.category);
  return blockTypes
    .flatMap((type) => {
      const match = type.ports.find((candidate) => portsCanConnect(port, candidate));
      return match ? [{ type, port: match }] : [];
    })
    .sort((a, b) => rank(a) - rank(b));
}

/** The port of a block of the design, looked up in its block type (undefined: no such block or port). */
export function portOf(
  document: DesignDocument,
  blockTypes: BlockTypes,
  blockId: string,
  portId: string,
): PortSpec | undefined {
  return endOf(document, blockTypes, blockId, portId)?.port;
}
