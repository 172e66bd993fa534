/**
 * `fabric`: anything that moves bytes between blocks — a NoC, a bus, a chip-to-chip link, a switch. Outside
 * every chip group it is the system's fabric, over which the chips run their collectives.
 */
import type { BlockModel } from './block-model';
import { logicStaticPower, statedArea } from './compute-common';

export const fabric: BlockModel = {
  id: 'fabric',
  summary: 'A NoC, bus, link or switch: achievable bandwidth, latency and energy per bit.',
  crossable: true,
  chipFabric: true,
  hostsWorkload: false,
  transfer: (reading) => ({
    bandwidthBytesPerSecond:
      reading.number('bandwidthBytesPerSecond') * reading.number('achievableBandwidthFraction'),
    latencySeconds: reading.numberOr('latencySeconds', 0),
    energyJoulesPerBit: reading.numberOr('energyJoulesPerBit', 0),
  }),
  staticPower: logicStaticPower,
  areaSquareMetres: statedArea,
};
