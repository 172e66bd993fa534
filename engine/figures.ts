/**
 * Headline figures of a design, derived from its blocks: peak dense BF16 FLOP/s, main-memory bandwidth and
 * capacity, and power limit — over the whole system. The library test compares them with each preset's
 * datasheet figures; the preset picker shows them.
 */
import type { CatalogIndex } from './catalog';
import { resolve } from './stages/resolve';
import type { DesignDocument } from './schema/design';

export interface DesignFigures {
  chips: number;
  peakDenseBf16FlopsPerSecond: number;
  /** Bandwidth of the storage levels the tensors live in (DRAM where there is DRAM, else on-chip storage). */
  memoryBandwidthBytesPerSecond: number;
  memoryCapacityBytes: number;
  /** The power cap over all chips, when the design has one. */
  powerWatts: number | undefined;
}

export function designFigures(design: DesignDocument, catalog: CatalogIndex): DesignFigures {
  const { chip } = resolve(design, catalog);
  const peak = chip.units.reduce(
    (sum, unit) => sum + 2 * unit.macsPerCycle.bf16 * unit.instances * unit.clockHertz,
    0,
  );
  const storage = chip.levels.filter((level) => level.usage === 'storage' && !level.shared);
  const dram = storage.filter((level) => level.dram);
  const main = dram.length > 0 ? dram : storage;
  return {
    chips: chip.count,
    peakDenseBf16FlopsPerSecond: peak * chip.count,
    memoryBandwidthBytesPerSecond:
      main.reduce((sum, level) => sum + level.bandwidthBytesPerSecond, 0) * chip.count,
    memoryCapacityBytes: main.reduce((sum, level) => sum + level.capacityBytes, 0) * chip.count,
    powerWatts: chip.power.capWatts === undefined ? undefined : chip.power.capWatts * chip.count,
  };
}
