/**
 * What the compression units on a data path share: bytes cross them at the unit's throughput and pay its energy
 * per bit; the unit leaks like any logic.
 */
import type { BlockModel, BlockReading, Transfer } from './block-model';
import { logicStaticPower, statedArea } from './compute-common';

export function codecTransfer(reading: BlockReading): Transfer {
  return {
    bandwidthBytesPerSecond: reading.number('throughputBytesPerSecond'),
    latencySeconds: reading.numberOr('latencySeconds', 0),
    energyJoulesPerBit: reading.numberOr('energyJoulesPerBit', 0),
  };
}

/** The members of a codec model every codec has. */
export const codec: Pick<
  BlockModel,
  'crossable' | 'chipFabric' | 'hostsWorkload' | 'transfer' | 'staticPower' | 'areaSquareMetres'
> = {
  crossable: true,
  chipFabric: false,
  hostsWorkload: false,
  transfer: codecTransfer,
  staticPower: logicStaticPower,
  areaSquareMetres: statedArea,
};
