/**
 * Headline figures of a design, derived from its blocks before any workload runs: the datasheet figures of
 * the whole system (every compute unit of every chip added up), which the presets' datasheet test compares
 * with each preset's datasheet and the preset picker shows.
 *
 * Not the roofline's compute roof: a roof is one chip's fastest unit (`roofs` in `roofline.ts`), since an
 * operator runs on one unit at a time. The field names here are the datasheet's keys, so the test can compare
 * them key by key; the type's name and the TSDoc below say that they are system totals.
 */
import type { CatalogIndex } from '../catalog';
import type { ComputeUnit } from '../machine';
import { resolve } from '../stages/resolve';
import type { ComputeClass } from '../schema/number-format';
import type { DesignDocument } from '../schema/design';

/** A design's datasheet figures, all over the whole system (every chip). */
export interface DesignFigures {
  chips: number;
  /**
   * The system's total dense BF16 FLOP/s: the peaks of every compute unit of a chip added (as a datasheet adds
   * a GPU's SMs, or an SoC's GPU and Neural Engine), times the chips.
   */
  peakDenseBf16FlopsPerSecond: number;
  /** Bandwidth of the storage levels the tensors live in (DRAM where there is DRAM, else on-chip storage). */
  memoryBandwidthBytesPerSecond: number;
  memoryCapacityBytes: number;
  /** The power cap over all chips, when the design has one. */
  powerWatts: number | undefined;
}

/**
 * Dense peak FLOP/s of a compute unit (all its instances) in one arithmetic at the top clock:
 * 2 FLOP per multiply-accumulate × MACs per cycle × instances × clock.
 */
export function unitPeakFlopsPerSecond(unit: ComputeUnit, computeClass: ComputeClass): number {
  return 2 * unit.macsPerCycle[computeClass] * unit.instances * unit.clockHertz;
}

/**
 * The fastest compute unit of a chip by dense BF16 peak (the first of equals): the unit the roofline's compute
 * roof is the peak of, and the one the Timeloop and LLMCompass exports map as the MAC array.
 */
export function fastestUnit(units: readonly ComputeUnit[]): ComputeUnit | undefined {
  return units.reduce<ComputeUnit | undefined>(
    (best, unit) =>
      best === undefined || unitPeakFlopsPerSecond(unit, 'bf16') > unitPeakFlopsPerSecond(best, 'bf16')
        ? unit
        : best,
    undefined,
  );
}

/** The datasheet figures of a design, over the whole system. */
export function designFigures(design: DesignDocument, catalog: CatalogIndex): DesignFigures {
  const { chip } = resolve(design, catalog);
  const peak = chip.units.reduce((sum, unit) => sum + unitPeakFlopsPerSecond(unit, 'bf16'), 0);
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
