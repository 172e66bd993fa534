import { describe, expect, it } from 'vitest';
import { indexCatalog, type Catalog } from '../catalog';
import { checkDesign } from './check';
import type { BlockType } from '../schema/block-type';
import { emptyDesign, type DesignDocument } from '../schema/design';

/** A minimal catalog written for the test: one compute type, one memory type. */
function blockType(
  id: string,
  category: BlockType['category'],
  portKind: 'compute' | 'memory',
  connects: ('compute' | 'memory')[],
): BlockType {
  return {
    format: 'tessera.blockType',
    version: 1,
    id,
    name: id,
    category,
    description: 'A block type written for the test.',
    costModel: category === 'compute' ? 'matrix-array' : 'memory',
    params: [
      {
        key: 'rows',
        name: 'Rows',
        kind: 'number',
        unit: 'count',
        default: 8,
        min: 1,
        max: 64,
        integer: true,
        description: 'Rows of the test array.',
      },
    ],
    ports: [{ id: 'p', name: 'Port', kind: portKind, connects, side: 'top' }],
    source: { citation: 'test fixture' },
  };
}
const catalog: Catalog = {
  blockTypes: [
    blockType('test.compute', 'compute', 'compute', ['memory']),
    blockType('test.memory', 'memory', 'memory', ['compute', 'memory']),
  ],
  presets: [],
  models: [],
  formats: [],
  tech: [],
  runtimes: [],
};
const index = indexCatalog(catalog);

function design(parts: Partial<DesignDocument>): DesignDocument {
  return { ...emptyDesign('test'), ...parts };
}
const at = { x: 0, y: 0 };
const compute = (id: string, params: Record<string, number | string> = {}) => ({
  id,
  type: 'test.compute',
  name: id.toUpperCase(),
  params,
  position: at,
});
const memory = (id: string) => ({
  id,
  type: 'test.memory',
  name: id.toUpperCase(),
  params: {},
  position: at,
});
const codes = (document: DesignDocument) =>
  checkDesign(document, index).map((diagnostic) => [
    diagnostic.code,
    diagnostic.blockId ?? diagnostic.linkId ?? diagnostic.groupId,
  ]);

describe('checkDesign', () => {
  it('finds nothing wrong with a valid design', () => {
    expect(
      codes(
        design({
          blocks: [compute('c'), memory('m')],
          links: [{ id: 'l', from: { block: 'c', port: 'p' }, to: { block: 'm', port: 'p' }, params: {} }],
        }),
      ),
    ).toEqual([]);
  });

  it('names a block whose type is not in the library', () => {
    const diagnostics = checkDesign(
      design({ blocks: [{ ...compute('c'), type: 'compute.warp-drive' }] }),
      index,
    );
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: 'unknown-block-type',
        blockId: 'c',
        path: 'blocks[0].type',
        message: expect.stringContaining('"compute.warp-drive"') as string,
      }),
    ]);
  });

  it('names a link to a block that does not exist', () => {
    expect(
      codes(
        design({
          blocks: [compute('c')],
          links: [
            { id: 'l', from: { block: 'c', port: 'p' }, to: { block: 'ghost', port: 'p' }, params: {} },
          ],
        }),
      ),
    ).toEqual([['missing-link-end', 'l']]);
  });

  it('refuses ports whose kinds cannot connect, saying why', () => {
    const diagnostics = checkDesign(
      design({
        blocks: [compute('a'), compute('b')],
        links: [{ id: 'l', from: { block: 'a', port: 'p' }, to: { block: 'b', port: 'p' }, params: {} }],
      }),
      index,
    );
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: 'incompatible-ports',
        linkId: 'l',
        message: expect.stringContaining('connects only to memory') as string,
      }),
    ]);
  });

  it('names an unknown port', () => {
    expect(
      codes(
        design({
          blocks: [compute('c'), memory('m')],
          links: [{ id: 'l', from: { block: 'c', port: 'side' }, to: { block: 'm', port: 'p' }, params: {} }],
        }),
      ),
    ).toEqual([['unknown-port', 'c']]);
  });

  it('checks parameter values against the block type', () => {
    expect(
      codes(
        design({
          blocks: [
            compute('a', { rows: 0 }),
            compute('b', { rows: 2.5 }),
            compute('c', { rows: 'many' }),
            compute('d', { cols: 4 }),
          ],
        }),
      ),
    ).toEqual([
      ['parameter-range', 'a'],
      ['parameter-integer', 'b'],
      ['parameter-type', 'c'],
      ['unknown-parameter', 'd'],
    ]);
  });

  it('finds duplicate ids across blocks, links and groups', () => {
    expect(codes(design({ blocks: [compute('x'), memory('x')] }))).toEqual([['duplicate-id', 'x']]);
  });

  it('finds group problems: missing members, a block in two groups, a cycle', () => {
    const groups = [
      { id: 'g1', name: 'G1', kind: 'chip' as const, count: 2, blocks: ['c', 'nobody'], groups: ['g2'] },
      { id: 'g2', name: 'G2', kind: 'cluster' as const, count: 4, blocks: ['c'], groups: ['g1'] },
    ];
    const found = codes(design({ blocks: [compute('c')], groups }));
    expect(found).toEqual(
      expect.arrayContaining([
        ['missing-group-member', 'g1'],
        ['block-in-two-groups', 'c'],
        ['group-cycle', 'g1'],
      ]),
    );
  });
});
