import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDesignDelta, designDelta, designDeltaSchema, sameJson } from './design-delta';
import type { Block, DesignDocument, Link } from './schema/design';

const block = (id: string, bandwidth = 1e12, x = 0): Block => ({
  id,
  type: 'memory.hbm',
  name: `HBM ${id}`,
  params: { bandwidthBytesPerSecond: bandwidth },
  position: { x, y: 0 },
});
const link = (id: string, from: string, to: string): Link => ({
  id,
  from: { block: from, port: 'port' },
  to: { block: to, port: 'port' },
  params: {},
});
const design = (blocks: Block[], links: Link[] = []): DesignDocument => ({
  format: 'tessera.design',
  version: 1,
  name: 'Delta test',
  blocks,
  links,
  groups: [],
});

describe('designDelta', () => {
  it('sends only the block that changed, and rebuilds the same document from it', () => {
    const base = design(
      Array.from({ length: 1000 }, (_, index) => block(`b${index}`)),
      [link('l0', 'b0', 'b1')],
    );
    const edited = {
      ...base,
      blocks: base.blocks.map((item, index) => (index === 500 ? block('b500', 2e12) : item)),
    };
    const delta = designDelta(base, edited);
    expect(delta.blocks).toEqual({
      ids: edited.blocks.map((item) => item.id),
      changed: [edited.blocks[500]],
    });
    expect(delta.links).toEqual({ ids: ['l0'], changed: [] });
    // Much smaller than the document: the point of sending it.
    expect(JSON.stringify(delta).length).toBeLessThan(JSON.stringify(edited).length / 5);
    const applied = applyDesignDelta(base, delta);
    expect(applied.ok && JSON.stringify(applied.design)).toBe(JSON.stringify(edited));
  });

  it('counts an equal copy as unchanged but a reordered object as changed (the JSON must come out the same)', () => {
    const base = design([block('a'), block('b')]);
    const copy = design([
      JSON.parse(JSON.stringify(block('a'))) as Block,
      { ...block('b'), position: { y: 0, x: 0 } },
    ]);
    const delta = designDelta(base, copy);
    expect(delta.blocks).toEqual({ ids: ['a', 'b'], changed: [copy.blocks[1]] });
  });

  it('sends a list whole when ids repeat, so a damaged design still arrives as it is', () => {
    const base = design([block('a'), block('a', 2e12)]);
    const next = design([block('a'), block('a', 3e12), block('c')]);
    expect(designDelta(base, next).blocks).toEqual({ all: next.blocks });
    const applied = applyDesignDelta(base, designDelta(base, next));
    expect(applied.ok && applied.design).toEqual(next);
  });

  it('refuses, with a reason, a delta that does not fit the base it is applied to', () => {
    const base = design([block('a'), block('b')]);
    const delta = designDelta(base, design([block('a', 5e12), block('b')]));
    expect(applyDesignDelta(design([block('a')]), delta)).toEqual({
      ok: false,
      message: 'blocks: "b" is neither in the delta nor in the base',
    });
    expect(applyDesignDelta(base, { ...delta, blocks: { ids: ['a'], changed: [block('b', 5e12)] } })).toEqual(
      { ok: false, message: 'blocks: "b" is in the delta but not in its list of ids' },
    );
    expect(applyDesignDelta(base, { ...delta, blocks: { ids: ['a', 'a'], changed: [] } })).toEqual({
      ok: false,
      message: 'blocks: "a" is listed twice',
    });
  });

  it('is checked as strictly as a whole design', () => {
    const base = design([block('a')]);
    const delta = designDelta(base, design([block('a', 2e12)]));
    expect(designDeltaSchema.safeParse(delta).success).toBe(true);
    const broken = {
      ...delta,
      blocks: { ids: ['a'], changed: [{ ...block('a'), params: { x: Number.NaN } }] },
    };
    expect(designDeltaSchema.safeParse(broken).success).toBe(false);
    expect(designDeltaSchema.safeParse({ ...delta, rest: { ...delta.rest, extra: 1 } }).success).toBe(false);
  });

  // Random edits of random designs: whatever the editor does to a document, base + delta is the new document,
  // byte for byte, and a delta applied to another base either fits or says why — it never throws.
  const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
  const blockArbitrary = fc.record({
    id: ids,
    bandwidth: fc.constantFrom(1e12, 2e12, 3e12),
    x: fc.integer({ min: -100, max: 100 }),
  });
  const designArbitrary = fc
    .array(blockArbitrary, { maxLength: 6 })
    .map((items) => design(items.map(({ id, bandwidth, x }) => block(id, bandwidth, x))));
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), index: fc.nat(), bandwidth: fc.constantFrom(1e12, 4e12) }),
    fc.record({ kind: fc.constant('move' as const), index: fc.nat(), x: fc.integer() }),
    fc.record({ kind: fc.constant('delete' as const), index: fc.nat() }),
    fc.record({ kind: fc.constant('add' as const), id: ids }),
    fc.record({ kind: fc.constant('reverse' as const) }),
    fc.record({ kind: fc.constant('rename' as const), name: fc.string({ minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('copy' as const) }),
  );
  type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;
  const applyEdit = (document: DesignDocument, step: Edit): DesignDocument => {
    const blocks = [...document.blocks];
    const at = 'index' in step && blocks.length > 0 ? step.index % blocks.length : -1;
    switch (step.kind) {
      case 'set':
        if (at >= 0) blocks[at] = block(blocks[at]!.id, step.bandwidth, blocks[at]!.position.x);
        break;
      case 'move':
        if (at >= 0) blocks[at] = { ...blocks[at]!, position: { x: step.x, y: 0 } };
        break;
      case 'delete':
        if (at >= 0) blocks.splice(at, 1);
        break;
      case 'add':
        blocks.push(block(step.id));
        break;
      case 'reverse':
        blocks.reverse();
        break;
      case 'rename':
        return { ...document, name: step.name, blocks };
      case 'copy':
        return JSON.parse(JSON.stringify(document)) as typeof document;
    }
    return { ...document, blocks };
  };

  it('rebuilds the edited document exactly from the base and the delta, for any edits', () => {
    fc.assert(
      fc.property(designArbitrary, fc.array(edit, { maxLength: 5 }), (base, edits) => {
        const next = edits.reduce(applyEdit, base);
        const delta = designDelta(base, next);
        expect(designDeltaSchema.safeParse(JSON.parse(JSON.stringify(delta))).success).toBe(true);
        const applied = applyDesignDelta(base, delta);
        expect(applied.ok).toBe(true);
        if (applied.ok) expect(JSON.stringify(applied.design)).toBe(JSON.stringify(next));
        if (edits.length === 0 && 'changed' in delta.blocks) expect(delta.blocks.changed).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws when a delta meets a base it was not made from', () => {
    fc.assert(
      fc.property(designArbitrary, designArbitrary, designArbitrary, (a, b, other) => {
        const applied = applyDesignDelta(other, designDelta(a, b));
        if (applied.ok)
          expect(applied.design.blocks.map((item) => item.id)).toEqual(b.blocks.map((item) => item.id));
        else expect(applied.message).toMatch(/blocks/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('sameJson', () => {
  it('is equality of the JSON text, without writing it', () => {
    const values = fc.jsonValue();
    fc.assert(
      fc.property(values, values, (a, b) => {
        expect(sameJson(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
        expect(sameJson(a, JSON.parse(JSON.stringify(a)))).toBe(true);
      }),
    );
  });
});
