/**
 * Converts a source tree in the readable shape (blocks and groups keyed by id, endpoints as `block.port`)
 * or in the plain document shape (lists with ids, endpoints as `{ block, port }`) into a design document
 * value, ready for `readDesign`. Both shapes may be mixed: each collection is read by what it is.
 *
 * While converting, every node of the document is given the place in the text it came from, under its
 * formatted document path (`blocks[2].params.rows`), so that a schema problem can be shown on its line.
 */
import { describeNode, quote, type OffsetProblem, type SourceEntry, type SourceNode } from './source-tree';

/**
 * A path being built, in the text `formatPath` (schema/common.ts) would give for its segments, except
 * that the root is '' until it is shown: `blocks[2].params.rows`. Paths are built one segment at a time
 * instead of formatted from arrays, because a large design has a million nodes.
 */
type PathText = string;

/** The path one segment below `parent`, exactly as `formatPath` joins segments. */
function below(parent: PathText, segment: string | number): PathText {
  if (typeof segment === 'number') return `${parent}[${segment}]`;
  return parent === '' ? segment : `${parent}.${segment}`;
}

/** A path as `formatPath` shows it: the root is `(top level)`. */
function shown(path: PathText): string {
  return path === '' ? '(top level)' : path;
}

/** Where a node of the converted document was written: its path in the text's own structure and offset. */
export interface SourceSpot {
  path: string;
  offset: number;
}

/** A problem found while converting, with the document path it makes invalid. */
export interface ConversionProblem extends OffsetProblem {
  documentPath: string;
}

/** The converted document, where each of its nodes came from, and the conversion's own problems. */
export interface Conversion {
  document: unknown;
  /** Formatted document path → spot; the root is `(top level)`. */
  spots: ReadonlyMap<string, SourceSpot>;
  /** Formatted document path of a mapping → the keys written in it (to place "unrecognized key" problems). */
  keys: ReadonlyMap<string, readonly string[]>;
  problems: ConversionProblem[];
}

/** Converts a source tree into a design document value. Recursion is bounded by the reader's depth limit. */
export function convertDesignSource(root: SourceNode): Conversion {
  const converter = new Converter();
  const document = converter.design(root);
  return { document, spots: converter.spots, keys: converter.keys, problems: converter.problems };
}

/**
 * Converts a source tree that has no readable shape (a workload) into plain data, noting where each node was
 * written. Document paths start at the tree's root; the text's paths start at `sourcePrefix` (`workload` for
 * the workload inside a design text, '' for a workload document of its own); `rootOffset` is where a problem
 * with the whole tree is shown (the `workload:` key).
 */
export function convertPlainSource(
  root: SourceNode,
  sourcePrefix: string,
  rootOffset = root.offset,
): Conversion {
  const converter = new Converter();
  const document = converter.plain(root, '', sourcePrefix, rootOffset);
  return { document, spots: converter.spots, keys: converter.keys, problems: converter.problems };
}

/** One entry of a collection, however it was written. */
interface Item {
  node: SourceNode;
  documentPath: PathText;
  sourcePath: PathText;
  offset: number;
  /** The id given by the key, when the collection is a mapping keyed by id. */
  keyedId?: string;
}

type FieldReader = (entry: SourceEntry, documentPath: PathText, sourcePath: PathText) => unknown;

interface ItemShape {
  noun: string;
  /** Fields that need more than a plain copy. */
  fields?: ReadonlyMap<string, FieldReader>;
  /** Fields that the text may leave out, with the value they take. */
  defaults?: ReadonlyMap<string, () => unknown>;
}

class Converter {
  readonly spots = new Map<string, SourceSpot>();
  readonly keys = new Map<string, string[]>();
  readonly problems: ConversionProblem[] = [];

  private readonly endpointField: FieldReader = (entry, documentPath, sourcePath) =>
    this.endpoint(entry, documentPath, sourcePath);

