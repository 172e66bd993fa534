/**
 * `dvfs-domain`: the voltage/frequency operating points of the group it is placed in, and the policy that picks
 * one per phase (fixed; adaptive: the lowest clock that keeps a phase within 1 % of its time; race-to-idle; least
 * energy within a TTFT / TPOT target; highest throughput under the cap), what it clocks (compute, memory or the
 * interconnect), its own leakage, and the device's idle power and battery (`stages/dvfs.ts`).
 */
import type { DomainKind, DvfsPolicy, OperatingPoint } from '../machine';
import type { TableRow } from '../schema/block-type';
import type { BlockModel, BlockReading } from './block-model';

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

const policies: readonly DvfsPolicy[] = [
  'fixed',
  'adaptive',
  'race-to-idle',
  'least-energy',
  'max-throughput',
];

/** A policy by name; an unknown one is `fixed`. */
export function dvfsPolicy(value: string | undefined): DvfsPolicy {
  return policies.find((policy) => policy === value) ?? 'fixed';
}

function domainKind(value: string | undefined): DomainKind {
  return value === 'memory' || value === 'interconnect' ? value : 'compute';
}

/** An enum parameter an older block type may lack. */
function optionalChoice(reading: BlockReading, key: string): string | undefined {
  return reading.type.params.some((param) => param.key === key) ? reading.choice(key) : undefined;
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
    policy: dvfsPolicy(reading.choice('policy')),
    kind: domainKind(optionalChoice(reading, 'clocks')),
    leakageWatts: reading.numberOr('leakageWatts', 0),
    idlePowerWatts: reading.numberOr('idlePowerWatts', 0),
    batteryJoules: reading.numberOr('batteryJoules', 0),
    ttftTargetSeconds: reading.numberOr('ttftTargetSeconds', 0),
    tpotTargetSeconds: reading.numberOr('tpotTargetSeconds', 0),
  }),
  transfer: () => ({ bandwidthBytesPerSecond: Infinity, latencySeconds: 0, energyJoulesPerBit: 0 }),
  staticPower: () => ({ watts: 0, scalesWithVoltage: true }),
  areaSquareMetres: () => 0,
};
