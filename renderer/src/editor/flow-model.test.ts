import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../engine/evaluate';
import { defaultWorkload } from '../../../engine/schema/workload';
import { testCatalog, testGroupedDesign } from '../../../engine/testing/fixtures';
import { moveBlocks, renameBlock, setParams } from './commands';
import {
  blockOverlays,
  blockPositionCentredOn,
  keepUnchangedOverlays,
  DEFAULT_BLOCK_SIZE,
  reconcileEdges,
  reconcileNodes,
  redrawFlow,
  sameCanvasShape,
  sameFlowInput,
  scopePath,
  toEdges,
  toNodes,
  updateBlockFaces,
  type BlockFace,
} from './flow-model';
import { positionsFromLayout, toLayoutGraph } from './layout-graph';

const catalog = testCatalog();
const design = testGroupedDesign();
const input = {
  document: design,
  catalog,
  selection: new Set<string>(),
  diagnostics: [],
  scope: null,
};

describe('the canvas model', () => {
  it('gives each block its multiplicity through every group around it', () => {
    const nodes = toNodes(input);
    const tile = nodes.find((node) => node.id === 'tile');
    expect(tile?.type === 'block' && tile.data.multiplicity).toBe(64);
    const sram = nodes.find((node) => node.id === 'sram');
    expect(sram?.type === 'block' && sram.data.multiplicity).toBe(4);
  });

  it('frames each group around its contents, the outer frame around the inner one', () => {
    const nodes = toNodes(input);
    const inner = nodes.find((node) => node.id === 'tiles');
    const outer = nodes.find((node) => node.id === 'chip');
    if (inner?.type !== 'frame' || outer?.type !== 'frame') throw new Error('frames missing');
    const tile = design.blocks.find((block) => block.id === 'tile');
    expect(inner.position.x).toBeLessThan(tile?.position.x ?? 0);
    expect(inner.position.x + inner.data.width).toBeGreaterThan(
      (tile?.position.x ?? 0) + DEFAULT_BLOCK_SIZE.width,
    );
    expect(outer.position.x).toBeLessThan(inner.position.x);
    expect(outer.position.y).toBeLessThan(inner.position.y);
    expect(outer.position.x + outer.data.width).toBeGreaterThan(inner.position.x + inner.data.width);
  });

  it('shows only the inside of the group being viewed, and the path to it', () => {
    const inside = toNodes({ ...input, scope: 'chip' });
    expect(inside.map((node) => node.id).sort()).toEqual(['dram', 'sram', 'tile', 'tiles']);
    const visible = new Set(inside.filter((node) => node.type === 'block').map((node) => node.id));
    expect(toEdges(design, new Set(), visible)).toHaveLength(2);
    expect(scopePath(design, 'tiles').map((group) => group.id)).toEqual(['chip', 'tiles']);
  });

  it('puts a simulation’s per-block results on the blocks', () => {
    const result = evaluate({ design, workload: defaultWorkload('toy') }, catalog);
    if (!result.ok) throw new Error('the test design must simulate');
    const overlays = blockOverlays(result.report, 'utilization');
    // The toy model's weights fit the fast SRAM, so decode streams them from there; the DRAM idles.
    expect(overlays.get('sram')?.utilization).toBeGreaterThan(0);
    expect(overlays.get('dram')?.utilization).toBe(0);
    expect(blockOverlays(result.report, 'none').size).toBe(0);
    expect(blockOverlays(null, 'utilization').size).toBe(0);
    // The power view covers every block, the ones without a utilization too.
    const power = blockOverlays(result.report, 'power');
    expect(power.size).toBe(result.report.decode.blocks.length);
    const sram = result.report.decode.blocks.find((block) => block.blockId === 'sram');
    expect(power.get('sram')?.powerWatts).toBe(sram?.averagePowerWatts);
  });
});

