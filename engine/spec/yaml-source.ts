/**
 * Reads YAML text into a source tree (see `source-tree.ts`) with the offset of every node and key, and turns
 * the YAML parser's errors into problems that point where a person would look: an unclosed bracket or
 * quote is reported where it was opened, not where the parser gave up.
 */
import {
  Composer,
  CST,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  Parser,
  Scalar,
  type Document,
  type YAMLError,
} from 'yaml';
import { formatPath } from '../schema/common';
import {
  maxDepth,
  maxNodes,
  quote,
  syntaxPath,
  type OffsetProblem,
  type SourceEntry,
  type SourceNode,
  type SourceReading,
  type SourceScalar,
} from './source-tree';

type PathSegment = string | number;

/** How many parser errors are placed on the node they are about; more are never shown. */
const placedErrors = 1000;

/**
 * YAML 1.2 with the core schema: plain `yes`/`no`/`on` stay text and only `true`/`false`, numbers and
 * `null` are typed, so a value reads the same in every YAML 1.2 tool.
 */
const parseOptions = {
  version: '1.2',
  schema: 'core',
  // Duplicate keys are found by the walker in linear time; the composer's own check is quadratic in the
  // size of a mapping.
  uniqueKeys: false,
  strict: true,
  prettyErrors: false,
  keepSourceTokens: false,
} as const;

/**
 * Reads YAML text; never throws on any string. Only the first document counts; a second one (after `---`)
 * is a problem, since a design file holds one design.
 */
export function readYamlSource(text: string): SourceReading {
  // The parser's cost grows faster than the text on deep flow nesting (999 KB of "[" took 32 s), so the
  // brackets are counted by the lexer, which is linear, and deep text is refused before it is parsed.
  const deepBracket = firstTooDeepBracket(text);
  if (deepBracket !== undefined) return tooDeepReading(deepBracket);
  const tokens: CST.Token[] = [];
  let errors = 0;
  for (const token of new Parser().parse(text)) {
    // Text that is not YAML at all (980 KB of "]\n" lines) raises an error per line, and composing and
    // placing hundreds of thousands of them took 49 s: reading stops after a few, which say enough.
    if (token.type === 'error') {
      errors += 1;
      if (errors > maxTopLevelErrors) {
        return { root: undefined, problems: tooManyErrors(tokens, token.offset) };
      }
    }
    tokens.push(token);
  }
  // The composer recurses once per nesting level. It catches its own stack overflow, but near the stack
  // limit Node 20 can abort the whole process instead ("RegExpCompiler Allocation failed", seen on the second
  // of two 10,000-deep texts), so deep text is refused before it is composed. The lexer and parser keep
  // their own stacks and are safe at any depth.
  const tooDeep = firstTooDeep(tokens);
  if (tooDeep !== undefined) return tooDeepReading(tooDeep);
  let document: Document.Parsed | undefined;
  const problems: OffsetProblem[] = [];
  for (const composed of new Composer(parseOptions).compose(tokens, true, text.length)) {
    if (document === undefined) {
      document = composed;
      continue;
    }
    problems.push({
      offset: composed.range[0],
      path: syntaxPath,
      message: 'a second YAML document starts here (after ---): a design file holds one design',
    });
    break;
  }
  if (document === undefined) {
    // compose(…, forceDoc = true) always yields a document; this keeps the type honest.
    return {
      root: undefined,
      problems: [{ offset: 0, path: syntaxPath, message: 'the text holds no YAML document' }],
    };
  }
  if (document.errors.length > 0 || problems.length > 0) {
    const locator = new ErrorLocator(document, text);
    // Placing an error searches the nodes, so only the first errors (the ones shown) are placed.
    const syntaxProblems = document.errors.map((error, index) =>
      index < placedErrors
        ? locator.problemFor(error)
        : { offset: error.pos[0], path: syntaxPath, message: firstLine(error.message) },
    );
    return { root: undefined, problems: dedupe(syntaxProblems.concat(problems)) };
  }
  const walker = new YamlWalker(document);
  const root = walker.walk(document.contents, 0, [], 0);
  return walker.problems.length > 0 ? { root: undefined, problems: walker.problems } : { root, problems: [] };
}

