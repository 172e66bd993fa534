/**
 * Memory-hierarchy policies (issue 16 §4, and §3's offload): where each tensor class lives is the workload's
 * choice (`Workload['memoryPolicy']`), not only the map stage's fixed fastest-first order.
 *
 * - `pin`: a class lives only in one level (weights SRAM-resident across chips, as wafer-scale and SRAM-only
 *   designs keep them — Groq's LPU holds a model in the 230 MB SRAM of each of its chips, Abts et al., ISCA 2022;
 *   the KV cache pinned to HBM). What does not fit there is an error naming the level.
 * - `stream`: a class lives in a slower level (LPDDR, host DRAM, CXL memory) and is copied layer by layer into
 *   the fastest level, where two layers' worth are double-buffered. With prefetch the copy of layer i+1 overlaps
 *   the compute of layer i (the schedule of FlexGen, Sheng et al., ICML 2023, §4, and DeepSpeed ZeRO-Inference's
 *   layer prefetch):
 *
 *     T = l + Σ_{i<N} max(c, l) + c          (prefetch: the first load is exposed, then the slower of the two)
 *     T = N · (l + c)                         (no prefetch: each layer waits for its copy)
 *
 *   for N layers per chip, c the compute of one layer, l the load of one layer (its bytes over the path's
 *   sustained bandwidth, plus the path's latency). What does not hide, T − N·c, is exposed transfer time, added to
 *   the phase. Since max(c, l) ≤ c + l, prefetch is never slower than no prefetch.
 * - paging (`kvBlockTokens`): the KV cache is kept in fixed blocks of b tokens (vLLM's PagedAttention, Kwon et al.,
 *   SOSP 2023, §4.2); only the last block of each sequence is partly empty, on average b/2 tokens, so each sequence
 *   holds L + b/2 tokens' worth, which the capacity and the largest batch count.
 *
 * Pure: builds the map stage's routes before it runs, and the streamed copies' time after the cost stage.
 */
import type { Diagnostic } from '../diagnostics';
import { formatQuantity } from '../units';
import type { Chip, Machine } from '../machine';
import { tensorClasses, type Operator, type TensorClass } from '../operators';
import type { Footprint } from '../models/footprint';
import type { MemoryHierarchyReport, SplitFit } from '../report';
import type { ClassPlacementPolicy, MemoryPolicy } from '../schema/workload';
import { secondsAt, type CostedGraph, type CostedPhase } from './cost';
import { place, slotsOf, type MemoryRoutes, type Placement, type Slot, type StreamRoute } from './map';
import type { OperatorGraph } from './lower';
import type { Plan } from './plan';

/** Layers each chip runs: the model's layers over the pipeline stages (at least one). */
export function layersPerChip(layers: number, pipeline: number): number {
  return Math.max(1, Math.ceil(layers / Math.max(1, pipeline)));
}

/** Expected empty tokens per sequence of a paged KV cache with blocks of `blockTokens`: half a block. */
export function pagedWasteTokens(blockTokens: number | undefined): number {
  return blockTokens === undefined ? 0 : blockTokens / 2;
}

const className: Record<TensorClass, string> = {
  weights: 'weights',
  kv: 'KV cache',
  activations: 'activations',
};

/** The operator parts a layer's weights belong to (the embedding and the LM head are not in a layer). */
const layerParts = new Set<Operator['part']>(['attention', 'ffn', 'moe']);

/**
 * One layer's weight bytes as the operators read them (the larger of a prefill and a decode step, which differ
 * only for MoE layers' active experts): what a double buffer of streamed weights holds per layer.
 */
export function layerWeightBytes(graph: OperatorGraph, layers: number): number {
  const perStep = (operators: readonly Operator[]): number =>
    operators
      .filter((operator) => layerParts.has(operator.part))
      .reduce((sum, operator) => sum + operator.repeat * operator.bytes.weights, 0);
  return Math.max(perStep(graph.prefill), perStep(graph.decode)) / Math.max(1, layers);
}

/**
 * The map stage's routes for a workload's policy; `undefined` without one (today's fixed order). A level the
 * policy names that the compute does not reach as storage is a warning, and that class goes back to `auto`.
 */
