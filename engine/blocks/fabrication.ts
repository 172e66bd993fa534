/**
 * `fabrication`: the process node and the cost figures of the chip group it is placed in. It has no physics of its
 * own — it is read by the area and cost stage (`stages/area.ts`), which estimates every block's area at its node
 * and the die's cost from its wafer price, defect density and packaging figures.
 */
import type { BlockModel } from './block-model';

export const fabrication: BlockModel = {
  id: 'fabrication',
  summary: 'The process node and cost figures of a chip: area, yield and cost per die.',
  crossable: false,
  chipFabric: false,
  hostsWorkload: false,
  transfer: () => ({ bandwidthBytesPerSecond: Infinity, latencySeconds: 0, energyJoulesPerBit: 0 }),
  staticPower: () => ({ watts: 0, scalesWithVoltage: true }),
  areaSquareMetres: () => 0,
};
