// The canvas's commands for the rest of the UI (zoom, fit, the view's centre) come from the flow on screen.
import { describe, expect, it, vi } from 'vitest';
import type { Box } from '../editor/placement';
import { canvas, freeSpotNear, registerCanvas, unregisterCanvas, type CanvasControls } from './canvas.svelte';

const controls = (occupied: Box[] = []): CanvasControls => ({
  screenToFlow: (point) => point,
  viewCenter: () => ({ x: 0, y: 0 }),
  occupied: () => occupied,
  pointer: () => ({ x: 0, y: 0 }),
  zoomIn: vi.fn(),
  zoomOut: vi.fn(),
  fitView: vi.fn(),
});

describe('the canvas on screen', () => {
  it('is the flow registered last, and nothing once it goes', () => {
    expect(canvas()).toBeUndefined();
    const flow = controls();
    registerCanvas(flow);
    expect(canvas()).toBe(flow);
    unregisterCanvas(flow);
    expect(canvas()).toBeUndefined();
  });

  it('stays the new flow when the old one is destroyed after it (opening another design or group)', () => {
    const old = controls();
    const next = controls();
    registerCanvas(old);
    // Svelte builds the new flow before it destroys the old one.
    registerCanvas(next);
    unregisterCanvas(old);
    expect(canvas()).toBe(next);
    canvas()?.zoomIn();
    expect(next.zoomIn).toHaveBeenCalledTimes(1);
    expect(old.zoomIn).not.toHaveBeenCalled();
    unregisterCanvas(next);
  });
});

describe('a block added without a pointer', () => {
  it('goes clear of what the canvas on screen draws', () => {
    const flow = controls([{ x: -100, y: -38, width: 200, height: 76 }]);
    registerCanvas(flow);
    const spot = freeSpotNear({ x: 0, y: 0 });
    // Not on the block drawn at the centre (200 × 76 from its corner), and not far from it either.
    expect(spot.y >= 38 || spot.y + 76 <= -38 || spot.x >= 100 || spot.x + 200 <= -100).toBe(true);
    expect(Math.hypot(spot.x, spot.y)).toBeLessThan(300);
    unregisterCanvas(flow);
    // Without a canvas it is centred on the point (on the 8-unit snap grid).
    expect(freeSpotNear({ x: 0, y: 0 })).toEqual({ x: -96, y: -40 });
  });
});
