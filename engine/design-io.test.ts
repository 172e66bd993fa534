import { describe, expect, it } from 'vitest';
import { readDesign } from './design-io';
import { emptyDesign, type DesignDocument } from './schema/design';

const withTile = (position: unknown, params: Record<string, unknown> = {}): unknown => ({
  ...emptyDesign('Probe'),
  blocks: [{ id: 'tile', type: 'compute.systolic', name: 'Tile', params, position }],
});

describe('reading a design from untrusted data', () => {
  it('accepts a well-formed document as it is', () => {
    const document = withTile({ x: 10, y: -20 }, { rows: 128 }) as DesignDocument;
    expect(readDesign(document)).toEqual({ ok: true, value: document });
  });

  // Structured clone (IPC) carries NaN and ±Infinity, which JSON cannot: each is refused where it is.
  it.each([NaN, Infinity, -Infinity, '12', null])('refuses %s as a coordinate, naming the field', (x) => {
    const read = readDesign(withTile({ x, y: 0 }));
    expect(read).toEqual({
      ok: false,
      problems: [{ path: 'blocks[0].position.x', message: 'must be a finite number' }],
    });
  });

  it('refuses a non-finite parameter value', () => {
    const read = readDesign(withTile({ x: 0, y: 0 }, { rows: Infinity }));
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problems.map((problem) => problem.path)).toContain('blocks[0].params.rows');
  });

  it('refuses a document of another format or a newer version, saying which', () => {
    expect(readDesign({ ...emptyDesign('x'), format: 'other' })).toMatchObject({
      ok: false,
      problems: [{ path: 'format' }],
    });
    expect(readDesign({ ...emptyDesign('x'), version: 99 })).toMatchObject({
      ok: false,
      problems: [{ path: 'version' }],
    });
  });
});