/** How many syntax errors outside any document are read before reading stops. */
export const maxTopLevelErrors = 20;

function tooDeepReading(offset: number): SourceReading {
  return {
    root: undefined,
    problems: [{ offset, path: syntaxPath, message: `nested more than ${maxDepth} levels deep` }],
  };
}

/** The errors read so far, and where reading stopped. */
function tooManyErrors(tokens: readonly CST.Token[], stoppedAt: number): OffsetProblem[] {
  const problems: OffsetProblem[] = [];
  for (const token of tokens) {
    if (token.type === 'error') {
      problems.push({ offset: token.offset, path: syntaxPath, message: firstLine(token.message) });
    }
  }
  problems.push({
    offset: stoppedAt,
    path: syntaxPath,
    message: `more than ${maxTopLevelErrors} syntax errors: the text was not read further (is it YAML?)`,
  });
  return problems;
}

/**
 * The offset of the first collection opened inside {@link maxDepth} others that the lexer alone can see
 * (it knows quotes, comments and plain scalars, so a bracket or a dash inside text is not counted): flow
 * brackets (`[`, `{`), and block indicators (`- `, `? `) that follow each other on one line, each of which
 * opens a collection inside the one before it (`- - - a`). The count never exceeds the real depth, so a text
 * it refuses is too deep; `firstTooDeep` checks the whole tree after parsing.
 */
function firstTooDeepBracket(text: string): number | undefined {
  let offset = 0;
  let flowDepth = 0;
  let lineIndicators = 0;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === 'flow-map-start' || type === 'flow-seq-start') {
      if (flowDepth + lineIndicators >= maxDepth) return offset;
      flowDepth += 1;
    } else if ((type === 'flow-map-end' || type === 'flow-seq-end') && flowDepth > 0) {
      flowDepth -= 1;
    } else if ((type === 'seq-item-ind' || type === 'explicit-key-ind') && flowDepth === 0) {
      if (lineIndicators >= maxDepth) return offset;
      lineIndicators += 1;
    } else if (type === 'newline') {
      lineIndicators = 0;
    }
    // The lexer's mode markers take no room in the text.
    if (type !== 'doc-mode' && type !== 'flow-error-end' && type !== 'scalar') offset += token.length;
  }
  return undefined;
}

/** The offset of the first collection nested deeper than {@link maxDepth}, found without recursion. */
function firstTooDeep(tokens: readonly CST.Token[]): number | undefined {
  const pending: { token: CST.Token | null | undefined; depth: number }[] = tokens.map((token) => ({
    token,
    depth: 0,
  }));
  let first: number | undefined;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { token, depth } = next;
    if (!token) continue;
    if (token.type === 'document') {
      pending.push({ token: token.value, depth });
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth >= maxDepth) {
        if (first === undefined || token.offset < first) first = token.offset;
        continue;
      }
      for (const item of token.items) {
        pending.push({ token: item.key, depth: depth + 1 }, { token: item.value, depth: depth + 1 });
      }
    }
  }
  return first;
}

function dedupe(problems: OffsetProblem[]): OffsetProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.offset}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Converts the YAML node tree into a source tree, resolving aliases within the node budget. */
class YamlWalker {
  readonly problems: OffsetProblem[] = [];
  private readonly anchors: AnchorIndex;
  private nodeCount = 0;
  private budgetReported = false;
  private depthReported = false;

  constructor(document: Document.Parsed) {
    this.anchors = new AnchorIndex(document);
  }

