// The canvas's commands for the rest of the UI (zoom, fit, the view's centre) come from the flow on screen.
import { describe, expect, it, vi } from 'vitest';
import { canvas, registerCanvas, unregisterCanvas, type CanvasControls } from './canvas.svelte';

const controls = (): CanvasControls => ({
  screenToFlow: (point) => point,
  viewCenter: () => ({ x: 0, y: 0 }),
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
