/**
 * Stage 5 of the engine, **map**: where the bytes one chip holds live. Each tensor class goes to the fastest
 * storage level with room (fastest = highest sustained bandwidth from the plan's primary unit) and spills down; a
 * class may be split across levels. A compression unit on the path to a level shrinks what the compressed class
 * occupies there. What finds no room is costed as if it lived in the slowest level, and the report says the model
 * does not fit.
 *
 * It also counts the room a serving engine has: the largest batch and context whose KV cache fits in the chip's
 * own memory (never in host memory the system shares), as stored, beside the weights and the activations of a
 * full prefill chunk — of which a runtime gives its KV cache only its share (`Runtime['kvCache']`).
 */
import { compressionFor, type Chip, type Machine, type MemoryPath } from '../machine';
import type { Footprint } from '../models/footprint';
import type { TensorClass } from '../operators';
import type { Runtime } from '../schema/runtime';
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

/** A storage level the unit reaches, with what each class shrinks by on the way to it. */
export interface Slot {
  levelIndex: number;
  capacityBytes: number;
  /** Host memory shared by the system (not the chip's own). */
  shared: boolean;
  ratio: Record<TensorClass, number>;
}

/** The storage levels a unit reaches, fastest first (ties by level index). */
export function slotsOf(chip: Chip, unit: number): Slot[] {
  const paths = chip.paths[unit] ?? [];
  return chip.levels
    .map((level, levelIndex) => ({ level, levelIndex, path: paths[levelIndex] }))
    .filter(
      (entry): entry is { level: Chip['levels'][number]; levelIndex: number; path: MemoryPath } =>
        entry.level.usage === 'storage' && entry.path !== undefined,
    )
    .sort(
      (a, b) =>
        b.path.bandwidthBytesPerSecond - a.path.bandwidthBytesPerSecond || a.levelIndex - b.levelIndex,
    )
    .map(({ level, levelIndex, path }) => ({
      levelIndex,
      capacityBytes: level.capacityBytes,
      shared: level.shared,
      ratio: {
        weights: compressionFor(path, 'weights')?.ratio ?? 1,
        kv: compressionFor(path, 'kv')?.ratio ?? 1,
        activations: 1,
      },
    }));
}

/**
 * The chip's own storage: the levels that are not host memory shared by the system — or, on a design whose only
 * storage is outside the chip (a CPU's DRAM), that storage, which is then the device's memory.
 */
export function deviceSlots(slots: readonly Slot[]): Slot[] {
  const own = slots.filter((slot) => !slot.shared);
  return own.length > 0 ? own : [...slots];
}

/**
 * A memory-hierarchy policy as the map stage applies it (built by `stages/hierarchy.ts` from the workload's
 * `memoryPolicy`; absent = the fixed order above).
 */
export interface MemoryRoutes {
  /** The levels each class may claim, in the order it claims them (a pinned or streamed class: one level). */
  slots: Record<TensorClass, readonly Slot[]>;
  /** The level each pinned or streamed class lives in (the classes the policy did not leave `auto`). */
  chosen: Partial<Record<TensorClass, number>>;
  /** The order classes claim in (pinned and streamed classes first: they have nowhere else to go). */
  order: readonly TensorClass[];
  /** Bytes set aside in a level before any class claims: the double buffers of streamed classes. */
  reserved: readonly { levelIndex: number; tensorClass: TensorClass; bytes: number }[];
  /** Streamed classes: compute reads them from the staging level, where they are copied layer by layer. */
  streams: readonly StreamRoute[];
  /** KV bytes per sequence are multiplied by this: paging's expected half-empty last block, (L + b/2) / L. */
  kvScale: number;
  /** Paged KV: the expected empty tokens per sequence (half a block); 0 when not paged. */
  kvWastedTokensPerSequence: number;
  /** The workload put the KV cache in host memory on purpose (pinned or streamed there): not a misfit. */
  kvInHostByChoice: boolean;
}

