/**
 * What changed between two states of a design, in one line a person can read in the version history:
 * `Added 2 blocks (HBM3, SRAM); removed 1 link (Tile → SRAM); 1 parameter changed (HBM3 bandwidth
 * 3.35 TB/s → 1.68 TB/s); groups: SMs count 132 → 66; workload: model llama-3-8b → llama-3-70b, batch 1 → 8`.
 *
 * Pure and deterministic: the same two states give the same text. Blocks, links, groups and notes are matched by
 * id. Each category lists at most three examples, then "and N more". A parameter missing from a block's `params`
 * holds the block type's default and is shown as "default" (the catalog is not needed to describe a change).
 */
import type { Block, DesignDocument, Group, Link, Note } from './schema/design';
import { DEFAULT_MODEL_ID, defaultWorkload, type Workload } from './schema/workload';
import { formatQuantity, type Unit } from './units';

/** A design's document with the workload it runs (null: none chosen yet). */
export interface DesignState {
  document: DesignDocument;
  workload: Workload | null;
}

/** How many examples a category names before "and N more". */
const EXAMPLES_PER_CATEGORY = 3;

/**
 * The change from `before` to `after` in one line, or "No changes" when they are the same. `before` null
 * describes `after` as built from an empty design with no workload.
 */
export function describeChange(before: DesignState | null, after: DesignState): string {
  const parts = changeParts(before, after);
  if (parts.length === 0) return 'No changes';
  const line = parts.join('; ');
  return line.charAt(0).toUpperCase() + line.slice(1);
}

/**
 * The change as separate lower-case phrases, one per category, in a fixed order (design, blocks, links,
 * parameters, groups, notes, details, workload); empty when nothing changed. `describeChange` joins them.
 */
export function changeParts(before: DesignState | null, after: DesignState): string[] {
  const old: DesignState = before ?? {
    document: { ...after.document, blocks: [], links: [], groups: [], notes: [], meta: undefined },
    workload: null,
  };
  return [
    ...designParts(old.document, after.document),
    ...blockParts(old.document, after.document),
    ...linkParts(old.document, after.document),
    ...parameterParts(old.document, after.document),
    ...groupParts(old.document.groups, after.document.groups),
    ...noteParts(old.document.notes ?? [], after.document.notes ?? []),
    ...metaParts(old.document, after.document),
    ...workloadParts(old.workload, after.workload),
  ];
}

function designParts(before: DesignDocument, after: DesignDocument): string[] {
  return before.name === after.name ? [] : [`renamed the design "${before.name}" → "${after.name}"`];
}

function blockParts(before: DesignDocument, after: DesignDocument): string[] {
  const oldBlocks = byId(before.blocks);
  const newBlocks = byId(after.blocks);
  const added = after.blocks.filter((block) => !oldBlocks.has(block.id));
  const removed = before.blocks.filter((block) => !newBlocks.has(block.id));
  const kept = after.blocks.flatMap((block) => {
    const old = oldBlocks.get(block.id);
    return old ? [{ old, block }] : [];
  });
  const renamed = kept.filter(({ old, block }) => old.name !== block.name);
  const retyped = kept.filter(({ old, block }) => old.type !== block.type);
  const moved = kept.filter(
    ({ old, block }) => old.position.x !== block.position.x || old.position.y !== block.position.y,
  );
  const parts: string[] = [];
  if (added.length > 0) parts.push(`added ${counted(added.length, 'block')} ${examples(names(added))}`);
  if (removed.length > 0)
    parts.push(`removed ${counted(removed.length, 'block')} ${examples(names(removed))}`);
  if (renamed.length > 0)
    parts.push(
      `renamed ${counted(renamed.length, 'block')} ${examples(renamed.map(({ old, block }) => `${old.name} → ${block.name}`))}`,
    );
  if (retyped.length > 0)
    parts.push(
      `changed the type of ${counted(retyped.length, 'block')} ${examples(retyped.map(({ old, block }) => `${block.name} ${old.type} → ${block.type}`))}`,
    );
  if (moved.length > 0)
    parts.push(`moved ${counted(moved.length, 'block')} ${examples(moved.map(({ block }) => block.name))}`);
  return parts;
}

