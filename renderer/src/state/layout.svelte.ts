/**
 * Auto-layout with ELK in a web worker (layered, top to bottom, groups kept together). The result is one
 * undoable command. A large design takes seconds to lay out: meanwhile `layout.busy` is set (the toolbar's
 * button says "Laying out…", the status bar says what is laid out, the menu entry is disabled) and the page stays
 * responsive, since ELK runs in its worker.
 */
import ELK from 'elkjs/lib/elk-api';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import type { DesignDocument } from '../../../engine/schema/design';
import { moveBlocks } from '../editor/commands';
import {
  positionsFromLayout,
  toLayoutGraph,
  type LayoutGraph,
  type LayoutNode,
} from '../editor/layout-graph';
import { messageOf } from '../lib/api';
import { countOf } from '../lib/plural';
import { canvas } from './canvas.svelte';
import { editor } from './editor.svelte';
import { toasts } from './toasts.svelte';

/** Lays out a graph: ELK in its worker in the app; tests give their own. */
export type LayoutEngine = (graph: LayoutGraph) => Promise<LayoutNode>;

class LayoutState {
  /** What is being laid out ("Laying out 240 blocks…"), or null when nothing is. */
  status = $state<string | null>(null);
  readonly busy = $derived(this.status !== null);
}

export const layout = new LayoutState();

let elk: InstanceType<typeof ELK> | undefined;

const elkLayout: LayoutEngine = (graph) => {
  elk ??= new ELK({ workerFactory: () => new Worker(elkWorkerUrl) });
  return elk.layout(graph);
};

/**
 * Lays out the open design as one undoable step (ignored while a layout is under way). An edit made meanwhile
 * wins: the layout of the document as it was is dropped.
 */
export async function layoutDesign(engine: LayoutEngine = elkLayout): Promise<void> {
  const document: DesignDocument | null = editor.document;
  if (layout.busy || !document || document.blocks.length === 0) return;
  layout.status = `Laying out ${countOf(document.blocks.length, 'block')}…`;
  try {
    const laidOut = await engine(toLayoutGraph(document));
    if (editor.document !== document) return;
    const command = moveBlocks(positionsFromLayout(laidOut));
    if (editor.run({ ...command, name: 'Auto layout' })) requestAnimationFrame(() => canvas()?.fitView());
  } catch (error) {
    toasts.show(`Auto layout failed: ${messageOf(error)}`);
  } finally {
    layout.status = null;
  }
}