describe('auto-layout graph', () => {
  it('nests groups as compound nodes and reads positions back as absolute coordinates', () => {
    const graph = toLayoutGraph(design);
    expect(graph.children?.map((child) => child.id)).toEqual(['group:chip']);
    expect(graph.children?.[0]?.children?.map((child) => child.id)).toEqual(['sram', 'dram', 'group:tiles']);
    expect(graph.edges).toHaveLength(2);
    // Positions as ELK returns them: relative to the parent.
    const laidOut = {
      id: 'root',
      children: [
        {
          id: 'group:chip',
          x: 100,
          y: 50,
          children: [
            { id: 'sram', x: 10, y: 20 },
            { id: 'group:tiles', x: 200, y: 30, children: [{ id: 'tile', x: 5, y: 6 }] },
          ],
        },
      ],
    };
    expect(Object.fromEntries(positionsFromLayout(laidOut))).toEqual({
      sram: { x: 110, y: 70 },
      tile: { x: 305, y: 86 },
    });
  });
});

describe('keeping unchanged canvas elements', () => {
  it('gives back the very same nodes and edges when nothing they show changed', () => {
    const before = toNodes(input);
    const again = toNodes({ ...input, document: { ...design } });
    expect(again[0]).not.toBe(before[0]);
    expect(reconcileNodes(before, again)).toBe(before);
    const visible = new Set(['tile', 'sram', 'dram']);
    const edges = toEdges(design, new Set(), visible);
    expect(reconcileEdges(edges, toEdges(design, new Set(), visible))).toBe(edges);
  });

  it('replaces only the node that changed, and keeps the size Svelte Flow measured for it', () => {
    const measured = { width: 214, height: 80 };
    const before = toNodes(input).map((node) => (node.id === 'sram' ? { ...node, measured } : node));
    const edited = renameBlock('sram', 'Scratchpad').apply(design);
    const after = reconcileNodes(before, toNodes({ ...input, document: edited }));
    const changed = after.filter((node, index) => node !== before[index]).map((node) => node.id);
    // The SRAM's accessible name changed; the frame around it keeps its size (sizes come from positions).
    expect(changed).toEqual(['sram']);
    expect(after.find((node) => node.id === 'sram')?.measured).toEqual(measured);
  });

  it('leaves the node list as it was on a parameter edit, and rewrites only that block’s face', () => {
    const before = toNodes(input);
    const edited = setParams(['sram'], { capacityBytes: 2 ** 21 }, 'Set capacity').apply(design);
    expect(reconcileNodes(before, toNodes({ ...input, document: edited }))).toBe(before);

    // The test SRAM gets a summary line showing its capacity, as library types have.
    const sram = catalog.blockTypes.get('test.sram')!;
    const withSummary = {
      ...catalog,
      blockTypes: new Map(catalog.blockTypes).set('test.sram', { ...sram, summary: '{capacityBytes}' }),
    };
    const faces = new Map<string, BlockFace>();
    updateBlockFaces(faces, design, withSummary);
    const first = new Map(faces);
    updateBlockFaces(faces, edited, withSummary);
    const rewritten = [...faces].filter(([id, face]) => first.get(id) !== face).map(([id]) => id);
    expect(rewritten).toEqual(['sram']);
    expect(faces.get('sram')?.summary).not.toBe(first.get('sram')?.summary);
    expect(faces.get('sram')?.summary).toContain('2 MiB');
    // A deleted block's face goes with it.
    updateBlockFaces(
      faces,
      { ...edited, blocks: edited.blocks.filter((block) => block.id !== 'dram') },
      catalog,
    );
    expect([...faces.keys()].sort()).toEqual(['sram', 'tile']);
  });

  it('knows a parameter edit draws the same nodes and edges, and any other edit may not', () => {
    const edited = setParams(['sram'], { capacityBytes: 2 ** 21 }, 'Set capacity').apply(design);
    expect(sameCanvasShape(design, edited)).toBe(true);
    // The claim holds: the nodes and edges derived from both are the same.
    expect(reconcileNodes(toNodes(input), toNodes({ ...input, document: edited }))).toEqual(toNodes(input));
    const visible = new Set(design.blocks.map((block) => block.id));
    expect(toEdges(edited, new Set(), visible)).toEqual(toEdges(design, new Set(), visible));

    for (const changed of [
      renameBlock('sram', 'Scratchpad').apply(design),
      moveBlocks(new Map([['sram', { x: 5, y: 7 }]])).apply(design),
      { ...design, links: design.links.slice(1) },
      { ...design, groups: [...design.groups] },
      { ...design, blocks: design.blocks.slice(1) },
      { ...design, blocks: [...design.blocks].reverse() },
      { ...design, blocks: design.blocks.map((block) => ({ ...block, type: 'test.dram' })) },
    ])
      expect(sameCanvasShape(design, changed)).toBe(false);
  });

  it('keeps a block’s overlay object when a new simulation moves its figures by less than it shows', () => {
    const result = evaluate({ design, workload: defaultWorkload('toy') }, catalog);
    if (!result.ok) throw new Error('the toy design should simulate');
    const scaled = (scale: number) => ({
      ...result.report,
      decode: {
        ...result.report.decode,
        blocks: result.report.decode.blocks.map((block) =>
          block.blockId === 'sram'
            ? {
                ...block,
                utilization: block.utilization * scale,
                averagePowerWatts: block.averagePowerWatts * scale,
              }
            : block,
        ),
      },
    });
    const first = blockOverlays(result.report, 'utilization');
    const same = keepUnchangedOverlays(first, blockOverlays(scaled(1 + 1e-9), 'utilization'));
    for (const [id, overlay] of first) expect(same.get(id)).toBe(overlay);
    const moved = keepUnchangedOverlays(first, blockOverlays(scaled(1.5), 'utilization'));
    expect(moved.get('sram')).not.toBe(first.get('sram'));
  });
});