function linkParts(before: DesignDocument, after: DesignDocument): string[] {
  const oldLinks = byId(before.links);
  const newLinks = byId(after.links);
  const oldNames = blockNames(before);
  const newNames = blockNames(after);
  const endpoints = (link: Link, blocks: Map<string, string>): string =>
    `${blocks.get(link.from.block) ?? link.from.block} → ${blocks.get(link.to.block) ?? link.to.block}`;
  const added = after.links.filter((link) => !oldLinks.has(link.id));
  const removed = before.links.filter((link) => !newLinks.has(link.id));
  const reconnected = after.links.filter((link) => {
    const old = oldLinks.get(link.id);
    return old !== undefined && !sameValue([old.from, old.to], [link.from, link.to]);
  });
  const parts: string[] = [];
  if (added.length > 0)
    parts.push(
      `added ${counted(added.length, 'link')} ${examples(added.map((link) => endpoints(link, newNames)))}`,
    );
  if (removed.length > 0)
    parts.push(
      `removed ${counted(removed.length, 'link')} ${examples(removed.map((link) => endpoints(link, oldNames)))}`,
    );
  if (reconnected.length > 0)
    parts.push(
      `reconnected ${counted(reconnected.length, 'link')} ${examples(reconnected.map((link) => endpoints(link, newNames)))}`,
    );
  return parts;
}

/** Parameters of blocks and links that exist in both states (an added block's parameters are not changes). */
function parameterParts(before: DesignDocument, after: DesignDocument): string[] {
  const changes: string[] = [];
  const oldBlocks = byId(before.blocks);
  for (const block of after.blocks) {
    const old = oldBlocks.get(block.id);
    if (old) changes.push(...paramChanges(block.name, old.params, block.params));
  }
  const oldLinks = byId(before.links);
  const names = blockNames(after);
  for (const link of after.links) {
    const old = oldLinks.get(link.id);
    if (!old) continue;
    const label = `link ${names.get(link.from.block) ?? link.from.block} → ${names.get(link.to.block) ?? link.to.block}`;
    changes.push(...paramChanges(label, old.params, link.params));
  }
  if (changes.length === 0) return [];
  return [`${counted(changes.length, 'parameter')} changed ${examples(changes)}`];
}

function paramChanges(
  owner: string,
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((key) => {
    const from = before[key];
    const to = after[key];
    if (sameValue(from, to)) return [];
    const label = `${owner} ${parameterLabel(key)}`;
    if (Array.isArray(from) || Array.isArray(to)) {
      const rows = (value: unknown): string =>
        Array.isArray(value) ? counted(value.length, 'row') : 'default';
      const fromRows = rows(from);
      const toRows = rows(to);
      return [fromRows === toRows ? `${label} edited` : `${label} ${fromRows} → ${toRows}`];
    }
    const [fromText, toText] = showPair(from, to, unitOfKey(key));
    return [`${label} ${fromText} → ${toText}`];
  });
}

function groupParts(before: Group[], after: Group[]): string[] {
  const oldGroups = byId(before);
  const newGroups = byId(after);
  const changes: string[] = [];
  for (const group of after) {
    const old = oldGroups.get(group.id);
    if (!old) {
      changes.push(`added ${group.name} (${group.kind} ×${group.count})`);
      continue;
    }
    if (old.name !== group.name) changes.push(`renamed ${old.name} → ${group.name}`);
    if (old.kind !== group.kind) changes.push(`${group.name} kind ${old.kind} → ${group.kind}`);
    if (old.count !== group.count) changes.push(`${group.name} count ${old.count} → ${group.count}`);
    changes.push(...membershipChange(group.name, 'blocks', old.blocks, group.blocks));
    changes.push(...membershipChange(group.name, 'child groups', old.groups ?? [], group.groups ?? []));
  }
  for (const group of before) if (!newGroups.has(group.id)) changes.push(`removed ${group.name}`);
  return changes.length === 0 ? [] : [`groups: ${listed(changes)}`];
}