export function memoryRoutes(
  chip: Chip,
  plan: Pick<Plan, 'primaryUnit' | 'needs' | 'totalContext'>,
  policy: MemoryPolicy | undefined,
  layers: number,
  diagnostics: Diagnostic[],
  weightsPerLayerBytes?: number,
): MemoryRoutes | undefined {
  if (!policy) return undefined;
  const slots = slotsOf(chip, plan.primaryUnit);
  const fastest = slots[0];
  if (!fastest) return undefined;
  const choose = (tensorClass: TensorClass, choice: ClassPlacementPolicy): Slot | undefined => {
    if (choice.placement === 'auto') return undefined;
    if (choice.level === undefined) return choice.placement === 'pin' ? fastest : slots.at(-1);
    const levelIndex = chip.levels.findIndex((level) => level.blockIds.includes(choice.level ?? ''));
    const slot = slots.find((entry) => entry.levelIndex === levelIndex);
    if (!slot)
      diagnostics.push({
        severity: 'warning',
        code: 'memory-policy-level',
        message: `The ${className[tensorClass]} cannot be put in "${choice.level}": it is not a storage memory the compute reaches. It is placed fastest first instead.`,
        blockId: choice.level,
      });
    return slot;
  };
  const context = Math.max(0, plan.totalContext);
  const wasted = pagedWasteTokens(policy.kvBlockTokens);
  const kvScale = context > 0 && wasted > 0 ? (context + wasted) / context : 1;
  const perLayer: Record<TensorClass, number> = {
    // One layer's weights (embeddings and LM head excluded) when the operators are known, else an even share.
    weights: weightsPerLayerBytes ?? plan.needs.weights / layers,
    kv: (plan.needs.kv * kvScale) / layers,
    activations: 0,
  };
  const classSlots: Record<TensorClass, readonly Slot[]> = { weights: slots, kv: slots, activations: slots };
  const first: TensorClass[] = [];
  const chosen: MemoryRoutes['chosen'] = {};
  const streams: StreamRoute[] = [];
  const reserved: MemoryRoutes['reserved'][number][] = [];
  for (const tensorClass of ['weights', 'kv'] as const) {
    const choice = policy[tensorClass];
    const slot = choose(tensorClass, choice);
    if (!slot) continue;
    classSlots[tensorClass] = [slot];
    chosen[tensorClass] = slot.levelIndex;
    first.push(tensorClass);
    if (choice.placement !== 'stream') continue;
    if (slot.levelIndex === fastest.levelIndex) {
      diagnostics.push({
        severity: 'info',
        code: 'memory-stream-from-fastest',
        message: `The ${className[tensorClass]} would stream from ${chip.levels[slot.levelIndex]?.name ?? 'its level'}, the fastest level already; it is read there in place.`,
        blockId: chip.levels[slot.levelIndex]?.id,
      });
      continue;
    }
    const bufferBytes = (2 * perLayer[tensorClass]) / fastest.ratio[tensorClass];
    streams.push({
      tensorClass,
      sourceLevelIndex: slot.levelIndex,
      stagingLevelIndex: fastest.levelIndex,
      bufferBytes,
    });
    reserved.push({ levelIndex: fastest.levelIndex, tensorClass, bytes: bufferBytes });
  }
  const kvLevel = chosen.kv === undefined ? undefined : chip.levels[chosen.kv];
  return {
    slots: classSlots,
    chosen,
    order: [...first, ...(['activations', 'weights', 'kv'] as const).filter((c) => !first.includes(c))],
    reserved,
    streams,
    kvScale,
    kvWastedTokensPerSequence: wasted,
    kvInHostByChoice: kvLevel?.shared === true,
  };
}

/**
 * Where one chip's share fits under a memory policy (the plan search's `splitFit`): nowhere when something found no
 * room; with host memory when a class the policy did not put there spilled into host or CXL memory; else on the
 * device (a class offloaded on purpose counts as placed).
 */
export function policyFit(chip: Chip, unit: number, needs: Footprint, routes: MemoryRoutes): SplitFit {
  const placed = place(chip, unit, needs, routes);
  if (placed.overflowBytes > 0) return 'none';
  const spilled = placed.used.some(
    (entry, index) =>
      chip.levels[index]?.shared === true &&
      tensorClasses.some((tensorClass) => entry[tensorClass] > 0 && routes.chosen[tensorClass] !== index),
  );
  return spilled ? 'host' : 'device';
}

