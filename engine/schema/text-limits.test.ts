import { describe, expect, it } from 'vitest';
import { readDesign } from '../design-io';
import { textLimits } from './common';
import { emptyDesign, type DesignDocument } from './design';
import { modelSchema } from './model';

/** The problems `readDesign` finds in an empty design changed by `change`. */
function problemsOf(change: (design: Record<string, unknown>) => void): { path: string; message: string }[] {
  const design = { ...emptyDesign('Bounded') } as DesignDocument & Record<string, unknown>;
  change(design);
  const result = readDesign(design);
  return result.ok ? [] : result.problems;
}

describe('free-text fields are bounded, with a message saying the limit (issue 15 item 3)', () => {
  it('refuses a citation of 60,000 spaces (it made a Markdown export take 15 s)', () => {
    const problems = problemsOf((design) => {
      design.meta = { sources: [{ citation: `Datasheet${' '.repeat(60_000)}x` }] };
    });
    expect(problems).toEqual([
      {
        path: 'meta.sources[0].citation',
        message: `must be at most ${textLimits.citation.toLocaleString('en-US')} characters`,
      },
    ]);
  });

  it('accepts a citation exactly at the limit', () => {
    expect(
      problemsOf((design) => (design.meta = { sources: [{ citation: 'c'.repeat(textLimits.citation) }] })),
    ).toEqual([]);
  });

  it.each([
    ['note', { citation: 'A paper', note: 'n'.repeat(textLimits.note + 1) }, textLimits.note],
    ['original', { citation: 'A paper', original: 'o'.repeat(textLimits.original + 1) }, textLimits.original],
    [
      'appliesTo',
      { citation: 'A paper', appliesTo: 'a'.repeat(textLimits.appliesTo + 1) },
      textLimits.appliesTo,
    ],
  ])('refuses a source %s one character over its limit', (field, source, limit) => {
    expect(problemsOf((design) => (design.meta = { sources: [source] }))).toEqual([
      {
        path: `meta.sources[0].${field}`,
        message: `must be at most ${limit.toLocaleString('en-US')} characters`,
      },
    ]);
  });

  it('says the limit of a design name, a note and the preset name in words', () => {
    expect(problemsOf((design) => (design.name = 'd'.repeat(201)))).toEqual([
      { path: 'name', message: 'must be at most 200 characters' },
    ]);
    expect(
      problemsOf(
        (design) => (design.notes = [{ id: 'n1', text: 't'.repeat(10_001), position: { x: 0, y: 0 } }]),
      ),
    ).toEqual([{ path: 'notes[0].text', message: 'must be at most 10,000 characters' }]);
    expect(problemsOf((design) => (design.meta = { preset: 'p'.repeat(121) }))).toEqual([
      { path: 'meta.preset', message: 'must be at most 120 characters' },
    ]);
  });

  it('bounds the text of parameter values and the number of tags', () => {
    expect(
      problemsOf((design) => {
        design.blocks = [
          {
            id: 'b',
            type: 'memory.dram',
            name: 'B',
            params: { mode: 'm'.repeat(2001) },
            position: { x: 0, y: 0 },
          },
        ];
      }),
    ).toEqual([expect.objectContaining({ path: 'blocks[0].params.mode' })]);
    expect(problemsOf((design) => (design.meta = { tags: Array.from({ length: 101 }, () => 't') }))).toEqual([
      { path: 'meta.tags', message: 'must be at most 100 tags' },
    ]);
  });

  it('bounds a model’s notes', () => {
    const result = modelSchema.shape.notes.safeParse('n'.repeat(20_001));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must be at most 20,000 characters');
  });
});
