/**
 * `dvfs-domain`: the voltage/frequency operating points of the group it is placed in, and the policy that picks
 * one (fixed, or adaptive: the lowest clock that keeps a phase within 1 % of its time).
 */
import type { OperatingPoint } from '../machine';
import type { TableRow } from '../schema/block-type';
import type { BlockModel } from './block-model';

/** Points with a clock and a voltage, highest clock first; rows missing either are left out. */
export function operatingPoints(rows: readonly TableRow[]): OperatingPoint[] {
  return rows
    .map((row) => ({
      name: typeof row.name === 'string' ? row.name : 'point',
      clockHertz: typeof row.clockHertz === 'number' ? row.clockHertz : 0,
      voltageVolts: typeof row.voltageVolts === 'number' ? row.voltageVolts : 0,
      memoryBandwidthScale: typeof row.memoryBandwidthScale === 'number' ? row.memoryBandwidthScale : 1,
      capWatts: typeof row.capWatts === 'number' ? row.capWatts : 0,
    }))
    .filter((point) => point.clockHertz > 0 && point.voltageVolts > 0)
    .sort((a, b) => b.clockHertz - a.clockHertz);
}

export const dvfsDomain: BlockModel = {
  id: 'dvfs-domain',
  summary: 'Voltage/frequency operating points and the policy that chooses among them.',
  power: 'domain',
  crossable: false,
  chipFabric: false,
  hostsWorkload: false,
  domain: (reading) => ({
    operatingPoints: operatingPoints(reading.table('operatingPoints')),
    policy: reading.choice('policy') === 'adaptive' ? 'adaptive' : 'fixed',
  }),
  transfer: () => ({ bandwidthBytesPerSecond: Infinity, latencySeconds: 0, energyJoulesPerBit: 0 }),
  staticPower: () => ({ watts: 0, scalesWithVoltage: true }),
  areaSquareMetres: () => 0,
};