/** One class copied layer by layer from where it lives into the fastest level. */
export interface StreamRoute {
  tensorClass: TensorClass;
  sourceLevelIndex: number;
  stagingLevelIndex: number;
  /** Two layers' worth of the class, as stored. */
  bufferBytes: number;
}

export function place(
  chip: Chip,
  primaryUnit: number,
  needs: Footprint,
  routes?: MemoryRoutes,
): PlacementResult {
  return placeOn(chip, slotsOf(chip, primaryUnit), pagedNeeds(needs, routes), routes);
}

/** Paging: each sequence's last block is on average half empty (`MemoryRoutes['kvScale']`). */
function pagedNeeds(needs: Footprint, routes: MemoryRoutes | undefined): Footprint {
  return routes && routes.kvScale !== 1
    ? { ...needs, kv: needs.kv * routes.kvScale, kvPerSequence: needs.kvPerSequence * routes.kvScale }
    : needs;
}

function placeOn(
  chip: Chip,
  storage: readonly Slot[],
  needs: Footprint,
  routes?: MemoryRoutes,
): PlacementResult {
  const room = new Map(storage.map(({ levelIndex, capacityBytes }) => [levelIndex, capacityBytes]));
  const used = chip.levels.map(() => ({ weights: 0, kv: 0, activations: 0 }));
  const placement: ClassPlacement = { weights: [], kv: [], activations: [] };
  let overflowBytes = 0;
  for (const { levelIndex, tensorClass, bytes } of routes?.reserved ?? []) {
    room.set(levelIndex, (room.get(levelIndex) ?? 0) - bytes);
    const entry = used[levelIndex];
    if (entry) entry[tensorClass] += bytes;
  }
  for (const tensorClass of routes?.order ?? claimOrder) {
    const classSlots = routes?.slots[tensorClass] ?? storage;
    let remaining = needs[tensorClass];
    if (remaining <= 0) {
      const fastest = classSlots[0];
      if (fastest) placement[tensorClass].push({ levelIndex: fastest.levelIndex, fraction: 1 });
      continue;
    }
    const total = remaining;
    for (const { levelIndex, ratio: ratios } of classSlots) {
      if (remaining <= 0) break;
      const ratio = ratios[tensorClass];
      const free = Math.max(0, room.get(levelIndex) ?? 0);
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
      const slowest = classSlots.at(-1);
      if (slowest) {
        const existing = placement[tensorClass].find((entry) => entry.levelIndex === slowest.levelIndex);
        if (existing) existing.fraction += remaining / total;
        else placement[tensorClass].push({ levelIndex: slowest.levelIndex, fraction: remaining / total });
      }
    }
  }
  return { placement, used, overflowBytes };
}

/** The share of device memory a runtime gives its KV cache (`Runtime['kvCache']`); absent = all that is free. */
export type KvCachePolicy = NonNullable<Runtime['kvCache']>;

/**
 * Logical KV bytes the device slots hold once the weights and `activations` bytes of activations have claimed
 * their share (same claim order and compression as `place`): each level's free bytes times its KV ratio. With a
 * runtime's `policy`, the runtime's own reservation (the CUDA context) comes off the largest level first, and
 * the KV cache gets
 *
 *   basis 'free':  fraction · (what is left)                          (TensorRT-LLM)
 *   basis 'total': what is left − (1 − fraction) · total capacity      (vLLM: the engine's budget is
 *                  fraction · total, and weights, activations and KV share it)
 */
