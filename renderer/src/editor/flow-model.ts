/**
 * Derives Svelte Flow's nodes and edges from the design document (the document is the source of truth; the
 * canvas only shows it). Groups are drawn as frames behind their blocks, sized to what they contain; blocks
 * carry their multiplicity (the product of the counts of the groups around them). After a simulation each block
 * shows an overlay of what it did; `blockOverlays` computes those apart from the nodes, so new results never
 * rebuild the node list (on a large design that costs more than the simulation). Pure functions, tested
 * without a DOM.
 */
import { Position as Side, type Edge, type Node, type NodeHandle } from '@xyflow/svelte';
import type { CatalogIndex } from '../../../engine/catalog';
import type { Diagnostic } from '../../../engine/diagnostics';
import type { BlockReport, Report } from '../../../engine/report';
import type { BlockType } from '../../../engine/schema/block-type';
import type { Block, DesignDocument, Group, Position } from '../../../engine/schema/design';
import { formatQuantity } from '../../../engine/units';
import { groupDescendantBlocks } from './commands';

/** What a block shows over itself after a simulation. */
export type OverlayMode = 'utilization' | 'power' | 'none';

export interface BlockOverlay {
  mode: OverlayMode;
  /** 0…1 of the block's peak (compute) or bandwidth (memory). */
  utilization: number;
  /** Of one instance of the block (the node multiplies by its count). */
  powerWatts: number;
  bound: BlockReport['bound'];
  /** The share of the design's power this block draws (for the colour scale of the power view). */
  powerShare: number;
}

/**
 * What a block node carries. Its name and parameter summary are not here but in `blockFaces` (by block id): a
 * parameter edit then leaves the node list as it was, and Svelte Flow — which re-processes every node and link
 * whenever the list changes — has nothing to do; only the edited block redraws.
 */
export interface BlockNodeData extends Record<string, unknown> {
  type: BlockType | undefined;
  diagnostics: Diagnostic[];
  /** Instances of the block in the whole design (group counts multiplied). */
  multiplicity: number;
}

export interface GroupNodeData extends Record<string, unknown> {
  group: Group;
  /** Count of this group times the counts of the groups around it. */
  multiplicity: number;
  width: number;
  height: number;
}

export type BlockFlowNode = Node<BlockNodeData, 'block'>;
export type GroupFlowNode = Node<GroupNodeData, 'frame'>;
export type FlowNode = BlockFlowNode | GroupFlowNode;

/** The diagnostics of a block that has none: one shared list, so unchanged nodes compare equal at once. */
const NO_DIAGNOSTICS: Diagnostic[] = [];

/** Size a block is drawn at before Svelte Flow has measured it. */
export const DEFAULT_BLOCK_SIZE = { width: 200, height: 76 };

/** Where a new block goes so that its middle is at `point` (a drop, a double-click, the view's centre). */
export function blockPositionCentredOn(point: Position): Position {
  return { x: point.x - DEFAULT_BLOCK_SIZE.width / 2, y: point.y - DEFAULT_BLOCK_SIZE.height / 2 };
}
const FRAME_PADDING = 22;
const FRAME_HEADER = 26;

/** How a block reads on the canvas: its name and its parameters in one line. */
export interface BlockFace {
  name: string;
  summary: string;
}

/**
 * Brings `faces` (by block id) up to date with a document, writing only the entries whose name or summary
 * changed and removing those of deleted blocks, so a reactive map notifies only the blocks that changed.
 */
export function updateBlockFaces(
  faces: Map<string, BlockFace>,
  document: DesignDocument,
  catalog: CatalogIndex,
): void {
  const present = new Set<string>();
  for (const block of document.blocks) {
    present.add(block.id);
    const summary = blockSummary(block, catalog.blockTypes.get(block.type));
    const face = faces.get(block.id);
    if (face?.name !== block.name || face.summary !== summary)
      faces.set(block.id, { name: block.name, summary });
  }
  for (const id of faces.keys()) if (!present.has(id)) faces.delete(id);
}

/** Summaries already written, by block (blocks are replaced, never changed, so a block's summary is fixed). */
const summaries = new WeakMap<Block, { type: BlockType | undefined; summary: string }>();

