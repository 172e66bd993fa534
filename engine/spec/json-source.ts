/**
 * Reads JSON text into a source tree (see `source-tree.ts`) with the offset of every node and key.
 *
 * Why not `JSON.parse`: its errors do not reliably carry a position (V8's messages vary between versions)
 * and it keeps no positions for the values, which every schema problem needs. Why not the YAML parser (YAML
 * accepts most JSON): it refuses valid JSON such as tab-indented text or keys over 1024 characters. So this
 * is a small strict RFC 8259 reader; numbers and strings are decoded by `Number` and `JSON.parse` on their
 * own token, so values are exactly those `JSON.parse` would give.
 */
import {
  maxDepth,
  quote,
  syntaxPath,
  type SourceEntry,
  type SourceNode,
  type SourceReading,
} from './source-tree';

/** A syntax error, thrown inside the reader only and turned into a problem at its offset. */
class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads JSON text; never throws. A leading byte-order mark is skipped (editors on Windows write one). */
export function readJsonSource(text: string): SourceReading {
  const reader = new JsonReader(text);
  try {
    return { root: reader.document(), problems: [] };
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      return {
        root: undefined,
        problems: [{ offset: error.offset, path: syntaxPath, message: error.message }],
      };
    }
    throw error;
  }
}

class JsonReader {
  private position = 0;

  constructor(private readonly text: string) {
    if (text.startsWith('\uFEFF')) this.position = 1;
  }

  document(): SourceNode {
    this.skipSpace();
    if (this.position >= this.text.length) this.fail('the text is empty: a design is a JSON object { … }');
    const root = this.value(0);
    this.skipSpace();
    if (this.position < this.text.length) this.fail('unexpected text after the end of the JSON value');
    return root;
  }

  private value(depth: number): SourceNode {
    if (depth > maxDepth) this.fail(`nested more than ${maxDepth} levels deep`);
    const offset = this.position;
    const char = this.text[offset];
    if (char === '{') return this.object(depth);
    if (char === '[') return this.array(depth);
    if (char === '"') return { kind: 'scalar', offset, value: this.string() };
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) {
      return { kind: 'scalar', offset, value: this.number() };
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, offset)) {
        this.position += word.length;
        return { kind: 'scalar', offset, value };
      }
    }
    if (char === undefined) this.fail('unexpected end of text: a value is missing');
    if (char === "'") this.fail("JSON text is quoted with double quotes, not '");
    return this.fail(`unexpected character ${quote(char)}: expected a value`);
  }

  private object(depth: number): SourceNode {
    const offset = this.position;
    this.position += 1;
    const entries: SourceEntry[] = [];
    const seen = new Set<string>();
    this.skipSpace();
    if (this.text[this.position] === '}') {
      this.position += 1;
      return { kind: 'map', offset, entries };
    }
    for (;;) {
      this.skipSpace();
      const keyOffset = this.position;
      if (this.text[keyOffset] !== '"') {
        if (this.text[keyOffset] === '}' && entries.length > 0)
          this.fail('a comma before } is not allowed in JSON');
        this.fail('expected a key in double quotes');
      }
      const key = this.string();
      // JSON.parse keeps the last of two equal keys without a word; in a design that hides a lost block.
      if (seen.has(key))
        this.fail(`duplicate key ${quote(key)}: a key may appear once per object`, keyOffset);
      seen.add(key);
      this.skipSpace();
      if (this.text[this.position] !== ':') this.fail(`expected ":" after the key ${quote(key)}`);
      this.position += 1;
      this.skipSpace();
      entries.push({ key, keyOffset, value: this.value(depth + 1) });
      this.skipSpace();
      const next = this.text[this.position];
      this.position += 1;
      if (next === '}') return { kind: 'map', offset, entries };
      if (next !== ',') {
        this.position -= 1;
        if (next === undefined) this.fail('this { is not closed: end the object with }', offset);
        this.fail('expected "," or "}" after the value');
      }
    }
  }

  private array(depth: number): SourceNode {
    const offset = this.position;
    this.position += 1;
    const items: SourceNode[] = [];
    this.skipSpace();
    if (this.text[this.position] === ']') {
      this.position += 1;
      return { kind: 'seq', offset, items };
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.position] === ']' && items.length > 0)
        this.fail('a comma before ] is not allowed in JSON');
      items.push(this.value(depth + 1));
      this.skipSpace();
      const next = this.text[this.position];
      this.position += 1;
      if (next === ']') return { kind: 'seq', offset, items };
      if (next !== ',') {
        this.position -= 1;
        if (next === undefined) this.fail('this [ is not closed: end the list with ]', offset);
        this.fail('expected "," or "]" after the value');
      }
    }
  }

  private string(): string {
    const start = this.position;
    let index = start + 1;
    for (;;) {
      const code = this.text.charCodeAt(index);
      if (Number.isNaN(code)) this.fail('this text is not closed: add the closing "', start);
      if (code === 0x22) break;
      if (code < 0x20) {
        this.fail(
          'a line break or control character inside text must be written as an escape (\\n, \\t, \\u0000)',
          index,
        );
      }
      if (code === 0x5c) {
        const escape = this.text[index + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(index + 2, index + 6))) {
            this.fail('\\u must be followed by four hexadecimal digits', index);
          }
          index += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) {
          this.fail(
            `invalid escape \\${escape ?? ''} (JSON knows \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)`,
            index,
          );
        }
        index += 2;
        continue;
      }
      index += 1;
    }
    this.position = index + 1;
    return JSON.parse(this.text.slice(start, index + 1)) as string;
  }

  private number(): number {
    const start = this.position;
    let index = start;
    const digits = () => {
      const from = index;
      for (
        let code = this.text.charCodeAt(index);
        code >= 0x30 && code <= 0x39;
        code = this.text.charCodeAt(index)
      ) {
        index += 1;
      }
      return index - from;
    };
    if (this.text[index] === '-') index += 1;
    if (this.text[index] === '0') index += 1;
    else if (digits() === 0) this.fail('a number needs digits after "-"', start);
    if (this.text[index] === '.') {
      index += 1;
      if (digits() === 0) this.fail('a number needs digits after the decimal point', start);
    }
    if (this.text[index] === 'e' || this.text[index] === 'E') {
      index += 1;
      if (this.text[index] === '+' || this.text[index] === '-') index += 1;
      if (digits() === 0) this.fail('a number needs digits after the exponent', start);
    }
    const next = this.text[index];
    if (next !== undefined && /[0-9A-Za-z_.]/.test(next)) {
      this.fail('not a JSON number (no leading zeros, hexadecimal, Infinity or NaN)', start);
    }
    this.position = index;
    return Number(this.text.slice(start, index));
  }

  private skipSpace(): void {
    for (;;) {
      const char = this.text[this.position];
      if (char !== ' ' && char !== '\t' && char !== '\n' && char !== '\r') return;
      this.position += 1;
    }
  }

  private fail(message: string, offset = this.position): never {
    throw new JsonSyntaxError(offset, message);
  }
}
