/**
 * Auto-layout with ELK in a web worker (layered, top to bottom, groups kept together). The result is one
 * undoable command.
 */
import ELK from 'elkjs/lib/elk-api';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import { moveBlocks } from '../editor/commands';
import { positionsFromLayout, toLayoutGraph, type LayoutNode } from '../editor/layout-graph';
import { canvas } from './canvas.svelte';
import { editor } from './editor.svelte';

let elk: InstanceType<typeof ELK> | undefined;

export async function layoutDesign(): Promise<void> {
  const document = editor.document;
  if (!document || document.blocks.length === 0) return;
  elk ??= new ELK({ workerFactory: () => new Worker(elkWorkerUrl) });
  const laidOut = (await elk.layout(toLayoutGraph(document))) as LayoutNode;
  if (editor.document !== document) return;
  const command = moveBlocks(positionsFromLayout(laidOut));
  if (editor.run({ ...command, name: 'Auto layout' })) requestAnimationFrame(() => canvas()?.fitView());
}
