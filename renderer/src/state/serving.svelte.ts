/**
 * The serving simulation of the open design (the Serving results tab): the run in flight with its progress, the
 * last report and what it was of, the rate sweep typed for the latency–rate curve, and Cancel.
 *
 * A serving run replays thousands of requests and can take seconds, so it never starts on its own the first
 * time: "Run serving simulation" starts it. Once the tab has a report, an edit of the design or the workload
 * marks it out of date and runs again after a second without edits (`FOLLOW_EDITS_MS`) while the tab is shown;
 * a newer run cancels the one in flight.
 */
import type { DesignDocument } from '../../../engine/schema/design';
import type { Workload } from '../../../engine/schema/workload';
import type { ServingReport } from '../../../engine/serving/types';
import type { ServingProgress } from '../../../main/contract/api';
import { api } from '../lib/api';
import { parseRates } from '../serving/fields';
import { editor } from './editor.svelte';

/** Quiet time after the last edit before an out-of-date report is run again. */
export const FOLLOW_EDITS_MS = 1000;

export type ServingStatus =
  | { kind: 'idle' }
  | { kind: 'running'; runId: string; done: number; stage: string; cancelling: boolean }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

class ServingState {
  report = $state.raw<ServingReport | null>(null);
  /** The design and workload the report is of (an edit since makes it out of date). */
  ranOn = $state.raw<{ designId: string | null; document: DesignDocument; workload: Workload } | null>(null);
  status = $state.raw<ServingStatus>({ kind: 'idle' });
  /** The rate sweep as typed ("1..64", "1, 2, 4"); empty: only the traffic's own rate. */
  ratesText = $state('');
  readonly rates = $derived(parseRates(this.ratesText));
  /** The shown report is of another design or workload than the one being edited. */
  readonly outdated = $derived(
    this.ranOn !== null &&
      (this.ranOn.document !== editor.document || this.ranOn.workload !== editor.workload),
  );
  private serial = 0;
  private unsubscribe: (() => void) | undefined;
  private followTimer: ReturnType<typeof setTimeout> | undefined;

  /** Runs the open design's serving scenario (cancelling a run in flight). */
  async run(): Promise<void> {
    const document = editor.document;
    const workload = editor.workload;
    const designId = editor.designId;
    clearTimeout(this.followTimer);
    if (!document || !workload.serving) return;
    const rates = this.rates.ok ? this.rates.rates : [];
    const previous = this.status;
    if (previous.kind === 'running') void api().serving.cancel({ runId: previous.runId });
    this.serial += 1;
    const runId = `serving-${Date.now().toString(36)}-${this.serial}`;
    this.unsubscribe ??= api().serving.onProgress((progress) => this.heard(progress));
    this.status = { kind: 'running', runId, done: 0, stage: 'Starting', cancelling: false };
    const result = await editor.withDesign(document, (input) =>
      api().serving.run({ ...input, workload, runId, ...(rates.length > 0 ? { rates } : {}) }),
    );
    if (this.status.kind !== 'running' || this.status.runId !== runId) return;
    if (result.ok) {
      this.report = result.value;
      this.ranOn = { designId, document, workload };
      this.status = { kind: 'idle' };
    } else if (result.error.code === 'cancelled') this.status = { kind: 'cancelled' };
    else this.status = { kind: 'failed', message: result.error.message };
  }

  /** Stops the run in flight; its call answers `cancelled`. */
  cancel(): void {
    const status = this.status;
    if (status.kind !== 'running') return;
    this.status = { ...status, cancelling: true };
    void api().serving.cancel({ runId: status.runId });
  }

  /**
   * Called when the design or workload changes while the Serving tab is shown: another design drops the report;
   * an edit of this one with a report on show runs again after `FOLLOW_EDITS_MS` of quiet.
   */
  follow(): void {
    clearTimeout(this.followTimer);
    const ranOn = this.ranOn;
    if (ranOn && ranOn.designId !== editor.designId) {
      this.forget();
      return;
    }
    if (!ranOn || !this.outdated || !editor.workload.serving) return;
    this.followTimer = setTimeout(() => void this.run(), FOLLOW_EDITS_MS);
  }

  /** The tab went away: no run is started for edits made while it is hidden. */
  stopFollowing(): void {
    clearTimeout(this.followTimer);
  }

  private forget(): void {
    if (this.status.kind === 'running') this.cancel();
    this.report = null;
    this.ranOn = null;
    this.status = { kind: 'idle' };
  }

  private heard(progress: ServingProgress): void {
    const status = this.status;
    if (status.kind !== 'running' || status.runId !== progress.runId) return;
    this.status = { ...status, done: progress.done, stage: progress.stage };
  }
}

export const serving = new ServingState();
