import { describe, expect, it } from 'vitest';
import { constraintViolation, defaultObjectives, judgeFigures, objectivesOf } from './judge';
import { figuresOf, specOf } from './testing';

const parameters = [{ path: 'w.batch', values: [1] }];

describe('judgeFigures', () => {
  it('says which constraints a point breaks, with units', () => {
    const spec = specOf({
      parameters,
      constraints: [
        { figure: 'tpotSeconds', max: 0.05 },
        { figure: 'decodePowerWatts', max: 10_000 },
        { figure: 'decodeTokensPerSecond', min: 1000 },
        { figure: 'fits', min: 1 },
      ],
    });
    const judgement = judgeFigures(
      spec,
      figuresOf({
        tpotSeconds: 0.0612,
        decodePowerWatts: 9000,
        decodeTokensPerSecond: 800,
        fits: 0,
        energyJoulesPerToken: 1,
      }),
    );
    expect(judgement).toEqual({
      feasible: false,
      violations: ['TPOT 61.2 ms > 50 ms', 'Decode tokens/s 800 tok/s < 1 ktok/s', 'Fits in memory: no'],
    });
  });

  it('passes a point within every constraint, bounds included', () => {
    const spec = specOf({ parameters, constraints: [{ figure: 'tpotSeconds', min: 0.01, max: 0.05 }] });
    expect(judgeFigures(spec, figuresOf({ tpotSeconds: 0.05 }))).toEqual({ feasible: true, violations: [] });
  });

  it('fails a point whose constrained or objective figure is unknown, and says why', () => {
    const spec = specOf({
      parameters,
      constraints: [{ figure: 'dieAreaSquareMillimetres', max: 800 }],
      objectives: [
        { figure: 'dieAreaSquareMillimetres', goal: 'min' },
        { figure: 'systemDollars', goal: 'min' },
      ],
    });
    const judgement = judgeFigures(
      spec,
      figuresOf({ dieAreaSquareMillimetres: Number.NaN, systemDollars: Number.NaN }),
    );
    expect(judgement.feasible).toBe(false);
    expect(judgement.violations).toEqual([
      'Die area is not known for this point (its chip has no process node, so area and cost are not estimated)',
      'System cost is not known for this point (its chip has no process node, so area and cost are not estimated)',
    ]);
  });
});

describe('objectivesOf', () => {
  it('defaults to decode tokens/s up and energy per token down', () => {
    expect(objectivesOf(specOf({ parameters }))).toEqual(defaultObjectives);
    expect(
      objectivesOf(specOf({ parameters, objectives: [{ figure: 'ttftSeconds', goal: 'min' }] })),
    ).toEqual([{ figure: 'ttftSeconds', goal: 'min' }]);
  });
});

describe('constraintViolation', () => {
  it('is zero when feasible and grows with the relative excess', () => {
    const spec = specOf({
      parameters,
      constraints: [
        { figure: 'tpotSeconds', max: 0.05 },
        { figure: 'maxBatch', min: 8 },
      ],
    });
    expect(constraintViolation(spec, figuresOf({ tpotSeconds: 0.04, maxBatch: 8 }))).toBe(0);
    // 0.06 s is 20 % over 0.05 s; a max batch of 6 is 25 % under 8.
    expect(constraintViolation(spec, figuresOf({ tpotSeconds: 0.06, maxBatch: 6 }))).toBeCloseTo(
      0.2 + 0.25,
      12,
    );
    expect(constraintViolation(spec, figuresOf({ tpotSeconds: Number.NaN }))).toBe(Infinity);
  });
});
