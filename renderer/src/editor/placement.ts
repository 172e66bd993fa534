/**
 * Where a block added without a pointer (a palette entry pressed, Ctrl+K) or at a double-clicked point goes: at
 * the point when nothing is there, otherwise on the free spot nearest to it, so a new block never hides another
 * one or its ports. Pure; the canvas gives the boxes of what it draws.
 */
import type { Position } from '../../../engine/schema/design';
import { DEFAULT_BLOCK_SIZE } from './flow-model';
import { SNAP_GRID } from './overview';

/** A rectangle of the design, in design coordinates (a block, a group frame). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Room kept free around a placed block: its ports (15 px wide, half outside it) and a link stay clear. */
export const PLACEMENT_GAP = 24;
/** The spacing of the candidate spots tried around the wanted one, and how many rings of them. */
const STEP = 3 * SNAP_GRID;
const RINGS = 12;
/** The side of the cells boxes are filed under, in design units. */
const CELL = 256;

/**
 * The grid of spots tried around the wanted one, nearest first; equally near ones in a fixed order (right before
 * left, below before above), so the same view always gives the same spot.
 */
const OFFSETS: readonly Position[] = Array.from({ length: (2 * RINGS + 1) ** 2 }, (_, index) => ({
  x: (Math.floor(index / (2 * RINGS + 1)) - RINGS) * STEP,
  y: ((index % (2 * RINGS + 1)) - RINGS) * STEP,
})).sort((a, b) => a.x ** 2 + a.y ** 2 - (b.x ** 2 + b.y ** 2) || b.x - a.x || b.y - a.y);

const snap = (value: number): number => Math.round(value / SNAP_GRID) * SNAP_GRID;
const snapUp = (value: number): number => Math.ceil(value / SNAP_GRID) * SNAP_GRID;
const snapDown = (value: number): number => Math.floor(value / SNAP_GRID) * SNAP_GRID;

/**
 * The top-left corner of a free spot for a box of `size` centred as near `centre` as can be: no box of
 * `occupied` closer than `gap`, on the snap grid. Tried, nearest first: the spots of a grid around the wanted
 * one, and the spots beside each occupied box (right, left, below, above), so a crowded view still finds the
 * nearest gap; beside the box furthest right is always free.
 */
export function freeSpot(
  occupied: readonly Box[],
  centre: Position,
  size: { width: number; height: number } = DEFAULT_BLOCK_SIZE,
  gap = PLACEMENT_GAP,
): Position {
  const wanted = { x: snap(centre.x - size.width / 2), y: snap(centre.y - size.height / 2) };
  const boxes = occupied.filter((box) => Number.isFinite(box.x + box.y + box.width + box.height));
  // Boxes by the cells of a coarse grid they cover: a spot is checked against its neighbours only (a design of
  // a thousand blocks is a few milliseconds, not a third of a second).
  const cells = new Map<string, Box[]>();
  const cellsOf = (box: Box, margin: number): string[] => {
    const keys: string[] = [];
    const [left, right] = [
      Math.floor((box.x - margin) / CELL),
      Math.floor((box.x + box.width + margin) / CELL),
    ];
    const [top, bottom] = [
      Math.floor((box.y - margin) / CELL),
      Math.floor((box.y + box.height + margin) / CELL),
    ];
    for (let column = left; column <= right; column += 1)
      for (let row = top; row <= bottom; row += 1) keys.push(`${column},${row}`);
    return keys;
  };
  for (const box of boxes)
    for (const key of cellsOf(box, 0)) cells.set(key, [...(cells.get(key) ?? []), box]);
  const free = (spot: Position): boolean =>
    cellsOf({ ...spot, ...size }, gap).every((key) =>
      (cells.get(key) ?? []).every(
        (box) =>
          spot.x + size.width + gap <= box.x ||
          box.x + box.width + gap <= spot.x ||
          spot.y + size.height + gap <= box.y ||
          box.y + box.height + gap <= spot.y,
      ),
    );
  if (free(wanted)) return wanted;

  const distance = (spot: Position): number => (spot.x - wanted.x) ** 2 + (spot.y - wanted.y) ** 2;
  let best: Position | undefined = OFFSETS.map((offset) => ({
    x: wanted.x + offset.x,
    y: wanted.y + offset.y,
  })).find(free);
  let bestDistance = best ? distance(best) : Infinity;
  for (const box of boxes) {
    const right = snapUp(box.x + box.width + gap);
    const below = snapUp(box.y + box.height + gap);
    const left = snapDown(box.x - gap - size.width);
    const above = snapDown(box.y - gap - size.height);
    const top = snap(box.y);
    const side = snap(box.x);
    for (const spot of [
      { x: right, y: top },
      { x: left, y: top },
      { x: side, y: below },
      { x: side, y: above },
      { x: right, y: wanted.y },
      { x: left, y: wanted.y },
      { x: wanted.x, y: below },
      { x: wanted.x, y: above },
    ]) {
      const away = distance(spot);
      if (away < bestDistance && free(spot)) {
        best = spot;
        bestDistance = away;
      }
    }
  }
  if (best) return best;
  // Unreachable with the spots beside the box furthest right, kept for safety: right of everything.
  const rightmost = Math.max(...boxes.map((box) => box.x + box.width));
  return { x: snapUp(rightmost + gap), y: wanted.y };
}
