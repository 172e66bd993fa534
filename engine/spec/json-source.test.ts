import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readJsonSource } from './json-source';
import { lineLocator, type SourceNode } from './source-tree';

/** The plain value of a source tree, to compare with what `JSON.parse` gives. */
function plain(node: SourceNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(plain);
  if (node.kind === 'numbers') return node.values;
  return Object.fromEntries(node.entries.map((entry) => [entry.key, plain(entry.value)]));
}

function jsonParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** JSON text with a small random edit, so that most texts are almost valid JSON. */
const nearlyJson = fc
  .record({
    value: fc.jsonValue({ maxDepth: 4 }),
    indent: fc.constantFrom(0, 2, '\t'),
    edits: fc.array(
      fc.record({
        at: fc.nat(),
        remove: fc.integer({ min: 0, max: 2 }),
        insert: fc.string({
          unit: fc.constantFrom(...'{}[],:"\\ \n\t0123456789eE.+-tfnul\u0000'),
          maxLength: 2,
        }),
      }),
      { maxLength: 2 },
    ),
  })
  .map(({ value, indent, edits }) => {
    let text = JSON.stringify(value, null, indent);
    for (const edit of edits) {
      const at = edit.at % (text.length + 1);
      text = text.slice(0, at) + edit.insert + text.slice(at + edit.remove);
    }
    return text;
  });

describe('readJsonSource', () => {
  it('accepts exactly what JSON.parse accepts, with the same values, except duplicate keys', () => {
    fc.assert(
      fc.property(fc.oneof(nearlyJson, fc.string()), (text) => {
        const reading = readJsonSource(text);
        const reference = jsonParse(text);
        if (reading.root !== undefined) {
          expect(reference).toStrictEqual({ ok: true, value: plain(reading.root) });
        } else if (reference.ok) {
          // JSON.parse keeps the last of two equal keys; here that is an error.
          expect(reading.problems[0]?.message).toMatch(/^duplicate key/);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('gives each node and key the offset where it starts', () => {
    const text = '{\n  "a": [1, {"b": null}],\n  "c": "x"\n}';
    const reading = readJsonSource(text);
    const locate = lineLocator(text);
    if (reading.root?.kind !== 'map') throw new Error('expected a mapping');
    const [a, c] = reading.root.entries;
    expect(locate(a!.keyOffset)).toEqual({ line: 2, column: 3 });
    expect(locate(a!.value.offset)).toEqual({ line: 2, column: 8 });
    expect(locate(c!.keyOffset)).toEqual({ line: 3, column: 3 });
    expect(locate(c!.value.offset)).toEqual({ line: 3, column: 8 });
  });

  it('reports syntax errors at their offset', () => {
    expect(readJsonSource('[1, 2,]').problems).toEqual([
      { offset: 6, path: '(syntax)', message: 'a comma before ] is not allowed in JSON' },
    ]);
    expect(readJsonSource('{"a": 01}').problems[0]?.offset).toBe(6);
    expect(readJsonSource('"abc').problems[0]?.message).toMatch(/not closed/);
    expect(readJsonSource('[1] 2').problems[0]).toMatchObject({ offset: 4 });
  });
});

describe('lineLocator', () => {
  it('counts lines and columns from 1, and clamps offsets outside the text', () => {
    const locate = lineLocator('ab\ncd\r\n\nx');
    expect(locate(0)).toEqual({ line: 1, column: 1 });
    expect(locate(2)).toEqual({ line: 1, column: 3 });
    expect(locate(3)).toEqual({ line: 2, column: 1 });
    expect(locate(7)).toEqual({ line: 3, column: 1 });
    expect(locate(8)).toEqual({ line: 4, column: 1 });
    expect(locate(-5)).toEqual({ line: 1, column: 1 });
    expect(locate(1000)).toEqual({ line: 4, column: 2 });
  });
});
