/**
 * The design document as text a person reads, writes and diffs: YAML in a readable shape (blocks and groups
 * keyed by id, links one per line with `block.port` endpoints) and plain JSON, in both directions. Reading
 * reports every problem with the line and column of the node it is about.
 *
 * Pure: no I/O; the caller reads and writes the files.
 */
import { Document, Pair, Scalar, YAMLMap, YAMLSeq, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { readDesign } from '../design-io';
import {
  designSchema,
  type Block,
  type DesignDocument,
  type DesignMeta,
  type Endpoint,
  type Group,
  type Link,
  type Note,
} from '../schema/design';
import { workloadSchema, type Workload } from '../schema/workload';
import { readSourceText } from './number-lists';
import { quantityText, readQuantities } from './quantities';
import { convertDesignSource } from './readable-shape';
import {
  isUnder,
  located,
  placeSchemaProblem,
  textProblem,
  typeDescription,
  type SpecProblem,
} from './schema-problems';
import { lineLocator, type OffsetProblem, type SourceEntry, type SourceNode } from './source-tree';
import {
  compactJson,
  readWorkloadSource,
  withNumberLists,
  workloadYamlNode,
  yamlText,
} from './workload-text';

/** The two text formats of a design. */
export type DesignTextFormat = 'yaml' | 'json';

export { maxProblems, type SpecProblem } from './schema-problems';

/**
 * The result of reading a design text: the validated document and, when the text has a `workload:` section,
 * the validated workload; or every problem found.
 */
export type ParsedDesignText =
  { ok: true; design: DesignDocument; workload?: Workload } | { ok: false; problems: SpecProblem[] };

/**
 * The longest text read per format, in UTF-16 code units. A preset is a few kilobytes and a design with a
 * thousand blocks a few hundred. The YAML parser reads a few hundred kilobytes a second (the JSON reader
 * here is about ten times faster), so the limits keep a mistaken file (a log, a checkpoint) from tying up an
 * engine worker for more than a few seconds.
 */
export const maxDesignTextLength: Readonly<Record<DesignTextFormat, number>> = {
  yaml: 1_000_000,
  json: 4_000_000,
};

/** The `$id` of the design document's JSON Schema. */
export const designSchemaId = 'https://tessera.dev/schema/design-v1.json';

// ---------------------------------------------------------------------------------------------------------
// Writing

/**
 * Writes a design as readable YAML: a header comment, then `format`, `version`, `name`, `meta`, `blocks`
 * keyed by id, `links` one per line (`- { id: sm-l2, from: sm.mem, to: l2.port }`), `groups` keyed by id and
 * `notes`. Parameters keep their unit-suffixed keys and are written as quantities in that unit
 * (`bandwidthBytesPerSecond: 3.35 TB/s`, `capacityBytes: 80 GiB`) whenever the text reads back as exactly the
 * same SI value (`quantities.ts`), else as the SI number; empty `params` are left out; positions and
 * table rows are one-line flow mappings. Deterministic (document order, fixed field order), no line folding,
 * and every number reads back as the same double.
 *
 * Blocks or groups whose ids are not unique (a design `check` would reject) are written as a list with ids
 * instead, so the text still reads back to the same document.
 *
 * With `workload`, a last section `workload:` holds it as `writeWorkloadText` writes a workload document
 * (a trace's long number lists one per line), and the text reads back to the same design and workload.
 */
export function designToYaml(design: DesignDocument, workload?: Workload): string {
  const document = new Document();
  document.commentBefore = ` Tessera design — ${oneLine(design.name)}`;
  const root = new YAMLMap();
  add(root, 'format', design.format);
  add(root, 'version', design.version);
  add(root, 'name', design.name);
  if (design.meta !== undefined) add(root, 'meta', metaNode(design.meta));

  const keyBlocks = hasUniqueIds(design.blocks);
  const blocks = keyBlocks ? new YAMLMap() : new YAMLSeq();
  design.blocks.forEach((block, index) => {
    const node = blockNode(block, !keyBlocks);
    if (blocks instanceof YAMLMap) add(blocks, block.id, node, index > 0);
    else blocks.add(node);
  });
  add(root, 'blocks', flowIfEmpty(blocks), true);

  const links = new YAMLSeq();
  for (const link of design.links) links.add(linkNode(link));
  add(root, 'links', flowIfEmpty(links), true);

  const keyGroups = hasUniqueIds(design.groups);
  const groups = keyGroups ? new YAMLMap() : new YAMLSeq();
  design.groups.forEach((group, index) => {
    const node = groupNode(group, !keyGroups);
    if (groups instanceof YAMLMap) add(groups, group.id, node, index > 0);
    else groups.add(node);
  });
  add(root, 'groups', flowIfEmpty(groups), true);

  if (design.notes !== undefined) {
    const notes = new YAMLSeq();
    for (const note of design.notes) notes.add(noteNode(note));
    add(root, 'notes', flowIfEmpty(notes), true);
  }

  document.contents = root;
  if (workload === undefined) {
    // lineWidth 0: no folding, so one edit changes one line of a diff; flow mappings stay on their line.
    return yamlText(document);
  }
  const lists: number[][] = [];
  add(root, 'workload', workloadYamlNode(workload, lists), true);
  return withNumberLists(yamlText(document), lists, () => {
    // A text in the design or workload holds a placeholder: the lists are written by the YAML writer instead.
    root.items.pop();
    add(root, 'workload', workloadYamlNode(workload, undefined), true);
    return yamlText(document);
  });
}

/**
 * Writes a design as plain JSON, two-space indented, ending with a newline. With `workload`, a last key
 * `workload` holds it, a trace's number lists one per line.
 */
export function designToJson(design: DesignDocument, workload?: Workload): string {
  const text = JSON.stringify(design, null, 2);
  if (workload === undefined) return `${text}\n`;
  // The document is an object, so its text ends with "\n}"; the workload goes in before that brace.
  return `${text.slice(0, -2)},\n  "workload": ${compactJson(workloadValue(workload), '  ')}\n}\n`;
}

/** The workload in the schema's field order (as `workloadYamlNode` writes it), for the JSON text. */
function workloadValue(workload: Workload): unknown {
  const parsed = workloadSchema.safeParse(workload);
  return parsed.success ? parsed.data : workload;
}

function blockNode(block: Block, withId: boolean): YAMLMap {
  const map = new YAMLMap();
  if (withId) add(map, 'id', block.id);
  add(map, 'type', block.type);
  add(map, 'name', block.name);
  const params = new YAMLMap();
  for (const [key, value] of Object.entries(block.params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      // Table parameters (operating points): one row per line.
      const rows = new YAMLSeq();
      for (const row of value) rows.add(flowMap(Object.entries(row).map(withUnit)));
      add(params, key, flowIfEmpty(rows));
    } else {
      add(params, key, typeof value === 'number' ? quantityText(key, value) : value);
    }
  }
  if (params.items.length > 0) add(map, 'params', params);
  add(
    map,
    'position',
    flowMap([
      ['x', block.position.x],
      ['y', block.position.y],
    ]),
  );
  return map;
}

function linkNode(link: Link): YAMLMap {
  const params = Object.entries(link.params)
    .filter(([, value]) => value !== undefined)
    .map(withUnit);
  return flowMap([
    ['id', link.id],
    ['from', endpointNode(link.from)],
    ['to', endpointNode(link.to)],
    ['params', params.length > 0 ? flowMap(params) : undefined],
  ]);
}

/** A parameter entry with its number written as a quantity in the key's unit, when that reads back exactly. */
function withUnit<T>([key, value]: readonly [string, T]): [string, T | string | number] {
  return [key, typeof value === 'number' ? quantityText(key, value) : value];
}

/** `sm.mem` when that reads back unambiguously; `{ block: a.b, port: c }` when an id contains a dot. */
function endpointNode(endpoint: Endpoint): YamlNode {
  const { block, port } = endpoint;
  if (block !== '' && port !== '' && !block.includes('.') && !port.includes('.')) {
    return new Scalar(`${block}.${port}`);
  }
  return flowMap([
    ['block', block],
    ['port', port],
  ]);
}

function groupNode(group: Group, withId: boolean): YAMLMap {
  const map = new YAMLMap();
  if (withId) add(map, 'id', group.id);
  add(map, 'name', group.name);
  add(map, 'kind', group.kind);
  add(map, 'count', group.count);
  add(map, 'blocks', flowSeq(group.blocks));
  if (group.groups !== undefined) add(map, 'groups', flowSeq(group.groups));
  return map;
}

function noteNode(note: Note): YAMLMap {
  const map = new YAMLMap();
  add(map, 'id', note.id);
  add(map, 'text', note.text);
  add(
    map,
    'position',
    flowMap([
      ['x', note.position.x],
      ['y', note.position.y],
    ]),
  );
  return map;
}

function metaNode(meta: DesignMeta): YAMLMap {
  const map = new YAMLMap();
  if (meta.description !== undefined) add(map, 'description', meta.description);
  if (meta.author !== undefined) add(map, 'author', meta.author);
  if (meta.tags !== undefined) add(map, 'tags', flowSeq(meta.tags));
  if (meta.sources !== undefined) {
    const sources = new YAMLSeq();
    for (const source of meta.sources) {
      const entry = new YAMLMap();
      add(entry, 'citation', source.citation);
      if (source.url !== undefined) add(entry, 'url', source.url);
      if (source.original !== undefined) add(entry, 'original', source.original);
      if (source.note !== undefined) add(entry, 'note', source.note);
      if (source.appliesTo !== undefined) add(entry, 'appliesTo', source.appliesTo);
      sources.add(entry);
    }
    add(map, 'sources', flowIfEmpty(sources));
  }
  if (meta.preset !== undefined) add(map, 'preset', meta.preset);
  return map;
}

/** Adds `key: value`; `spaceBefore` puts a blank line above it, to set sections and blocks apart. */
function add(map: YAMLMap, key: string, value: unknown, spaceBefore = false): void {
  const keyNode = new Scalar(key);
  keyNode.spaceBefore = spaceBefore;
  // Pushed, not `map.add`: that searches the mapping for the key first, which is quadratic for a thousand
  // blocks. Keys here are unique by construction (record keys, or ids checked by `hasUniqueIds`).
  map.items.push(
    new Pair(
      keyNode,
      value instanceof Scalar || value instanceof YAMLMap || value instanceof YAMLSeq
        ? value
        : new Scalar(value),
    ),
  );
}

/** A one-line `{ a: 1, b: 2 }` mapping; entries whose value is undefined are left out. */
function flowMap(entries: readonly (readonly [string, unknown])[]): YAMLMap {
  const map = new YAMLMap();
  map.flow = true;
  for (const [key, value] of entries) if (value !== undefined) add(map, key, value);
  return map;
}

/** A one-line `[a, b]` list. */
function flowSeq(values: readonly unknown[]): YAMLSeq {
  const seq = new YAMLSeq();
  seq.flow = true;
  for (const value of values) seq.add(new Scalar(value));
  return seq;
}

/** Empty collections are written `{}` and `[]` (a block-style empty collection would read back as null). */
function flowIfEmpty<T extends YAMLMap | YAMLSeq>(collection: T): T {
  if (collection.items.length === 0) collection.flow = true;
  return collection;
}

function hasUniqueIds(entries: readonly { id: string }[]): boolean {
  return new Set(entries.map((entry) => entry.id)).size === entries.length;
}

/** The name on one line, for the header comment (a line break would end the comment). */
function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ');
}

