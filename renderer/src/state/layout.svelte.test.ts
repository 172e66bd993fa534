// Auto Layout while it runs (seconds on a large design): busy, saying what it lays out, once at a time, and one
// undoable step when it is done. The layout itself is ELK's (its graph is tested in editor/flow-model.test.ts);
// here a layout that the test finishes stands in for the worker, which happy-dom does not have.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesignDocument } from '../../../engine/schema/design';
import { defaultWorkload } from '../../../engine/schema/workload';
import { testDesign } from '../../../engine/testing/fixtures';
import type { TesseraApi } from '../../../main/contract/api';
import type { LayoutGraph, LayoutNode } from '../editor/layout-graph';
import { runAction } from './actions.svelte';
import { editor } from './editor.svelte';
import { layout, layoutDesign } from './layout.svelte';

const design: DesignDocument = testDesign({ tile: { type: 'test.array' }, dram: { type: 'test.dram' } }, [
  ['tile', 'dram'],
]);

beforeAll(() => {
  window.tessera = {
    simulation: {
      run: () => Promise.resolve({ ok: false, error: { code: 'cancelled', message: '' } }),
      sweep: () => Promise.resolve({ ok: false, error: { code: 'cancelled', message: '' } }),
    },
    designs: {
      save: (request: { id: string; document: DesignDocument; baseRevision: number }) =>
        Promise.resolve({
          ok: true,
          value: {
            id: request.id,
            name: request.document.name,
            revision: request.baseRevision + 1,
            updatedAt: '',
          },
        }),
    },
  } as unknown as TesseraApi;
});
afterAll(() => editor.close());

/** A layout engine that answers when the test says: each block one row further down. */
function heldLayout(): {
  engine: (graph: LayoutGraph) => Promise<LayoutNode>;
  finish: () => void;
  calls: number;
} {
  let finish = () => {};
  const held = {
    calls: 0,
    finish: () => finish(),
    engine: (graph: LayoutGraph) => {
      held.calls += 1;
      return new Promise<LayoutNode>((resolve) => {
        finish = () =>
          resolve({
            ...graph,
            children: (graph.children ?? []).map((child, index) => ({ ...child, x: 0, y: 200 * index })),
          });
      });
    },
  };
  return held;
}

describe('auto layout', () => {
  it('is busy until the layout comes back, runs once at a time, and is one undoable step', async () => {
    editor.load({
      id: 'd',
      name: design.name,
      document: design,
      workload: defaultWorkload('toy'),
      revision: 1,
      updatedAt: '',
    });
    const held = heldLayout();
    expect(layout.busy).toBe(false);
    const running = layoutDesign(held.engine);
    expect(layout.busy).toBe(true);
    expect(layout.status).toBe('Laying out 2 blocks…');
    // Meanwhile the menu entry is disabled and another request does nothing.
    runAction('auto-layout');
    await layoutDesign(held.engine);
    expect(held.calls).toBe(1);

    held.finish();
    await running;
    expect(layout.busy).toBe(false);
    expect(layout.status).toBeNull();
    expect(editor.document?.blocks.map((block) => block.position)).toEqual([
      { x: 0, y: 0 },
      { x: 0, y: 200 },
    ]);
    expect(editor.undoName).toBe('Auto layout');
    editor.undo();
    expect(editor.document).toBe(design);
  });

  it('is not busy any more when the layout fails, and the design is left as it was', async () => {
    const running = layoutDesign(() => Promise.reject(new Error('out of memory')));
    expect(layout.busy).toBe(true);
    await running;
    expect(layout.busy).toBe(false);
    expect(editor.document).toBe(design);
  });
});