function kvRoomOn(
  slots: readonly Slot[],
  weights: number,
  activations: number,
  policy?: KvCachePolicy,
  routes?: MemoryRoutes,
): number {
  const free = slots.map((slot) => slot.capacityBytes);
  if (policy && policy.reservedBytes > 0 && free.length > 0) {
    const largest = free.indexOf(Math.max(...free));
    free[largest] = Math.max(0, (free[largest] ?? 0) - policy.reservedBytes);
  }
  // A class claims only the levels its route allows (all of them without a policy), in the route's order.
  const allowed = (tensorClass: TensorClass): ((slot: Slot) => boolean) => {
    const levels = routes && new Set(routes.slots[tensorClass].map((slot) => slot.levelIndex));
    return (slot) => levels === undefined || levels.has(slot.levelIndex);
  };
  for (const { levelIndex, bytes } of routes?.reserved ?? []) {
    const index = slots.findIndex((slot) => slot.levelIndex === levelIndex);
    if (index >= 0) free[index] = Math.max(0, (free[index] ?? 0) - bytes);
  }
  const claim = (tensorClass: TensorClass, logical: number): number => {
    let remaining = logical;
    const may = allowed(tensorClass);
    slots.forEach((slot, index) => {
      if (remaining <= 0 || !may(slot)) return;
      const ratio = slot.ratio[tensorClass];
      const taken = Math.min(remaining, (free[index] ?? 0) * ratio);
      free[index] = (free[index] ?? 0) - taken / ratio;
      remaining -= taken;
    });
    return remaining;
  };
  if (claim('activations', activations) > 0 || claim('weights', weights) > 0) return 0;
  const kvMay = allowed('kv');
  const kvSlots = slots.filter(kvMay);
  const left = slots.reduce(
    (sum, slot, index) => (kvMay(slot) ? sum + Math.max(0, free[index] ?? 0) * slot.ratio.kv : sum),
    0,
  );
  if (!policy) return left;
  if (policy.basis === 'free') return policy.fraction * left;
  const held = kvSlots.reduce((sum, slot) => sum + slot.capacityBytes * slot.ratio.kv, 0);
  return Math.max(0, left - (1 - policy.fraction) * held);
}

/**
 * The largest number of sequences per replica whose KV cache fits the chip's own memory, as stored, beside the
 * weights and the activations of prefilling them (chunked: at most one chunk's): the largest B with
 * `B · kvPerSequence ≤ room(activations(B))`. Once B prompts fill a chunk the activations stop growing and B is
 * `room(chunk) / kvPerSequence`; below that (no chunking, or too few prompts to fill one) the left side grows with
 * B and the right side shrinks, and B is found by bisection. It runs on every evaluation, so the common case
 * takes one placement, not a search.
 */
function largestBatch(
  slots: readonly Slot[],
  needs: Footprint,
  policy?: KvCachePolicy,
  routes?: MemoryRoutes,
): number {
  const perSequence = needs.kvPerSequence;
  if (perSequence <= 0) return 0;
  const room = (activations: number): number => kvRoomOn(slots, needs.weights, activations, policy, routes);
  const perPrompt = needs.activationsPerSequence;
  if (perPrompt === undefined || perPrompt <= 0)
    return Math.max(0, Math.floor(room(needs.activations) / perSequence));
  const cap = needs.activationsCap;
  if (cap !== undefined) {
    const atCap = Math.floor(room(cap) / perSequence);
    if (atCap * perPrompt >= cap) return atCap;
  }
  const fits = (sequences: number): boolean => sequences * perSequence <= room(sequences * perPrompt);
  // Fewer prompts than fill a chunk: B is below both the room with no activations and the chunk's prompt count.
  let high = Math.floor(room(0) / perSequence) + 1;
  if (cap !== undefined) high = Math.min(high, Math.ceil(cap / perPrompt) + 1);
  let low = 0;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle;
  }
  return low;
}

