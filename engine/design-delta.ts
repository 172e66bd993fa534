/**
 * Design deltas: what changed between two versions of a design document, small enough to send on every edit.
 *
 * The editor re-simulates on every edit. Sending a 1,000-block design whole costs about 300 kB of JSON and, on
 * the way to an engine worker, ~25 ms of parsing, schema checking and copying between threads — more than the
 * simulation itself. So the editor sends a delta against the last design it sent, the backend keeps that design
 * under a token, and a worker keeps the designs it has been given, so only the delta crosses each boundary.
 *
 * A delta always reproduces the next document's content exactly — the same blocks, links and groups in the same
 * order, each item with its keys in the same order — so a report computed from
 * `applyDesignDelta(base, designDelta(base, next))` is byte for byte the report of `next`. Only the order of the
 * top-level keys may differ (the lists come after `notes`/`meta`); nothing reads it (stored content is keyed by
 * canonical JSON).
 */
import { z } from 'zod';
import { idSchema } from './schema/common';
import {
  blockSchema,
  designSchema,
  groupSchema,
  linkSchema,
  type Block,
  type DesignDocument,
  type Group,
  type Link,
} from './schema/design';

/** A list's new contents: the whole list, or its ids in order with only the items that changed or are new. */
export type ListDelta<T> = { all: T[] } | { ids: string[]; changed: T[] };

export interface DesignDelta {
  /** Everything except the three lists, whole (name, meta, notes: small). */
  rest: Omit<DesignDocument, 'blocks' | 'links' | 'groups'>;
  blocks: ListDelta<Block>;
  links: ListDelta<Link>;
  groups: ListDelta<Group>;
}

const listDeltaSchema = <T extends z.ZodType>(item: T) =>
  z.union([
    z.strictObject({ all: z.array(item) }),
    z.strictObject({ ids: z.array(idSchema), changed: z.array(item) }),
  ]);

/** Checks a delta's shape: every item in it is checked as strictly as in a whole design. */
export const designDeltaSchema = z.strictObject({
  rest: designSchema.omit({ blocks: true, links: true, groups: true }),
  blocks: listDeltaSchema(blockSchema),
  links: listDeltaSchema(linkSchema),
  groups: listDeltaSchema(groupSchema),
});

/** The delta that turns `base` into `next`. Items are compared by identity first, then by value. */
export function designDelta(base: DesignDocument, next: DesignDocument): DesignDelta {
  const { blocks, links, groups, ...rest } = next;
  return {
    rest,
    blocks: listDelta(base.blocks, blocks),
    links: listDelta(base.links, links),
    groups: listDelta(base.groups, groups),
  };
}

function listDelta<T extends { id: string }>(base: readonly T[], next: readonly T[]): ListDelta<T> {
  const before = byId(base);
  const ids = next.map((item) => item.id);
  // Repeated ids (an invalid design the checker reports) cannot be matched by id: send the list whole.
  if (!before || new Set(ids).size !== ids.length) return { all: [...next] };
  const changed = next.filter((item) => {
    const old = before.get(item.id);
    return old === undefined || !sameJson(old, item);
  });
  if (changed.length === next.length) return { all: [...next] };
  return { ids, changed };
}

function byId<T extends { id: string }>(items: readonly T[]): Map<string, T> | undefined {
  const map = new Map<string, T>();
  for (const item of items) {
    if (map.has(item.id)) return undefined;
    map.set(item.id, item);
  }
  return map;
}

/** Whether two JSON values serialize the same: equal values with their keys in the same order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => sameJson(item, b[index]));
  }
  const left = Object.keys(a);
  const right = Object.keys(b);
  if (left.length !== right.length) return false;
  return left.every(
    (key, index) =>
      key === right[index] &&
      sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

export type AppliedDelta = { ok: true; design: DesignDocument } | { ok: false; message: string };

/** The design `delta` makes of `base`, or why the delta does not fit that base. */
export function applyDesignDelta(base: DesignDocument, delta: DesignDelta): AppliedDelta {
  const blocks = applyList(base.blocks, delta.blocks, 'blocks');
  if (!blocks.ok) return blocks;
  const links = applyList(base.links, delta.links, 'links');
  if (!links.ok) return links;
  const groups = applyList(base.groups, delta.groups, 'groups');
  if (!groups.ok) return groups;
  return {
    ok: true,
    design: {
      ...delta.rest,
      blocks: blocks.items,
      links: links.items,
      groups: groups.items,
    },
  };
}

function applyList<T extends { id: string }>(
  base: readonly T[],
  delta: ListDelta<T>,
  what: string,
): { ok: true; items: T[] } | { ok: false; message: string } {
  if ('all' in delta) return { ok: true, items: delta.all };
  const before = byId(base);
  if (!before) return { ok: false, message: `the base design repeats ids in its ${what}` };
  const changed = byId(delta.changed);
  if (!changed) return { ok: false, message: `the delta repeats an id in its ${what}` };
  const items: T[] = [];
  const listed = new Set<string>();
  for (const id of delta.ids) {
    const item = changed.get(id) ?? before.get(id);
    if (item === undefined)
      return { ok: false, message: `${what}: "${id}" is neither in the delta nor in the base` };
    if (listed.has(id)) return { ok: false, message: `${what}: "${id}" is listed twice` };
    listed.add(id);
    items.push(item);
  }
  for (const id of changed.keys())
    if (!listed.has(id))
      return { ok: false, message: `${what}: "${id}" is in the delta but not in its list of ids` };
  return { ok: true, items };
}
