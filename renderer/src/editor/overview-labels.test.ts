import { describe, expect, it } from 'vitest';
import { testCatalog, testGroupedDesign } from '../../../engine/testing/fixtures';
import { toEdges, toNodes, type BlockFace, type FlowNode } from './flow-model';
import { describeNode, overviewLabel, tooltipOf, tooltipPlacement } from './overview-labels';

const design = testGroupedDesign();
const catalog = testCatalog();
const nodesWith = (selection: string[]) =>
  toNodes({ document: design, catalog, selection: new Set(selection), diagnostics: [], scope: null });
const nodes = nodesWith([]);
const links = toEdges(design, new Set(), new Set(['tile', 'sram', 'dram'])).length;
const faces = new Map<string, BlockFace>([
  ['sram', { name: 'Scratchpad', summary: '64 MiB' }],
  ['dram', { name: 'test.dram', summary: '64 GiB' }],
]);
const node = (id: string): FlowNode => {
  const found = nodes.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no node ${id}`);
  return found;
};
const place = (id: string) => `${nodes.indexOf(node(id)) + 1} of ${nodes.length}`;

describe('what the overview says', () => {
  it('names what it draws and how to walk it', () => {
    expect(overviewLabel(nodes, links, faces)).toBe(
      'Overview of 3 blocks and 2 links; Tab selects the next one, zoom in to see their names and ports',
    );
    const one = toNodes({
      document: { ...design, blocks: design.blocks.slice(0, 1), links: [], groups: [] },
      catalog,
      selection: new Set(),
      diagnostics: [],
      scope: null,
    });
    expect(overviewLabel(one, 1, faces)).toMatch(/^Overview of 1 block and 1 link;/);
  });

  it('lists the selection by the names people gave, the first five then "…"', () => {
    expect(overviewLabel(nodesWith(['sram', 'tiles']), links, faces)).toContain(
      ', 2 selected (Tiles, Scratchpad);',
    );
    const many = Array.from({ length: 7 }, (_, index) => ({
      ...node('tile'),
      id: `t${index}`,
      selected: true,
    }));
    expect(overviewLabel(many, 0, faces)).toContain(', 7 selected (t0, t1, t2, t3, t4, …);');
  });

  it('announces a block by name, type and summary, and its place in the walk', () => {
    expect(describeNode(node('sram'), nodes, faces)).toBe(`Scratchpad, test.sram, 64 MiB, ${place('sram')}`);
    // A block named after its type is not named twice; one without a face goes by its id.
    expect(describeNode(node('dram'), nodes, faces)).toBe(`test.dram, 64 GiB, ${place('dram')}`);
    expect(describeNode(node('tile'), nodes, faces)).toBe(`tile, test.array, ${place('tile')}`);
  });

  it('announces a group with its count and kind, and that Enter opens it', () => {
    expect(describeNode(node('chip'), nodes, faces)).toBe(
      `Chip ×4, chip group (Enter opens it), ${place('chip')}`,
    );
  });

  it('names the node under the pointer in a tooltip', () => {
    expect(tooltipOf(node('tiles'), faces)).toEqual({ title: 'Tiles ×16', detail: 'cluster' });
    expect(tooltipOf(node('sram'), faces)).toEqual({ title: 'Scratchpad', detail: '64 MiB' });
    expect(tooltipOf(node('tile'), faces)).toEqual({ title: 'tile', detail: '' });
  });

  it('puts the tooltip beside the pointer on the side with room for it', () => {
    const size = { width: 1000, height: 600 };
    expect(tooltipPlacement({ x: 100, y: 50 }, size)).toEqual({
      left: '114px',
      right: null,
      top: '64px',
      bottom: null,
    });
    expect(tooltipPlacement({ x: 900, y: 580 }, size)).toEqual({
      left: null,
      right: '114px',
      top: null,
      bottom: '34px',
    });
  });
});