/** Fills a block type's summary template ("{rows}×{cols} MAC · {clockHertz}") with the block's values. */
export function blockSummary(block: Block, type: BlockType | undefined): string {
  const known = summaries.get(block);
  if (known && known.type === type) return known.summary;
  const summary = writeSummary(block, type);
  summaries.set(block, { type, summary });
  return summary;
}

function writeSummary(block: Block, type: BlockType | undefined): string {
  if (!type?.summary) return '';
  return type.summary.replace(/\{(\w+)\}/g, (_match, key: string) => {
    const spec = type.params.find((param) => param.key === key);
    if (!spec) return '?';
    const value = block.params[key] ?? spec.default;
    if (spec.kind === 'number' && typeof value === 'number') return formatQuantity(value, spec.unit);
    if (spec.kind === 'enum' && typeof value === 'string')
      return spec.options.find((option) => option.value === value)?.label ?? value;
    return '?';
  });
}

/** The group ids around each block and group, innermost first. */
function ancestry(document: DesignDocument): Map<string, Group[]> {
  const parentOf = new Map<string, Group>();
  for (const group of document.groups) {
    for (const id of group.blocks) if (!parentOf.has(id)) parentOf.set(id, group);
    for (const id of group.groups ?? []) if (!parentOf.has(id)) parentOf.set(id, group);
  }
  const chains = new Map<string, Group[]>();
  const chain = (id: string): Group[] => {
    const known = chains.get(id);
    if (known) return known;
    const result: Group[] = [];
    const seen = new Set<string>([id]);
    let parent = parentOf.get(id);
    while (parent && !seen.has(parent.id)) {
      result.push(parent);
      seen.add(parent.id);
      parent = parentOf.get(parent.id);
    }
    chains.set(id, result);
    return result;
  };
  for (const block of document.blocks) chain(block.id);
  for (const group of document.groups) chain(group.id);
  return chains;
}

/** Whether `id` is inside the group `scope` (at any depth); everything is inside the top level (null). */
function within(chains: Map<string, Group[]>, id: string, scope: string | null): boolean {
  return scope === null || (chains.get(id) ?? []).some((group) => group.id === scope);
}

export interface FlowInput {
  document: DesignDocument;
  catalog: CatalogIndex;
  selection: ReadonlySet<string>;
  diagnostics: readonly Diagnostic[];
  /** The group being viewed from inside (drill-in), or null for the whole design. */
  scope: string | null;
  /** Measured sizes of blocks, where Svelte Flow knows them. */
  sizes?: ReadonlyMap<string, { width: number; height: number }>;
}

/**
 * What each block shows over itself for a simulation's decode step: its utilization (compute or memory blocks)
 * or its power (every block), and what bound it. Empty without a report or with the overlay switched off.
 * Depends on the report alone, so an edit does not recompute it; the block multiplies the power by its count.
 */
export function blockOverlays(report: Report | null, mode: OverlayMode): Map<string, BlockOverlay> {
  const overlays = new Map<string, BlockOverlay>();
  if (!report || mode === 'none') return overlays;
  const totalPower = report.decode.blocks.reduce((sum, entry) => sum + entry.averagePowerWatts, 0);
  for (const result of report.decode.blocks) {
    if (mode !== 'power' && result.category === 'other') continue;
    overlays.set(result.blockId, {
      mode,
      utilization: result.utilization,
      powerWatts: result.averagePowerWatts,
      bound: result.bound,
      powerShare: totalPower > 0 ? result.averagePowerWatts / totalPower : 0,
    });
  }
  return overlays;
}

/**
 * Whether two overlays look the same on a block: utilization to a tenth of a percent, power to three
 * significant digits, the power share to a tenth of a percent, and the same bound. A new report keeps a
 * block's earlier overlay object when they do, so the block is not redrawn.
 */
export function sameOverlayShown(a: BlockOverlay, b: BlockOverlay): boolean {
  const near = (x: number, y: number, step: number): boolean => Math.round(x / step) === Math.round(y / step);
  return (
    a.mode === b.mode &&
    a.bound === b.bound &&
    near(a.utilization, b.utilization, 0.001) &&
    near(a.powerShare, b.powerShare, 0.001) &&
    a.powerWatts.toPrecision(3) === b.powerWatts.toPrecision(3)
  );
}

