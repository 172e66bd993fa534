/**
 * Constraints and objectives of a sweep applied to one point's figures: whether the point is feasible, the
 * sentences that say why not ("TPOT 61.2 ms > 50 ms"), and how far outside the constraints it lies (NSGA-II
 * prefers points that break them less).
 */
import { formatQuantity, type Unit } from '../units';
import { sweepFigures, type SweepFigureId } from './figures';
import type { SweepObjective, SweepSpec } from './spec';

/** The objectives when a sweep names none: decode tokens/s up, energy per token down. */
export const defaultObjectives: readonly SweepObjective[] = [
  { figure: 'decodeTokensPerSecond', goal: 'max' },
  { figure: 'energyJoulesPerToken', goal: 'min' },
];

/** A sweep's objectives: its own, or {@link defaultObjectives}. */
export function objectivesOf(spec: Pick<SweepSpec, 'objectives'>): SweepObjective[] {
  return [...(spec.objectives ?? defaultObjectives)];
}

/** Whether a point is within every constraint, and the sentences for those it breaks. */
export interface Judgement {
  feasible: boolean;
  violations: string[];
}

type Figures = Readonly<Record<SweepFigureId, number>>;

/**
 * Judges a point's figures against the spec's constraints. A constraint or an objective on a figure the point
 * does not have (area and cost without a process node) fails the point with a sentence saying so.
 */
export function judgeFigures(
  spec: Pick<SweepSpec, 'constraints' | 'objectives'>,
  figures: Figures,
): Judgement {
  const violations: string[] = [];
  const unknown = new Set<SweepFigureId>();
  const noteUnknown = (figure: SweepFigureId) => {
    if (unknown.has(figure)) return;
    unknown.add(figure);
    violations.push(`${sweepFigures[figure].label} is not known for this point (${whyUnknown(figure)})`);
  };
  for (const constraint of spec.constraints) {
    const value = figures[constraint.figure];
    if (!Number.isFinite(value)) {
      noteUnknown(constraint.figure);
      continue;
    }
    if (constraint.min !== undefined && value < constraint.min) {
      violations.push(sentence(constraint.figure, value, '<', constraint.min));
    }
    if (constraint.max !== undefined && value > constraint.max) {
      violations.push(sentence(constraint.figure, value, '>', constraint.max));
    }
  }
  for (const objective of objectivesOf(spec)) {
    if (!Number.isFinite(figures[objective.figure])) noteUnknown(objective.figure);
  }
  return { feasible: violations.length === 0, violations };
}

/**
 * How far a point lies outside the constraints: the sum over broken bounds of the excess relative to the
 * bound's size (0 when feasible; Infinity when a constrained or objective figure is unknown). NSGA-II ranks
 * infeasible points by it (Deb et al. 2002, constrained domination).
 */
export function constraintViolation(
  spec: Pick<SweepSpec, 'constraints' | 'objectives'>,
  figures: Figures,
): number {
  let total = 0;
  for (const constraint of spec.constraints) {
    const value = figures[constraint.figure];
    if (!Number.isFinite(value)) return Infinity;
    if (constraint.min !== undefined && value < constraint.min)
      total += (constraint.min - value) / scaleOf(constraint.min);
    if (constraint.max !== undefined && value > constraint.max)
      total += (value - constraint.max) / scaleOf(constraint.max);
  }
  for (const objective of objectivesOf(spec)) {
    if (!Number.isFinite(figures[objective.figure])) return Infinity;
  }
  return total;
}

function scaleOf(bound: number): number {
  return Math.abs(bound) > 0 ? Math.abs(bound) : 1;
}

function whyUnknown(figure: SweepFigureId): string {
  if (
    figure === 'dieAreaSquareMillimetres' ||
    figure === 'systemDollars' ||
    figure === 'dollarsPerTokenPerSecond'
  ) {
    return 'its chip has no process node, so area and cost are not estimated';
  }
  return 'the report does not give it';
}

/** "TPOT 61.2 ms > 50 ms", "Fits in memory: no", "Chips used 16 > 8". */
function sentence(figure: SweepFigureId, value: number, relation: '<' | '>', bound: number): string {
  const info = sweepFigures[figure];
  if (info.unit === 'bool') return `${info.label}: ${value >= 0.5 ? 'yes' : 'no'}`;
  return `${info.label} ${formatFigure(figure, value)} ${relation} ${formatFigure(figure, bound)}`;
}

const figureUnits: Partial<Record<string, Unit>> = {
  s: 'seconds',
  W: 'watts',
  J: 'joules',
  B: 'bytes',
  'tokens/s': 'tokensPerSecond',
  '': 'count',
};

/** A figure's value with its unit and a readable prefix: "61.2 ms", "700 W", "80 GiB", "812 mm²". */
export function formatFigure(figure: SweepFigureId, value: number): string {
  const info = sweepFigures[figure];
  if (!Number.isFinite(value)) return '—';
  if (info.unit === 'bool') return value >= 0.5 ? 'yes' : 'no';
  if (info.unit === '$') return `$${Number(value.toPrecision(3)).toLocaleString('en-US')}`;
  const unit = figureUnits[info.unit];
  if (unit !== undefined) return formatQuantity(value, unit);
  return `${Number(value.toPrecision(3))} ${info.unit}`;
}
