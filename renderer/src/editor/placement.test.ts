import { describe, expect, it } from 'vitest';
import { DEFAULT_BLOCK_SIZE } from './flow-model';
import { SNAP_GRID } from './overview';
import { freeSpot, PLACEMENT_GAP, type Box } from './placement';

const { width, height } = DEFAULT_BLOCK_SIZE;
const boxAt = (spot: { x: number; y: number }): Box => ({ ...spot, width, height });
/** Whether two boxes keep at least `gap` between them. */
const apart = (a: Box, b: Box, gap = PLACEMENT_GAP): boolean =>
  a.x + a.width + gap <= b.x ||
  b.x + b.width + gap <= a.x ||
  a.y + a.height + gap <= b.y ||
  b.y + b.height + gap <= a.y;
const centreOf = (box: Box) => ({ x: box.x + box.width / 2, y: box.y + box.height / 2 });
const distance = (a: { x: number; y: number }, b: { x: number; y: number }) =>
  Math.hypot(a.x - b.x, a.y - b.y);

describe('where a new block goes', () => {
  it('is centred on the wanted point when nothing is there, on the snap grid', () => {
    const spot = freeSpot([], { x: 403, y: 297 });
    expect(spot.x % SNAP_GRID).toBe(0);
    expect(spot.y % SNAP_GRID).toBe(0);
    expect(distance(centreOf(boxAt(spot)), { x: 403, y: 297 })).toBeLessThanOrEqual(SNAP_GRID);
    // Something elsewhere does not move it.
    expect(freeSpot([{ x: 2000, y: 0, width, height }], { x: 403, y: 297 })).toEqual(spot);
  });

  it('moves next to a block that is in the way, without touching it or its ports', () => {
    const existing = boxAt(freeSpot([], { x: 0, y: 0 }));
    const spot = freeSpot([existing], { x: 0, y: 0 });
    expect(apart(boxAt(spot), existing)).toBe(true);
    // The nearest way out: one block height and the gap below or above, not across the canvas.
    expect(distance(centreOf(boxAt(spot)), { x: 0, y: 0 })).toBeLessThanOrEqual(
      height + PLACEMENT_GAP + STEP_SLACK,
    );
  });

  it('gives blocks added one after another at the same point spots that overlap nothing, close together', () => {
    const placed: Box[] = [];
    for (let index = 0; index < 20; index += 1) placed.push(boxAt(freeSpot(placed, { x: 500, y: 300 })));
    for (const [index, box] of placed.entries()) {
      for (const other of placed.slice(index + 1)) expect(apart(box, other)).toBe(true);
      expect(distance(centreOf(box), { x: 500, y: 300 })).toBeLessThan(4 * width);
    }
  });

  it('keeps out of a group frame as well as blocks', () => {
    const frame: Box = { x: -400, y: -300, width: 800, height: 600 };
    const spot = boxAt(freeSpot([frame], { x: 0, y: 0 }));
    expect(apart(spot, frame)).toBe(true);
    // Just outside the frame's nearest side (it is wider than tall: above or below).
    expect(distance(centreOf(spot), { x: 0, y: 0 })).toBeLessThanOrEqual(300 + PLACEMENT_GAP + height);
  });

  it('finds the nearest gap in a crowded view, and a spot beside everything when there is none', () => {
    // A wall of blocks 30 wide and 30 tall, well beyond the grid of spots tried around the wanted one.
    const wall: Box[] = [];
    for (let column = 0; column < 30; column += 1)
      for (let row = 0; row < 30; row += 1)
        wall.push(boxAt({ x: column * (width + 8), y: row * (height + 8) }));
    const spot = boxAt(freeSpot(wall, { x: 15 * width, y: 15 * height }));
    expect(wall.every((box) => apart(spot, box))).toBe(true);
  });

  it('ignores boxes without a finite position or size', () => {
    expect(freeSpot([{ x: Number.NaN, y: 0, width, height }], { x: 0, y: 0 })).toEqual(
      freeSpot([], { x: 0, y: 0 }),
    );
  });
});

/** Spots are snapped to the grid, which may add up to one grid step on each axis. */
const STEP_SLACK = 2 * SNAP_GRID;
