import { describe, expect, it } from 'vitest';
import { sweepFigureIds, type SweepFigureId } from './figures';
import {
  compareVectors,
  crowdingDistances,
  dominates,
  dominatesVector,
  frontIndices,
  nondominatedSort,
  paretoFront,
} from './pareto';
import { createRandom } from './random';
import type { SweepRow } from './row';
import type { SweepObjective } from './spec';
import { figuresOf } from './testing';

/** Rows with small whole-number figures, so ties and duplicates are common; a few infeasible or failed. */
function generatedRows(
  seed: number,
  count: number,
  figures: readonly SweepFigureId[],
  levels: number,
): SweepRow[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const kind = random.below(10);
    if (kind === 0) return { index, values: {}, ok: false, error: 'failed', feasible: false };
    const values = Object.fromEntries(figures.map((figure) => [figure, random.below(levels)]));
    return { index, values: {}, ok: true, figures: figuresOf(values), feasible: kind !== 1 };
  });
}

/** The front by definition: feasible rows that no feasible row beats on every objective, by brute force. */
function bruteForceFront(rows: readonly SweepRow[], objectives: readonly SweepObjective[]): SweepRow[] {
  const better = (a: number, b: number, goal: 'min' | 'max') => (goal === 'min' ? a < b : a > b);
  const beats = (a: SweepRow, b: SweepRow) =>
    objectives.every(({ figure, goal }) => !better(b.figures![figure], a.figures![figure], goal)) &&
    objectives.some(({ figure, goal }) => better(a.figures![figure], b.figures![figure], goal));
  const feasible = rows.filter((row) => row.ok && row.feasible);
  return feasible.filter((row) => !feasible.some((other) => beats(other, row)));
}

describe('paretoFront', () => {
  it('equals the brute-force front on generated sets: 1–4 objectives, min and max goals, ties and duplicates', () => {
    const pool = sweepFigureIds.slice(0, 6);
    for (let seed = 1; seed <= 120; seed += 1) {
      const random = createRandom(seed, 99);
      const dimensions = 1 + (seed % 4);
      const objectives: SweepObjective[] = pool
        .slice(seed % 3, (seed % 3) + dimensions)
        .map((figure) => ({ figure, goal: random.below(2) === 0 ? 'min' : 'max' }));
      const rows = generatedRows(
        seed,
        20 + random.below(200),
        objectives.map((objective) => objective.figure),
        2 + random.below(8),
      );
      expect(paretoFront(rows, objectives)).toEqual(bruteForceFront(rows, objectives));
    }
  });

  it('keeps every copy of a front point and drops every copy of a dominated one', () => {
    const objectives: SweepObjective[] = [
      { figure: 'decodeTokensPerSecond', goal: 'max' },
      { figure: 'energyJoulesPerToken', goal: 'min' },
    ];
    const row = (index: number, tokens: number, joules: number): SweepRow => ({
      index,
      values: {},
      ok: true,
      feasible: true,
      figures: figuresOf({ decodeTokensPerSecond: tokens, energyJoulesPerToken: joules }),
    });
    const rows = [
      row(0, 100, 1),
      row(1, 100, 1),
      row(2, 50, 0.5),
      row(3, 50, 2),
      row(4, 50, 2),
      row(5, 100, 1.5),
    ];
    expect(paretoFront(rows, objectives).map((kept) => kept.index)).toEqual([0, 1, 2]);
    expect(dominates(rows[0]!, rows[5]!, objectives)).toBe(true);
    expect(dominates(rows[0]!, rows[1]!, objectives)).toBe(false);
  });

  it('ignores rows without a finite objective', () => {
    const objectives: SweepObjective[] = [{ figure: 'systemDollars', goal: 'min' }];
    const rows: SweepRow[] = [
      { index: 0, values: {}, ok: true, feasible: true, figures: figuresOf({ systemDollars: Number.NaN }) },
      { index: 1, values: {}, ok: true, feasible: true, figures: figuresOf({ systemDollars: 5 }) },
    ];
    expect(paretoFront(rows, objectives).map((kept) => kept.index)).toEqual([1]);
  });
});

describe('nondominatedSort', () => {
  it('puts in front k exactly what fronts before k dominate, the first front being the Pareto front', () => {
    for (let seed = 1; seed <= 40; seed += 1) {
      const random = createRandom(seed, 7);
      const dimensions = 2 + (seed % 3);
      const vectors = Array.from({ length: 60 }, () =>
        Array.from({ length: dimensions }, () => random.below(6)),
      );
      const fronts = nondominatedSort(
        vectors.length,
        (a, b) => dominatesVector(vectors[a]!, vectors[b]!),
        (a, b) => compareVectors(vectors[a]!, vectors[b]!),
      );
      expect(fronts[0]).toEqual(frontIndices(vectors));
      expect(fronts.flat().sort((a, b) => a - b)).toEqual(vectors.map((_, index) => index));
      fronts.forEach((front, rank) => {
        const later = fronts.slice(rank).flat();
        for (const member of front) {
          // Nothing in its own front or later dominates it; something in the front before does.
          expect(later.some((other) => dominatesVector(vectors[other]!, vectors[member]!))).toBe(false);
          if (rank > 0) {
            expect(
              fronts[rank - 1]!.some((other) => dominatesVector(vectors[other]!, vectors[member]!)),
            ).toBe(true);
          }
        }
      });
    }
  });
});

describe('crowdingDistances', () => {
  it('gives the ends Infinity and the others the normalised gap between their neighbours, summed over objectives', () => {
    // A front on the line x + y = 4: x = 0, 1, 3, 4 (the extents are 4 in both objectives).
    const vectors = [
      [3, 1],
      [0, 4],
      [4, 0],
      [1, 3],
    ];
    const distances = crowdingDistances(vectors, [0, 1, 2, 3]);
    expect(distances[1]).toBe(Infinity);
    expect(distances[2]).toBe(Infinity);
    // x = 1: neighbours at 0 and 3 in both objectives → 3/4 + 3/4; x = 3: neighbours at 1 and 4 → 3/4 + 3/4.
    expect(distances[3]).toBeCloseTo(1.5, 12);
    expect(distances[0]).toBeCloseTo(1.5, 12);
  });
});
