/**
 * Auto-layout as pure functions: the design as an ELK graph (groups as compound nodes, links as edges), and the
 * laid-out graph back into block positions. The ELK run itself happens in a web worker (state/layout.ts).
 */
import type { DesignDocument, Group } from '../../../engine/schema/design';
import { DEFAULT_BLOCK_SIZE } from './flow-model';

export interface LayoutNode {
  id: string;
  width?: number;
  height?: number;
  x?: number;
  y?: number;
  children?: LayoutNode[];
  layoutOptions?: Record<string, string>;
}

export interface LayoutEdge {
  id: string;
  sources: string[];
  targets: string[];
}

export interface LayoutGraph extends LayoutNode {
  edges: LayoutEdge[];
}

const options = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.spacing.nodeNode': '40',
  'elk.layered.spacing.nodeNodeBetweenLayers': '60',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.padding': '[top=48,left=24,bottom=24,right=24]',
};

/** The design as an ELK graph: each group a compound node holding its blocks and child groups. */
export function toLayoutGraph(document: DesignDocument): LayoutGraph {
  const groups = new Map(document.groups.map((group) => [group.id, group]));
  const claimed = new Set<string>();
  const childOf = new Set<string>();
  for (const group of document.groups) for (const child of group.groups ?? []) childOf.add(child);
  const build = (group: Group, seen: Set<string>): LayoutNode => {
    seen.add(group.id);
    const children: LayoutNode[] = [];
    for (const blockId of group.blocks) {
      if (claimed.has(blockId) || !document.blocks.some((block) => block.id === blockId)) continue;
      claimed.add(blockId);
      children.push({ id: blockId, ...DEFAULT_BLOCK_SIZE });
    }
    for (const childId of group.groups ?? []) {
      const child = groups.get(childId);
      if (child && !seen.has(childId)) children.push(build(child, seen));
    }
    return { id: `group:${group.id}`, children, layoutOptions: { 'elk.padding': options['elk.padding'] } };
  };
  const top: LayoutNode[] = document.groups
    .filter((group) => !childOf.has(group.id))
    .map((group) => build(group, new Set()));
  for (const block of document.blocks)
    if (!claimed.has(block.id)) top.push({ id: block.id, ...DEFAULT_BLOCK_SIZE });
  return {
    id: 'root',
    layoutOptions: options,
    children: top,
    edges: document.links.map((link) => ({
      id: link.id,
      sources: [link.from.block],
      targets: [link.to.block],
    })),
  };
}

/** Block positions from a laid-out graph (ELK positions children relative to their parent). */
export function positionsFromLayout(graph: LayoutNode): Map<string, { x: number; y: number }> {
  const positions = new Map<string, { x: number; y: number }>();
  const walk = (node: LayoutNode, originX: number, originY: number): void => {
    for (const child of node.children ?? []) {
      const x = originX + (child.x ?? 0);
      const y = originY + (child.y ?? 0);
      if (child.id.startsWith('group:')) walk(child, x, y);
      else positions.set(child.id, { x: Math.round(x), y: Math.round(y) });
    }
  };
  walk(graph, 0, 0);
  return positions;
}