// ---------------------------------------------------------------------------------------------------------
// Reading

/**
 * Reads a design from YAML or JSON text and validates it with `readDesign` (format tag, version,
 * migration, schema). Accepts the readable shape written by `designToYaml` (blocks and groups keyed by id,
 * endpoints as `block.port`) and the plain document shape (lists with ids, endpoints as `{ block, port }`),
 * also mixed; an omitted `params` on a block or link is an empty one.
 *
 * A top-level `workload:` section is read as a workload document (`workload-text.ts`) and validated with
 * `workloadSchema`; it comes back beside the design, and its problems are placed like the design's
 * (`workload.serving.traffic.ratePerSecond`).
 *
 * Every problem has the line and column of the node it is about (a missing field: its parent's key), sorted
 * by position. Never throws, whatever it is given; text longer than {@link maxDesignTextLength} (besides a
 * trace's long number lists, `number-lists.ts`) is refused.
 */
export function parseDesignText(text: string, format: DesignTextFormat): ParsedDesignText {
  try {
    return parseOrFail(text, format);
  } catch (error) {
    // The readers bound depth, size and alias expansion; this guard is for whatever they did not foresee.
    const reason = error instanceof Error ? error.message : 'unknown error';
    return failure(`could not read the text (${reason})`);
  }
}

