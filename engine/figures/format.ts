/**
 * How derived figures read to a person, written once for the app, the exported reports and the command line.
 * Every number goes through `formatQuantity` (`engine/units.ts`); these are the figures the unit table has no
 * unit for (FLOP/s, FLOP, FLOP per byte, a percentage) and the axis ticks of the charts.
 */
import { formatQuantity, type Unit } from '../units';

/**
 * FLOP/s with a readable prefix ("989 TFLOP/s"). The unit table says "OP/s" (it also serves integer
 * arithmetic); a roofline and a datasheet are read in floating-point operations.
 */
export function formatFlops(flopsPerSecond: number): string {
  return formatQuantity(flopsPerSecond, 'operationsPerSecond').replace(/OP\/s$/, 'FLOP/s');
}

/** A count of floating-point operations ("10.7 GFLOP"). */
export function formatFlopCount(flops: number): string {
  return formatQuantity(flops, 'operationsPerSecond').replace(/OP\/s$/, 'FLOP');
}

/** FLOP per byte moved, the roofline's x axis ("347 FLOP/B"). */
export function formatIntensity(flopsPerByte: number): string {
  return `${formatQuantity(flopsPerByte, 'ratio')} FLOP/B`;
}

/** A fraction as a percentage with two significant figures and a space before the sign ("44 %", "0.22 %"). */
export function formatPercent(fraction: number): string {
  return `${formatQuantity(fraction * 100, 'ratio', 2)} %`;
}

/** A whole number with thousands separators ("13,087"). */
export function formatCount(value: number): string {
  return formatQuantity(value, 'count');
}

/**
 * An axis tick in a unit. Zero is a plain "0": at the axis origin the unit is noise, and every other tick
 * says it.
 */
export function axisTick(unit: Unit): (value: number) => string {
  return (value) => (value === 0 ? '0' : formatQuantity(value, unit));
}
