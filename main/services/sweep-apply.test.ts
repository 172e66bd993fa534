/**
 * A sweep's points on the library's presets (issue 17 §3): the figures path gives the same figures as a full
 * evaluation of the same design and workload, every parameter path is checked once with a message saying where,
 * and a value that cannot be applied fails only its own point.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexCatalog } from '../../engine/catalog';
import { evaluate } from '../../engine/evaluate';
import { applyOverrides } from '../../engine/overrides';
import type { DesignDocument } from '../../engine/schema/design';
import { defaultWorkload, type Workload } from '../../engine/schema/workload';
import { prepareSweep } from '../../engine/sweep/apply';
import { readSweepFigures, sweepFigureIds } from '../../engine/sweep/figures';
import type { SweepParameter, SweepSpec, SweepValue } from '../../engine/sweep/spec';
import { loadLibrary } from './library-loader';

const { catalog } = await loadLibrary(join(import.meta.dirname, '../../library'));
const index = indexCatalog(catalog);

function presetDesign(id: string): DesignDocument {
  const design = index.presets.get(id)?.design;
  if (!design) throw new Error(`the library has the preset ${id}`);
  return design;
}

const dgx = presetDesign('nvidia-dgx-h100');
const tp8: Workload = {
  ...defaultWorkload('llama-3-70b'),
  parallelism: { mode: 'manual', tensor: 8, pipeline: 1, expert: 1 },
};

function sweepOf(
  parameters: SweepParameter[],
  constraints: SweepSpec['constraints'] = [],
  strategy: SweepSpec['strategy'] = { kind: 'grid' },
): SweepSpec {
  return { format: 'tessera.sweep', version: 1, name: 'test', parameters, strategy, constraints };
}

/** A small deterministic generator (xorshift32), so the "random" points are the same on every run. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

/** The figures of a full evaluation of the design and workload a point stands for, built the long way. */
function fullFigures(design: DesignDocument, workload: Workload, overrides: [string, string, string][]) {
  const changed = applyOverrides(
    design,
    overrides.map(([target, param, value]) => ({ target, param, value })),
    index,
  );
  if (!changed.ok) throw new Error(changed.problems.join('; '));
  const result = evaluate({ design: changed.design, workload }, index, { detail: 'full' });
  return result.ok ? readSweepFigures(result.report) : undefined;
}

function expectSameFigures(actual: Record<string, number> | undefined, expected: Record<string, number>) {
  expect(actual).toBeDefined();
  for (const id of sweepFigureIds) {
    const a = actual?.[id] as number;
    const b = expected[id] as number;
    if (Number.isNaN(b)) expect(a, id).toBeNaN();
    else expect(Math.abs(a - b), id).toBeLessThanOrEqual(Math.abs(b) * 1e-12);
  }
}