/** `next`, with each overlay that looks the same as in `previous` replaced by the earlier object. */
export function keepUnchangedOverlays(
  previous: ReadonlyMap<string, BlockOverlay>,
  next: Map<string, BlockOverlay>,
): Map<string, BlockOverlay> {
  for (const [id, overlay] of next) {
    const before = previous.get(id);
    if (before && sameOverlayShown(before, overlay)) next.set(id, before);
  }
  return next;
}

/** Half the outer width of a port handle: 11 px and a 2 px border (BlockNode.svelte). */
export const HANDLE_HALF_WIDTH = 7.5;

const handles = new WeakMap<BlockType, NodeHandle[]>();

/**
 * Where a block type's port handles sit on a block, as BlockNode draws them (centred on their side); one list
 * per type, so unchanged nodes keep comparing equal.
 */
export function handlesOf(type: BlockType): NodeHandle[] {
  let list = handles.get(type);
  if (list) return list;
  const { width, height } = DEFAULT_BLOCK_SIZE;
  const size = 2 * HANDLE_HALF_WIDTH;
  const corner = {
    top: { x: width / 2 - HANDLE_HALF_WIDTH, y: -HANDLE_HALF_WIDTH },
    right: { x: width - HANDLE_HALF_WIDTH, y: height / 2 - HANDLE_HALF_WIDTH },
    bottom: { x: width / 2 - HANDLE_HALF_WIDTH, y: height - HANDLE_HALF_WIDTH },
    left: { x: -HANDLE_HALF_WIDTH, y: height / 2 - HANDLE_HALF_WIDTH },
  };
  const sides = { top: Side.Top, right: Side.Right, bottom: Side.Bottom, left: Side.Left };
  list = type.ports.map((port) => ({
    id: port.id,
    type: 'source',
    position: sides[port.side],
    ...corner[port.side],
    width: size,
    height: size,
  }));
  handles.set(type, list);
  return list;
}

/**
 * Whether `next` draws the same nodes and edges as `previous`: the same links and groups (by identity), and
 * blocks that are the same objects or differ in their parameters alone (a block's parameters show in its face,
 * `updateBlockFaces`, not in its node). A parameter edit then skips rebuilding a thousand nodes to find that
 * none changed.
 */
export function sameCanvasShape(previous: DesignDocument, next: DesignDocument): boolean {
  if (previous.links !== next.links || previous.groups !== next.groups) return false;
  if (previous.blocks === next.blocks) return true;
  if (previous.blocks.length !== next.blocks.length) return false;
  return next.blocks.every((block, index) => {
    const before = previous.blocks[index];
    return (
      before === block ||
      (before !== undefined &&
        before.id === block.id &&
        before.type === block.type &&
        before.name === block.name &&
        before.position.x === block.position.x &&
        before.position.y === block.position.y)
    );
  });
}

/**
 * Whether the nodes and edges drawn from `previous` still stand for `next`: the same catalog, selection,
 * diagnostics and group entered, and the same canvas shape. A parameter edit changes the blocks' faces alone,
 * and on 1,000 blocks rebuilding the lists to find nothing changed took 8 ms of the edit.
 */
export function sameFlowInput(previous: FlowInput | undefined, next: FlowInput): boolean {
  return (
    previous !== undefined &&
    previous.catalog === next.catalog &&
    previous.selection === next.selection &&
    previous.diagnostics === next.diagnostics &&
    previous.scope === next.scope &&
    sameCanvasShape(previous.document, next.document)
  );
}

/**
 * The nodes and edges for `input`, keeping every node and edge object of `previous` whose content did not change
 * (see `reconcileNodes`). Only links whose two blocks are drawn (inside the group entered) are edges.
 */
export function redrawFlow(
  previous: { nodes: readonly FlowNode[]; edges: readonly Edge[] },
  input: FlowInput,
): { nodes: FlowNode[]; edges: Edge[] } {
  const nodes = reconcileNodes(previous.nodes, toNodes(input));
  const drawnBlocks = new Set(nodes.filter((node) => node.type === 'block').map((node) => node.id));
  return {
    nodes,
    edges: reconcileEdges(previous.edges, toEdges(input.document, input.selection, drawnBlocks)),
  };
}

