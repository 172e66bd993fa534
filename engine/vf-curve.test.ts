import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OperatingPoint, VfConstants } from './machine';
import { vfCurve } from './vf-curve';

const point = (clockHertz: number, voltageVolts: number): OperatingPoint => ({
  name: `${clockHertz}`,
  clockHertz,
  voltageVolts,
  memoryBandwidthScale: 1,
  capWatts: 0,
});

const constants: VfConstants = {
  thresholdVolts: 0.3,
  minimumVolts: 0.55,
  alpha: 1.3,
  floorClockFraction: 0.1,
  nominalVolts: 0.7,
};
/** The alpha-power law's clock at a voltage, up to a constant: (V − Vt)^α / V. */
const law = (volts: number) => (volts - constants.thresholdVolts) ** constants.alpha / volts;

describe('vfCurve', () => {
  const points = [point(2e9, 1.0), point(1e9, 0.8)];
  const curve = vfCurve(points, 2e9, constants);

  it('interpolates between the operating points and holds the top voltage above the top clock', () => {
    expect(curve.voltageAt(1.5e9)).toBeCloseTo(0.9, 12);
    expect(curve.voltageAt(3e9)).toBe(1.0);
    expect(curve.topClockHertz).toBe(2e9);
    expect(curve.topVoltageVolts).toBe(1.0);
  });

  it('follows the alpha-power law through the lowest point down to the minimum voltage, then holds it', () => {
    // f(V) = 1 GHz × law(V) / law(0.8 V) between Vmin and 0.8 V.
    for (const volts of [0.6, 0.7, 0.75]) {
      const clock = (1e9 * law(volts)) / law(0.8);
      expect(curve.voltageAt(clock)).toBeCloseTo(volts, 9);
    }
    const clockAtMinimum = (1e9 * law(constants.minimumVolts)) / law(0.8);
    expect(curve.voltageAt(clockAtMinimum * 0.9)).toBe(constants.minimumVolts);
    expect(curve.floorClockHertz).toBe(0.1 * 2e9);
  });

  it('gives a domain without points one: the unit’s clock at the nominal voltage', () => {
    const bare = vfCurve([], 1.5e9, constants);
    expect(bare.topClockHertz).toBe(1.5e9);
    expect(bare.topVoltageVolts).toBe(constants.nominalVolts);
    expect(bare.voltageAt((1.5e9 * law(0.6)) / law(constants.nominalVolts))).toBeCloseTo(0.6, 9);
  });

  it('without the tech tables, ends at the lowest point', () => {
    const plain = vfCurve(points, 2e9, undefined);
    expect(plain.floorClockHertz).toBe(1e9);
    expect(plain.voltageAt(0.5e9)).toBe(0.8);
  });

  it('never falls as the clock rises, and stays between the minimum and the top voltage', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e6, max: 3e9, noNaN: true }),
        fc.double({ min: 1e6, max: 3e9, noNaN: true }),
        (a, b) => {
          const [slower, faster] = a < b ? [a, b] : [b, a];
          expect(curve.voltageAt(faster)).toBeGreaterThanOrEqual(curve.voltageAt(slower) - 1e-12);
          expect(curve.voltageAt(slower)).toBeGreaterThanOrEqual(constants.minimumVolts);
          expect(curve.voltageAt(faster)).toBeLessThanOrEqual(1.0);
        },
      ),
    );
  });
});
