import { describe, expect, it } from 'vitest';
import { parseSweepSpecValue, readSweepSpec, writeSweepSpec } from '../../../engine/sweep/read';
import type { SweepParameter, SweepSpec } from '../../../engine/sweep/spec';
import { newSweepSpec, parseValueList, pointCount, type SweepTarget } from './definition';

const hbm: SweepTarget = {
  path: 'hbm.bandwidthBytesPerSecond',
  label: 'HBM · Bandwidth',
  unit: 'bytesPerSecond',
  current: 3.35e12,
  integer: false,
  owner: 'HBM',
};

describe('sweep definition', () => {
  it('starts a valid definition on the first block parameter, from half to twice its value', () => {
    const spec = newSweepSpec('H100', [hbm]);
    expect(parseSweepSpecValue(spec).ok).toBe(true);
    expect(spec.parameters[0]?.range).toMatchObject({ from: 3.35e12 / 2, to: 3.35e12 * 2, steps: 5 });
  });

  it('reads a value list in the parameter unit, keeping names as text', () => {
    expect(parseValueList('2 TB/s, 3.35 TB/s', 'bytesPerSecond')).toEqual({
      ok: true,
      values: [2e12, 3.35e12],
    });
    expect(parseValueList('llama-3-8b, llama-3-70b', 'count')).toEqual({
      ok: true,
      values: ['llama-3-8b', 'llama-3-70b'],
    });
    expect(parseValueList('', 'count').ok).toBe(false);
    expect(parseValueList('2 TB/s, 3 ?', 'bytesPerSecond').ok).toBe(false);
  });

  it('counts a grid as the product of its axes (linked parameters one axis), sampling by its samples', () => {
    const spec = (
      parameters: SweepParameter[],
      strategy: SweepSpec['strategy'] = { kind: 'grid' },
    ): SweepSpec => {
      const parsed = parseSweepSpecValue({ ...newSweepSpec('H100', [hbm]), parameters, strategy });
      if (!parsed.ok) throw new Error(parsed.problems.map((problem) => problem.message).join('; '));
      return parsed.value;
    };
    const steps = { from: 1, to: 2, steps: 4, scale: 'linear' as const };
    expect(
      pointCount(
        spec([
          { path: 'a.x', values: [1, 2, 3] },
          { path: 'b.y', range: steps },
        ]),
      ),
    ).toBe(3 * 4);
    expect(
      pointCount(
        spec([
          { path: 'a.x', values: [1, 2, 3], link: 'pair' },
          { path: 'b.y', values: [4, 5, 6], link: 'pair' },
          { path: 'c.z', values: [7, 8] },
        ]),
      ),
    ).toBe(3 * 2);
    expect(
      pointCount(spec([{ path: 'a.x', values: [1, 2] }], { kind: 'random', samples: 500, seed: 1 })),
    ).toBe(500);
    expect(
      pointCount(
        spec([{ path: 'a.x', values: [1, 2] }], {
          kind: 'nsga2',
          population: 20,
          generations: 5,
          seed: 1,
          crossoverProbability: 0.9,
        }),
      ),
    ).toBe(20 * 5);
  });

  it('writes a first definition as YAML that reads back as the same definition', () => {
    const spec = newSweepSpec('H100', [hbm]);
    expect(readSweepSpec(writeSweepSpec(spec))).toEqual({ ok: true, value: spec });
  });
});
