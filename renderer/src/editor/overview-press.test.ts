import { describe, expect, it } from 'vitest';
import { testCatalog, testGroupedDesign } from '../../../engine/testing/fixtures';
import { toNodes, type FlowNode } from './flow-model';
import { SNAP_GRID } from './overview';
import { DRAG_THRESHOLD_PIXELS, movePress, pressOutcome, startPress } from './overview-press';

const design = testGroupedDesign();
const nodes = toNodes({
  document: design,
  catalog: testCatalog(),
  selection: new Set(),
  diagnostics: [],
  scope: null,
});
const node = (id: string): FlowNode => {
  const found = nodes.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no node ${id}`);
  return found;
};
const sram = node('sram');
/** A press on the SRAM 30 units right of and 20 below its corner, at screen point (500, 300). */
const pressed = (selection: ReadonlySet<string> = new Set(['sram'])) =>
  startPress(
    nodes,
    sram,
    selection,
    7,
    { x: 500, y: 300 },
    {
      x: sram.position.x + 30,
      y: sram.position.y + 20,
    },
  );

describe('a press on the overview', () => {
  it('stays a click while the pointer travels less than the threshold, and selects its node when released', () => {
    const press = pressed();
    const jittered = movePress(press, { x: 500 + DRAG_THRESHOLD_PIXELS - 1, y: 301 }, { x: 0, y: 0 });
    expect(jittered).toBe(press);
    expect(pressOutcome(jittered)).toEqual({ kind: 'click', node: sram });
  });

  it('becomes a drag past the threshold, landing the pressed node on the grid', () => {
    // 13 and 11 units of the design further on: the SRAM would be at +13, +11, and snaps to +16, +8.
    const flow = { x: sram.position.x + 30 + 13, y: sram.position.y + 20 + 11 };
    const press = movePress(pressed(), { x: 510, y: 300 }, flow);
    expect(press.moved).toBe(true);
    const landed = { x: sram.position.x + press.offset.x, y: sram.position.y + press.offset.y };
    expect(landed.x % SNAP_GRID).toBe(0);
    expect(landed.y % SNAP_GRID).toBe(0);
    expect(press.offset).toEqual({ x: 16, y: 8 });
  });

  it('follows the design point under the pointer, not the pixels travelled (the view may zoom meanwhile)', () => {
    const startFlow = { x: sram.position.x + 30, y: sram.position.y + 20 };
    const press = movePress(pressed(), { x: 900, y: 300 }, { x: startFlow.x + 40, y: startFlow.y });
    expect(press.offset).toEqual({ x: 40, y: 0 });
  });

  it('stays a drag when brought back, and a drag back to the start moves nothing', () => {
    const away = movePress(
      pressed(),
      { x: 540, y: 300 },
      { x: sram.position.x + 70, y: sram.position.y + 20 },
    );
    const back = movePress(away, { x: 500, y: 300 }, { x: sram.position.x + 30, y: sram.position.y + 20 });
    expect(back.moved).toBe(true);
    expect(pressOutcome(back)).toEqual({ kind: 'none' });
  });

  it('drags the selection the node belongs to, and ends as Svelte Flow ends a drag', () => {
    const press = movePress(
      pressed(new Set(['sram', 'dram'])),
      { x: 548, y: 300 },
      {
        x: sram.position.x + 30 + 48,
        y: sram.position.y + 20,
      },
    );
    const outcome = pressOutcome(press);
    if (outcome.kind !== 'move') throw new Error('a drag moves');
    expect(outcome.dragged.map((moved) => [moved.id, moved.position])).toEqual([
      ['sram', { x: sram.position.x + 48, y: sram.position.y }],
      ['dram', { x: node('dram').position.x + 48, y: node('dram').position.y }],
    ]);
    expect(outcome.start).toEqual(
      new Map([
        ['sram', sram.position],
        ['dram', node('dram').position],
      ]),
    );
  });

  it('drags the node alone when it is not part of the selection', () => {
    expect(pressed(new Set(['dram'])).dragged).toEqual([sram]);
  });
});