/** The map stage's answer: where each class lives, and the room the chip has. */
export interface Placement extends PlacementResult {
  /** Storage the primary unit reaches, per chip (host memory shared by the system included). */
  storageBytes: number;
  /**
   * The chip's own storage (`deviceSlots`): where a serving engine keeps weights and KV cache; under a memory
   * policy, with the levels the workload put a class in (host or CXL memory included).
   */
  deviceBytes: number;
  /** Bytes of each class one chip stores (after compression; what found no room counted as it is). */
  stored: Record<TensorClass, number>;
  /** Stored KV-cache bytes that had to go to host memory shared by the system. */
  kvInHostBytes: number;
  /**
   * Room for KV cache: the logical KV bytes the chip's own memory holds beside the weights and the activations,
   * as stored (a KV compressor on the way multiplies it). Host memory never counts.
   */
  kvRoomBytes: number;
  /** Largest batch per replica whose KV cache fits that way (activations of a full prefill chunk counted). */
  maxBatchPerReplica: number;
  /** Largest context (input + output) whose KV cache fits that way at the plan's batch per replica. */
  maxContext: number;
  /** The memory-hierarchy policy applied (`stages/hierarchy.ts`); absent = the fixed fastest-first order. */
  routes?: MemoryRoutes;
}

/**
 * `kvCache`: the chosen runtime's share of device memory for the KV cache (`Runtime['kvCache']`), which bounds
 * the room and the largest batch; absent, the KV cache may take everything the weights and activations leave.
 */
export function map(machine: Machine, plan: Plan, kvCache?: KvCachePolicy, routes?: MemoryRoutes): Placement {
  const { chip } = machine;
  const { primaryUnit } = plan;
  const needs = pagedNeeds(plan.needs, routes);
  const slots = slotsOf(chip, primaryUnit);
  const placed = placeOn(chip, slots, needs, routes);
  // A streamed class is read by the compute from the staging level it is copied into.
  for (const stream of routes?.streams ?? [])
    placed.placement[stream.tensorClass] = [{ levelIndex: stream.stagingLevelIndex, fraction: 1 }];
  const own = deviceSlots(slots);
  // Levels the workload put a class in on purpose (host or CXL memory included) hold it for the room count.
  const chosen = new Set(Object.values(routes?.chosen ?? {}));
  const device = routes ? slots.filter((slot) => own.includes(slot) || chosen.has(slot.levelIndex)) : own;
  const deviceLevels = new Set(own.map((slot) => slot.levelIndex));
  const stored = { weights: 0, kv: 0, activations: 0 };
  let kvInHostBytes = 0;
  placed.used.forEach((entry, levelIndex) => {
    stored.weights += entry.weights;
    stored.kv += entry.kv;
    stored.activations += entry.activations;
    if (!deviceLevels.has(levelIndex) && !routes?.kvInHostByChoice) kvInHostBytes += entry.kv;
  });
  // What found no room is counted as it is (no compression reached it).
  let overflow = placed.overflowBytes;
  // Classes claim in `claimOrder`, so the last to claim is the first to find no room.
  for (const tensorClass of [...(routes?.order ?? claimOrder)].reverse()) {
    const spilled = Math.min(overflow, Math.max(0, needs[tensorClass]));
    stored[tensorClass] += spilled;
    overflow -= spilled;
  }
  const kvRoomBytes = kvRoomOn(device, needs.weights, needs.activations, kvCache, routes);
  const perToken = plan.totalContext > 0 ? plan.needs.kvPerSequence / plan.totalContext : 0;
  const wasted = routes?.kvWastedTokensPerSequence ?? 0;
  return {
    placement: placed.placement,
    used: placed.used,
    overflowBytes: placed.overflowBytes,
    storageBytes: slots.reduce((sum, slot) => sum + slot.capacityBytes, 0),
    // Under a policy, levels the workload chose (host or CXL memory included) count as the design's own room.
    deviceBytes: device.reduce((sum, slot) => sum + slot.capacityBytes, 0),
    stored,
    kvInHostBytes,
    kvRoomBytes,
    maxBatchPerReplica: largestBatch(device, needs, kvCache, routes),
    maxContext:
      perToken > 0 && plan.batchPerReplica > 0
        ? Math.max(0, Math.floor(kvRoomBytes / (perToken * plan.batchPerReplica) - wasted))
        : 0,
    ...(routes ? { routes } : {}),
  };
}