function parseOrFail(text: unknown, format: unknown): ParsedDesignText {
  if (typeof text !== 'string') return failure(`expected the design as text, found ${typeDescription(text)}`);
  if (format !== 'yaml' && format !== 'json') return failure('the format must be "yaml" or "json"');
  const limit = maxDesignTextLength[format];
  const locate = lineLocator(text);
  const reading = readSourceText(text, format, limit, 'a design');
  if (reading.root === undefined) {
    return { ok: false, problems: located(reading.problems, locate, 'the text could not be read') };
  }
  const { design: designRoot, workload: workloadRoot } = splitWorkload(reading.root);
  const workloadRead =
    workloadRoot === undefined
      ? undefined
      : readWorkloadSource(workloadRoot.value, 'workload', workloadRoot.keyOffset);
  const conversion = convertDesignSource(designRoot);
  // "4 TB/s" is read as the Inspector and the CLI read it; a text that is no quantity is explained on its line.
  conversion.problems.push(...readQuantities(conversion.document, conversion.spots));
  const result = readDesign(conversion.document);
  const problems: OffsetProblem[] = [...conversion.problems, ...(workloadRead?.problems ?? [])];
  if (!result.ok) {
    const explained = new Set(conversion.problems.map((problem) => problem.documentPath));
    for (const problem of result.problems) {
      // A conversion problem already explains what the schema would say about the same node.
      if (isUnder(problem.path, explained)) continue;
      problems.push(...placeSchemaProblem(problem, conversion));
    }
  }
  if (result.ok && problems.length === 0) {
    const workload = workloadRead?.workload;
    return workload === undefined
      ? { ok: true, design: result.value }
      : { ok: true, design: result.value, workload };
  }
  return { ok: false, problems: located(problems, locate, 'the design is not valid') };
}

