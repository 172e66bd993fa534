import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../engine/catalog';
import { defaultWorkload } from '../../engine/schema/workload';
import { createJobRunner, warmUp } from './engine-jobs';
import { libraryRoot } from '../testing/fake-backend';
import { loadLibrary } from './library-loader';

let catalog: Catalog;
let run: ReturnType<typeof createJobRunner>;

beforeAll(async () => {
  ({ catalog } = await loadLibrary(libraryRoot));
  run = createJobRunner(catalog);
});

const h100 = () => {
  const preset = catalog.presets.find((entry) => entry.id === 'nvidia-h100-sxm');
  if (!preset) throw new Error('the library has no H100 preset');
  return preset.design;
};

describe('engine jobs', () => {
  it('refuses a payload that is not a design, naming the field', () => {
    const result = run('simulate', {
      design: { format: 'something else' },
      workload: defaultWorkload('llama-3-8b'),
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload', problems: [{ path: 'format' }] },
    });
  });

  it('refuses a workload that does not match its schema', () => {
    const result = run('simulate', {
      design: h100(),
      workload: { ...defaultWorkload('llama-3-8b'), batch: -1 },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/^The workload is invalid/);
  });

  it('gives the same report whether the worker checks the payload or trusts the caller that did', () => {
    const payload = { design: h100(), workload: defaultWorkload('llama-3-8b') };
    const checked = run('simulate', payload);
    const trusted = run('simulate', { ...payload, validated: true });
    expect(checked.ok).toBe(true);
    expect(trusted).toEqual(checked);
  });

  it('sweeps variants of a trusted payload: a larger batch decodes more tokens per second', () => {
    const result = run('sweep', {
      design: h100(),
      workload: defaultWorkload('llama-3-8b'),
      variants: [{ workload: { batch: 1 } }, { workload: { batch: 8 } }],
      validated: true,
    });
    expect(result.ok).toBe(true);
    const points = (result as { value: { decodeTokensPerSecond: number }[] }).value;
    expect(points[1]?.decodeTokensPerSecond).toBeGreaterThan(points[0]?.decodeTokensPerSecond ?? Infinity);
  });

  it('answers an unknown job kind with an error instead of throwing', () => {
    expect(run('paint', {})).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });
});

describe('warming a worker up', () => {
  it('runs a simulation and a batch sweep of the H100 preset to a full result, so every stage is compiled', () => {
    const jobs: { kind: string; design: unknown }[] = [];
    const ran = warmUp((kind, payload) => {
      jobs.push({ kind, design: (payload as { design: unknown }).design });
      return run(kind, payload);
    }, catalog);
    expect(jobs.map((job) => job.kind)).toEqual(['simulate', 'sweep']);
    expect(jobs.every((job) => job.design === h100())).toBe(true);
    expect(ran).toBe(2);
  });

  it('does not count a job that ran but could not evaluate', () => {
    // The same jobs on a design the engine cannot evaluate (no memory to hold the weights): both answer, neither
    // completes.
    const preset = catalog.presets.find((entry) => entry.id === 'nvidia-h100-sxm');
    if (!preset) throw new Error('the library has no H100 preset');
    const bare = { ...preset, design: { ...preset.design, links: [] } };
    const results: boolean[] = [];
    const ran = warmUp(
      (kind, payload) => {
        const result = run(kind, payload);
        results.push(result.ok);
        return result;
      },
      { ...catalog, presets: [bare] },
    );
    expect(results).toEqual([true, true]);
    expect(ran).toBe(0);
  });

  it('warms nothing without a preset or a model, and never throws from a failing job', () => {
    let calls = 0;
    expect(warmUp(() => ((calls += 1), run('simulate', {})), { ...catalog, presets: [] })).toBe(0);
    expect(warmUp(() => ((calls += 1), run('simulate', {})), { ...catalog, models: [] })).toBe(0);
    expect(calls).toBe(0);
    const failing = () => {
      throw new Error('the engine broke');
    };
    expect(warmUp(failing, catalog)).toBe(0);
  });
});
