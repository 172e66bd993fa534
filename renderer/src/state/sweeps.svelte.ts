/**
 * The sweeps of the open design: the list (newest first, each with the design revision it ran on), the one
 * shown, its live progress, and the commands — start, pause, resume, cancel, open a point as a design. The points
 * themselves are never held here: the table and the charts fetch the pages and samples they show
 * (`sweeps.points`), so a sweep of a million points costs the window what is on screen.
 */
import type {
  SweepHeatmap,
  SweepHeatmapQuery,
  SweepPointsPage,
  SweepPointsQuery,
  SweepProgress,
  SweepSensitivity,
  SweepsApi,
  SweepSummary,
  StoredSweep,
} from '../../../main/contract/api';
import type { SweepSpec } from '../../../engine/sweep/spec';
import { api, call, messageOf } from '../lib/api';
import { app } from './app.svelte';
import { editor } from './editor.svelte';
import { download, fromBase64 } from './files.svelte';
import { toasts } from './toasts.svelte';
import { view } from './view.svelte';

/** The backend's sweeps API. */
export function sweepsApi(): SweepsApi {
  return api().sweeps;
}

class SweepsState {
  /** The open design's sweeps, newest first. */
  list = $state.raw<SweepSummary[]>([]);
  /** The sweep shown, or null while a new one is being defined. */
  selectedId = $state<string | null>(null);
  /** The sweep shown, with its definition. */
  selected = $state.raw<StoredSweep | null>(null);
  /** The latest progress of each sweep that reported some. */
  progress = $state.raw<Map<string, SweepProgress>>(new Map());
  /** Grows whenever points were added to the shown sweep, so the table and charts fetch again. */
  revision = $state(0);
  /** A pause, resume or cancel waiting for the backend. */
  pending = $state<{ sweepId: string; kind: 'pause' | 'resume' | 'cancel' } | null>(null);
  /** Why the last command failed, shown in the view. */
  problem = $state<string | null>(null);
  /** The design the list belongs to. */
  private designId: string | null = null;
  private unsubscribe: (() => void) | undefined;

  /** Listens for progress (once) and reads the list of the open design. */
  async refresh(): Promise<void> {
    const designId = editor.designId;
    this.designId = designId;
    try {
      const sweeps = sweepsApi();
      this.unsubscribe ??= sweeps.onProgress((progress) => this.heard(progress));
      if (designId === null) {
        this.list = [];
        return;
      }
      const list = await call(sweeps.list({ designId }));
      if (this.designId !== designId) return;
      this.list = list;
      this.problem = null;
      // Another design's sweep is not shown here.
      if (this.selected !== null && !list.some((sweep) => sweep.id === this.selected?.id))
        this.selected = null;
      if (this.selectedId !== null && !list.some((sweep) => sweep.id === this.selectedId))
        this.selectedId = null;
      if (this.selectedId === null && this.selected === null && list[0]) await this.show(list[0].id);
    } catch (error) {
      this.problem = messageOf(error);
    }
  }

  /** Shows a sweep (its definition, progress and results). */
  async show(sweepId: string | null): Promise<void> {
    this.selectedId = sweepId;
    if (sweepId === null) {
      this.selected = null;
      return;
    }
    try {
      const stored = await call(sweepsApi().get({ sweepId }));
      if (this.selectedId === sweepId) this.selected = stored;
    } catch (error) {
      this.problem = messageOf(error);
    }
  }

  /** The summary of a sweep with its latest progress. */
  summaryOf(sweepId: string): SweepSummary | SweepProgress | undefined {
    return this.progress.get(sweepId) ?? this.list.find((sweep) => sweep.id === sweepId);
  }

  private heard(progress: SweepProgress): void {
    const next = new Map(this.progress);
    next.set(progress.id, progress);
    this.progress = next;
    if (progress.designId === this.designId) {
      const known = this.list.some((sweep) => sweep.id === progress.id);
      this.list = known
        ? this.list.map((sweep) => (sweep.id === progress.id ? { ...sweep, ...progress } : sweep))
        : [progress, ...this.list];
    }
    if (progress.id === this.selectedId) this.revision++;
  }

  /** Starts a sweep of the open design (saved first, so it runs on the revision the list names). */
  async start(spec: SweepSpec): Promise<boolean> {
    const designId = editor.designId;
    if (designId === null) return false;
    try {
      await editor.settled();
      const summary = await call(sweepsApi().start({ designId, spec, workload: editor.workload }));
      this.list = [summary, ...this.list.filter((sweep) => sweep.id !== summary.id)];
      this.problem = null;
      await this.show(summary.id);
      return true;
    } catch (error) {
      this.problem = messageOf(error);
      return false;
    }
  }

  async command(kind: 'pause' | 'resume' | 'cancel', sweepId: string): Promise<void> {
    // Pause and cancel wait for the chunks in flight: the view says so meanwhile.
    this.pending = { sweepId, kind };
    try {
      const summary = await call(sweepsApi()[kind]({ sweepId }));
      this.list = this.list.map((sweep) => (sweep.id === summary.id ? summary : sweep));
      const progress = this.progress.get(sweepId);
      if (progress) {
        const next = new Map(this.progress);
        next.set(sweepId, {
          ...progress,
          ...summary,
          etaSeconds: summary.status === 'running' ? progress.etaSeconds : null,
        });
        this.progress = next;
      }
      this.problem = null;
    } catch (error) {
      this.problem = messageOf(error);
    } finally {
      this.pending = null;
    }
  }

  async remove(sweepId: string): Promise<void> {
    try {
      await call(sweepsApi().delete({ sweepId }));
      this.list = this.list.filter((sweep) => sweep.id !== sweepId);
      if (this.selectedId === sweepId) await this.show(this.list[0]?.id ?? null);
    } catch (error) {
      this.problem = messageOf(error);
    }
  }

  points(query: SweepPointsQuery): Promise<SweepPointsPage> {
    return call(sweepsApi().points(query));
  }

  /** The best value of a figure per pair of two parameters' values, over every point (computed by the store). */
  heatmap(query: SweepHeatmapQuery): Promise<SweepHeatmap> {
    return call(sweepsApi().heatmap(query));
  }

  sensitivity(sweepId: string, index?: number): Promise<SweepSensitivity[]> {
    return call(sweepsApi().sensitivity({ sweepId, ...(index === undefined ? {} : { index }) }));
  }

  /** Opens a point as a new design and switches to it (its history names the sweep and the point). */
  async openPoint(sweepId: string, index: number): Promise<void> {
    try {
      const design = await call(sweepsApi().openPoint({ sweepId, index }));
      app.designs = await call(api().designs.list());
      await app.openDesign(design.id);
      view.showMode('design');
      toasts.show(`Opened point #${index} as "${design.name}".`);
    } catch (error) {
      this.problem = messageOf(error);
    }
  }

  /** The design changed: forget the shown sweep (the list is read again when the view is shown). */
  reset(): void {
    this.selectedId = null;
    this.selected = null;
    this.list = [];
  }

  async exportSweep(sweepId: string, format: 'html' | 'csv' | 'jsonl'): Promise<void> {
    try {
      const file = await call(sweepsApi().export({ sweepId, format }));
      download(
        file.fileName,
        file.mediaType,
        file.encoding === 'base64' ? fromBase64(file.content) : file.content,
      );
      toasts.show(`Exported ${file.fileName}.`);
    } catch (error) {
      this.problem = messageOf(error);
    }
  }
}

export const sweeps = new SweepsState();
