/**
 * The serving job as a plain function (no process): its payload checked when not marked validated, a workload
 * without a serving scenario refused naming the field, and progress that never goes back and ends at 1.
 */
import { describe, expect, it } from 'vitest';
import { indexCatalog } from '../../engine/catalog';
import { defaultServing } from '../../engine/schema/serving';
import { DEFAULT_MODEL_ID, defaultWorkload } from '../../engine/schema/workload';
import { libraryRoot } from '../testing/fake-backend';
import { loadLibrary } from './library-loader';
import { runServingJob, type ServingJobProgress } from './serving-job';

const { catalog } = await loadLibrary(libraryRoot);
const index = indexCatalog(catalog);
const design = catalog.presets.find((preset) => preset.id === 'nvidia-h100-sxm')!.design;
const workload = { ...defaultWorkload(DEFAULT_MODEL_ID), serving: { ...defaultServing(), requests: 100 } };

describe('the serving job', () => {
  it('refuses a workload without a serving scenario, naming workload.serving', () => {
    const result = runServingJob(
      catalog,
      index,
      { design, workload: defaultWorkload(DEFAULT_MODEL_ID) },
      undefined,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload', problems: [{ path: 'workload.serving' }] },
    });
  });

  it('checks a payload not marked validated', () => {
    const result = runServingJob(catalog, index, { design: { blocks: 'no' }, workload }, undefined);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    if (!result.ok) expect(result.error.message).toMatch(/^The design is invalid/);
  });

  it('sends progress that never goes back and ends at 1, then the report', () => {
    const seen: ServingJobProgress[] = [];
    const result = runServingJob(
      catalog,
      index,
      { design, workload },
      { progress: (progress) => seen.push(progress as ServingJobProgress) },
    );
    expect(result).toMatchObject({ ok: true, value: { format: 'tessera.serving' } });
    const done = seen.map((progress) => progress.done);
    expect(done.length).toBeGreaterThan(0);
    expect(done.every((value, position) => position === 0 || value >= done[position - 1]!)).toBe(true);
    expect(done.at(-1)).toBe(1);
    expect(seen.every((progress) => progress.stage.length > 0)).toBe(true);
  });
});
