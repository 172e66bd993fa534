// The Serving tab's run: what it sends, its progress (only its own run's), Cancel, and the run again after edits.
// The backend is a scripted stand-in: a run answers when the test says so, as the real one answers when its
// worker finishes; `e2e/serving.spec.ts` runs the same flow against the real host.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultServing } from '../../../engine/schema/serving';
import { defaultWorkload, type Workload } from '../../../engine/schema/workload';
import type { ServingReport } from '../../../engine/serving/types';
import { testDesign } from '../../../engine/testing/fixtures';
import type { Result, ServingProgress, TesseraApi } from '../../../main/contract/api';
import { testServingReport } from '../serving/test-report';
import { editor } from './editor.svelte';
import { FOLLOW_EDITS_MS, serving } from './serving.svelte';

const workload: Workload = { ...defaultWorkload('toy'), serving: defaultServing() };
const design = testDesign({ tile: { type: 'test.array' }, dram: { type: 'test.dram' } }, [['tile', 'dram']]);

interface Pending {
  request: { runId: string; rates?: number[]; workload: Workload };
  answer: (result: Result<ServingReport>) => void;
}
const runs: Pending[] = [];
const cancelled: string[] = [];
let listener: ((progress: ServingProgress) => void) | undefined;

const backend = {
  simulation: {
    run: () => Promise.resolve({ ok: false, error: { code: 'cancelled', message: 'not here' } }),
    sweep: () => Promise.resolve({ ok: true, value: [] }),
  },
  designs: { save: () => new Promise(() => undefined) },
  serving: {
    run: (request: Pending['request']) =>
      new Promise<Result<ServingReport>>((answer) => runs.push({ request, answer })),
    cancel: ({ runId }: { runId: string }) => {
      cancelled.push(runId);
      const pending = runs.find((run) => run.request.runId === runId);
      pending?.answer({ ok: false, error: { code: 'cancelled', message: 'cancelled' } });
      return Promise.resolve({ ok: true, value: null });
    },
    onProgress: (heard: (progress: ServingProgress) => void) => {
      listener = heard;
      return () => undefined;
    },
  },
};

beforeAll(() => {
  window.tessera = backend as unknown as TesseraApi;
  editor.load({ id: 'd-1', name: design.name, document: design, workload, revision: 1, updatedAt: '' });
});
afterAll(() => editor.close());

describe('a serving run', () => {
  it('sends the workload and the rate sweep, shows its own progress only, and keeps the report', async () => {
    serving.ratesText = '1..4';
    const running = serving.run();
    await vi.waitFor(() => expect(runs).toHaveLength(1));
    const [first] = runs;
    expect(first?.request).toMatchObject({ workload, rates: [1, 2, 4] });
    listener?.({ runId: 'another run', done: 0.9, stage: 'rate 9 of 10' });
    listener?.({ runId: first?.request.runId ?? '', done: 0.25, stage: 'rate 1 of 3' });
    expect(serving.status).toMatchObject({ kind: 'running', done: 0.25, stage: 'rate 1 of 3' });
    const report = testServingReport();
    first?.answer({ ok: true, value: report });
    await running;
    expect(serving.status).toEqual({ kind: 'idle' });
    expect(serving.report).toBe(report);
    expect(serving.outdated).toBe(false);
  });

  it('stops on Cancel and says so, keeping the last report', async () => {
    const shown = serving.report;
    const running = serving.run();
    await vi.waitFor(() => expect(runs).toHaveLength(2));
    serving.cancel();
    expect(serving.status).toMatchObject({ kind: 'running', cancelling: true });
    await running;
    expect(cancelled).toEqual([runs[1]?.request.runId]);
    expect(serving.status).toEqual({ kind: 'cancelled' });
    expect(serving.report).toBe(shown);
  });

  it('says why a run failed', async () => {
    const running = serving.run();
    await vi.waitFor(() => expect(runs).toHaveLength(3));
    runs[2]?.answer({ ok: false, error: { code: 'invalid-payload', message: 'The design does not fit.' } });
    await running;
    expect(serving.status).toEqual({ kind: 'failed', message: 'The design does not fit.' });
  });

  it('runs again once edits pause, and a newer run cancels the one in flight', async () => {
    vi.useFakeTimers();
    try {
      editor.setWorkload({ ...workload, serving: { ...defaultServing(), requests: 50 } }, 'Change requests');
      expect(serving.outdated).toBe(true);
      serving.follow();
      // Another edit within the quiet time starts the wait again: still no run.
      vi.advanceTimersByTime(FOLLOW_EDITS_MS - 1);
      editor.setWorkload({ ...workload, serving: { ...defaultServing(), requests: 60 } }, 'Change requests');
      serving.follow();
      vi.advanceTimersByTime(FOLLOW_EDITS_MS - 1);
      expect(runs).toHaveLength(3);
      vi.advanceTimersByTime(1);
      await vi.waitFor(() => expect(runs).toHaveLength(4));
      expect(runs[3]?.request.workload.serving?.requests).toBe(60);
      // Run by hand while that one is in flight: the older one is cancelled.
      const newer = serving.run();
      await vi.waitFor(() => expect(runs).toHaveLength(5));
      expect(cancelled).toContain(runs[3]?.request.runId);
      runs[4]?.answer({ ok: true, value: testServingReport() });
      await newer;
      expect(serving.outdated).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
