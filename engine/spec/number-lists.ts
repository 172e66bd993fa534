/**
 * Reads a YAML or JSON text into a source tree, with its long lists of plain numbers read apart from the
 * parser. A trace in a workload holds up to a million arrival times and as many prompt and output lengths;
 * the YAML parser takes about 15 µs per item (a 100,000-item list took 1.5 s) and both readers make one node
 * object per item. Here such a list (`[0, 0.25, 1.5, …]`, at least {@link minLiftedItems} items, only numbers,
 * commas and white space between its brackets) is parsed by a regular expression per item and cut out of the
 * text before the parser runs (blanking it with spaces instead left the parser 5 s of white space to read for
 * a million rows). The parser reads an empty list `[]` there, which is replaced by a `numbers` node, and every
 * offset the parser gives is moved back to where it is in the original text.
 *
 * The shortcut never changes what a text means: when a list cut out was not where the parser read a list
 * (a bracket inside quoted text or a comment, a list given an anchor), or the shortened text does not parse,
 * the original text is read by the parser as it is.
 */
import { readJsonSource } from './json-source';
import type { OffsetProblem, SourceNode, SourceReading } from './source-tree';
import { readYamlSource } from './yaml-source';

/** The two text formats. */
export type SourceFormat = 'yaml' | 'json';

/** Lists with fewer items are left to the parser, so an ordinary design or workload reads exactly as before. */
export const minLiftedItems = 64;

/**
 * The longest text read at all, number lists included, in UTF-16 code units: a million-request trace in three
 * lists is about 26 million characters.
 */
export const maxTextWithListsLength = 64_000_000;

/** A JSON number (RFC 8259). */
const jsonNumber = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;
/** A number in YAML 1.2's core schema, decimal only (`0x`, `0o`, `.inf` and `.nan` are left to the parser). */
const yamlNumber = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** An anchor right before a list (`&trace [`): an alias elsewhere copies it, so the list is left to the parser. */
const anchorBefore = /&[^\s,[\]{}]+[ \t]*$/;

/**
 * The text with its long number lists cut out (`[]` left), the lists by the offset of their `[` in that text,
 * where each cut is (`at`: the offset of its `]` in the shortened text; `shift`: the characters cut up to and
 * including it) and how many characters were cut in all.
 */
interface Lifted {
  text: string;
  lists: Map<number, number[]>;
  cuts: { at: number; shift: number }[];
  removed: number;
}

/** Whether a character code may appear inside a list of plain numbers. */
function numeric(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2c || // ,
    code === 0x20 ||
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0d ||
    code === 0x2e || // .
    code === 0x2d || // -
    code === 0x2b || // +
    code === 0x65 || // e
    code === 0x45 // E
  );
}

/** The numbers of a list's inside (`0, 1.5, 2`), or undefined when one item is not a plain number. */
function numbersOf(inside: string, format: SourceFormat): number[] | undefined {
  const pattern = format === 'json' ? jsonNumber : yamlNumber;
  const items = inside.split(',');
  const values = new Array<number>(items.length);
  for (let index = 0; index < items.length; index += 1) {
    const item = (items[index] ?? '').trim();
    if (!pattern.test(item)) return undefined;
    values[index] = Number(item);
  }
  return values;
}

/** Finds the long number lists of a text and cuts them out; linear in the text's length. */
function liftNumberLists(text: string, format: SourceFormat): Lifted {
  const lists = new Map<number, number[]>();
  const cuts: { at: number; shift: number }[] = [];
  const parts: string[] = [];
  let copied = 0;
  let removed = 0;
  for (let open = text.indexOf('['); open !== -1;) {
    let end = open + 1;
    let commas = 0;
    for (; end < text.length; end += 1) {
      const code = text.charCodeAt(end);
      if (!numeric(code)) break;
      if (code === 0x2c) commas += 1;
    }
    if (
      text.charCodeAt(end) === 0x5d && // ]
      commas + 1 >= minLiftedItems &&
      (format === 'json' || !anchorBefore.test(text.slice(Math.max(0, open - 200), open)))
    ) {
      const values = numbersOf(text.slice(open + 1, end), format);
      if (values !== undefined) {
        lists.set(open - removed, values);
        parts.push(text.slice(copied, open + 1));
        copied = end;
        // The `]` follows the `[` in the shortened text; from there on, offsets are `removed` further on.
        cuts.push({ at: open + 1 - removed, shift: removed + (end - open - 1) });
        removed += end - open - 1;
      }
    }
    // Nothing between `open` and `end` is a bracket, so the search goes on from `end`.
    open = text.indexOf('[', end);
  }
  if (lists.size === 0) return { text, lists, cuts, removed: 0 };
  parts.push(text.slice(copied));
  return { text: parts.join(''), lists, cuts, removed };
}