describe('redrawing the canvas after a change', () => {
  it('redraws nothing for a parameter edit, and for anything else it shows', () => {
    const edited = setParams(['sram'], { capacityBytes: 2 ** 21 }, 'Set capacity').apply(design);
    expect(sameFlowInput(undefined, input)).toBe(false);
    expect(sameFlowInput(input, { ...input, document: edited })).toBe(true);
    for (const changed of [
      { ...input, selection: new Set(['sram']) },
      { ...input, diagnostics: [] },
      { ...input, scope: 'chip' },
      { ...input, catalog: testCatalog() },
      { ...input, document: renameBlock('sram', 'Scratchpad').apply(design) },
    ])
      expect(sameFlowInput(input, changed)).toBe(false);
  });

  it('replaces only the nodes and links whose selection changed', () => {
    const before = redrawFlow({ nodes: [], edges: [] }, input);
    const selected = redrawFlow(before, { ...input, selection: new Set(['dram', 'l1']) });
    const kept = new Set<unknown>([...before.nodes, ...before.edges]);
    const changed = [...selected.nodes, ...selected.edges]
      .filter((element) => !kept.has(element))
      .map((element) => element.id);
    expect(changed).toEqual(['dram', 'l1']);
  });

  it('draws inside a group only its blocks and the links between them', () => {
    const inside = redrawFlow({ nodes: [], edges: [] }, { ...input, scope: 'chip' });
    expect(inside.nodes.map((node) => node.id).sort()).toEqual(['dram', 'sram', 'tile', 'tiles']);
    expect(inside.edges.map((edge) => edge.id)).toEqual(['l0', 'l1']);
    const tiles = redrawFlow({ nodes: [], edges: [] }, { ...input, scope: 'tiles' });
    expect(tiles.nodes.map((node) => node.id)).toEqual(['tile']);
    expect(tiles.edges).toEqual([]);
  });

  it('centres a new block on the point it is added at', () => {
    const position = blockPositionCentredOn({ x: 300, y: 100 });
    expect(position.x + DEFAULT_BLOCK_SIZE.width / 2).toBe(300);
    expect(position.y + DEFAULT_BLOCK_SIZE.height / 2).toBe(100);
  });
});