function membershipChange(name: string, what: string, before: string[], after: string[]): string[] {
  if (sameValue([...before].sort(), [...after].sort())) return [];
  return before.length === after.length
    ? [`${name} ${what} changed`]
    : [`${name} ${what} ${before.length} → ${after.length}`];
}

function noteParts(before: Note[], after: Note[]): string[] {
  const oldNotes = byId(before);
  const newNotes = byId(after);
  const added = after.filter((note) => !oldNotes.has(note.id)).length;
  const removed = before.filter((note) => !newNotes.has(note.id)).length;
  const edited = after.filter((note) => {
    const old = oldNotes.get(note.id);
    return old !== undefined && old.text !== note.text;
  }).length;
  const moved = after.filter((note) => {
    const old = oldNotes.get(note.id);
    return old !== undefined && !sameValue(old.position, note.position);
  }).length;
  const changes = [
    added > 0 ? `${added} added` : '',
    removed > 0 ? `${removed} removed` : '',
    edited > 0 ? `${edited} edited` : '',
    moved > 0 ? `${moved} moved` : '',
  ].filter((change) => change !== '');
  return changes.length === 0 ? [] : [`notes: ${changes.join(', ')}`];
}

function metaParts(before: DesignDocument, after: DesignDocument): string[] {
  const oldMeta: Record<string, unknown> = before.meta ?? {};
  const newMeta: Record<string, unknown> = after.meta ?? {};
  const keys = [...new Set([...Object.keys(oldMeta), ...Object.keys(newMeta)])].sort();
  const edited = keys.filter((key) => !sameValue(oldMeta[key], newMeta[key]));
  return edited.length === 0 ? [] : [`details edited ${examples(edited.map(parameterLabel))}`];
}

/** Workload fields in the order a person reads them (the schema's order). */
const workloadFields: { key: keyof Workload; label: string }[] = [
  { key: 'model', label: 'model' },
  { key: 'batch', label: 'batch' },
  { key: 'inputTokens', label: 'input tokens' },
  { key: 'outputTokens', label: 'output tokens' },
  { key: 'decodeContext', label: 'decode context' },
  { key: 'weights', label: 'weights' },
  { key: 'activations', label: 'activations' },
  { key: 'kv', label: 'KV cache' },
  { key: 'weightSparsity', label: 'weight sparsity' },
  { key: 'parallelism', label: 'parallelism' },
  { key: 'operatingPoint', label: 'operating point' },
  { key: 'unitPolicy', label: 'unit policy' },
  { key: 'pinnedUnit', label: 'pinned unit' },
  { key: 'runtime', label: 'runtime' },
  { key: 'weightDensity', label: 'weight density' },
];

function workloadParts(before: Workload | null, after: Workload | null): string[] {
  if (before === null && after === null) return [];
  if (after === null) return ['workload: removed'];
  // A design without a workload runs the default one; saving that default changes nothing anyone saw.
  if (before === null && sameValue(after, defaultWorkload(DEFAULT_MODEL_ID))) return [];
  if (before === null) return [`workload: set (model ${after.model}, batch ${after.batch})`];
  const changes = workloadFields.flatMap(({ key, label }) => {
    const from = before[key];
    const to = after[key];
    if (sameValue(from, to)) return [];
    if (key === 'parallelism') return [`${label} ${showParallelism(before)} → ${showParallelism(after)}`];
    const [fromText, toText] = showPair(from, to, undefined);
    return [`${label} ${fromText} → ${toText}`];
  });
  return changes.length === 0 ? [] : [`workload: ${listed(changes)}`];
}

function showParallelism(workload: Workload): string {
  const parallelism = workload.parallelism;
  return parallelism.mode === 'auto'
    ? 'auto'
    : `tensor ${parallelism.tensor} × pipeline ${parallelism.pipeline} × expert ${parallelism.expert}`;
}

/**
 * The unit a parameter key implies by its suffix (the design document keeps SI units in the key's name),
 * and the part of the key that names the quantity once the unit is dropped.
 */
