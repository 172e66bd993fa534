/**
 * The variants of a point for a sensitivity (tornado) chart: each parameter moved 10 % below and above its
 * value at the point, the others held. A quantity typed with its unit ("2 TB/s") moves in its own unit
 * ("1.8 TB/s", "2.2 TB/s"); a whole-number parameter (a batch, a count) moves to the nearest other whole
 * number; a categorical parameter (a model id, a format) moves to its neighbours in its list of values.
 */
import type { SweepParameter, SweepSpec, SweepValue } from './spec';

/** The share a parameter moves each way. */
export const sensitivityStep = 0.1;

/** One parameter's two variants of a point. */
export interface SensitivityVariant {
  /** The parameter's position in `spec.parameters`. */
  parameter: number;
  path: string;
  /** The parameter's label, or its path. */
  label: string;
  base: SweepValue;
  /** The value below; the base itself when there is none (the first of a list, a whole number at 1). */
  low: SweepValue;
  high: SweepValue;
  /** The whole point with this parameter at `low` (aligned with `spec.parameters`). */
  lowValues: SweepValue[];
  highValues: SweepValue[];
}

/** Per parameter, the point's values with that parameter 10 % lower and 10 % higher (see the module comment). */
export function sensitivityVariants(
  spec: Pick<SweepSpec, 'parameters'>,
  baseValues: readonly SweepValue[],
): SensitivityVariant[] {
  return spec.parameters.map((parameter, position) => {
    const base = baseValues[position] ?? Number.NaN;
    const [low, high] = neighbours(parameter, base);
    const withValue = (value: SweepValue) => baseValues.map((held, at) => (at === position ? value : held));
    return {
      parameter: position,
      path: parameter.path,
      label: parameter.label ?? parameter.path,
      base,
      low,
      high,
      lowValues: withValue(low),
      highValues: withValue(high),
    };
  });
}

const quantityPattern = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(.*)$/s;

function neighbours(parameter: SweepParameter, base: SweepValue): [SweepValue, SweepValue] {
  const list =
    parameter.values ??
    (parameter.distribution?.kind === 'choice' ? parameter.distribution.values : undefined);
  if (typeof base === 'number') {
    const whole = isWhole(parameter, list);
    return [scaled(base, 1 - sensitivityStep, whole, -1), scaled(base, 1 + sensitivityStep, whole, 1)];
  }
  const quantity = quantityPattern.exec(base);
  if (quantity !== null) {
    const number = Number(quantity[1]);
    const unit = quantity[2] ?? '';
    const text = (value: number) => `${Number(value.toPrecision(12))}${unit}`;
    return [text(number * (1 - sensitivityStep)), text(number * (1 + sensitivityStep))];
  }
  // A categorical value: its neighbours in the parameter's list.
  const at = list?.indexOf(base) ?? -1;
  if (list === undefined || at < 0) return [base, base];
  return [list[at - 1] ?? base, list[at + 1] ?? base];
}

/** A whole-number parameter: an integer range or distribution, or a list of whole numbers only. */
function isWhole(parameter: SweepParameter, list: readonly SweepValue[] | undefined): boolean {
  if (parameter.range?.integer === true) return true;
  const distribution = parameter.distribution;
  if (distribution !== undefined && distribution.kind !== 'choice' && distribution.integer === true)
    return true;
  return list !== undefined && list.every((value) => typeof value === 'number' && Number.isInteger(value));
}

/**
 * The base times `factor`; for a whole number, rounded and at least one step away (a batch of 4 goes to 3 and 5),
 * but never from a positive count down to zero or below.
 */
function scaled(base: number, factor: number, whole: boolean, direction: -1 | 1): number {
  const value = base * factor;
  if (!whole) return value;
  let rounded = Math.round(value);
  if (rounded === base) rounded = base + direction;
  if (base >= 1 && rounded < 1) return base;
  return rounded;
}