/**
 * A pinned or streamed class that does not fit its one level: an error naming the level, with what it needs and
 * holds (as stored).
 */
export function pinDiagnostics(
  chip: Chip,
  placement: Placement,
  plan: Plan,
  diagnostics: Diagnostic[],
): void {
  const routes = placement.routes;
  if (!routes) return;
  for (const stream of routes.streams) {
    const staging = chip.levels[stream.stagingLevelIndex];
    if (!staging || stream.bufferBytes <= staging.capacityBytes) continue;
    diagnostics.push({
      severity: 'error',
      code: 'memory-stream-buffer-too-small',
      message: `Streaming the ${className[stream.tensorClass]} needs two layers' worth (${formatQuantity(stream.bufferBytes, 'bytes')}) double-buffered in ${staging.name}, which holds ${formatQuantity(staging.capacityBytes, 'bytes')} per chip. Split the model over more chips, use a narrower format, or enlarge ${staging.name}.`,
      blockId: staging.id,
    });
  }
  for (const tensorClass of ['weights', 'kv'] as const) {
    const slot = routes.slots[tensorClass].find((entry) => entry.levelIndex === routes.chosen[tensorClass]);
    if (!slot) continue;
    const need = plan.needs[tensorClass] * (tensorClass === 'kv' ? routes.kvScale : 1);
    const buffered = routes.reserved
      .filter((entry) => entry.levelIndex === slot.levelIndex && entry.tensorClass === tensorClass)
      .reduce((sum, entry) => sum + entry.bytes, 0);
    const held = ((placement.used[slot.levelIndex]?.[tensorClass] ?? 0) - buffered) * slot.ratio[tensorClass];
    if (need <= 0 || held >= need * (1 - 1e-9)) continue;
    const level = chip.levels[slot.levelIndex];
    const name = level?.name ?? 'its level';
    diagnostics.push({
      severity: 'error',
      code: 'memory-pin-too-small',
      message: `The ${className[tensorClass]} ${tensorClass === 'weights' ? 'are' : 'is'} kept in ${name}, which is too small: one chip needs ${formatQuantity(need / slot.ratio[tensorClass], 'bytes')} of it there but ${name} has room for ${formatQuantity(Math.max(0, held) / slot.ratio[tensorClass], 'bytes')} (${formatQuantity(slot.capacityBytes, 'bytes')} in all). ${tensorClass === 'weights' ? `Split the model over more chips (about ${formatQuantity(Math.ceil((need * plan.parallelism.tensor * plan.parallelism.pipeline) / (slot.capacityBytes * slot.ratio.weights)), 'count')} hold them in ${name} alone), stream the weights, or pick a larger level.` : `Lower the batch (largest that fits: ${placement.maxBatchPerReplica * plan.parallelism.dataReplicas}), page or compress the KV cache, or pick a larger level.`}`,
      ...(level ? { blockId: level.id } : {}),
    });
  }
}

/** One streamed class's copies in one phase, per pass of a pipeline stage. */
export interface StreamPhaseTiming {
  /** Bytes of the class one layer copies over the source path, as stored. */
  bytesPerLayer: number;
  /** Seconds to copy them: latency + bytes / sustained bandwidth. */
  loadSecondsPerLayer: number;
}

/** The streamed copies' time in one phase. */
export interface PhaseStreaming {
  /** Compute (all the stage's work) of one layer: the stage's device time / N. */
  computeSecondsPerLayer: number;
  /** All streamed classes' copies of one layer, one after the other on the way in. */
  loadSecondsPerLayer: number;
  layers: number;
  /** T − N·c per pass (the double-buffer formula above). */
  exposedSeconds: number;
  /** Share of layers whose copy hides under the previous layer's compute. */
  hiddenLayerShare: number;
  perStream: StreamPhaseTiming[];
}

/**
 * Exposed time of N layers' copies of l seconds each under c seconds of compute per layer, with or without
 * prefetch (the formulas at the top of this file), and the share of layers whose copy hides.
 */