  /**
   * An omitted `params` is an empty one, for blocks and links alike: the readable YAML leaves empty ones
   * out, and a hand-written block with only defaults should not need `params: {}`.
   */
  private readonly noParams = new Map<string, () => unknown>([['params', () => ({})]]);

  private readonly shapes = new Map<string, ItemShape>([
    ['blocks', { noun: 'block', defaults: this.noParams }],
    [
      'links',
      {
        noun: 'link',
        fields: new Map([
          ['from', this.endpointField],
          ['to', this.endpointField],
        ]),
        defaults: this.noParams,
      },
    ],
    ['groups', { noun: 'group' }],
    ['notes', { noun: 'note' }],
  ]);

  design(root: SourceNode): unknown {
    this.note('', '', root.offset);
    if (root.kind !== 'map') {
      this.problem(
        '',
        '',
        root.offset,
        `a design is a mapping with format, version, name, blocks, links and groups; found ${describeNode(root)}`,
      );
      // Nothing below a non-mapping root can be placed in a design; copying it would only cost time.
      return undefined;
    }
    const document: Record<string, unknown> = {};
    for (const entry of root.entries) {
      this.noteKey('', entry.key);
      const shape = this.shapes.get(entry.key);
      const value = shape
        ? this.collection(entry, shape)
        : this.plain(entry.value, entry.key, entry.key, entry.keyOffset);
      setOwn(document, entry.key, value);
    }
    return document;
  }

  /** A collection written as a mapping keyed by id or as a list of entries with ids. */
  private collection(entry: SourceEntry, shape: ItemShape): unknown {
    const name = entry.key;
    this.note(name, name, entry.keyOffset);
    const node = entry.value;
    if (node.kind === 'seq') {
      return node.items.map((child, index) =>
        this.item(
          {
            node: child,
            documentPath: below(name, index),
            sourcePath: below(name, index),
            offset: child.offset,
          },
          shape,
        ),
      );
    }
    if (node.kind === 'map') {
      return node.entries.map((child, index) =>
        this.item(
          {
            node: child.value,
            documentPath: below(name, index),
            sourcePath: below(name, child.key),
            offset: child.keyOffset,
            keyedId: child.key,
          },
          shape,
        ),
      );
    }
    this.problem(
      name,
      name,
      entry.keyOffset,
      `${name} is a mapping from ${shape.noun} id to ${shape.noun}, or a list of ${shape.noun}s; found ${describeNode(node)}`,
    );
    return this.plain(node, name, name, entry.keyOffset);
  }

  private item(item: Item, shape: ItemShape): unknown {
    const { node, documentPath, sourcePath, offset, keyedId } = item;
    this.note(documentPath, sourcePath, offset);
    if (node.kind !== 'map') {
      this.problem(
        documentPath,
        sourcePath,
        offset,
        `a ${shape.noun} is a mapping of its fields; found ${describeNode(node)}`,
      );
      return this.plain(node, documentPath, sourcePath, offset);
    }
    const result: Record<string, unknown> = {};
    if (keyedId !== undefined) {
      setOwn(result, 'id', keyedId);
      this.note(below(documentPath, 'id'), sourcePath, offset);
      this.noteKey(documentPath, 'id');
    }
    for (const entry of node.entries) {
      const fieldDocumentPath = below(documentPath, entry.key);
      const fieldSourcePath = below(sourcePath, entry.key);
      if (entry.key === 'id' && keyedId !== undefined) {
        // The key is the id; an explicit id may repeat it but not contradict it.
        const value = entry.value;
        if (value.kind !== 'scalar' || value.value !== keyedId) {
          this.problem(
            fieldDocumentPath,
            fieldSourcePath,
            entry.keyOffset,
            `the key says ${quote(keyedId)} but id says ${describeNode(value)}: remove id or make the two the same`,
          );
        }
        continue;
      }
      const reader = shape.fields?.get(entry.key);
      this.noteKey(documentPath, entry.key);
      setOwn(
        result,
        entry.key,
        reader
          ? reader(entry, fieldDocumentPath, fieldSourcePath)
          : this.plain(entry.value, fieldDocumentPath, fieldSourcePath, entry.keyOffset),
      );
    }
    for (const [key, value] of shape.defaults ?? []) {
      if (Object.hasOwn(result, key)) continue;
      setOwn(result, key, value());
      this.note(below(documentPath, key), sourcePath, offset);
    }
    return result;
  }

