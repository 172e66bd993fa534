import { describe, expect, it } from 'vitest';
import { testCatalog, testGroupedDesign } from '../../../engine/testing/fixtures';
import {
  DEFAULT_BLOCK_SIZE,
  HANDLE_HALF_WIDTH,
  type BlockOverlay,
  handlesOf,
  toEdges,
  toNodes,
  type FlowNode,
} from './flow-model';
import {
  blockBoxes,
  draggedPositions,
  dragTargets,
  linkGeometry,
  linkPath,
  encloses,
  nextInOrder,
  nodeAt,
  nodeBox,
  overviewMarks,
  portPoint,
  toFlow,
  visibleFlowBox,
} from './overview';

const catalog = testCatalog();
const design = testGroupedDesign();
const nodes = toNodes({ document: design, catalog, selection: new Set(), diagnostics: [], scope: null });
const edges = toEdges(design, new Set(), new Set(design.blocks.map((block) => block.id)));
const byId = new Map(nodes.map((node) => [node.id, node]));
const node = (id: string): FlowNode => {
  const found = byId.get(id);
  if (!found) throw new Error(`no node ${id}`);
  return found;
};
const centre = (id: string) => {
  const box = nodeBox(node(id));
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
};

describe('the overview drawn far out', () => {
  it('finds a block over the frames around it, and the inner frame over the outer one', () => {
    expect(nodeAt(nodes, centre('tile'))?.id).toBe('tile');
    // Inside the chip's frame and the tiles' frame, but on no block: the inner frame (the tiles) wins.
    const tiles = nodeBox(node('tiles'));
    const tile = nodeBox(node('tile'));
    const besideTile = { x: tile.x + tile.width / 2, y: tiles.y + 2 };
    expect(nodeAt(nodes, besideTile)?.id).toBe('tiles');
    // Inside the chip's frame only.
    const chip = nodeBox(node('chip'));
    expect(nodeAt(nodes, { x: chip.x + chip.width - 2, y: chip.y + chip.height - 2 })?.id).toBe('chip');
    expect(nodeAt(nodes, { x: chip.x - 50, y: chip.y - 50 })).toBeUndefined();
  });

  it('starts a link at the outer edge of the port handle on the port’s side of the block', () => {
    const box = { x: 100, y: 40, width: DEFAULT_BLOCK_SIZE.width, height: DEFAULT_BLOCK_SIZE.height };
    expect(portPoint(box, 'left')).toEqual({ x: 100 - HANDLE_HALF_WIDTH, y: 40 + box.height / 2 });
    expect(portPoint(box, 'right')).toEqual({
      x: 100 + box.width + HANDLE_HALF_WIDTH,
      y: 40 + box.height / 2,
    });
    expect(portPoint(box, 'top')).toEqual({ x: 100 + box.width / 2, y: 40 - HANDLE_HALF_WIDTH });
    expect(portPoint(box, 'bottom')).toEqual({
      x: 100 + box.width / 2,
      y: 40 + box.height + HANDLE_HALF_WIDTH,
    });
  });

  it('draws every link from and to the outer edge of its ports’ handles, following a dragged block', () => {
    // A port handle is 11 px with a 2 px border (BlockNode.svelte): 15 px across, centred on its side.
    expect(HANDLE_HALF_WIDTH).toBe((11 + 2 * 2) / 2);
    const { width, height } = DEFAULT_BLOCK_SIZE;
    for (const edge of edges) {
      const geometry = linkGeometry(edge, byId);
      const source = node(edge.source);
      const target = node(edge.target);
      if (source.type !== 'block' || target.type !== 'block') throw new Error('links join blocks');
      const sideOf = (block: FlowNode, port: string | null | undefined) =>
        block.type === 'block'
          ? block.data.type?.ports.find((candidate) => candidate.id === port)?.side
          : undefined;
      const expected = (block: FlowNode, side: string | undefined) => {
        const { x, y } = block.position;
        if (side === 'left') return { x: x - 7.5, y: y + height / 2 };
        if (side === 'right') return { x: x + width + 7.5, y: y + height / 2 };
        if (side === 'top') return { x: x + width / 2, y: y - 7.5 };
        return { x: x + width / 2, y: y + height + 7.5 };
      };
      expect(geometry?.from).toEqual(expected(source, sideOf(source, edge.sourceHandle)));
      expect(geometry?.to).toEqual(expected(target, sideOf(target, edge.targetHandle)));
      if (!geometry) continue;
      // The path starts and ends at those points.
      const numbers = (linkPath(geometry).match(/-?[\d.]+/g) ?? []).map(Number);
      expect(numbers.slice(0, 2)).toEqual([geometry.from.x, geometry.from.y]);
      expect(numbers.slice(-2)).toEqual([geometry.to.x, geometry.to.y]);
    }
    const edge = edges[0];
    if (!edge) throw new Error('the fixture has links');
    const source = node(edge.source);
    const moved = linkGeometry(edge, byId, new Map([[edge.source, { x: 1000, y: 2000 }]]));
    const still = linkGeometry(edge, byId);
    expect(moved?.from).toEqual({
      x: (still?.from.x ?? 0) + 1000 - source.position.x,
      y: (still?.from.y ?? 0) + 2000 - source.position.y,
    });
    expect(moved?.to).toEqual(still?.to);
  });

  it('places the handles Svelte Flow links from where the overview starts links', () => {
    // Svelte Flow starts a link from a right-hand handle at its box's right edge, from a top one at its top edge.
    const sram = catalog.blockTypes.get('test.sram');
    if (!sram) throw new Error('the fixture has an SRAM type');
    const box = { x: 0, y: 0, width: DEFAULT_BLOCK_SIZE.width, height: DEFAULT_BLOCK_SIZE.height };
    for (const handle of handlesOf(sram)) {
      const side = sram.ports.find((port) => port.id === handle.id)?.side;
      if (!side) throw new Error('every handle is a port');
      const size = handle.width ?? 0;
      const edgePoint =
        side === 'right'
          ? { x: handle.x + size, y: handle.y + size / 2 }
          : side === 'left'
            ? { x: handle.x, y: handle.y + size / 2 }
            : side === 'top'
              ? { x: handle.x + size / 2, y: handle.y }
              : { x: handle.x + size / 2, y: handle.y + size };
      expect(edgePoint).toEqual(portPoint(box, side));
    }
    expect(handlesOf(sram)).toBe(handlesOf(sram));
  });

  it('leaves out a link whose block or port is not on the canvas', () => {
    const edge = edges[0];
    if (!edge) throw new Error('the fixture has links');
    expect(linkGeometry({ ...edge, target: 'gone' }, byId)).toBeUndefined();
    expect(linkGeometry({ ...edge, sourceHandle: 'no-such-port' }, byId)).toBeUndefined();
  });

  it('drags the whole selection when the pressed block is part of it, else the block alone', () => {
    expect(dragTargets(nodes, node('tile'), new Set(['sram', 'dram'])).map((n) => n.id)).toEqual(['tile']);
    expect(
      dragTargets(nodes, node('sram'), new Set(['sram', 'dram']))
        .map((n) => n.id)
        .sort(),
    ).toEqual(['dram', 'sram']);
  });

  it('moves what a dragged frame holds with it: its blocks and the groups inside it', () => {
    const offset = { x: 64, y: -32 };
    const moved = draggedPositions(design, nodes, [node('chip')], offset);
    expect([...moved.keys()].sort()).toEqual(['chip', 'dram', 'sram', 'tile', 'tiles']);
    for (const [id, position] of moved)
      expect(position).toEqual({ x: node(id).position.x + offset.x, y: node(id).position.y + offset.y });
    expect([...draggedPositions(design, nodes, [node('dram')], offset).keys()]).toEqual(['dram']);
  });

  it('maps screen points to the flow through the viewport, and back', () => {
    const viewport = { x: 120, y: -40, zoom: 0.08 };
    const flow = toFlow(viewport, { x: 520, y: 360 });
    expect(flow.x * viewport.zoom + viewport.x).toBeCloseTo(520);
    expect(flow.y * viewport.zoom + viewport.y).toBeCloseTo(360);
    const visible = visibleFlowBox(viewport, 800, 500);
    expect(toFlow(viewport, { x: 0, y: 0 })).toEqual({ x: visible.x, y: visible.y });
    expect(visible.width).toBeCloseTo(800 / 0.08);
    expect(visible.height).toBeCloseTo(500 / 0.08);
  });

  it('tells a box wholly inside another from one that only overlaps it', () => {
    const outer = { x: 0, y: 0, width: 100, height: 50 };
    expect(encloses(outer, { x: 10, y: 10, width: 80, height: 30 })).toBe(true);
    expect(encloses(outer, outer)).toBe(true);
    expect(encloses(outer, { x: 90, y: 10, width: 20, height: 10 })).toBe(false);
    expect(encloses(outer, { x: 10, y: -1, width: 10, height: 10 })).toBe(false);
  });

  it('walks the nodes with Tab in their order, on from the selected node last in it, and stops at the ends', () => {
    const ids = nodes.map((candidate) => candidate.id);
    // The group frames come first, then the blocks: the order of Svelte Flow's node elements, which Tab walks
    // close up.
    expect(new Set(ids.slice(0, 2))).toEqual(new Set(['chip', 'tiles']));
    expect(nodes.slice(2).every((candidate) => candidate.type === 'block')).toBe(true);
    const walk = (step: 1 | -1, start: string[]) => {
      const seen: string[] = [];
      let selection = new Set(start);
      for (let next = nextInOrder(nodes, selection, step); next; next = nextInOrder(nodes, selection, step)) {
        seen.push(next.id);
        selection = new Set([next.id]);
      }
      return seen;
    };
    expect(walk(1, [])).toEqual(ids);
    expect(walk(-1, [])).toEqual([...ids].reverse());
    // From a selection, on from its last node in that order (wherever it was clicked first).
    const last = ids[ids.length - 1] ?? '';
    expect(nextInOrder(nodes, new Set([ids[2] ?? '', ids[0] ?? '']), 1)?.id).toBe(ids[3]);
    expect(nextInOrder(nodes, new Set([last]), 1)).toBeUndefined();
    expect(nextInOrder(nodes, new Set([ids[0] ?? '']), -1)).toBeUndefined();
    // A selected link is not a node: the walk starts from the ends.
    expect(nextInOrder(nodes, new Set(['some-link']), 1)?.id).toBe(ids[0]);
  });
});