export function streamingSeconds(
  layers: number,
  computeSecondsPerLayer: number,
  loadSecondsPerLayer: number,
  prefetch: boolean,
): { totalSeconds: number; exposedSeconds: number; hiddenLayerShare: number } {
  const n = Math.max(1, layers);
  const c = Math.max(0, computeSecondsPerLayer);
  const l = Math.max(0, loadSecondsPerLayer);
  const totalSeconds = prefetch ? l + (n - 1) * Math.max(c, l) + c : n * (l + c);
  return {
    totalSeconds,
    exposedSeconds: Math.max(0, totalSeconds - n * c),
    hiddenLayerShare: prefetch && c >= l ? (n - 1) / n : 0,
  };
}

/** The cost stage's phases with the streamed copies' exposed time and their energy added. */
export interface StreamedGraph {
  costed: CostedGraph;
  prefill: PhaseStreaming | undefined;
  decode: PhaseStreaming | undefined;
}

/**
 * The streamed classes' copies added to the costed phases: exposed time per pass times the pipeline stages a pass
 * crosses into `extraSeconds`, and the energy of moving their bytes over the source path into each operator's
 * transfer energy. Without streams the graph comes back unchanged.
 */
export function withStreaming(
  costed: CostedGraph,
  machine: Machine,
  plan: Plan,
  placement: Placement,
  layers: number,
  prefetch: boolean,
): StreamedGraph {
  const streams = placement.routes?.streams ?? [];
  if (streams.length === 0) return { costed, prefill: undefined, decode: undefined };
  const paths = machine.chip.paths[plan.primaryUnit] ?? [];
  const slots = slotsOf(machine.chip, plan.primaryUnit);
  const phase = (input: CostedPhase): { phase: CostedPhase; timing: PhaseStreaming } => {
    const deviceSeconds = input.costed.reduce(
      (sum, { operator, cost }) => sum + operator.repeat * secondsAt(cost, 1),
      0,
    );
    const computeSecondsPerLayer = deviceSeconds / layers;
    const perStream = streams.map((stream) => {
      const path = paths[stream.sourceLevelIndex];
      const ratio =
        slots.find((slot) => slot.levelIndex === stream.sourceLevelIndex)?.ratio[stream.tensorClass] ?? 1;
      const bytes =
        input.costed.reduce(
          (sum, { operator }) => sum + operator.repeat * operator.bytes[stream.tensorClass],
          0,
        ) /
        ratio /
        layers;
      const bandwidth = path?.bandwidthBytesPerSecond ?? 0;
      return {
        bytesPerLayer: bytes,
        loadSecondsPerLayer: bytes > 0 && bandwidth > 0 ? (path?.latencySeconds ?? 0) + bytes / bandwidth : 0,
        energyJoulesPerByte: (path?.energyJoulesPerBit ?? 0) * 8,
        ratio,
        tensorClass: stream.tensorClass,
      };
    });
    const load = perStream.reduce((sum, entry) => sum + entry.loadSecondsPerLayer, 0);
    const timing = streamingSeconds(layers, computeSecondsPerLayer, load, prefetch);
    return {
      phase: {
        ...input,
        extraSeconds: input.extraSeconds + timing.exposedSeconds * input.stages,
        costed: input.costed.map(({ operator, cost }) => {
          const joules = perStream.reduce(
            (sum, entry) =>
              sum + (operator.bytes[entry.tensorClass] / entry.ratio) * entry.energyJoulesPerByte,
            0,
          );
          return joules > 0
            ? { operator, cost: { ...cost, transferJoules: cost.transferJoules + joules } }
            : { operator, cost };
        }),
      },
      timing: {
        computeSecondsPerLayer,
        loadSecondsPerLayer: load,
        layers,
        exposedSeconds: timing.exposedSeconds,
        hiddenLayerShare: timing.hiddenLayerShare,
        perStream: perStream.map(({ bytesPerLayer, loadSecondsPerLayer }) => ({
          bytesPerLayer,
          loadSecondsPerLayer,
        })),
      },
    };
  };
  const prefill = phase(costed.prefill);
  const decode = phase(costed.decode);
  return {
    costed: { prefill: prefill.phase, decode: decode.phase },
    prefill: prefill.timing,
    decode: decode.timing,
  };
}

