import { describe, expect, it } from 'vitest';
import { inverseNormal } from './axes';
import { createPointSource, shardIndices, shardOf, shardSize, valuesByPath } from './points';
import { permutationAt } from './random';
import type { SweepParameter, SweepStrategy } from './spec';
import { specOf } from './testing';

function allPoints(parameters: SweepParameter[], strategy: SweepStrategy = { kind: 'grid' }) {
  const source = createPointSource(specOf({ parameters, strategy }));
  return Array.from({ length: source.total }, (_, index) => source.at(index));
}

describe('grid', () => {
  it('enumerates every combination, the last parameter fastest', () => {
    const a = [1, 2];
    const b = ['x', 'y', 'z'];
    const expected = a.flatMap((first) => b.map((second) => [first, second]));
    expect(
      allPoints([
        { path: 'p.a', values: a },
        { path: 'p.b', values: b },
      ]),
    ).toEqual(expected);
  });

  it('moves linked parameters together as one axis', () => {
    const points = allPoints([
      { path: 'sram.capacityBytes', values: [1, 2, 3], link: 'tile' },
      { path: 'w.batch', values: [8, 16] },
      { path: 'tiles.count', values: [30, 20, 10], link: 'tile' },
    ]);
    const expected = [0, 1, 2].flatMap((tile) => [8, 16].map((batch) => [tile + 1, batch, 30 - 10 * tile]));
    expect(points).toEqual(expected);
  });

  it('spaces a range linearly or logarithmically, ends included, whole numbers when asked', () => {
    const points = allPoints([{ path: 'p.a', range: { from: 1, to: 2, steps: 5, scale: 'linear' } }]);
    expect(points.map(([value]) => value)).toEqual([1, 1.25, 1.5, 1.75, 2]);
    const logarithmic = allPoints([{ path: 'p.a', range: { from: 1, to: 1000, steps: 4, scale: 'log' } }]);
    logarithmic.forEach(([value], step) => expect(value).toBeCloseTo(10 ** step, 9));
    expect(logarithmic.at(-1)).toEqual([1000]);
    const batches = allPoints([
      { path: 'w.batch', range: { from: 1, to: 256, steps: 9, scale: 'log', integer: true } },
    ]);
    expect(batches.map(([value]) => value)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
  });

  it('refuses an index outside the sweep', () => {
    const source = createPointSource(specOf({ parameters: [{ path: 'p.a', values: [1, 2] }] }));
    expect(() => source.at(2)).toThrow(/outside the sweep/);
    expect(() => source.at(-1)).toThrow(/outside the sweep/);
  });
});

describe('random and Latin-hypercube sampling', () => {
  const parameters: SweepParameter[] = [
    { path: 'hbm.bandwidthBytesPerSecond', range: { from: 1e12, to: 4e12, scale: 'log' } },
    { path: 'w.batch', distribution: { kind: 'uniform', min: 1, max: 64, integer: true } },
    { path: 'w.model', values: ['llama-3-8b', 'llama-3-70b'] },
    {
      path: 'chip.clockHertz',
      distribution: { kind: 'normal', mean: 1.8e9, stddev: 0.3e9, min: 1.5e9, max: 2e9 },
    },
  ];

  for (const kind of ['random', 'latin-hypercube'] as const) {
    it(`${kind}: the same seed gives the same points in any order of access; another seed others`, () => {
      const spec = specOf({ parameters, strategy: { kind, samples: 500, seed: 42 } });
      const first = createPointSource(spec);
      const second = createPointSource(JSON.parse(JSON.stringify(spec)) as typeof spec);
      const forward = Array.from({ length: 500 }, (_, index) => first.at(index));
      for (let index = 499; index >= 0; index -= 1) expect(second.at(index)).toEqual(forward[index]);
      const other = createPointSource(specOf({ parameters, strategy: { kind, samples: 500, seed: 43 } }));
      expect(other.at(0)).not.toEqual(forward[0]);
    });

    it(`${kind}: every value lies within its range, whole where asked, clipped where asked`, () => {
      const source = createPointSource(specOf({ parameters, strategy: { kind, samples: 2000, seed: 7 } }));
      const seen = { batches: new Set<number>(), models: new Set<string>(), clipped: 0 };
      for (let index = 0; index < source.total; index += 1) {
        const [bandwidth, batch, model, clock] = source.at(index) as [number, number, string, number];
        expect(bandwidth).toBeGreaterThanOrEqual(1e12);
        expect(bandwidth).toBeLessThanOrEqual(4e12);
        expect(Number.isInteger(batch) && batch >= 1 && batch <= 64).toBe(true);
        expect(clock).toBeGreaterThanOrEqual(1.5e9);
        expect(clock).toBeLessThanOrEqual(2e9);
        if (clock === 2e9 || clock === 1.5e9) seen.clipped += 1;
        seen.batches.add(batch);
        seen.models.add(model);
      }
      expect(seen.batches.size).toBe(64);
      expect(seen.models).toEqual(new Set(['llama-3-8b', 'llama-3-70b']));
      // P(x > 2.0 GHz) + P(x < 1.5 GHz) for N(1.8, 0.3) is about 0.25 + 0.16: a good share lands on the bounds.
      expect(seen.clipped).toBeGreaterThan(2000 * 0.3);
    });
  }

  it('latin-hypercube: each parameter falls exactly once in each of the samples equal slices', () => {
    const samples = 997;
    const source = createPointSource(
      specOf({
        parameters: [
          { path: 'p.a', range: { from: 0, to: samples, scale: 'linear' } },
          { path: 'p.b', distribution: { kind: 'uniform', min: -samples, max: 0 } },
        ],
        strategy: { kind: 'latin-hypercube', samples, seed: 5 },
      }),
    );
    const slicesA = new Set<number>();
    const slicesB = new Set<number>();
    for (let index = 0; index < samples; index += 1) {
      const [a, b] = source.at(index) as [number, number];
      slicesA.add(Math.floor(a));
      slicesB.add(Math.floor(b + samples));
    }
    expect(slicesA.size).toBe(samples);
    expect(slicesB.size).toBe(samples);
  });

  it('latin-hypercube: a weighted choice is drawn in proportion to its weights', () => {
    const samples = 1000;
    const source = createPointSource(
      specOf({
        parameters: [
          { path: 'w.model', distribution: { kind: 'choice', values: ['a', 'b', 'c'], weights: [1, 3, 0] } },
        ],
        strategy: { kind: 'latin-hypercube', samples, seed: 2 },
      }),
    );
    const counts = new Map<unknown, number>();
    for (let index = 0; index < samples; index += 1) {
      const [model] = source.at(index);
      counts.set(model, (counts.get(model) ?? 0) + 1);
    }
    // One draw per slice of [0, 1): the first quarter of the slices pick "a", the rest "b", none "c".
    expect(counts.get('a')).toBe(250);
    expect(counts.get('b')).toBe(750);
    expect(counts.get('c')).toBeUndefined();
  });

  it('random: linked parameters share one draw (the same position of each list, the same fraction of each range)', () => {
    const source = createPointSource(
      specOf({
        parameters: [
          { path: 'sram.capacityBytes', values: [1, 2, 3, 4], link: 'tile' },
          { path: 'tiles.count', values: [40, 30, 20, 10], link: 'tile' },
          { path: 'p.x', range: { from: 0, to: 1, scale: 'linear' }, link: 'tile' },
          { path: 'p.y', range: { from: 10, to: 20, scale: 'linear' }, link: 'tile' },
        ],
        strategy: { kind: 'random', samples: 200, seed: 1 },
      }),
    );
    for (let index = 0; index < 200; index += 1) {
      const [sram, tiles, x, y] = source.at(index) as number[];
      expect(tiles).toBe(50 - 10 * sram!);
      expect(y).toBeCloseTo(10 + 10 * x!, 9);
      expect(Math.floor(x! * 4) + 1).toBe(sram);
    }
  });

  it('keeps text values with units as typed', () => {
    const [point] = allPoints([{ path: 'hbm.bandwidthBytesPerSecond', values: ['2 TB/s'] }]);
    expect(point).toEqual(['2 TB/s']);
    expect(
      valuesByPath(
        specOf({ parameters: [{ path: 'hbm.bandwidthBytesPerSecond', values: ['2 TB/s'] }] }),
        point!,
      ),
    ).toEqual({
      'hbm.bandwidthBytesPerSecond': '2 TB/s',
    });
  });

  it('refuses to enumerate NSGA-II, whose points depend on results', () => {
    const spec = specOf({
      parameters: [{ path: 'p.a', values: [1, 2] }],
      strategy: { kind: 'nsga2', population: 4, generations: 2 },
    });
    expect(() => createPointSource(spec)).toThrow(/createNsga2/);
  });
});

describe('inverseNormal', () => {
  /** The standard normal CDF by Simpson's rule from 0 (1,000 intervals; error far below 1e-9). */
  function normalCdf(x: number): number {
    const intervals = 1000;
    const step = x / intervals;
    let sum = 0;
    for (let k = 0; k <= intervals; k += 1) {
      const t = k * step;
      const weight = k === 0 || k === intervals ? 1 : k % 2 === 1 ? 4 : 2;
      sum += weight * Math.exp((-t * t) / 2);
    }
    return 0.5 + (sum * step) / 3 / Math.sqrt(2 * Math.PI);
  }

  it('inverts the normal CDF', () => {
    for (const p of [1e-6, 0.001, 0.02, 0.0243, 0.1, 0.3, 0.5, 0.7, 0.975, 0.98, 0.999, 1 - 1e-6]) {
      expect(normalCdf(inverseNormal(p))).toBeCloseTo(p, 8);
    }
  });
});

describe('permutationAt', () => {
  it('is a permutation of [0, n) for every n and key', () => {
    for (const count of [1, 2, 3, 5, 16, 17, 1000, 4097]) {
      for (const key of [0, 1, 0xdeadbeef]) {
        const seen = new Set<number>();
        for (let index = 0; index < count; index += 1) seen.add(permutationAt(index, count, key));
        expect(seen.size).toBe(count);
        expect(Math.min(...seen)).toBe(0);
        expect(Math.max(...seen)).toBe(count - 1);
      }
    }
  });
});

describe('shards', () => {
  it('split the points into disjoint shards whose union is every point, for N = 1, 3 and 7', () => {
    for (const total of [0, 1, 10, 100, 101]) {
      for (const count of [1, 3, 7]) {
        const union: number[] = [];
        for (let index = 1; index <= count; index += 1) {
          const indices = [...shardIndices(total, { index, count })];
          expect(indices.length).toBe(shardSize(total, { index, count }));
          for (const point of indices) expect(shardOf(point, count)).toBe(index);
          union.push(...indices);
        }
        expect(union.sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, index) => index));
      }
    }
  });

  it('refuses a shard that does not exist', () => {
    expect(() => shardSize(10, { index: 0, count: 3 })).toThrow(/1 ≤ I ≤ N/);
    expect(() => [...shardIndices(10, { index: 4, count: 3 })]).toThrow(/1 ≤ I ≤ N/);
  });
});
