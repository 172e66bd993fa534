import { describe, expect, it } from 'vitest';
import { sweepSpecSchema } from '../../../engine/sweep/spec';
import { newSweepSpec, parseValueList, pointCount, type SweepTarget } from './definition';
import { readSweepSpec, writeSweepSpec } from './sweep-text';

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
    expect(sweepSpecSchema.safeParse(spec).success).toBe(true);
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

  it('counts a grid as the product of its axes, linked parameters as one axis', () => {
    const base = { strategy: { kind: 'grid' as const } };
    expect(
      pointCount({
        ...base,
        parameters: [
          { path: 'a.x', values: [1, 2, 3] },
          { path: 'b.y', range: { from: 1, to: 2, steps: 4, scale: 'linear' } },
        ],
      }),
    ).toBe(12);
    expect(
      pointCount({
        ...base,
        parameters: [
          { path: 'a.x', values: [1, 2, 3], link: 'pair' },
          { path: 'b.y', values: [4, 5, 6], link: 'pair' },
          { path: 'c.z', values: [7, 8] },
        ],
      }),
    ).toBe(6);
    expect(
      pointCount({
        ...base,
        parameters: [{ path: 'a.x', distribution: { kind: 'uniform', min: 0, max: 1 } }],
      }),
    ).toBeNull();
    expect(pointCount({ strategy: { kind: 'random', samples: 500, seed: 1 }, parameters: [] })).toBe(500);
    expect(
      pointCount({
        strategy: { kind: 'nsga2', population: 20, generations: 5, seed: 1, crossoverProbability: 0.9 },
        parameters: [],
      }),
    ).toBe(100);
  });

  it('writes YAML that reads back as the same definition, and names the line of a problem', () => {
    const spec = newSweepSpec('H100', [hbm]);
    expect(readSweepSpec(writeSweepSpec(spec))).toEqual({ ok: true, value: spec });
    const text = writeSweepSpec(spec).replace('kind: grid', 'kind: everything');
    const read = readSweepSpec(text);
    const line = text.split('\n').findIndex((candidate) => candidate.includes('kind: everything')) + 1;
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problems[0]?.line).toBe(line);
  });
});