/** The root without its `workload:` entry, and that entry's value; the design schema knows no workload. */
function splitWorkload(root: SourceNode): { design: SourceNode; workload?: SourceEntry } {
  if (root.kind !== 'map') return { design: root };
  const entry = root.entries.find((candidate) => candidate.key === 'workload');
  if (entry === undefined) return { design: root };
  return {
    design: { ...root, entries: root.entries.filter((candidate) => candidate !== entry) },
    workload: entry,
  };
}

function failure(message: string): ParsedDesignText {
  return { ok: false, problems: textProblem(message) };
}

// ---------------------------------------------------------------------------------------------------------
// JSON Schema

/**
 * The JSON Schema (draft 2020-12) of the plain design document, the shape `designToJson` writes, for
 * editors and other tools. zod leaves out the checks it cannot express (finite numbers, positive limits):
 * `readDesign` still applies them.
 */
export function designJsonSchema(): Record<string, unknown> {
  // Refinements are not representable and toJSONSchema skips them without throwing; `unrepresentable: 'any'`
  // keeps any future unrepresentable type from throwing either.
  const withWorkload = designSchema.extend({ workload: workloadSchema.optional() });
  const generated = z.toJSONSchema(withWorkload, { target: 'draft-2020-12', unrepresentable: 'any' });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: designSchemaId,
    title: 'Tessera design',
    description:
      'A Tessera design document: blocks with parameters in SI units, typed links between their ports, and groups that frame and replicate them; optionally the workload it serves.',
    ...rest,
  };
}
