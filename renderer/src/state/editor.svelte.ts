/**
 * The editor's state: the design document being edited (the one source of truth for the canvas, the
 * inspector and the text views), its undo history, the selection, saving and diagnostics.
 *
 * Every edit goes through `run(command)`; the document is replaced, never mutated, so undo restores the
 * previous document and a gesture (a whole drag) is one entry. Saves are serialised and coalesced: while
 * one is in flight only the newest document waits, so a burst of edits never reorders on disk.
 */
import { designDelta } from '../../../engine/design-delta';
import type { Diagnostic } from '../../../engine/diagnostics';
import type { Report } from '../../../engine/report';
import type { DesignDocument } from '../../../engine/schema/design';
import { DEFAULT_MODEL_ID, defaultWorkload, type Workload } from '../../../engine/schema/workload';
import type {
  DesignInput,
  DesignSummary,
  Result,
  StoredDesign,
  StoredVersion,
} from '../../../main/contract/api';
import { ApiFailure, api, call, messageOf } from '../lib/api';
import type { Command } from '../editor/commands';

const HISTORY_LIMIT = 500;
/**
 * Saves wait this long after the last edit, so a burst of edits (typing in the spec, nudging with the arrow
 * keys) is one write, and the simulation of an edit goes out before its save. Leaving the design, closing the
 * project or `settled()` write at once.
 */
const SAVE_DELAY_MS = 250;
/**
 * A save refused because another program holds the project file (`busy`) is tried again after 1 s, then 2 s,
 * 4 s, … up to 30 s between tries, until it is written; the edit stays pending meanwhile.
 */
const BUSY_RETRY_FIRST_MS = 1000;
const BUSY_RETRY_MAX_MS = 30_000;

/** What one undo step restores: the design document and the workload together. */
interface Snapshot {
  document: DesignDocument;
  workload: Workload;
  /** Set on the state a "restore version" produced, so its save is recorded as the restore in the history. */
  restoredFrom?: { versionId: string; name: string };
}

interface HistoryEntry {
  name: string;
  before: Snapshot;
  after: Snapshot;
}

/**
 * `busy`: another program holds the project file; the edit is kept and tried again with backoff. `error`: the
 * save failed otherwise; it is kept (unless it was a conflict) and written by the next edit or before leaving.
 */
export type SaveState =
  | { kind: 'saved' }
  | { kind: 'saving' }
  | { kind: 'busy'; message: string }
  | { kind: 'error'; message: string };

export class Editor {
  designId = $state<string | null>(null);
  document = $state.raw<DesignDocument | null>(null);
  workload = $state.raw<Workload>(defaultWorkload(DEFAULT_MODEL_ID));
  selection = $state.raw<ReadonlySet<string>>(new Set());
  diagnostics = $state.raw<Diagnostic[]>([]);
  saveState = $state.raw<SaveState>({ kind: 'saved' });
  /** The report of the latest simulation of the current document and workload, or null when it could not run. */
  report = $state.raw<Report | null>(null);
  /**
   * The report of the last design that could be simulated, kept on show (marked stale) while the current design
   * cannot run: one unconnected block used to blank every result. Null for a design that never ran.
   */
  lastGoodReport = $state.raw<Report | null>(null);
  /** True while the results shown are the last good ones, not the current design's (`lastGoodReport`). */
  readonly resultsStale = $derived(this.report === null && this.lastGoodReport !== null);
  /** What the results panel shows: the current report, or else the last good one (stale). */
  readonly shownReport = $derived(this.report ?? this.lastGoodReport);
  simulating = $state(false);
  /** Why the last simulation did not come back (the engine failed, the host is unreachable). */
  simulationError = $state<string | null>(null);
  /** Decode throughput against batch size for the current design and workload (the batch chart). */
  batchSweep = $state.raw<{ batch: number; tokensPerSecond: number; tpotSeconds: number; fits: boolean }[]>(
    [],
  );
  /** Counts saves that reached the project file (the history panel refreshes on it). */
  saves = $state(0);
  /** Told after every save (the project's design list shows names and block counts). */
  onSaved: ((design: DesignSummary) => void) | undefined;
  /** Milliseconds from the edit to the report, for the status bar. */
  lastSimulationMs = $state<number | null>(null);
  private undoStack = $state.raw<HistoryEntry[]>([]);
  private redoStack = $state.raw<HistoryEntry[]>([]);
  /** The last revision known of each design this window edited: a save names the revision it builds on. */
  private readonly revisions = new Map<string, number>();
  /**
   * Saves waiting to be written, by design: a save is always written under the design it was made in, even when
   * the window has moved to another design since (switching designs while a save is in flight once wrote the
   * old design's document over the new one).
   */
  private readonly pendingSaves = new Map<string, Snapshot>();
  private saving = false;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** The next try of a save the project file was too busy for, and how many tries in a row it was busy. */
  private busyRetryTimer: ReturnType<typeof setTimeout> | undefined;
  private busyTries = 0;
  /** The design the backend holds for this window under `token`: the next request sends a delta of it. */
  private sent: { token: string; document: DesignDocument } | undefined;
  private sentSerial = 0;
  readonly canUndo = $derived(this.undoStack.length > 0);
  readonly canRedo = $derived(this.redoStack.length > 0);
  readonly undoName = $derived(this.undoStack.at(-1)?.name);
  readonly redoName = $derived(this.redoStack.at(-1)?.name);

