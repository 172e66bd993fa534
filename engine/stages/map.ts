/**
 * Stage 5 of the engine, **map**: where the bytes one chip holds live. Each tensor class goes to the fastest
 * storage level with room (fastest = highest sustained bandwidth from the plan's primary unit) and spills down; a
 * class may be split across levels. A compression unit on the path to a level shrinks what the compressed class
 * occupies there. What finds no room is costed as if it lived in the slowest level, and the report says the model
 * does not fit.
 */
import { compressionFor, storageBytes, type Chip, type Machine, type MemoryPath } from '../machine';
import type { Footprint } from '../models/footprint';
import type { TensorClass } from '../operators';
import type { Plan } from './plan';

/** Where a tensor class lives: fractions of its bytes per level index (summing to 1). */
export type ClassPlacement = Record<TensorClass, { levelIndex: number; fraction: number }[]>;

export interface PlacementResult {
  placement: ClassPlacement;
  /** Bytes each level holds, by class (as stored, after compression). */
  used: { weights: number; kv: number; activations: number }[];
  /** Bytes that found no room (0 when the model fits). */
  overflowBytes: number;
}

/** Order in which classes claim the fastest memory: small and hot first, then what every step reads. */
const claimOrder: TensorClass[] = ['activations', 'weights', 'kv'];

export function place(chip: Chip, primaryUnit: number, needs: Footprint): PlacementResult {
  const paths = chip.paths[primaryUnit] ?? [];
  const storage = chip.levels
    .map((level, levelIndex) => ({ level, levelIndex, path: paths[levelIndex] }))
    .filter(
      (entry): entry is { level: Chip['levels'][number]; levelIndex: number; path: MemoryPath } =>
        entry.level.usage === 'storage' && entry.path !== undefined,
    )
    .sort(
      (a, b) =>
        b.path.bandwidthBytesPerSecond - a.path.bandwidthBytesPerSecond || a.levelIndex - b.levelIndex,
    );
  const room = new Map(storage.map(({ level, levelIndex }) => [levelIndex, level.capacityBytes]));
  const used = chip.levels.map(() => ({ weights: 0, kv: 0, activations: 0 }));
  const placement: ClassPlacement = { weights: [], kv: [], activations: [] };
  let overflowBytes = 0;
  for (const tensorClass of claimOrder) {
    let remaining = needs[tensorClass];
    if (remaining <= 0) {
      const fastest = storage[0];
      if (fastest) placement[tensorClass].push({ levelIndex: fastest.levelIndex, fraction: 1 });
      continue;
    }
    const total = remaining;
    for (const { levelIndex, path } of storage) {
      if (remaining <= 0) break;
      const compression = compressionFor(path, tensorClass);
      const ratio = compression?.ratio ?? 1;
      const free = room.get(levelIndex) ?? 0;
      const logical = Math.min(remaining, free * ratio);
      if (logical <= 0) continue;
      placement[tensorClass].push({ levelIndex, fraction: logical / total });
      room.set(levelIndex, free - logical / ratio);
      const entry = used[levelIndex];
      if (entry) entry[tensorClass] += logical / ratio;
      remaining -= logical;
    }
    if (remaining > 0) {
      overflowBytes += remaining;
      // What does not fit is costed as if it lived in the slowest level (the report says it does not fit).
      const slowest = storage.at(-1);
      if (slowest) {
        const existing = placement[tensorClass].find((entry) => entry.levelIndex === slowest.levelIndex);
        if (existing) existing.fraction += remaining / total;
        else placement[tensorClass].push({ levelIndex: slowest.levelIndex, fraction: remaining / total });
      }
    }
  }
  return { placement, used, overflowBytes };
}

/** The map stage's answer: where each class lives, and the room the chip has. */
export interface Placement extends PlacementResult {
  /** Storage the primary unit reaches, per chip (host memory shared by the system included). */
  storageBytes: number;
  /**
   * Room for KV cache when counting the largest batch: the chip's own memory — serving engines keep the KV cache
   * on the device, not in host memory shared by the system — unless the device cannot hold the weights and one
   * sequence's KV (the model then runs offloaded, and host memory is what there is).
   */
  kvRoomBytes: number;
}

export function map(machine: Machine, plan: Plan): Placement {
  const { chip } = machine;
  const { needs, primaryUnit } = plan;
  const placed = place(chip, primaryUnit, needs);
  const storage = storageBytes(chip, primaryUnit);
  const device = storageBytes(chip, primaryUnit, { deviceOnly: true });
  return {
    placement: placed.placement,
    used: placed.used,
    overflowBytes: placed.overflowBytes,
    storageBytes: storage,
    kvRoomBytes: device >= needs.weights + needs.activations + needs.kvPerSequence ? device : storage,
  };
}
