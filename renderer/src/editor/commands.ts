/**
 * Edits of a design document as named, pure commands: each takes a document and returns a new one (never
 * mutating its input), so undo is "put the previous document back" and a whole gesture is one step.
 */
import type { BlockType } from '../../../engine/schema/block-type';
import type {
  Block,
  DesignDocument,
  Endpoint,
  Group,
  GroupKind,
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

/**
 * A name not in `taken`: the name itself when it is free (a paste into another design keeps it), else the name
 * numbered as new blocks are ("HBM stack" → "HBM stack 2", "HBM stack 2" → "HBM stack 3"), the lowest free number.
 */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  const base = name.replace(/ \d+$/, '') || name;
  for (let index = 2; ; index += 1) {
    const candidate = `${base} ${index}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Adds a block of a type at a position; inside `scope` (a group being viewed from inside) it joins that group. */
export function addBlock(
  type: BlockType,
  position: Position,
  scope: string | null = null,
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
      const groups =
        scope === null
          ? document.groups
          : document.groups.map((group) =>
              group.id === scope ? { ...group, blocks: [...group.blocks, id] } : group,
            );
      return { ...document, blocks: [...document.blocks, block], groups };
    },
  };
}

/**
 * Adds a block of a type at a position and links it to a port of the design, as one step (a link dragged from a
 * port into empty space, then a block type chosen): `port` is the new block's port the link ends on.
 */
export function addConnectedBlock(
  type: BlockType,
  position: Position,
  scope: string | null,
  from: Endpoint,
  port: string,
): Command & { blockId: (document: DesignDocument) => string } {
  const add = addBlock(type, position, scope);
  return {
    name: `Add and link ${type.name}`,
    blockId: add.blockId,
    apply: (document) => {
      const id = add.blockId(document);
      return connect(from, { block: id, port }).apply(add.apply(document));
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

/** Blocks, links and groups lifted out of a design: what the clipboard and palette modules hold. */
export interface Fragment {
  blocks: Block[];
  /** Links between blocks of the fragment. */
  links: Link[];
  /** Groups whose blocks and child groups are all in the fragment. */
  groups: Group[];
  /** Links from a block of the fragment to a block outside it (recreated by "paste with links"). */
  externalLinks: Link[];
}

/**
 * A fragment as a design of its own (what the system clipboard holds, as text spec): its blocks, the links between
 * them and its whole groups. Links to blocks outside it are left out; they mean nothing in another design.
 */
export function fragmentDesign(fragment: Fragment, name: string): DesignDocument {
  return {
    format: 'tessera.design',
    version: 1,
    name,
    blocks: fragment.blocks,
    links: fragment.links,
    groups: fragment.groups,
  };
}

/** A design read from the clipboard's text as a fragment to paste. */
export function designFragment(design: DesignDocument): Fragment {
  return { blocks: design.blocks, links: design.links, groups: design.groups, externalLinks: [] };
}

/** The ids of a group's blocks and of every block of its descendants. */
export function groupDescendantBlocks(
  document: DesignDocument,
  groupId: string,
  seen = new Set<string>(),
): string[] {
  const group = document.groups.find((candidate) => candidate.id === groupId);
  if (!group || seen.has(groupId)) return [];
  seen.add(groupId);
  return [
    ...group.blocks,
    ...(group.groups ?? []).flatMap((child) => groupDescendantBlocks(document, child, seen)),
  ];
}

/** The group that directly contains a block or a group, if any. */
export function parentGroup(document: DesignDocument, id: string): Group | undefined {
  return document.groups.find((group) => group.blocks.includes(id) || (group.groups ?? []).includes(id));
}

/** Copies the selected blocks (and the blocks of selected groups) with their links and whole groups. */
export function copyFragment(document: DesignDocument, selection: ReadonlySet<string>): Fragment {
  const blockIds = new Set<string>();
  for (const block of document.blocks) if (selection.has(block.id)) blockIds.add(block.id);
  for (const group of document.groups)
    if (selection.has(group.id)) for (const id of groupDescendantBlocks(document, group.id)) blockIds.add(id);
  const blocks = document.blocks.filter((block) => blockIds.has(block.id));
  const links = document.links.filter((link) => blockIds.has(link.from.block) && blockIds.has(link.to.block));
  const externalLinks = document.links.filter(
    (link) => blockIds.has(link.from.block) !== blockIds.has(link.to.block),
  );
  const groupIds = new Set<string>();
  // A group travels with the fragment only when everything in it does.
  let changed = true;
  while (changed) {
    changed = false;
    for (const group of document.groups) {
      if (groupIds.has(group.id)) continue;
      const complete =
        group.blocks.every((id) => blockIds.has(id)) &&
        (group.groups ?? []).every((id) => groupIds.has(id)) &&
        group.blocks.length + (group.groups ?? []).length > 0;
      if (complete) {
        groupIds.add(group.id);
        changed = true;
      }
    }
  }
  const groups = document.groups.filter((group) => groupIds.has(group.id));
  return { blocks, links, groups, externalLinks };
}

/** A block's size on the canvas, for keeping pasted blocks off the blocks already there. */
export interface BlockSize {
  width: number;
  height: number;
}

/**
 * Where to paste a fragment so that it covers no block of the design: the first of (32, 32), (64, 64), … from
 * where it was copied at which none of its blocks overlaps a block of `document` (so pasting again steps on past
 * the earlier copies). Gives up after 64 steps and takes the last.
 */
export function pasteOffset(document: DesignDocument, fragment: Fragment, size: BlockSize): Position {
  const STEP = 32;
  const boxes = document.blocks.map((block) => block.position);
  const overlaps = (offset: number): boolean =>
    fragment.blocks.some((block) => {
      const x = block.position.x + offset;
      const y = block.position.y + offset;
      return boxes.some((other) => Math.abs(other.x - x) < size.width && Math.abs(other.y - y) < size.height);
    });
  let offset = STEP;
  for (let step = 1; step < 64 && overlaps(offset); step += 1) offset += STEP;
  return { x: offset, y: offset };
}

/** The group every one of `ids` sits directly in, when they share one (what a duplicate joins). */
export function commonParent(document: DesignDocument, ids: Iterable<string>): string | null {
  const parents = new Set([...ids].map((id) => parentGroup(document, id)?.id ?? null));
  return parents.size === 1 ? ([...parents][0] ?? null) : null;
}

/**
 * Pastes a fragment with fresh ids, moved by `offset`. Blocks and groups whose names are taken get numbered
 * names (`uniqueName`). With `withLinks`, links from the copied blocks to blocks outside the copy are recreated
 * to the same outside blocks (when they still exist). With `into`, the pasted blocks and groups not inside a
 * pasted group join that group (pasting inside a group being viewed, duplicating a group's block).
 */
export function pasteFragment(
  fragment: Fragment,
  offset: Position,
  withLinks: boolean,
  label = 'Paste',
  into: string | null = null,
): Command & { pastedIds: (document: DesignDocument) => string[] } {
  const plan = (document: DesignDocument) => {
    const used = usedIds(document);
    const rename = new Map<string, string>();
    const fresh = (id: string): string => {
      const next = uniqueId(id.replace(/-\d+$/, ''), used);
      used.add(next);
      rename.set(id, next);
      return next;
    };
    for (const block of fragment.blocks) fresh(block.id);
    for (const group of fragment.groups) fresh(group.id);
    return { used, rename, fresh };
  };
  return {
    name: label,
    pastedIds: (document) => {
      const { rename } = plan(document);
      return [...fragment.blocks.map((block) => rename.get(block.id) ?? block.id)];
    },
    apply: (document) => {
      if (fragment.blocks.length === 0) return document;
      const { rename, fresh } = plan(document);
      const id = (old: string): string => rename.get(old) ?? old;
      const existing = new Set(document.blocks.map((block) => block.id));
      const blockNames = new Set(document.blocks.map((block) => block.name));
      const groupNames = new Set(document.groups.map((group) => group.name));
      const named = <T extends { name: string }>(item: T, taken: Set<string>): string => {
        const name = uniqueName(item.name, taken);
        taken.add(name);
        return name;
      };
      const blocks = fragment.blocks.map((block) => ({
        ...block,
        id: id(block.id),
        name: named(block, blockNames),
        params: { ...block.params },
        position: { x: block.position.x + offset.x, y: block.position.y + offset.y },
      }));
      const links: Link[] = fragment.links.map((link) => ({
        ...link,
        id: fresh(link.id),
        from: { ...link.from, block: id(link.from.block) },
        to: { ...link.to, block: id(link.to.block) },
        params: { ...link.params },
      }));
      if (withLinks) {
        for (const link of fragment.externalLinks) {
          const fromInside = rename.has(link.from.block);
          const outside = fromInside ? link.to.block : link.from.block;
          if (!existing.has(outside)) continue;
          links.push({
            ...link,
            id: fresh(link.id),
            from: { ...link.from, block: id(link.from.block) },
            to: { ...link.to, block: id(link.to.block) },
            params: { ...link.params },
          });
        }
      }
      const groups: Group[] = fragment.groups.map((group) => ({
        ...group,
        id: id(group.id),
        name: named(group, groupNames),
        blocks: group.blocks.map(id),
        ...(group.groups ? { groups: group.groups.map(id) } : {}),
      }));
      // What is not inside a pasted group joins `into` (when that group still exists).
      const nested = new Set(groups.flatMap((group) => [...group.blocks, ...(group.groups ?? [])]));
      const target = into !== null && document.groups.some((group) => group.id === into) ? into : null;
      const joined =
        target === null
          ? document.groups
          : document.groups.map((group) =>
              group.id === target
                ? {
                    ...group,
                    blocks: [
                      ...group.blocks,
                      ...blocks.map((block) => block.id).filter((b) => !nested.has(b)),
                    ],
                    ...(groups.some((pasted) => !nested.has(pasted.id))
                      ? {
                          groups: [
                            ...(group.groups ?? []),
                            ...groups.map((pasted) => pasted.id).filter((g) => !nested.has(g)),
                          ],
                        }
                      : {}),
                  }
                : group,
            );
      return {
        ...document,
        blocks: [...document.blocks, ...blocks],
        links: [...document.links, ...links],
        groups: [...joined, ...groups],
      };
    },
  };
}

/**
 * Frames blocks (and groups) into a new group with a count. Everything framed must share the same parent group
 * (or none); the new group takes that parent's place.
 */
export function groupElements(
  ids: readonly string[],
  options: { name?: string; kind?: GroupKind; count?: number } = {},
): Command & { groupId: (document: DesignDocument) => string } {
  const groupId = (document: DesignDocument): string => uniqueId(options.kind ?? 'group', usedIds(document));
  return {
    name: 'Group',
    groupId,
    apply: (document) => {
      const blockIds = ids.filter((id) => document.blocks.some((block) => block.id === id));
      const childIds = ids.filter((id) => document.groups.some((group) => group.id === id));
      if (blockIds.length + childIds.length === 0) return document;
      const parents = new Set([...blockIds, ...childIds].map((id) => parentGroup(document, id)?.id));
      if (parents.size > 1) return document;
      const parent = [...parents][0];
      const id = groupId(document);
      const kind = options.kind ?? 'cluster';
      const count = options.count ?? 1;
      const index = document.groups.length + 1;
      const group: Group = {
        id,
        name: options.name ?? `Group ${index}`,
        kind,
        count,
        blocks: blockIds,
        ...(childIds.length > 0 ? { groups: childIds } : {}),
      };
      const taken = new Set([...blockIds, ...childIds]);
      const groups = document.groups.map((candidate) => {
        if (candidate.id !== parent) return candidate;
        const blocks = candidate.blocks.filter((blockId) => !taken.has(blockId));
        const children = [...(candidate.groups ?? []).filter((childId) => !taken.has(childId)), id];
        return { ...candidate, blocks, groups: children };
      });
      return { ...document, groups: [...groups, group] };
    },
  };
}

/** Removes a group frame; its blocks and child groups move to its parent group (or to the top level). */
export function ungroup(groupId: string): Command {
  return {
    name: 'Ungroup',
    apply: (document) => {
      const group = document.groups.find((candidate) => candidate.id === groupId);
      if (!group) return document;
      const parent = parentGroup(document, groupId);
      const groups = document.groups
        .filter((candidate) => candidate.id !== groupId)
        .map((candidate) => {
          if (candidate.id !== parent?.id) return candidate;
          return {
            ...candidate,
            blocks: [...candidate.blocks, ...group.blocks],
            groups: [
              ...(candidate.groups ?? []).filter((child) => child !== groupId),
              ...(group.groups ?? []),
            ],
          };
        });
      return { ...document, groups };
    },
  };
}

/** Changes a group's name, kind or count. */
export function setGroup(
  groupId: string,
  changes: Partial<Pick<Group, 'name' | 'kind' | 'count'>>,
  label: string,
): Command {
  return {
    name: label,
    apply: (document) => {
      let changed = false;
      const groups = document.groups.map((group) => {
        if (group.id !== groupId) return group;
        const next = { ...group, ...changes };
        changed = JSON.stringify(next) !== JSON.stringify(group);
        return next;
      });
      return changed ? { ...document, groups } : document;
    },
  };
}

/** Moves blocks and whole groups by an offset (arrow-key nudge, dragging a group frame). */
export function moveBy(ids: readonly string[], offset: Position, label: string): Command {
  return {
    name: label,
    apply: (document) => {
      const blockIds = new Set<string>();
      for (const id of ids) {
        if (document.blocks.some((block) => block.id === id)) blockIds.add(id);
        for (const member of groupDescendantBlocks(document, id)) blockIds.add(member);
      }
      if (blockIds.size === 0 || (offset.x === 0 && offset.y === 0)) return document;
      return {
        ...document,
        blocks: document.blocks.map((block) =>
          blockIds.has(block.id)
            ? {
                ...block,
                position: roundPosition({ x: block.position.x + offset.x, y: block.position.y + offset.y }),
              }
            : block,
        ),
      };
    },
  };
}

/** Sets a link's own bandwidth, latency or energy per bit; `undefined` removes a limit. */
export function setLinkParams(
  linkId: string,
  changes: Partial<Record<keyof Link['params'], number | undefined>>,
  label: string,
): Command {
  return {
    name: label,
    apply: (document) => ({
      ...document,
      links: document.links.map((link) => {
        if (link.id !== linkId) return link;
        const params: Link['params'] = { ...link.params };
        for (const [key, value] of Object.entries(changes) as [keyof Link['params'], number | undefined][]) {
          if (value === undefined) delete params[key];
          else params[key] = value;
        }
        return { ...link, params };
      }),
    }),
  };
}

/** Replaces the whole document (an edit of the text spec, an auto-layout, a restored version). */
export function replaceDocument(next: DesignDocument, label: string): Command {
  return {
    name: label,
    apply: (document) => (JSON.stringify(next) === JSON.stringify(document) ? document : next),
  };
}