  /** Starts editing a stored design (history starts empty). */
  load(design: StoredDesign): void {
    this.designId = design.id;
    this.document = design.document;
    this.workload = design.workload ?? defaultWorkload(DEFAULT_MODEL_ID);
    this.revisions.set(design.id, design.revision);
    this.selection = new Set();
    // The report kept with the design (when it is of exactly this content) shows at once; a fresh run follows.
    this.report = design.report?.ok === true ? design.report.report : null;
    this.lastGoodReport = this.report;
    this.diagnostics = design.report?.ok === true ? design.report.report.diagnostics : [];
    this.batchSweep = [];
    this.undoStack = [];
    this.redoStack = [];
    // A save of the previous design still waiting (or failed) keeps its state on show.
    if (!this.saving && this.pendingSaves.size === 0) this.saveState = { kind: 'saved' };
    this.scheduleSimulation();
  }

  /** The design was renamed elsewhere (the designs dialog): take its name without an undo step. */
  adoptName(name: string, revision: number): void {
    if (this.document) this.document = { ...this.document, name };
    if (this.designId !== null) this.revisions.set(this.designId, revision);
  }

  close(): void {
    this.designId = null;
    this.document = null;
    this.selection = new Set();
    this.diagnostics = [];
    this.report = null;
    this.lastGoodReport = null;
    this.undoStack = [];
    this.redoStack = [];
  }

  /** Applies a command as one undoable step; returns whether the document changed. */
  run(command: Command): boolean {
    const document = this.document;
    if (!document) return false;
    const after = command.apply(document);
    if (after === document) return false;
    this.record(command.name, { document: after, workload: this.workload });
    return true;
  }

  /** Puts a version of the design back (document and workload) as one undoable step. */
  restoreVersion(stored: StoredVersion, label: string): void {
    if (!this.document) return;
    this.record(`Restore ${label}`, {
      document: stored.document,
      workload: stored.workload ?? this.workload,
      restoredFrom: { versionId: stored.version.id, name: label },
    });
  }

  /**
   * Replaces the document and, when the text spec carried one, the workload, as one undoable step (an edit of
   * the text spec). Nothing is recorded when neither changed.
   */
  replaceSpec(document: DesignDocument, workload: Workload | undefined, name: string): void {
    if (!this.document) return;
    const nextWorkload =
      workload !== undefined && JSON.stringify(workload) !== JSON.stringify(this.workload)
        ? workload
        : this.workload;
    const sameDocument = JSON.stringify(document) === JSON.stringify(this.document);
    if (sameDocument && nextWorkload === this.workload) return;
    this.record(name, { document: sameDocument ? this.document : document, workload: nextWorkload });
  }

  /** Changes the workload as one undoable step. */
  setWorkload(workload: Workload, name: string): void {
    if (!this.document || JSON.stringify(workload) === JSON.stringify(this.workload)) return;
    this.record(name, { document: this.document, workload });
  }

  private record(name: string, after: Snapshot): void {
    const document = this.document;
    if (!document) return;
    const before: Snapshot = { document, workload: this.workload };
    this.undoStack = [...this.undoStack.slice(-(HISTORY_LIMIT - 1)), { name, before, after }];
    this.redoStack = [];
    this.replace(after);
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

