/**
 * Derives Svelte Flow's nodes and edges from the design document (the document is the source of truth; the
 * canvas only shows it). Pure functions, tested without a DOM.
 */
import type { Edge, Node } from '@xyflow/svelte';
import type { CatalogIndex } from '../../../engine/catalog';
import type { Diagnostic } from '../../../engine/diagnostics';
import type { BlockType } from '../../../engine/schema/block-type';
import type { Block, DesignDocument } from '../../../engine/schema/design';
import { formatQuantity } from '../../../engine/units';

export interface BlockNodeData extends Record<string, unknown> {
  block: Block;
  type: BlockType | undefined;
  summary: string;
  diagnostics: Diagnostic[];
}

export type BlockFlowNode = Node<BlockNodeData, 'block'>;

/** Fills a block type's summary template ("{rows}×{cols} MAC · {clockHertz}") with the block's values. */
export function blockSummary(block: Block, type: BlockType | undefined): string {
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

export function toNodes(
  document: DesignDocument,
  catalog: CatalogIndex,
  selection: ReadonlySet<string>,
  diagnostics: readonly Diagnostic[],
): BlockFlowNode[] {
  const byBlock = new Map<string, Diagnostic[]>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.blockId === undefined) continue;
    byBlock.set(diagnostic.blockId, [...(byBlock.get(diagnostic.blockId) ?? []), diagnostic]);
  }
  return document.blocks.map((block) => {
    const type = catalog.blockTypes.get(block.type);
    return {
      id: block.id,
      type: 'block',
      position: { ...block.position },
      selected: selection.has(block.id),
      ariaLabel: `${block.name} (${type?.name ?? block.type})`,
      data: { block, type, summary: blockSummary(block, type), diagnostics: byBlock.get(block.id) ?? [] },
    };
  });
}

export function toEdges(document: DesignDocument, selection: ReadonlySet<string>): Edge[] {
  return document.links.map((link) => ({
    id: link.id,
    source: link.from.block,
    sourceHandle: link.from.port,
    target: link.to.block,
    targetHandle: link.to.port,
    selected: selection.has(link.id),
    ariaLabel: `Link from ${link.from.block} to ${link.to.block}`,
    label:
      link.params.bandwidthBytesPerSecond === undefined
        ? undefined
        : formatQuantity(link.params.bandwidthBytesPerSecond, 'bytesPerSecond'),
  }));
}
