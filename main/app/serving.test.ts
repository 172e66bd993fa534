/**
 * Serving runs through `dispatch`, as the renderer calls them, on real engine worker processes: a run answers a
 * report; its progress events arrive in order and end at 1; cancel answers `cancelled` and the pool keeps
 * working; a second run under the same id replaces the first; a workload without a serving scenario is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesignDocument } from '../../engine/schema/design';
import { defaultServing, type Serving } from '../../engine/schema/serving';
import { DEFAULT_MODEL_ID, defaultWorkload, type Workload } from '../../engine/schema/workload';
import type { ServingReport } from '../../engine/serving/types';
import type { Result, ServingProgress } from '../contract/api';
import { testRuntime } from '../testing/fake-backend';
import { dispatch } from './dispatch';
import type { Runtime } from './runtime';

let runtime: Runtime;
let design: DesignDocument;
const progress: ServingProgress[] = [];

beforeAll(async () => {
  runtime = await testRuntime();
  const preset = runtime.catalog.presets.find((entry) => entry.id === 'nvidia-h100-sxm');
  if (!preset) throw new Error('the library has no H100 SXM preset');
  design = preset.design;
  runtime.hub.subscribe((name, payload) => {
    if (name === 'serving.onProgress') progress.push(payload as ServingProgress);
  });
});
afterAll(async () => {
  await runtime.close();
});

function servingWorkload(serving: Partial<Serving> = {}): Workload {
  return { ...defaultWorkload(DEFAULT_MODEL_ID), serving: { ...defaultServing(), ...serving } };
}

/** A run long enough to be cancelled: many requests, and a rate curve on top. */
const longWorkload = (): Workload => servingWorkload({ requests: 1_000_000 });
const longRates = [1, 2, 4, 8, 16, 32, 64];

const run = (request: Record<string, unknown>) =>
  dispatch(runtime.backend, 'serving', 'run', [{ design, ...request }]) as Promise<Result<ServingReport>>;

/** Resolves at the first progress event of this run. */
function firstProgress(runId: string): Promise<ServingProgress> {
  return new Promise((resolve) => {
    const unsubscribe = runtime.hub.subscribe((name, payload) => {
      if (name === 'serving.onProgress' && (payload as ServingProgress).runId === runId) {
        unsubscribe();
        resolve(payload as ServingProgress);
      }
    });
  });
}

describe('serving.run', () => {
  it('answers a report of the scenario, with a curve at the rates asked, and progress in order that ends at 1', async () => {
    const workload = servingWorkload({ requests: 200 });
    const result = await run({ workload, runId: 'small', rates: [1, 4] });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.format).toBe('tessera.serving');
    expect(result.value.run.figures.requests).toBe(200);
    expect(result.value.curve?.points.map((point) => point.ratePerSecond)).toEqual([1, 4]);

    const mine = progress.filter((event) => event.runId === 'small').map((event) => event.done);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((done, index) => index === 0 || done >= mine[index - 1]!)).toBe(true);
    expect(mine.at(-1)).toBe(1);
  });

  it('stops a run on cancel, answering `cancelled`, and the pool goes on with the next run', async () => {
    const started = firstProgress('long');
    const pending = run({ workload: longWorkload(), runId: 'long', rates: longRates });
    await started;
    const cancelled = await dispatch(runtime.backend, 'serving', 'cancel', [{ runId: 'long' }]);
    expect(cancelled).toEqual({ ok: true, value: null });
    expect(await pending).toMatchObject({ ok: false, error: { code: 'cancelled' } });

    const after = await run({ workload: servingWorkload({ requests: 100 }), runId: 'after' });
    expect(after).toMatchObject({ ok: true, value: { format: 'tessera.serving' } });
  });

  it('ignores a cancel of an unknown or finished run', async () => {
    expect(await dispatch(runtime.backend, 'serving', 'cancel', [{ runId: 'never-ran' }])).toEqual({
      ok: true,
      value: null,
    });
  });

  it('replaces a running run when a second one comes with the same id: the first answers `cancelled`', async () => {
    const started = firstProgress('same');
    const first = run({ workload: longWorkload(), runId: 'same', rates: longRates });
    await started;
    const second = run({ workload: servingWorkload({ requests: 100 }), runId: 'same' });
    expect(await first).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(await second).toMatchObject({ ok: true, value: { run: { figures: { requests: 100 } } } });
  });

  it('refuses a workload without a serving scenario, naming the field', async () => {
    const result = await run({ workload: defaultWorkload(DEFAULT_MODEL_ID), runId: 'plain' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    if (result.ok) return;
    expect(result.error.message).toMatch(/workload\.serving/);
    expect(result.error.message).toMatch(/serving scenario/);
  });

  it('refuses rates that are not positive, naming the field', async () => {
    const result = await run({ workload: servingWorkload(), runId: 'rates', rates: [1, 0] });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    if (!result.ok) expect(result.error.message).toMatch(/rates/);
  });
});