  walk(node: unknown, fallbackOffset: number, path: PathSegment[], depth: number): SourceNode {
    const offset = offsetOf(node, fallbackOffset);
    const nothing: SourceNode = { kind: 'scalar', offset, value: null };
    this.nodeCount += 1;
    if (this.nodeCount > maxNodes) {
      if (!this.budgetReported) {
        this.budgetReported = true;
        this.problem(offset, path, `the text expands to more than ${maxNodes} values (aliases?)`);
      }
      return nothing;
    }
    // Only aliases can get here: text nested this deep was refused before it was composed.
    if (depth > maxDepth) {
      if (!this.depthReported) {
        this.depthReported = true;
        this.problem(
          offset,
          path,
          `nested more than ${maxDepth} levels deep (an alias inside its own anchor?)`,
        );
      }
      return nothing;
    }
    if (isAlias(node)) {
      const target = this.anchors.resolve(node.source, offset);
      if (target === undefined) {
        this.problem(offset, path, `the alias *${node.source} refers to no anchor &${node.source} before it`);
        return nothing;
      }
      // The value is the anchored one, but the alias is where this entry was written.
      return { ...this.walk(target, offset, path, depth + 1), offset };
    }
    if (isScalar(node)) return { kind: 'scalar', offset, value: scalarValue(node.value) };
    if (isSeq(node)) {
      const items = node.items.map((item, index) => this.walk(item, offset, [...path, index], depth + 1));
      return { kind: 'seq', offset, items };
    }
    if (isMap(node)) return { kind: 'map', offset, entries: this.entries(node.items, offset, path, depth) };
    return nothing;
  }

  private entries(pairs: readonly unknown[], mapOffset: number, path: PathSegment[], depth: number) {
    const entries: SourceEntry[] = [];
    const seen = new Set<string>();
    for (const pair of pairs) {
      if (!isPair(pair)) continue;
      const keyOffset = offsetOf(pair.key, mapOffset);
      const key = keyText(pair.key);
      if (key === undefined) {
        this.problem(
          keyOffset,
          path,
          'a key must be plain text (not missing, a list, a mapping or an alias)',
        );
        continue;
      }
      // A second `hbm:` would silently replace the first block. (The composer's own check is off: it is
      // quadratic, and it compares typed keys, so `1:` and `"1":` would pass it though they are one key here.)
      if (seen.has(key)) {
        this.problem(
          keyOffset,
          [...path, key],
          `duplicate key ${quote(key)}: a key may appear once per mapping`,
        );
        continue;
      }
      seen.add(key);
      entries.push({ key, keyOffset, value: this.walk(pair.value, keyOffset, [...path, key], depth + 1) });
    }
    return entries;
  }

  private problem(offset: number, path: PathSegment[], message: string): void {
    this.problems.push({ offset, path: formatPath(path), message });
  }
}

/**
 * Anchors by name, each with where it was defined. An alias refers to the last anchor of its name before
 * it; `Alias.resolve` finds that by walking the whole document per call, which is quadratic for a text with
 * many aliases, so the index is built once (with an explicit stack, like everything that walks the tree).
 */
class AnchorIndex {
  private readonly byName = new Map<string, { offset: number; node: unknown }[]>();

  constructor(document: Document.Parsed) {
    const pending: unknown[] = [document.contents];
    while (pending.length > 0) {
      const node = pending.pop();
      if (isMap(node) || isSeq(node) || isScalar(node)) {
        if (node.anchor) {
          const list = this.byName.get(node.anchor) ?? [];
          list.push({ offset: node.range?.[0] ?? 0, node });
          this.byName.set(node.anchor, list);
        }
      }
      if (isMap(node) || isSeq(node)) {
        for (const item of node.items) {
          if (isPair(item)) pending.push(item.key, item.value);
          else pending.push(item);
        }
      }
    }
  }

  resolve(name: string, aliasOffset: number): unknown {
    let best: { offset: number; node: unknown } | undefined;
    for (const anchor of this.byName.get(name) ?? []) {
      if (anchor.offset < aliasOffset && (best === undefined || anchor.offset > best.offset)) best = anchor;
    }
    return best?.node;
  }
}

function offsetOf(node: unknown, fallback: number): number {
  if (isScalar(node) || isCollection(node) || isAlias(node)) return node.range?.[0] ?? fallback;
  return fallback;
}

/** The text of a key as written: `1:` and `true:` are the keys "1" and "true", not a number and a boolean. */
function keyText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  const source = node.source;
  if (source !== undefined && source !== '') return source;
  const value = scalarValue(node.value);
  return value === null ? undefined : String(value);
}

