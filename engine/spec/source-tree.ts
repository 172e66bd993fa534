/**
 * The tree a design text is read into before it becomes a design document: mappings, lists and scalars,
 * each remembering where it starts in the text. The YAML and JSON readers both produce it, so the shape
 * conversion and the problem-to-line mapping are written once.
 */

/** A scalar value as YAML's core schema and JSON give it. */
export type SourceScalar = string | number | boolean | null;

/** One key of a mapping, with the offset of the key itself (problems about the entry point at its key). */
export interface SourceEntry {
  key: string;
  keyOffset: number;
  value: SourceNode;
}

/** A node of the text with the offset (UTF-16 code units from the start of the text) where it starts. */
export type SourceNode =
  | { kind: 'map'; offset: number; entries: SourceEntry[] }
  | { kind: 'seq'; offset: number; items: SourceNode[] }
  | { kind: 'scalar'; offset: number; value: SourceScalar }
  /**
   * A long list of plain numbers read without the YAML or JSON parser (`number-lists.ts`): a trace's arrival
   * times and lengths. Its items have no nodes of their own; a problem in one is shown on the list's line.
   */
  | { kind: 'numbers'; offset: number; values: number[] };

/** A problem found while reading or converting the text, located by offset until lines are counted. */
export interface OffsetProblem {
  offset: number;
  /** Where in the text's own structure, e.g. `blocks.hbm.params.rows`, or `(syntax)` for a syntax error. */
  path: string;
  message: string;
}

/** What a reader returns: the tree when the text could be read, and every problem it found. */
export interface SourceReading {
  root: SourceNode | undefined;
  problems: OffsetProblem[];
}

/** The path given to syntax errors, which belong to no node of the document. */
export const syntaxPath = '(syntax)';

/**
 * Nesting limit. A design document is at most six levels deep (`blocks[0].params.table[0].column`), so 64
 * leaves room for hand-written extras while keeping every recursive walk far from the stack limit.
 */
export const maxDepth = 64;

/**
 * Node limit, so that YAML aliases that refer to each other (the "billion laughs" text) cannot expand into
 * an unbounded tree. A preset has a few hundred nodes; a text within the size limit (1 MB of YAML) cannot
 * hold more than this without aliases.
 */
export const maxNodes = 500_000;

/** Line and column, both 1-based; columns count UTF-16 code units. */
export interface LineColumn {
  line: number;
  column: number;
}

/** Returns a function from offset to line and column, counting lines by `\n` (so `\r\n` is one break). */
export function lineLocator(text: string): (offset: number) => LineColumn {
  const lineStarts = [0];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) {
    lineStarts.push(index + 1);
  }
  return (offset) => {
    const clamped = Math.min(Math.max(Number.isFinite(offset) ? Math.trunc(offset) : 0, 0), text.length);
    // The last line start at or before the offset, by binary search.
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((lineStarts[middle] ?? 0) <= clamped) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: clamped - (lineStarts[low] ?? 0) + 1 };
  };
}

/** A short description of a node for messages: "a list", "the number 3", "nothing". */
export function describeNode(node: SourceNode): string {
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq' || node.kind === 'numbers') return 'a list';
  const value = node.value;
  if (value === null) return 'nothing';
  if (typeof value === 'string') return `the text ${quote(value)}`;
  if (typeof value === 'number') return `the number ${String(value)}`;
  return `the value ${String(value)}`;
}

/** Quotes a value for a message, shortened so that a huge value cannot flood the problem list. */
export function quote(value: string): string {
  const limit = 60;
  return JSON.stringify(value.length > limit ? `${value.slice(0, limit)}…` : value);
}