  private replace(snapshot: Snapshot): void {
    const { document } = snapshot;
    this.document = document;
    this.workload = snapshot.workload;
    // Groups are selectable too: an edit of a selected group (its count, its kind) keeps it selected.
    const present = new Set([
      ...document.blocks.map((block) => block.id),
      ...document.links.map((link) => link.id),
      ...document.groups.map((group) => group.id),
    ]);
    if ([...this.selection].some((id) => !present.has(id)))
      this.selection = new Set([...this.selection].filter((id) => present.has(id)));
    this.queueSave(snapshot);
    this.scheduleSimulation();
  }

  private queueSave(snapshot: Snapshot): void {
    // A restore waiting to be written stays recorded even if another edit follows it before the save.
    const designId = this.designId;
    if (designId === null) return;
    const restoredFrom = snapshot.restoredFrom ?? this.pendingSaves.get(designId)?.restoredFrom;
    this.pendingSaves.set(designId, { ...snapshot, restoredFrom });
    this.saveState = { kind: 'saving' };
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      if (!this.saving) void this.flushSaves();
    }, SAVE_DELAY_MS);
  }

  private async flushSaves(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    clearTimeout(this.busyRetryTimer);
    this.busyRetryTimer = undefined;
    this.saving = true;
    for (;;) {
      const next = this.pendingSaves.entries().next();
      if (next.done) break;
      const [id, snapshot] = next.value;
      const { document, workload, restoredFrom } = snapshot;
      this.pendingSaves.delete(id);
      try {
        const stored = await call(
          api().designs.save({
            id,
            document,
            workload,
            baseRevision: this.revisions.get(id) ?? 0,
            ...(restoredFrom ? { restoredFrom } : {}),
          }),
        );
        this.revisions.set(id, stored.revision);
        this.busyTries = 0;
        this.saves += 1;
        this.onSaved?.(stored);
        if (this.pendingSaves.size === 0) this.saveState = { kind: 'saved' };
      } catch (error) {
        const code = error instanceof ApiFailure ? error.error.code : undefined;
        // Kept to be written again (by the next edit, or before leaving the design) unless the project refused it
        // as a conflict: a newer version is there, which a retry must not overwrite.
        if (code !== 'conflict' && !this.pendingSaves.has(id)) this.pendingSaves.set(id, snapshot);
        if (code === 'busy') {
          // Nothing was written: the same save goes again once the other program lets go of the file.
          this.saveState = { kind: 'busy', message: messageOf(error) };
          this.retryWhenFree();
        } else this.saveState = { kind: 'error', message: messageOf(error) };
        break;
      }
    }
    this.saving = false;
  }

  /** Tries the waiting saves again after a delay that doubles with each busy answer in a row. */
  private retryWhenFree(): void {
    const delay = Math.min(BUSY_RETRY_MAX_MS, BUSY_RETRY_FIRST_MS * 2 ** this.busyTries);
    this.busyTries += 1;
    clearTimeout(this.busyRetryTimer);
    this.busyRetryTimer = setTimeout(() => {
      this.busyRetryTimer = undefined;
      this.saveNow();
    }, delay);
  }

  /**
   * Resolves once every queued save has reached the project file, or failed, or is waiting for a busy file (it
   * goes on trying in the background, so switching designs does not wait for another program).
   */
  async settled(): Promise<void> {
    // A busy file is tried again on its own schedule; forcing a try here would only wait out the busy timeout.
    if (this.busyRetryTimer === undefined) this.saveNow();
    while (
      this.saving ||
      (this.pendingSaves.size > 0 && this.saveState.kind !== 'error' && this.saveState.kind !== 'busy')
    )
      await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Starts writing the waiting saves at once (leaving the design, the window closing, after a failure). */
  saveNow(): void {
    if (!this.saving && this.pendingSaves.size > 0) void this.flushSaves();
  }

  /**
   * Sends the current document to the engine at once, before the canvas and panels re-render for the edit (on a
   * large design that render takes longer than the simulation). A newer request on the same channel cancels an
   * older one still waiting for a worker, so a burst of edits does not queue up runs.
   */
  private scheduleSimulation(): void {
    void this.simulate(performance.now());
  }

  /** Runs the current document and workload on an engine worker; an older run still waiting is cancelled. */
  private async simulate(requested: number): Promise<void> {
    const document = this.document;
    const workload = this.workload;
    if (!document) return;
    this.simulating = true;
    const designId = this.designId;
    const result = await this.withDesign(document, (input) =>
      api().simulation.run({
        ...input,
        workload,
        channel: 'editor',
        ...(designId === null ? {} : { designId }),
      }),
    );
    if (this.document !== document || this.workload !== workload) return;
    this.simulating = false;
    if (!result.ok) {
      if (result.error.code !== 'cancelled') this.simulationError = result.error.message;
      return;
    }
    this.simulationError = null;
    this.lastSimulationMs = performance.now() - requested;
    // A User Timing entry, visible in the DevTools performance panel and read by the canvas benchmark.
    performance.measure('tessera:edit-to-report', { start: requested });
    if (result.value.ok) {
      this.report = result.value.report;
      this.lastGoodReport = result.value.report;
      this.setDiagnostics(result.value.report.diagnostics);
      // After the results are painted: sending the sweep copies the whole design again.
      afterNextPaint(() => {
        if (this.document === document && this.workload === workload)
          void this.sweepBatch(document, workload);
      });
    } else {
      // The last good report stays on show, marked stale, above the problems that stop this one.
      this.report = null;
      this.setDiagnostics(result.value.diagnostics);
    }
  }

  /**
   * Keeps the current list when a new run finds the same diagnostics: the canvas rebuilds its nodes when the
   * list changes, which on a large design costs more than the simulation.
   */
  private setDiagnostics(next: Diagnostic[]): void {
    if (JSON.stringify(next) !== JSON.stringify(this.diagnostics)) this.diagnostics = next;
  }

  /**
   * Sends a request about `document` as a delta of the design the backend holds for this window (only the blocks
   * and links that changed: a 1,000-block design is ~300 kB whole), or only the held design's token when it is
   * the same document (the batch sweep after a run). When the backend no longer holds the base (it restarted, or
   * requests crossed), it answers `unknown-base` and the request goes again with the design whole. Public for
   * the other requests about the open design (a serving run).
   */
  async withDesign<T>(
    document: DesignDocument,
    send: (input: DesignInput) => Promise<Result<T>>,
  ): Promise<Result<T>> {
    const base = this.sent;
    if (base?.document === document) {
      const result = await send({ base: base.token });
      if (result.ok || result.error.code !== 'unknown-base') return result;
    } else if (base) {
      const token = this.nextToken();
      this.sent = { token, document };
      const result = await send({ base: base.token, delta: designDelta(base.document, document), token });
      if (result.ok || result.error.code !== 'unknown-base') return result;
    }
    const token = this.nextToken();
    this.sent = { token, document };
    return send({ design: document, token });
  }

  private nextToken(): string {
    this.sentSerial += 1;
    return `${WINDOW_SESSION}-${this.sentSerial}`;
  }

  /** Batch sizes 1, 2, 4 … 1024 on the worker pool, for the throughput-against-batch chart. */
  private async sweepBatch(document: DesignDocument, workload: Workload): Promise<void> {
    const batches = Array.from({ length: 11 }, (_, index) => 2 ** index);
    const result = await this.withDesign(document, (input) =>
      api().simulation.sweep({
        ...input,
        workload,
        variants: batches.map((batch) => ({ workload: { batch } })),
        channel: 'editor-batch',
      }),
    );
    if (!result.ok || this.document !== document || this.workload !== workload) return;
    this.batchSweep = result.value.map((point, index) => ({
      batch: batches[index] ?? 1,
      tokensPerSecond: point.decodeTokensPerSecond,
      tpotSeconds: point.tpotSeconds,
      fits: point.ok && point.fits,
    }));
  }
}

/**
 * Runs `task` once the next frame has been painted and the page is idle (at once where there are no frames),
 * so work that can wait never delays what the user is waiting to see.
 */
function afterNextPaint(task: () => void): void {
  if (typeof requestAnimationFrame === 'undefined') task();
  else if (typeof requestIdleCallback === 'undefined') requestAnimationFrame(() => setTimeout(task, 0));
  else requestAnimationFrame(() => requestIdleCallback(task, { timeout: 500 }));
}

/** Names this window's designs held by the backend (tokens of other windows never collide with them). */
const WINDOW_SESSION =
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

export const editor = new Editor();

// The window closing (or reloading) sends the waiting save rather than dropping it.
if (typeof window !== 'undefined') window.addEventListener('pagehide', () => editor.saveNow());
