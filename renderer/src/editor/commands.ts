/**
 * Edits of a design document as named, pure commands: each takes a document and returns a new one (never
 * mutating its input), so undo is "put the previous document back" and a whole gesture is one step.
 */
import type { BlockType } from '../../../engine/schema/block-type';
import type {
  Block,
  DesignDocument,
  Endpoint,
  Link,
  ParamValue,
  Position,
} from '../../../engine/schema/design';

/** A named edit. `apply` returns the same document when there is nothing to change. */
export interface Command {
  name: string;
  apply: (document: DesignDocument) => DesignDocument;
}

const idStem = (text: string): string => {
  const stem = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(stem) ? stem : `b-${stem}`;
};

/** The ids in use by blocks, links and groups of a document. */
export function usedIds(document: DesignDocument): Set<string> {
  return new Set([
    ...document.blocks.map((block) => block.id),
    ...document.links.map((link) => link.id),
    ...document.groups.map((group) => group.id),
  ]);
}

/** A fresh id from a stem: `hbm`, then `hbm-2`, `hbm-3`… */
export function uniqueId(stem: string, used: ReadonlySet<string>): string {
  const base = idStem(stem) || 'block';
  if (!used.has(base)) return base;
  for (let index = 2; ; index += 1) {
    const candidate = `${base}-${index}`;
    if (!used.has(candidate)) return candidate;
  }
}

/** The short stem new blocks of a type are named after: `compute.systolic` → `systolic`. */
export function typeStem(type: BlockType): string {
  return type.id.split('.').pop() ?? type.id;
}

export function addBlock(
  type: BlockType,
  position: Position,
): Command & { blockId: (document: DesignDocument) => string } {
  const blockId = (document: DesignDocument): string => uniqueId(typeStem(type), usedIds(document));
  return {
    name: `Add ${type.name}`,
    blockId,
    apply: (document) => {
      const id = blockId(document);
      const sameType = document.blocks.filter((block) => block.type === type.id).length;
      const block: Block = {
        id,
        type: type.id,
        name: sameType === 0 ? type.name : `${type.name} ${sameType + 1}`,
        params: {},
        position: roundPosition(position),
      };
      return { ...document, blocks: [...document.blocks, block] };
    },
  };
}

function roundPosition(position: Position): Position {
  return { x: Math.round(position.x), y: Math.round(position.y) };
}

export function moveBlocks(positions: ReadonlyMap<string, Position>): Command {
  return {
    name: positions.size === 1 ? 'Move block' : `Move ${positions.size} blocks`,
    apply: (document) => {
      let changed = false;
      const blocks = document.blocks.map((block) => {
        const next = positions.get(block.id);
        if (!next) return block;
        const rounded = roundPosition(next);
        if (rounded.x === block.position.x && rounded.y === block.position.y) return block;
        changed = true;
        return { ...block, position: rounded };
      });
      return changed ? { ...document, blocks } : document;
    },
  };
}

/** Deletes blocks (with their links and group memberships) and links. */
export function deleteElements(blockIds: ReadonlySet<string>, linkIds: ReadonlySet<string>): Command {
  const count = blockIds.size + linkIds.size;
  return {
    name: count === 1 ? (blockIds.size === 1 ? 'Delete block' : 'Delete link') : `Delete ${count} items`,
    apply: (document) => {
      const blocks = document.blocks.filter((block) => !blockIds.has(block.id));
      const links = document.links.filter(
        (link) => !linkIds.has(link.id) && !blockIds.has(link.from.block) && !blockIds.has(link.to.block),
      );
      if (blocks.length === document.blocks.length && links.length === document.links.length) return document;
      const groups = document.groups.map((group) =>
        group.blocks.some((id) => blockIds.has(id))
          ? { ...group, blocks: group.blocks.filter((id) => !blockIds.has(id)) }
          : group,
      );
      return { ...document, blocks, links, groups };
    },
  };
}

function sameEnd(a: Endpoint, b: Endpoint): boolean {
  return a.block === b.block && a.port === b.port;
}

/** Links two ports; linking the same two ports twice does nothing. */
export function connect(from: Endpoint, to: Endpoint): Command {
  return {
    name: 'Connect',
    apply: (document) => {
      const exists = document.links.some(
        (link) =>
          (sameEnd(link.from, from) && sameEnd(link.to, to)) ||
          (sameEnd(link.from, to) && sameEnd(link.to, from)),
      );
      if (exists || from.block === to.block) return document;
      const link: Link = {
        id: uniqueId(`${from.block}-${to.block}`, usedIds(document)),
        from,
        to,
        params: {},
      };
      return { ...document, links: [...document.links, link] };
    },
  };
}

/** Sets parameters of blocks; `undefined` resets a parameter to the block type's default. */
export function setParams(
  blockIds: readonly string[],
  changes: Readonly<Record<string, ParamValue | undefined>>,
  label: string,
): Command {
  const targets = new Set(blockIds);
  return {
    name: label,
    apply: (document) => ({
      ...document,
      blocks: document.blocks.map((block) => {
        if (!targets.has(block.id)) return block;
        const params = { ...block.params };
        for (const [key, value] of Object.entries(changes)) {
          if (value === undefined) delete params[key];
          else params[key] = value;
        }
        return { ...block, params };
      }),
    }),
  };
}

export function renameBlock(blockId: string, name: string): Command {
  return {
    name: 'Rename block',
    apply: (document) => ({
      ...document,
      blocks: document.blocks.map((block) => (block.id === blockId ? { ...block, name } : block)),
    }),
  };
}