export function toNodes(input: FlowInput): FlowNode[] {
  const { document, catalog, selection, diagnostics, scope } = input;
  const chains = ancestry(document);
  const byBlock = new Map<string, Diagnostic[]>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.blockId === undefined) continue;
    byBlock.set(diagnostic.blockId, [...(byBlock.get(diagnostic.blockId) ?? []), diagnostic]);
  }
  const multiplicity = (id: string, own = 1): number =>
    (chains.get(id) ?? []).reduce((product, group) => product * group.count, own);

  const blocks: BlockFlowNode[] = document.blocks
    .filter((block) => within(chains, block.id, scope))
    .map((block) => {
      const type = catalog.blockTypes.get(block.type);
      const count = multiplicity(block.id);
      return {
        id: block.id,
        type: 'block',
        position: { ...block.position },
        // Known without measuring: far out the blocks are not laid out (CanvasOverview draws them), and a block
        // added there must still be found by a box selection and the minimap, and linked by its ports.
        width: DEFAULT_BLOCK_SIZE.width,
        height: DEFAULT_BLOCK_SIZE.height,
        handles: type ? handlesOf(type) : undefined,
        selected: selection.has(block.id),
        zIndex: 10,
        ariaLabel: `${block.name} (${type?.name ?? block.type})${count > 1 ? `, ×${count}` : ''}`,
        data: {
          type,
          diagnostics: byBlock.get(block.id) ?? NO_DIAGNOSTICS,
          multiplicity: count,
        },
      };
    });

  // Frames: the bounding box of everything a group contains, deeper groups drawn inside their parents.
  const sizeOf = (id: string): { width: number; height: number } =>
    input.sizes?.get(id) ?? DEFAULT_BLOCK_SIZE;
  const positions = new Map(document.blocks.map((block) => [block.id, block.position]));
  const depth = new Map<string, number>();
  const subtreeHeight = (group: Group, seen = new Set<string>()): number => {
    if (seen.has(group.id)) return 0;
    seen.add(group.id);
    const known = depth.get(group.id);
    if (known !== undefined) return known;
    const children = (group.groups ?? [])
      .map((id) => document.groups.find((candidate) => candidate.id === id))
      .filter((child): child is Group => child !== undefined);
    const value =
      children.length === 0 ? 0 : 1 + Math.max(...children.map((child) => subtreeHeight(child, seen)));
    depth.set(group.id, value);
    return value;
  };
  const frames: GroupFlowNode[] = [];
  for (const group of document.groups) {
    if (group.id === scope || !within(chains, group.id, scope)) continue;
    const members = groupDescendantBlocks(document, group.id).filter((id) => positions.has(id));
    if (members.length === 0) continue;
    const padding = FRAME_PADDING * (1 + subtreeHeight(group));
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const id of members) {
      const position = positions.get(id) as { x: number; y: number };
      const size = sizeOf(id);
      minX = Math.min(minX, position.x);
      minY = Math.min(minY, position.y);
      maxX = Math.max(maxX, position.x + size.width);
      maxY = Math.max(maxY, position.y + size.height);
    }
    const width = maxX - minX + 2 * padding;
    const height = maxY - minY + 2 * padding + FRAME_HEADER;
    const count = multiplicity(group.id, group.count);
    frames.push({
      id: group.id,
      type: 'frame',
      position: { x: minX - padding, y: minY - padding - FRAME_HEADER },
      width,
      height,
      selected: selection.has(group.id),
      zIndex: 1 - subtreeHeight(group),
      ariaLabel: `Group ${group.name}, ${group.kind}, ×${group.count}`,
      data: { group, multiplicity: count, width, height },
    });
  }
  return [...frames, ...blocks];
}

