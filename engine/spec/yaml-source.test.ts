import { afterEach, describe, expect, it, vi } from 'vitest';
import { Composer, Parser } from 'yaml';
import { maxDepth } from './source-tree';
import { maxTopLevelErrors, readYamlSource } from './yaml-source';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('readYamlSource bounds before parsing (issue 15 item 3)', () => {
  it('refuses deep flow brackets from the lexer alone, without running the parser', () => {
    // 999 KB of "[" kept the parser busy for 32 s; the depth is known from the brackets themselves.
    const parse = vi.spyOn(Parser.prototype, 'parse');
    const reading = readYamlSource('['.repeat(10_000));
    expect(parse).not.toHaveBeenCalled();
    expect(reading.root).toBeUndefined();
    // The first bracket too deep is the one opened inside maxDepth others: offset maxDepth.
    expect(reading.problems).toEqual([
      { offset: maxDepth, path: '(syntax)', message: `nested more than ${maxDepth} levels deep` },
    ]);
  });

  it('counts only brackets the lexer reads as flow indicators, not those inside quotes, plain text or comments', () => {
    const deepText = '['.repeat(maxDepth + 1);
    const text = `name: "${deepText}"\nnotes: '${deepText}'\nother: a${deepText}\n# ${deepText}\n`;
    const reading = readYamlSource(text);
    expect(reading.problems).toEqual([]);
    expect(reading.root).toBeDefined();
  });

  it('reads flow brackets nested exactly as deep as allowed by the bracket count', () => {
    // maxDepth brackets open, none inside maxDepth others: not refused by the bracket count (the later tree
    // check counts the document level too, so it may still refuse; either way the message is the depth one).
    const text = `${'['.repeat(maxDepth)}${']'.repeat(maxDepth)}`;
    const parse = vi.spyOn(Parser.prototype, 'parse');
    readYamlSource(text);
    expect(parse).toHaveBeenCalled();
  });

  it('stops reading after a bounded number of errors outside any document, without composing', () => {
    // 980 KB of "]\n" raised an error per line and composing them took 49 s.
    const compose = vi.spyOn(Composer.prototype, 'compose');
    const lines = 5_000;
    const reading = readYamlSource(']\n'.repeat(lines));
    expect(compose).not.toHaveBeenCalled();
    expect(reading.root).toBeUndefined();
    expect(reading.problems).toHaveLength(maxTopLevelErrors + 1);
    // One problem per line read, each on its own line ("]\n" is two characters), then where reading stopped.
    expect(reading.problems.slice(0, maxTopLevelErrors).map((problem) => problem.offset)).toEqual(
      Array.from({ length: maxTopLevelErrors }, (_, line) => 2 * line),
    );
    expect(reading.problems.at(-1)).toEqual({
      offset: 2 * maxTopLevelErrors,
      path: '(syntax)',
      message: `more than ${maxTopLevelErrors} syntax errors: the text was not read further (is it YAML?)`,
    });
  });

  it('still reports a few top-level errors in full', () => {
    const reading = readYamlSource(']\n]\n');
    expect(reading.root).toBeUndefined();
    expect(reading.problems).toHaveLength(2);
  });
});

describe('readYamlSource bounds block nesting on one line before parsing', () => {
  it('refuses "- - - …" deeper than the limit without running the parser', () => {
    // 800 KB of "- " kept the parser busy for seconds, growing faster than the text.
    const parse = vi.spyOn(Parser.prototype, 'parse');
    const reading = readYamlSource('- '.repeat(10_000));
    expect(parse).not.toHaveBeenCalled();
    // The dash opened inside maxDepth others is the (maxDepth + 1)-th, at offset 2 × maxDepth.
    expect(reading.problems).toEqual([
      { offset: 2 * maxDepth, path: '(syntax)', message: `nested more than ${maxDepth} levels deep` },
    ]);
  });

  it('counts dashes per line, and not those inside text', () => {
    // Many items, one per line, and a value full of dashes, are shallow.
    const items = Array.from({ length: maxDepth * 2 }, (_, index) => `- item ${index} - - - -`).join('\n');
    const reading = readYamlSource(`list:\n${items}\nname: "${'- '.repeat(maxDepth + 1)}"\n`);
    expect(reading.problems).toEqual([]);
    expect(reading.root).toBeDefined();
  });
});