const emptyBytes = (): Record<TensorClass, number> => ({ weights: 0, kv: 0, activations: 0 });

/** Bytes one pass of a phase moves per level and class: each operator's class bytes where the class is read. */
function trafficOf(
  phase: CostedPhase,
  placement: Placement,
  slots: readonly Slot[],
  levels: number,
): Record<TensorClass, number>[] {
  const traffic = Array.from({ length: levels }, emptyBytes);
  for (const { operator } of phase.costed)
    for (const tensorClass of tensorClasses) {
      const bytes = operator.repeat * operator.bytes[tensorClass];
      if (bytes <= 0) continue;
      for (const { levelIndex, fraction } of placement.placement[tensorClass]) {
        const ratio = slots.find((slot) => slot.levelIndex === levelIndex)?.ratio[tensorClass] ?? 1;
        const entry = traffic[levelIndex];
        if (entry) entry[tensorClass] += (bytes * fraction) / ratio;
      }
    }
  return traffic;
}

/**
 * The report's `memoryHierarchy`: per level × class occupancy and bytes moved per prefill and per decode step,
 * the policy, a reason per class, the streamed copies and their exposed time, and the paging waste.
 */
export function memoryHierarchyReport(
  machine: Machine,
  plan: Plan,
  placement: Placement,
  streamed: StreamedGraph,
  policy: MemoryPolicy | undefined,
): MemoryHierarchyReport {
  const { chip } = machine;
  const routes = placement.routes;
  const slots = slotsOf(chip, plan.primaryUnit);
  const prefillTraffic = trafficOf(streamed.costed.prefill, placement, slots, chip.levels.length);
  const decodeTraffic = trafficOf(streamed.costed.decode, placement, slots, chip.levels.length);
  const streams = routes?.streams ?? [];
  streams.forEach((stream, index) => {
    const add = (traffic: Record<TensorClass, number>[], timing: PhaseStreaming | undefined): void => {
      const entry = traffic[stream.sourceLevelIndex];
      const perLayer = timing?.perStream[index]?.bytesPerLayer ?? 0;
      if (entry) entry[stream.tensorClass] += perLayer * (timing?.layers ?? 0);
    };
    add(prefillTraffic, streamed.prefill);
    add(decodeTraffic, streamed.decode);
  });
  const levelName = (index: number): string => chip.levels[index]?.name ?? 'memory';
  const levelId = (index: number): string => chip.levels[index]?.id ?? '';
  const fastestName = slots[0] ? levelName(slots[0].levelIndex) : 'the fastest memory';
  const classes = (['weights', 'kv', 'activations'] as const).map((tensorClass) => {
    const choice: ClassPlacementPolicy['placement'] =
      tensorClass === 'activations' ? 'auto' : (policy?.[tensorClass].placement ?? 'auto');
    const homes = placement.used
      .map((entry, index) => ({ index, bytes: entry[tensorClass] }))
      .filter((entry) => entry.bytes > 0);
    const stream = streams.find((entry) => entry.tensorClass === tensorClass);
    const chosenLevel = routes?.chosen[tensorClass];
    const single = chosenLevel === undefined ? undefined : { levelIndex: chosenLevel };
    const Name = className[tensorClass].charAt(0).toUpperCase() + className[tensorClass].slice(1);
    let reason: string;
    if (stream) {
      const share = (timing: PhaseStreaming | undefined): number =>
        Math.round((timing?.hiddenLayerShare ?? 0) * 100);
      const exposed = streamed.decode?.exposedSeconds ?? 0;
      reason = `${Name} streamed from ${levelName(stream.sourceLevelIndex)}, 2 layers (${formatQuantity(stream.bufferBytes, 'bytes')}) double-buffered in ${levelName(stream.stagingLevelIndex)}; ${
        policy?.prefetch === false
          ? `without prefetch each layer waits for its copy (${formatQuantity(exposed, 'seconds')} per decode step)`
          : `the load hides under compute in ${share(streamed.decode)} % of layers in decode${exposed > 0 ? ` (${formatQuantity(exposed, 'seconds')} exposed per step)` : ''} and ${share(streamed.prefill)} % in the prefill`
      }.`;
    } else if (single && choice === 'pin')
      reason = `${Name} in ${levelName(single.levelIndex)}: pinned by the workload${
        single.levelIndex === slots[0]?.levelIndex && tensorClass === 'weights'
          ? ' (resident in the fastest level)'
          : ''
      }.`;
    else if (homes.length === 0)
      reason =
        plan.needs[tensorClass] > 0
          ? `${Name}: found no room in any level (the model does not fit).`
          : `${Name}: none held.`;
    else {
      const where = homes.map((entry) => levelName(entry.index)).join(', then ');
      reason =
        homes.length === 1 && homes[0]?.index === slots[0]?.levelIndex
          ? `${Name} in ${where}: the fastest level with room.`
          : `${Name} in ${where}: fastest first, spilling down where ${fastestName} had no room.`;
    }
    return {
      tensorClass,
      placement: stream ? ('stream' as const) : choice,
      levelIds: homes.map((h) => levelId(h.index)),
      reason,
    };
  });
  const perToken = plan.totalContext > 0 ? plan.needs.kvPerSequence / plan.totalContext : 0;
  const wasted = routes?.kvWastedTokensPerSequence ?? 0;
  const exposed = {
    prefillSeconds: (streamed.prefill?.exposedSeconds ?? 0) * streamed.costed.prefill.stages,
    decodeSecondsPerStep: (streamed.decode?.exposedSeconds ?? 0) * streamed.costed.decode.stages,
  };
  const report: MemoryHierarchyReport = {
    policy: {
      weights: policy?.weights.placement ?? 'auto',
      kv: policy?.kv.placement ?? 'auto',
      prefetch: policy?.prefetch ?? true,
      ...(policy?.kvBlockTokens !== undefined ? { kvBlockTokens: policy.kvBlockTokens } : {}),
    },
    levels: chip.levels
      .map((level, index) => ({ level, index }))
      .filter(({ level }) => level.usage === 'storage')
      .map(({ level, index }) => ({
        levelId: level.id,
        name: level.name,
        hostShared: level.shared,
        capacityBytes: level.capacityBytes,
        occupancyBytes: { ...(placement.used[index] ?? emptyBytes()) },
        prefillBytes: prefillTraffic[index] ?? emptyBytes(),
        decodeBytesPerStep: decodeTraffic[index] ?? emptyBytes(),
      })),
    classes,
    streams: streams.map((stream, index) => ({
      tensorClass: stream.tensorClass,
      sourceLevelId: levelId(stream.sourceLevelIndex),
      stagingLevelId: levelId(stream.stagingLevelIndex),
      bufferBytes: stream.bufferBytes,
      layers: streamed.decode?.layers ?? 0,
      prefillBytesPerLayer: streamed.prefill?.perStream[index]?.bytesPerLayer ?? 0,
      decodeBytesPerLayer: streamed.decode?.perStream[index]?.bytesPerLayer ?? 0,
      prefillLoadSecondsPerLayer: streamed.prefill?.perStream[index]?.loadSecondsPerLayer ?? 0,
      decodeLoadSecondsPerLayer: streamed.decode?.perStream[index]?.loadSecondsPerLayer ?? 0,
      prefillComputeSecondsPerLayer: streamed.prefill?.computeSecondsPerLayer ?? 0,
      decodeComputeSecondsPerLayer: streamed.decode?.computeSecondsPerLayer ?? 0,
      decodeHiddenLayerShare: streamed.decode?.hiddenLayerShare ?? 0,
      prefillHiddenLayerShare: streamed.prefill?.hiddenLayerShare ?? 0,
    })),
    exposedTransfer: exposed,
    summary: '',
  };
  if (wasted > 0)
    report.paging = {
      blockTokens: policy?.kvBlockTokens ?? 0,
      wastedTokensPerSequence: wasted,
      wastedBytesPerChip: wasted * perToken * plan.batchPerReplica,
    };
  report.summary =
    classes.map((entry) => entry.reason).join(' ') +
    (wasted > 0
      ? ` Paged KV cache in blocks of ${policy?.kvBlockTokens ?? 0} tokens: about ${formatQuantity(wasted, 'count')} empty tokens per sequence (${formatQuantity(report.paging?.wastedBytesPerChip ?? 0, 'bytes')} per chip), counted in the capacity and the largest batch.`
      : '');
  return report;
}