describe('the layers the overview paints', () => {
  const boxes = new Map(nodes.map((candidate) => [candidate.id, nodeBox(candidate)]));

  it('tints each block on screen by its category, and leaves off what is not on screen', () => {
    const { blocks, byCategory } = blockBoxes(nodes, boxes);
    expect(blocks).toEqual([boxes.get('tile'), boxes.get('sram'), boxes.get('dram')]);
    expect(byCategory).toEqual(
      new Map([
        ['compute', [boxes.get('tile')]],
        ['memory', [boxes.get('sram'), boxes.get('dram')]],
      ]),
    );
    const onScreen = new Map([...boxes].filter(([id]) => id !== 'dram'));
    expect(blockBoxes(nodes, onScreen).blocks).toHaveLength(2);
  });

  it('draws each overlay as a bar filled to its share, coloured by what bounds the block', () => {
    const overlay = (values: Partial<BlockOverlay>): BlockOverlay => ({
      mode: 'utilization',
      utilization: 0,
      powerWatts: 0,
      bound: 'memory',
      powerShare: 0,
      ...values,
    });
    const overlays = new Map([
      ['tile', overlay({ utilization: 0.25, bound: 'compute' })],
      ['sram', overlay({ utilization: 1.7 })],
    ]);
    const { tracks, fills } = overviewMarks(nodes, boxes, overlays);
    const tile = boxes.get('tile')!;
    const track = tracks[0]!;
    // Across the block right of its band, half its height, centred.
    expect(track.x).toBeGreaterThan(tile.x);
    expect(track.x + track.width).toBeLessThan(tile.x + tile.width);
    expect(track.y + track.height / 2).toBe(tile.y + tile.height / 2);
    expect(fills.get('compute')?.[0]?.width).toBeCloseTo(track.width / 4);
    // A share past 1 fills the bar and no further.
    expect(fills.get('memory')?.[0]?.width).toBe(tracks[1]?.width);
  });

  it('scales a power share by 3 so that small shares show, and fills them in one colour', () => {
    const tile: BlockOverlay = {
      mode: 'power',
      utilization: 0,
      powerWatts: 5,
      bound: 'compute',
      powerShare: 0.1,
    };
    const power = new Map([['tile', tile]]);
    const { tracks, fills } = overviewMarks(nodes, boxes, power);
    expect([...fills.keys()]).toEqual(['power']);
    expect(fills.get('power')?.[0]?.width).toBeCloseTo((tracks[0]?.width ?? 0) * 0.3);
  });

  it('outlines the selection, frames apart, and the blocks with errors that are not selected', () => {
    const diagnostic = { severity: 'error' as const, code: 'x', message: 'broken', blockId: 'dram' };
    const marked = toNodes({
      document: design,
      catalog,
      selection: new Set(['sram', 'chip']),
      diagnostics: [diagnostic, { ...diagnostic, blockId: 'sram' }],
      scope: null,
    });
    const { selected, selectedFrames, failing } = overviewMarks(marked, boxes, new Map());
    expect(selected).toEqual([boxes.get('sram')]);
    expect(selectedFrames).toEqual([boxes.get('chip')]);
    expect(failing).toEqual([boxes.get('dram')]);
  });
});
