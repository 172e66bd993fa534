/**
 * The editor's state: the design document being edited (the one source of truth for the canvas, the
 * inspector and the text views), its undo history, the selection, saving and diagnostics.
 *
 * Every edit goes through `run(command)`; the document is replaced, never mutated, so undo restores the
 * previous document and a gesture (a whole drag) is one entry. Saves are serialised and coalesced: while
 * one is in flight only the newest document waits, so a burst of edits never reorders on disk.
 */
import type { Diagnostic } from '../../../engine/diagnostics';
import type { DesignDocument } from '../../../engine/schema/design';
import type { StoredDesign } from '../../../main/contract/api';
import { api, call, messageOf } from '../lib/api';
import type { Command } from '../editor/commands';

const HISTORY_LIMIT = 500;
const CHECK_DELAY_MS = 120;

interface HistoryEntry {
  name: string;
  before: DesignDocument;
  after: DesignDocument;
}

export type SaveState = { kind: 'saved' } | { kind: 'saving' } | { kind: 'error'; message: string };

export class Editor {
  designId = $state<string | null>(null);
  document = $state.raw<DesignDocument | null>(null);
  selection = $state.raw<ReadonlySet<string>>(new Set());
  diagnostics = $state.raw<Diagnostic[]>([]);
  saveState = $state.raw<SaveState>({ kind: 'saved' });
  private undoStack = $state.raw<HistoryEntry[]>([]);
  private redoStack = $state.raw<HistoryEntry[]>([]);
  private revision = 0;
  private pendingSave: DesignDocument | undefined;
  private saving = false;
  private checkTimer: ReturnType<typeof setTimeout> | undefined;

  readonly canUndo = $derived(this.undoStack.length > 0);
  readonly canRedo = $derived(this.redoStack.length > 0);
  readonly undoName = $derived(this.undoStack.at(-1)?.name);
  readonly redoName = $derived(this.redoStack.at(-1)?.name);

  /** Starts editing a stored design (history starts empty). */
  load(design: StoredDesign): void {
    this.designId = design.id;
    this.document = design.document;
    this.revision = design.revision;
    this.selection = new Set();
    this.undoStack = [];
    this.redoStack = [];
    this.saveState = { kind: 'saved' };
    this.scheduleCheck();
  }

  close(): void {
    this.designId = null;
    this.document = null;
    this.selection = new Set();
    this.diagnostics = [];
    this.undoStack = [];
    this.redoStack = [];
  }

  /** Applies a command as one undoable step; returns whether the document changed. */
  run(command: Command): boolean {
    const before = this.document;
    if (!before) return false;
    const after = command.apply(before);
    if (after === before) return false;
    this.undoStack = [...this.undoStack.slice(-(HISTORY_LIMIT - 1)), { name: command.name, before, after }];
    this.redoStack = [];
    this.replace(after);
    return true;
  }

  undo(): void {
    const entry = this.undoStack.at(-1);
    if (!entry) return;
    this.undoStack = this.undoStack.slice(0, -1);
    this.redoStack = [...this.redoStack, entry];
    this.replace(entry.before);
  }

  redo(): void {
    const entry = this.redoStack.at(-1);
    if (!entry) return;
    this.redoStack = this.redoStack.slice(0, -1);
    this.undoStack = [...this.undoStack, entry];
    this.replace(entry.after);
  }

  select(ids: Iterable<string>): void {
    const next = new Set(ids);
    const same = next.size === this.selection.size && [...next].every((id) => this.selection.has(id));
    if (!same) this.selection = next;
  }

  private replace(document: DesignDocument): void {
    this.document = document;
    const present = new Set([
      ...document.blocks.map((block) => block.id),
      ...document.links.map((link) => link.id),
    ]);
    if ([...this.selection].some((id) => !present.has(id)))
      this.selection = new Set([...this.selection].filter((id) => present.has(id)));
    this.queueSave(document);
    this.scheduleCheck();
  }

  private queueSave(document: DesignDocument): void {
    this.pendingSave = document;
    this.saveState = { kind: 'saving' };
    if (!this.saving) void this.flushSaves();
  }

  private async flushSaves(): Promise<void> {
    this.saving = true;
    while (this.pendingSave && this.designId !== null) {
      const document = this.pendingSave;
      this.pendingSave = undefined;
      try {
        const stored = await call(
          api().designs.save({ id: this.designId, document, baseRevision: this.revision }),
        );
        this.revision = stored.revision;
        if (!this.pendingSave) this.saveState = { kind: 'saved' };
      } catch (error) {
        this.saveState = { kind: 'error', message: messageOf(error) };
        break;
      }
    }
    this.saving = false;
  }

  /** Resolves once every queued save has reached the project file (or failed). */
  async settled(): Promise<void> {
    while (this.saving || this.pendingSave) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private scheduleCheck(): void {
    clearTimeout(this.checkTimer);
    this.checkTimer = setTimeout(() => void this.check(), CHECK_DELAY_MS);
  }

  private async check(): Promise<void> {
    const document = this.document;
    if (!document) return;
    const result = await api().simulation.check({ design: document });
    if (result.ok && this.document === document) this.diagnostics = result.value;
  }
}

export const editor = new Editor();