  /** `sm.mem` → `{ block: 'sm', port: 'mem' }`; a mapping is taken as it is. */
  private endpoint(entry: SourceEntry, documentPath: PathText, sourcePath: PathText): unknown {
    const node = entry.value;
    const offset = entry.keyOffset;
    if (node.kind === 'map') return this.plain(node, documentPath, sourcePath, offset);
    if (node.kind !== 'scalar' || typeof node.value !== 'string') {
      this.problem(
        documentPath,
        sourcePath,
        offset,
        `an endpoint is "block.port" (e.g. "sm.mem") or { block, port }; found ${describeNode(node)}`,
      );
      return this.plain(node, documentPath, sourcePath, offset);
    }
    const text = node.value;
    const parts = text.split('.');
    const [block, port] = parts;
    let message: string | undefined;
    if (parts.length === 1) {
      message = `the endpoint ${quote(text)} names no port: write block.port, e.g. "${text || 'sm'}.mem"`;
    } else if (parts.length > 2) {
      // Block ids may contain dots, so a second dot is ambiguous; the mapping form says which part is which.
      const cut = text.lastIndexOf('.');
      message =
        `the endpoint ${quote(text)} has more than one ".": write block.port, or ` +
        `{ block: ${text.slice(0, cut)}, port: ${text.slice(cut + 1)} } when the block id contains a "."`;
    } else if (!block) {
      message = `the endpoint ${quote(text)} needs a block id before the "."`;
    } else if (!port) {
      message = `the endpoint ${quote(text)} needs a port after the "."`;
    }
    if (message !== undefined || block === undefined || port === undefined) {
      this.problem(documentPath, sourcePath, offset, message ?? 'not an endpoint');
      return text;
    }
    this.note(documentPath, sourcePath, offset);
    this.note(below(documentPath, 'block'), sourcePath, offset);
    this.note(below(documentPath, 'port'), sourcePath, offset);
    return { block, port };
  }

  /** A copy of the node as plain data, noting where each of its parts was written. */
  plain(node: SourceNode, documentPath: PathText, sourcePath: PathText, offset: number): unknown {
    this.note(documentPath, sourcePath, offset);
    if (node.kind === 'scalar') return node.value;
    // Its items have no spots: a problem in one is placed on the list.
    if (node.kind === 'numbers') return node.values;
    if (node.kind === 'seq') {
      return node.items.map((item, index) =>
        this.plain(item, below(documentPath, index), below(sourcePath, index), item.offset),
      );
    }
    const result: Record<string, unknown> = {};
    for (const entry of node.entries) {
      this.noteKey(documentPath, entry.key);
      setOwn(
        result,
        entry.key,
        this.plain(
          entry.value,
          below(documentPath, entry.key),
          below(sourcePath, entry.key),
          entry.keyOffset,
        ),
      );
    }
    return result;
  }

  private note(documentPath: PathText, sourcePath: PathText, offset: number): void {
    const key = shown(documentPath);
    if (!this.spots.has(key)) this.spots.set(key, { path: shown(sourcePath), offset });
  }

  private noteKey(documentPath: PathText, key: string): void {
    const parent = shown(documentPath);
    const keys = this.keys.get(parent);
    if (keys) keys.push(key);
    else this.keys.set(parent, [key]);
  }

  private problem(documentPath: PathText, sourcePath: PathText, offset: number, message: string): void {
    this.problems.push({
      offset,
      path: shown(sourcePath),
      message,
      documentPath: shown(documentPath),
    });
  }
}

/** Sets an own property, so that a key such as `__proto__` in the text is data, not a prototype change. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