export function toEdges(
  document: DesignDocument,
  selection: ReadonlySet<string>,
  visible: ReadonlySet<string>,
): Edge[] {
  return document.links
    .filter((link) => visible.has(link.from.block) && visible.has(link.to.block))
    .map((link) => ({
      id: link.id,
      source: link.from.block,
      sourceHandle: link.from.port,
      target: link.to.block,
      targetHandle: link.to.port,
      selected: selection.has(link.id),
      zIndex: 5,
      ariaLabel: `Link from ${link.from.block} to ${link.to.block}`,
      label:
        link.params.bandwidthBytesPerSecond === undefined
          ? undefined
          : formatQuantity(link.params.bandwidthBytesPerSecond, 'bytesPerSecond'),
    }));
}

/** The groups from the top level down to `scope`, for the breadcrumb. */
export function scopePath(document: DesignDocument, scope: string | null): Group[] {
  if (scope === null) return [];
  const chains = ancestry(document);
  const group = document.groups.find((candidate) => candidate.id === scope);
  if (!group) return [];
  return [...(chains.get(scope) ?? [])].reverse().concat(group);
}

/**
 * Structural equality for the plain data a node or edge carries, a few levels deep: arrays element by element,
 * plain objects key by key, anything else by identity (blocks and block types are shared, not copied, between
 * documents, so an unchanged block compares equal at once).
 */
function sameValue(a: unknown, b: unknown, depth = 3): boolean {
  if (Object.is(a, b)) return true;
  if (depth === 0 || typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => sameValue(item, b[index], depth - 1));
  }
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype)
    return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => key in right && sameValue(left[key], right[key], depth - 1));
}

/** The fields of a flow node this module decides; Svelte Flow's own (measured, dragging) are left out. */
const NODE_FIELDS = ['type', 'selected', 'zIndex', 'ariaLabel', 'width', 'height'] as const;

function sameNode(previous: FlowNode, next: FlowNode): boolean {
  return (
    previous.position.x === next.position.x &&
    previous.position.y === next.position.y &&
    NODE_FIELDS.every((field) => previous[field] === next[field]) &&
    sameData(previous.data, next.data)
  );
}

/** A node's data field by field (most are the very same objects, compared without walking them). */
function sameData(previous: Record<string, unknown>, next: Record<string, unknown>): boolean {
  for (const key in previous) if (!(key in next) || !sameValue(previous[key], next[key], 2)) return false;
  for (const key in next) if (!(key in previous)) return false;
  return true;
}

/**
 * Keeps the node objects Svelte Flow already has wherever nothing it shows changed, and carries measured sizes
 * over to the ones that did. Svelte Flow compares nodes by identity: a fresh object is re-adopted and, without
 * its measured size, re-measured with its links hidden meanwhile — on a design of a thousand blocks, a parameter
 * edit would otherwise rebuild every block and every link on the canvas.
 */
export function reconcileNodes(previous: readonly FlowNode[], next: readonly FlowNode[]): FlowNode[] {
  let before: Map<string, FlowNode> | undefined;
  let changed = previous.length !== next.length;
  const result = next.map((node, index) => {
    // Nodes usually keep their places: look up by id only when they do not.
    const same = previous[index];
    const old =
      same?.id === node.id
        ? same
        : (before ??= new Map(previous.map((item) => [item.id, item]))).get(node.id);
    if (old && old.type === node.type && sameNode(old, node)) {
      if (previous[index] !== old) changed = true;
      return old;
    }
    changed = true;
    return old?.measured && old.type === node.type ? { ...node, measured: old.measured } : node;
  });
  return changed ? result : (previous as FlowNode[]);
}

const EDGE_FIELDS = [
  'source',
  'sourceHandle',
  'target',
  'targetHandle',
  'selected',
  'zIndex',
  'ariaLabel',
  'label',
] as const;

/** Keeps the edge objects that did not change, for the same reason as `reconcileNodes`. */
export function reconcileEdges(previous: readonly Edge[], next: readonly Edge[]): Edge[] {
  const before = new Map(previous.map((edge) => [edge.id, edge]));
  let changed = previous.length !== next.length;
  const result = next.map((edge, index) => {
    const old = before.get(edge.id);
    if (old && EDGE_FIELDS.every((field) => old[field] === edge[field])) {
      if (previous[index] !== old) changed = true;
      return old;
    }
    changed = true;
    return edge;
  });
  return changed ? result : (previous as Edge[]);
}
