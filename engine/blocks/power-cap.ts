/** `power-cap`: an average-power limit for the group it is placed in (outside every chip: shared by the chips). */
import type { BlockModel } from './block-model';

export const powerCap: BlockModel = {
  id: 'power-cap',
  summary: 'An average-power limit; the clock drops until a phase fits under it.',
  power: 'cap',
  crossable: false,
  chipFabric: false,
  hostsWorkload: false,
  capWatts: (reading) => reading.number('capWatts'),
  capEnforced: (reading) => reading.choice('enforce') !== 'false',
  transfer: () => ({ bandwidthBytesPerSecond: Infinity, latencySeconds: 0, energyJoulesPerBit: 0 }),
  staticPower: () => ({ watts: 0, scalesWithVoltage: true }),
  areaSquareMetres: () => 0,
};