/** The offset in the original text of an offset in the shortened one. */
function originalOffset(offset: number, cuts: Lifted['cuts']): number {
  // The last cut at or before the offset, by binary search.
  let low = 0;
  let high = cuts.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((cuts[middle]?.at ?? 0) <= offset) low = middle + 1;
    else high = middle;
  }
  return offset + (low === 0 ? 0 : (cuts[low - 1]?.shift ?? 0));
}

/**
 * Puts the lists back where the parser read an empty list at their offset, and moves every offset back to
 * the original text; counts the lists it placed.
 */
function restore(node: SourceNode, lifted: Lifted, placed: { count: number }): SourceNode {
  const offset = originalOffset(node.offset, lifted.cuts);
  if (node.kind === 'seq') {
    if (node.items.length === 0) {
      const values = lifted.lists.get(node.offset);
      if (values !== undefined) {
        placed.count += 1;
        return { kind: 'numbers', offset, values };
      }
    }
    return { kind: 'seq', offset, items: node.items.map((item) => restore(item, lifted, placed)) };
  }
  if (node.kind === 'map') {
    return {
      kind: 'map',
      offset,
      entries: node.entries.map((entry) => ({
        key: entry.key,
        keyOffset: originalOffset(entry.keyOffset, lifted.cuts),
        value: restore(entry.value, lifted, placed),
      })),
    };
  }
  return { ...node, offset };
}

function parse(text: string, format: SourceFormat): SourceReading {
  return format === 'json' ? readJsonSource(text) : readYamlSource(text);
}

function tooLong(message: string): SourceReading {
  return { root: undefined, problems: [{ offset: 0, path: '(text)', message } satisfies OffsetProblem] };
}

/**
 * Reads a text into a source tree, long number lists apart (see the module comment). `limit` bounds what the
 * parser reads: the text's length without its number lists; `what` names the document in the message that
 * refuses a longer text ("a design"). Never throws.
 */
export function readSourceText(
  text: string,
  format: SourceFormat,
  limit: number,
  what: string,
): SourceReading {
  if (text.length > maxTextWithListsLength)
    return tooLong(
      `the text is too long for ${what} (${text.length} characters; the limit is ${maxTextWithListsLength}, number lists included)`,
    );
  const lifted = liftNumberLists(text, format);
  const parsedLength = lifted.text.length;
  if (parsedLength > limit)
    return tooLong(
      lifted.lists.size === 0
        ? `the text is too long for ${what} (${text.length} characters; the limit is ${limit})`
        : `the text is too long for ${what} (${parsedLength} characters besides its long number lists; the limit is ${limit})`,
    );
  if (lifted.lists.size === 0) return parse(text, format);
  const reading = parse(lifted.text, format);
  if (reading.root !== undefined) {
    const placed = { count: 0 };
    const root = restore(reading.root, lifted, placed);
    if (placed.count === lifted.lists.size) return { root, problems: reading.problems };
  }
  // A list cut out was not a list of the document (or the text has syntax errors): the parser reads it all.
  if (text.length > limit)
    return reading.root === undefined
      ? {
          root: undefined,
          problems: reading.problems.map((problem) => ({
            ...problem,
            offset: originalOffset(problem.offset, lifted.cuts),
          })),
        }
      : tooLong(
          `the text is too long for ${what} (${text.length} characters, and its number lists cannot be read apart; the limit is ${limit})`,
        );
  return parse(text, format);
}
