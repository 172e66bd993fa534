import { describe, expect, it } from 'vitest';
import { judgeFigures } from './judge';
import { createNsga2 } from './nsga2';
import type { SweepPointValues } from './points';
import type { SweepRow } from './row';
import type { SweepSpec } from './spec';
import { figuresOf, specOf } from './testing';

/**
 * A ZDT1-like space (Zitzler, Deb & Thiele 2000) of four continuous parameters in [0, 1] and one categorical one:
 * f1 = x1, g = 1 + 9 · mean(x2, x3, x4, c), f2 = g · (1 − √(f1 / g)). Both minimised. The front is g = 1 (x2 = x3
 * = x4 = 0 and c = 0, the last of its values), where f2 = 1 − √f1; its hypervolume from the reference point
 * (1, 1) is ∫₀¹ √f1 df1 = 2/3.
 */
function zdtSpec(seed: number, population = 40, generations = 60): SweepSpec {
  return specOf({
    parameters: [
      { path: 'p.x1', range: { from: 0, to: 1, scale: 'linear' } },
      { path: 'p.x2', range: { from: 0, to: 1, scale: 'linear' } },
      { path: 'p.x3', distribution: { kind: 'uniform', min: 0, max: 1 } },
      { path: 'p.x4', range: { from: 0, to: 1, scale: 'linear' } },
      { path: 'p.c', values: [1, 0.5, 0.25, 0] },
    ],
    strategy: { kind: 'nsga2', population, generations, seed },
    objectives: [
      { figure: 'ttftSeconds', goal: 'min' },
      { figure: 'tpotSeconds', goal: 'min' },
    ],
  });
}

function zdtRow(spec: SweepSpec, point: SweepPointValues): SweepRow {
  const [x1, x2, x3, x4, c] = point.values as number[];
  const g = 1 + (9 * (x2! + x3! + x4! + c!)) / 4;
  const figures = figuresOf({ ttftSeconds: x1!, tpotSeconds: g * (1 - Math.sqrt(x1! / g)) });
  const { feasible, violations } = judgeFigures(spec, figures);
  return { index: point.index, values: {}, ok: true, figures, feasible, violations };
}

/** Runs a search to the end, evaluating with `evaluate`; returns every asked point and the final population. */
function run(spec: SweepSpec, evaluate: (point: SweepPointValues) => SweepRow) {
  const search = createNsga2(spec);
  const asked: SweepPointValues[] = [];
  for (let batch = search.ask(); batch !== undefined; batch = search.ask()) {
    asked.push(...batch);
    // Rows come back in any order and in chunks, as they do from the worker pool.
    const rows = batch.map(evaluate).reverse();
    search.tell(rows.slice(0, 7));
    search.tell(rows.slice(7));
  }
  return { search, asked, population: search.population() };
}

/** The area the points dominate below the reference point (1, 1), by a sweep over f1. */
function hypervolume(points: readonly (readonly [number, number])[]): number {
  const sorted = points.filter(([f1, f2]) => f1 < 1 && f2 < 1).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let area = 0;
  let ceiling = 1;
  sorted.forEach(([f1, f2], index) => {
    const next = sorted[index + 1]?.[0] ?? 1;
    ceiling = Math.min(ceiling, f2);
    area += (next - f1) * (1 - ceiling);
  });
  return area;
}

describe('createNsga2', () => {
  it('finds the known front of a ZDT1-like space within 40 × 60 evaluations', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const spec = zdtSpec(seed);
      const { search, asked, population } = run(spec, (point) => zdtRow(spec, point));
      expect(search.finished).toBe(true);
      expect(asked.length).toBe(40 * 60);
      expect(search.total).toBe(2400);
      expect(population.length).toBe(40);
      const objectives = population.map(
        (row) => [row.figures!.ttftSeconds, row.figures!.tpotSeconds] as const,
      );
      // Near the front: f2 within 0.05 of 1 − √f1 (the search starts with f2 up to about 10 above it).
      const near = objectives.filter(([f1, f2]) => f2 - (1 - Math.sqrt(f1)) <= 0.05).length;
      expect(near / population.length).toBeGreaterThanOrEqual(0.9);
      // Spread along it: at least 95 % of the true front's hypervolume (40 points lose about 1 % to the steps).
      expect(hypervolume(objectives)).toBeGreaterThanOrEqual(0.95 * (2 / 3));
    }
  });

  it('is reproducible: the same seed asks the same points; another seed others', () => {
    const spec = zdtSpec(7, 12, 5);
    const first = run(spec, (point) => zdtRow(spec, point)).asked;
    const second = run(zdtSpec(7, 12, 5), (point) => zdtRow(spec, point)).asked;
    expect(second).toEqual(first);
    const other = run(zdtSpec(8, 12, 5), (point) => zdtRow(spec, point)).asked;
    expect(other).not.toEqual(first);
    expect(first.map((point) => point.index)).toEqual(Array.from({ length: 60 }, (_, index) => index));
  });

  it('keeps categorical values from their list and continuous ones within their range', () => {
    const spec = zdtSpec(3, 10, 4);
    const { asked } = run(spec, (point) => zdtRow(spec, point));
    for (const point of asked) {
      const [x1, , , , c] = point.values as number[];
      expect(x1).toBeGreaterThanOrEqual(0);
      expect(x1).toBeLessThanOrEqual(1);
      expect([1, 0.5, 0.25, 0]).toContain(c);
    }
  });

  it('prefers feasible points: under a constraint f1 ≥ 0.5 the final population keeps to it', () => {
    const spec = { ...zdtSpec(4, 20, 30), constraints: [{ figure: 'ttftSeconds' as const, min: 0.5 }] };
    const { population } = run(spec, (point) => zdtRow(spec, point));
    expect(population.every((row) => row.feasible)).toBe(true);
  });

  it('treats failed points as the worst and carries on', () => {
    const spec = zdtSpec(5, 10, 6);
    const { search, population } = run(spec, (point) =>
      point.index % 3 === 0
        ? { index: point.index, values: {}, ok: false, error: 'does not fit', feasible: false }
        : zdtRow(spec, point),
    );
    expect(search.finished).toBe(true);
    expect(population.filter((row) => row.ok).length).toBe(10);
  });

  it('asks for nothing new while a generation waits for rows', () => {
    const search = createNsga2(zdtSpec(1, 4, 2));
    expect(search.ask()?.length).toBe(4);
    expect(() => search.ask()).toThrow(/without rows/);
  });
});