const unitSuffixes: { pattern: RegExp; unit: Unit; keep: (key: string) => string }[] = [
  { pattern: /BytesPerSecond$/, unit: 'bytesPerSecond', keep: (key) => key.replace(/BytesPerSecond$/, '') },
  { pattern: /Bytes$/, unit: 'bytes', keep: (key) => key.replace(/Bytes$/, '') },
  { pattern: /Hertz$/, unit: 'hertz', keep: (key) => key.replace(/Hertz$/, '') },
  {
    pattern: /WattsPerSquareMetre$/,
    unit: 'wattsPerSquareMetre',
    keep: (key) => key.replace(/WattsPerSquareMetre$/, ''),
  },
  { pattern: /Watts$/, unit: 'watts', keep: (key) => key.replace(/Watts$/, '') },
  { pattern: /Seconds$/, unit: 'seconds', keep: (key) => key.replace(/Seconds$/, '') },
  { pattern: /JoulesPerBit$/, unit: 'joulesPerBit', keep: (key) => key.replace(/JoulesPerBit$/, '') },
  { pattern: /JoulesPerToken$/, unit: 'joulesPerToken', keep: (key) => key.replace(/JoulesPerToken$/, '') },
  // energyJoulesPerMacBf16, energyJoulesPerVectorOp: energy per operation, the operation named after "Per".
  { pattern: /JoulesPer[A-Z]/, unit: 'joulesPerOperation', keep: (key) => key.replace('Joules', '') },
  { pattern: /Joules$/, unit: 'joules', keep: (key) => key.replace(/Joules$/, '') },
  { pattern: /Volts$/, unit: 'volts', keep: (key) => key.replace(/Volts$/, '') },
  { pattern: /SquareMetres$/, unit: 'squareMetres', keep: (key) => key.replace(/SquareMetres$/, '') },
  { pattern: /Metres$/, unit: 'metres', keep: (key) => key.replace(/Metres$/, '') },
];

/** The unit implied by a parameter key (`bandwidthBytesPerSecond` → bytes per second), if any. */
export function unitOfKey(key: string): Unit | undefined {
  return unitSuffixes.find((suffix) => suffix.pattern.test(key))?.unit;
}

/** A parameter key as words, without its unit: `bandwidthBytesPerSecond` → "bandwidth". */
function parameterLabel(key: string): string {
  const suffix = unitSuffixes.find((candidate) => candidate.pattern.test(key));
  const kept = suffix ? suffix.keep(key) : key;
  const words = (kept === '' ? key : kept).replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words;
}

/**
 * Shows two values so they read differently: numbers get more significant digits until they do (3.35 TB/s
 * → 3.351 TB/s rather than 3.35 TB/s → 3.35 TB/s).
 */
function showPair(from: unknown, to: unknown, unit: Unit | undefined): [string, string] {
  if (typeof from === 'number' && typeof to === 'number') {
    for (let digits = 3; digits <= 15; digits += 1) {
      const pair: [string, string] = [showNumber(from, unit, digits), showNumber(to, unit, digits)];
      if (pair[0] !== pair[1] || digits === 15) return pair;
    }
  }
  return [showValue(from, unit), showValue(to, unit)];
}

function showValue(value: unknown, unit: Unit | undefined): string {
  if (value === undefined) return 'default';
  if (typeof value === 'number') return showNumber(value, unit, 3);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function showNumber(value: number, unit: Unit | undefined, digits: number): string {
  if (unit !== undefined) return formatQuantity(value, unit, digits);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(digits)));
}

function byId<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}

function blockNames(document: DesignDocument): Map<string, string> {
  return new Map(document.blocks.map((block) => [block.id, block.name]));
}

function names(blocks: Block[]): string[] {
  return blocks.map((block) => block.name);
}

function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Up to three examples, then "and N more", in parentheses. */
function examples(items: string[]): string {
  return `(${listed(items)})`;
}

function listed(items: string[]): string {
  const shown = items.slice(0, EXAMPLES_PER_CATEGORY).join(', ');
  const rest = items.length - EXAMPLES_PER_CATEGORY;
  return rest > 0 ? `${shown} and ${rest} more` : shown;
}

/** Structural equality of JSON values (object key order does not matter). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!sameValue(left[key], right[key])) return false;
  return true;
}