function scalarValue(value: unknown): SourceScalar {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
    return value;
  if (typeof value === 'bigint') return Number(value);
  // The core schema produces nothing else; anything unexpected reads as "nothing" and fails validation.
  return null;
}

/** Finds, for a parser error, the node a person should look at. */
class ErrorLocator {
  private readonly flowCollections: { start: number; closer: '}' | ']'; closed: boolean }[] = [];
  private readonly quotedScalars: { start: number; closed: boolean }[] = [];
  private readonly used = new Set<number>();

  constructor(document: Document.Parsed, text: string) {
    // An explicit stack: the document may be broken in any way, so this walk assumes nothing about its depth.
    const pending: unknown[] = [document.contents];
    for (let node = pending.pop(); pending.length > 0 || node !== undefined; node = pending.pop()) {
      if (isMap(node) || isSeq(node)) {
        if (node.flow && node.range) {
          const closer = isMap(node) ? '}' : ']';
          const source = text.slice(node.range[0], node.range[1]).trimEnd();
          this.flowCollections.push({ start: node.range[0], closer, closed: source.endsWith(closer) });
        }
        for (const item of node.items) {
          if (!isPair(item)) {
            pending.push(item);
            continue;
          }
          pending.push(item.key, item.value);
        }
      } else if (isScalar(node) && node.range) {
        if (node.type !== Scalar.QUOTE_DOUBLE && node.type !== Scalar.QUOTE_SINGLE) continue;
        const quoteChar = node.type === Scalar.QUOTE_DOUBLE ? '"' : "'";
        const source = text.slice(node.range[0], node.range[1]).trimEnd();
        const closed = source.length >= 2 && source.endsWith(quoteChar) && !escapedAtEnd(source, quoteChar);
        this.quotedScalars.push({ start: node.range[0], closed });
      }
    }
  }

  problemFor(error: YAMLError): OffsetProblem {
    const offset = error.pos[0];
    const message = firstLine(error.message);
    const closer = /end with an? ([\]}])/.exec(message)?.[1];
    if (closer === ']' || closer === '}') {
      const opened = this.lastUnclosed(this.flowCollections, offset, (node) => node.closer === closer);
      if (opened !== undefined) {
        const what = closer === ']' ? 'list' : 'mapping';
        const opener = closer === ']' ? '[' : '{';
        return {
          offset: opened,
          path: syntaxPath,
          message: `this ${opener} is not closed: end the ${what} with ${closer}`,
        };
      }
    }
    if (/^Missing closing .?quote/.test(message)) {
      const opened = this.lastUnclosed(this.quotedScalars, offset, () => true);
      if (opened !== undefined) {
        return {
          offset: opened,
          path: syntaxPath,
          message: 'this quoted text is not closed: add the closing quote',
        };
      }
    }
    return { offset, path: syntaxPath, message };
  }

  /** The unclosed node that starts last before the error, not already blamed for another error. */
  private lastUnclosed<T extends { start: number; closed: boolean }>(
    nodes: readonly T[],
    before: number,
    accept: (node: T) => boolean,
  ): number | undefined {
    let best: number | undefined;
    for (const node of nodes) {
      if (node.closed || node.start >= before || this.used.has(node.start) || !accept(node)) continue;
      if (best === undefined || node.start > best) best = node.start;
    }
    if (best !== undefined) this.used.add(best);
    return best;
  }
}

/** Whether the closing quote is escaped: `\\"` after an odd number of backslashes, in double quotes only. */
function escapedAtEnd(source: string, quoteChar: string): boolean {
  if (quoteChar !== '"') return false;
  let backslashes = 0;
  for (let index = source.length - 2; index >= 0 && source[index] === '\\'; index -= 1) backslashes += 1;
  return backslashes % 2 === 1;
}

function firstLine(message: string): string {
  // The YAML composer recurses per nesting level and reports a stack overflow as a parse error.
  if (message.includes('call stack'))
    return `nested too deeply to read (more than ${maxDepth} levels is never a design)`;
  const line = message.split('\n', 1)[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}