describe('prepareSweep', () => {
  it('gives every figure of a full evaluation for random points of design and workload parameters', () => {
    const random = generator(17);
    const cases: { preset: string; workload: Workload }[] = [
      { preset: 'nvidia-dgx-h100', workload: tp8 },
      { preset: 'nvidia-h100-sxm', workload: defaultWorkload('llama-3-8b') },
      { preset: 'nvidia-h200-sxm', workload: defaultWorkload('mixtral-8x7b') },
    ];
    for (const { preset, workload } of cases) {
      const design = presetDesign(preset);
      const hbm = design.blocks.find((block) => block.type === 'memory.hbm');
      if (!hbm) throw new Error(`${preset} has an HBM block`);
      const prepared = prepareSweep(
        design,
        workload,
        sweepOf([
          {
            path: `${hbm.id}.bandwidthBytesPerSecond`,
            range: { from: 1e12, to: 8e12, steps: 100, scale: 'linear' },
          },
          { path: 'workload.batch', range: { from: 1, to: 256, steps: 256, scale: 'linear', integer: true } },
          { path: 'workload.inputTokens', values: [128, 512, 4096] },
        ]),
        index,
      );
      if (!prepared.ok) throw new Error(JSON.stringify(prepared.problems));
      for (let point = 0; point < 12; point += 1) {
        const bandwidth = 1e12 + random() * 7e12;
        const batch = 1 + Math.floor(random() * 256);
        const inputTokens = [128, 512, 4096][Math.floor(random() * 3)] as number;
        const row = prepared.evaluate([bandwidth, batch, inputTokens], point);
        const expected = fullFigures(design, { ...workload, batch, inputTokens }, [
          [hbm.id, 'bandwidthBytesPerSecond', String(bandwidth)],
        ]);
        expect(row.index).toBe(point);
        expect(row.values).toEqual({
          [`${hbm.id}.bandwidthBytesPerSecond`]: bandwidth,
          'workload.batch': batch,
          'workload.inputTokens': inputTokens,
        });
        expect(row.ok, `${preset} point ${point}`).toBe(expected !== undefined);
        if (expected) expectSameFigures(row.figures, expected);
      }
    }
  });

  it("gives a full evaluation's figures when a point changes the blocks the caches keep, back and forth", () => {
    // Per-block caches (readings, compute specs, areas) are keyed by block object: a point that changes the HBM's
    // capacity (from fitting the 70B model to not fitting), the SMs' clock and MACs (the compute unit, its pool and
    // the chip's area) or the L2's size (area only) must never see another point's block, and returning to the
    // design's own values must give the design's own figures.
    const prepared = prepareSweep(
      dgx,
      tp8,
      sweepOf([
        { path: 'hbm.capacityBytes', values: [85899345920, 8e9] },
        { path: 'sm.clockHertz', values: [1.83e9, 1.2e9] },
        { path: 'sm.bf16MacsPerCycle', values: [2048, 4096] },
        { path: 'l2.capacityBytes', values: [52428800, 2e8] },
      ]),
      index,
    );
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.problems));
    const points: [number, number, number, number][] = [
      [85899345920, 1.83e9, 2048, 52428800],
      [8e9, 1.83e9, 2048, 52428800],
      [85899345920, 1.2e9, 4096, 2e8],
      [85899345920, 1.83e9, 2048, 52428800],
      [8e9, 1.2e9, 2048, 2e8],
      [85899345920, 1.83e9, 4096, 52428800],
    ];
    const fits: number[] = [];
    points.forEach((values, point) => {
      const [capacity, clock, macs, l2] = values;
      const row = prepared.evaluate(values, point);
      const expected = fullFigures(dgx, tp8, [
        ['hbm', 'capacityBytes', String(capacity)],
        ['sm', 'clockHertz', String(clock)],
        ['sm', 'bf16MacsPerCycle', String(macs)],
        ['l2', 'capacityBytes', String(l2)],
      ]);
      expect(row.ok, `point ${point}: ${row.error ?? ''}`).toBe(expected !== undefined);
      if (!expected) return;
      expectSameFigures(row.figures, expected);
      fits.push(expected.fits);
    });
    // The capacity did matter: 8 GB per GPU cannot hold a 70B model's eighth (about 17.6 GB of weights).
    expect(fits).toEqual([1, 0, 1, 1, 0, 1]);
    // And the area followed the L2 and the clock/MACs points do not leak into the design's own point.
    const own = prepared.evaluate(points[0] as SweepValue[], 0);
    const bigL2 = prepared.evaluate([85899345920, 1.83e9, 2048, 2e8], 1);
    expect(bigL2.figures?.dieAreaSquareMillimetres).toBeGreaterThan(
      own.figures?.dieAreaSquareMillimetres as number,
    );
  });

  it('applies group counts, quantities with units and nested workload fields as a full evaluation does', () => {
    const prepared = prepareSweep(
      dgx,
      { ...tp8, parallelism: { mode: 'manual', tensor: 4, pipeline: 1, expert: 1 } },
      sweepOf([
        { path: 'gpu.count', values: [4, 8] },
        { path: 'hbm.bandwidthBytesPerSecond', values: ['2 TB/s', '3.35 TB/s'] },
        { path: 'workload.parallelism.tensor', values: [2, 4] },
      ]),
      index,
    );
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.problems));
    const row = prepared.evaluate([4, '2 TB/s', 2], 0);
    const expected = fullFigures(
      dgx,
      { ...tp8, parallelism: { mode: 'manual', tensor: 2, pipeline: 1, expert: 1 } },
      [
        ['gpu', 'count', '4'],
        ['hbm', 'bandwidthBytesPerSecond', '2 TB/s'],
      ],
    );
    if (!expected) throw new Error('the point evaluates in full');
    expectSameFigures(row.figures, expected);
    // The values did move the figures: more bandwidth, faster decode.
    const faster = prepared.evaluate([4, '3.35 TB/s', 2], 1);
    expect(faster.figures?.tpotSeconds).toBeLessThan(row.figures?.tpotSeconds as number);
  });

  it('names every parameter it cannot apply, with where it is and what the design has', () => {
    const prepared = prepareSweep(
      dgx,
      tp8,
      sweepOf([
        { path: 'nosuch.bandwidthBytesPerSecond', values: [1] },
        { path: 'hbm.speed', values: [1] },
        { path: 'workload.colour', values: [1] },
        { path: 'hbm.bandwidthBytesPerSecond', values: [2e12, -5] },
        { path: 'gpu.size', values: [1] },
      ]),
      index,
    );
    expect(prepared.ok).toBe(false);
    if (prepared.ok) return;
    expect(prepared.problems.map((problem) => problem.path)).toEqual([
      'parameters[0].path',
      'parameters[1].path',
      'parameters[2].path',
      'parameters[3].values[1]',
      'parameters[4].path',
    ]);
    const [block, param, field, range, group] = prepared.problems.map((problem) => problem.message);
    expect(block).toMatch(/no block, group or link "nosuch".*"hbm"/);
    expect(param).toMatch(/block "hbm" has no parameter "speed" \(it has .*bandwidthBytesPerSecond/);
    expect(field).toMatch(/the workload has no field "colour" \(it has .*batch/);
    expect(range).toMatch(/must be between .* not -5/);
    expect(group).toBe('group "gpu" has only "count"');
  });

  it('fails only the point whose value cannot be applied or evaluated, with the reason', () => {
    const prepared = prepareSweep(
      dgx,
      tp8,
      sweepOf(
        [
          {
            path: 'workload.batch',
            distribution: { kind: 'choice', values: [1, 2] },
          },
        ],
        [],
        { kind: 'random', samples: 10, seed: 1 },
      ),
      index,
    );
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.problems));
    const bad: SweepValue = 2.5;
    const failed = prepared.evaluate([bad], 7);
    expect(failed).toMatchObject({ index: 7, ok: false, feasible: false, values: { 'workload.batch': 2.5 } });
    expect(failed.error).toMatch(/workload\.batch cannot be 2\.5/);
    expect(failed.figures).toBeUndefined();
    const model = prepareSweep(
      dgx,
      tp8,
      sweepOf([{ path: 'workload.model', values: ['llama-3-8b'] }]),
      index,
    );
    if (!model.ok) throw new Error(JSON.stringify(model.problems));
    const unknown = model.evaluate(['no-such-model'], 1);
    expect(unknown.ok).toBe(false);
    expect(unknown.error).toMatch(/no-such-model/);
    expect(prepared.evaluate([2], 8).ok).toBe(true);
  });

  it('judges each point against the constraints and says what it breaks', () => {
    const prepared = prepareSweep(
      dgx,
      tp8,
      sweepOf([{ path: 'workload.batch', values: [1, 256] }], [{ figure: 'tpotSeconds', max: 0.02 }]),
      index,
    );
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.problems));
    const rows = [1, 256].map((batch, position) => prepared.evaluate([batch], position));
    for (const row of rows) {
      const tpot = row.figures?.tpotSeconds as number;
      expect(row.feasible).toBe(tpot <= 0.02);
      if (tpot > 0.02) expect(row.violations?.[0]).toMatch(/^TPOT [\d.]+ ms > 20 ms$/);
      else expect(row.violations).toBeUndefined();
    }
    expect(rows.some((row) => row.feasible)).toBe(true);
    expect(rows.some((row) => !row.feasible)).toBe(true);
  });
});
