/**
 * The voltage/frequency curve of a DVFS domain: the supply voltage a clock needs, continuous from the top clock down
 * to a floor, so a power cap can always lower the clock (the power stage, `stages/power.ts`).
 *
 * - Between the domain's operating points the voltage is interpolated linearly.
 * - Below the lowest point (or below the only one; a chip without a domain has one: its unit's clock at the node's
 *   nominal voltage) the curve follows the alpha-power law of Sakurai & Newton (IEEE JSSC 25(2), 1990): a gate's
 *   delay ∝ V / (V − Vt)^α, so the clock f ∝ (V − Vt)^α / V, scaled to pass through the lowest point. Down to the
 *   minimum voltage Vmin the voltage falls with the clock; below the clock Vmin gives, only the clock falls.
 * - The curve ends at a floor clock (a fraction of the top clock); below it the unit stalls (duty cycling).
 *
 * Vt, Vmin, α, the floor and the nominal voltage come from the library's tech tables (`vf-curve-voltages`,
 * `vf-curve-shape`), read by the resolve stage. Without them the curve stops at its lowest point.
 */
import type { CatalogIndex } from './catalog';
import type { OperatingPoint, VfConstants } from './machine';

export type { VfConstants } from './machine';

/** The tech table of the curve's voltages (threshold, minimum, nominal), in volts. */
export const VF_VOLTAGE_TABLE = 'vf-curve-voltages';
/** The tech table of the curve's shape (α, the floor clock as a fraction of the top clock), as ratios. */
export const VF_SHAPE_TABLE = 'vf-curve-shape';

/** The constants from the library's tech tables; undefined when a table or row is missing or out of range. */
export function vfConstants(catalog: CatalogIndex): VfConstants | undefined {
  const voltages = catalog.tech.get(VF_VOLTAGE_TABLE);
  const shape = catalog.tech.get(VF_SHAPE_TABLE);
  const row = (table: typeof voltages, role: string): number | undefined =>
    table?.rows.find((candidate) => candidate.conditions.role === role)?.value;
  const constants = {
    thresholdVolts: row(voltages, 'threshold'),
    minimumVolts: row(voltages, 'minimum'),
    nominalVolts: row(voltages, 'nominal'),
    alpha: row(shape, 'alpha'),
    floorClockFraction: row(shape, 'floor-clock-fraction'),
  };
  const { thresholdVolts, minimumVolts, nominalVolts, alpha, floorClockFraction } = constants;
  if (
    thresholdVolts === undefined ||
    minimumVolts === undefined ||
    nominalVolts === undefined ||
    alpha === undefined ||
    floorClockFraction === undefined
  )
    return undefined;
  if (
    !(thresholdVolts >= 0 && minimumVolts > thresholdVolts && nominalVolts >= minimumVolts) ||
    !(alpha >= 1) ||
    !(floorClockFraction > 0 && floorClockFraction <= 1)
  )
    return undefined;
  return { thresholdVolts, minimumVolts, nominalVolts, alpha, floorClockFraction };
}

/** Voltage at a clock, interpolated along the operating points (highest first); clamped at both ends. */
export function voltageAt(points: readonly OperatingPoint[], clockHertz: number): number {
  const top = points[0];
  if (!top) return 1;
  if (clockHertz >= top.clockHertz) return top.voltageVolts;
  for (let index = 1; index < points.length; index += 1) {
    const upper = points[index - 1] as OperatingPoint;
    const lower = points[index] as OperatingPoint;
    if (clockHertz >= lower.clockHertz) {
      const t = (clockHertz - lower.clockHertz) / (upper.clockHertz - lower.clockHertz);
      return lower.voltageVolts + t * (upper.voltageVolts - lower.voltageVolts);
    }
  }
  return (points.at(-1) as OperatingPoint).voltageVolts;
}

/** Bisection steps solving the alpha-power law for the voltage (2^-60 of the range: far below any rounding). */
const VOLTAGE_HALVINGS = 60;

/** A domain's continuous V/f curve. */
export interface VfCurve {
  topClockHertz: number;
  topVoltageVolts: number;
  /** The lowest clock the unit runs at; below it the unit stalls. */
  floorClockHertz: number;
  /** Supply voltage at a clock (the top voltage above the top clock, the floor's below the floor). */
  voltageAt(clockHertz: number): number;
}

/**
 * The curve of a domain with these operating points (highest first); without any, one point: `unitClockHertz` at
 * the node's nominal voltage.
 */
export function vfCurve(
  points: readonly OperatingPoint[],
  unitClockHertz: number,
  constants: VfConstants | undefined,
): VfCurve {
  const knots: readonly OperatingPoint[] =
    points.length > 0
      ? points
      : [
          {
            name: 'nominal',
            clockHertz: unitClockHertz,
            voltageVolts: constants?.nominalVolts ?? 1,
            memoryBandwidthScale: 1,
            capWatts: 0,
          },
        ];
  const top = knots[0] as OperatingPoint;
  const lowest = knots.at(-1) as OperatingPoint;
  if (!constants)
    return {
      topClockHertz: top.clockHertz,
      topVoltageVolts: top.voltageVolts,
      floorClockHertz: lowest.clockHertz,
      voltageAt: (clockHertz) => voltageAt(knots, clockHertz),
    };
  const { thresholdVolts, minimumVolts, alpha } = constants;
  const floorClockHertz = Math.min(lowest.clockHertz, constants.floorClockFraction * top.clockHertz);
  // f(V) = k (V − Vt)^α / V through the lowest point; it rises with V for α ≥ 1 and V > Vt.
  const extends_ = lowest.voltageVolts > minimumVolts;
  const shape = (volts: number): number => (volts - thresholdVolts) ** alpha / volts;
  const k = extends_ ? lowest.clockHertz / shape(lowest.voltageVolts) : 0;
  const clockAtMinimum = extends_ ? k * shape(minimumVolts) : lowest.clockHertz;
  const below = (clockHertz: number): number => {
    if (!extends_) return lowest.voltageVolts;
    if (clockHertz <= clockAtMinimum) return minimumVolts;
    let low = minimumVolts;
    let high = lowest.voltageVolts;
    for (let step = 0; step < VOLTAGE_HALVINGS && high - low > 0; step += 1) {
      const middle = (low + high) / 2;
      if (k * shape(middle) < clockHertz) low = middle;
      else high = middle;
    }
    return high;
  };
  return {
    topClockHertz: top.clockHertz,
    topVoltageVolts: top.voltageVolts,
    floorClockHertz,
    voltageAt: (clockHertz) =>
      clockHertz >= lowest.clockHertz ? voltageAt(knots, clockHertz) : below(clockHertz),
  };
}
