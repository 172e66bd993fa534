/**
 * The name and parameter summary of every block of the open design, by block id, in a reactive map whose
 * entries notify only their own readers: a parameter edit redraws the one block it changed, and the canvas's
 * node list — which Svelte Flow re-processes in full whenever it changes — stays as it was.
 * The canvas brings it up to date (`updateBlockFaces`) whenever the document changes.
 */
import { SvelteMap } from 'svelte/reactivity';
import type { BlockFace } from '../editor/flow-model';

export const blockFaces = new SvelteMap<string, BlockFace>();
