/** Inserting a palette module (a saved group) into the design: one undoable paste with fresh ids. */
import type { Position } from '../../../engine/schema/design';
import type { ModuleEntry } from '../../../main/contract/api';
import { pasteFragment } from '../editor/commands';
import { editor } from './editor.svelte';

export function insertModule(entry: ModuleEntry, at: Position): void {
  const document = editor.document;
  if (!document) return;
  const { blocks } = entry.fragment;
  const minX = Math.min(...blocks.map((block) => block.position.x));
  const minY = Math.min(...blocks.map((block) => block.position.y));
  const command = pasteFragment(
    { ...entry.fragment, externalLinks: [] },
    { x: at.x - minX, y: at.y - minY },
    false,
    `Insert ${entry.name}`,
  );
  const ids = command.pastedIds(document);
  if (editor.run(command)) editor.select(ids);
}
