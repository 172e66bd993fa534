/**
 * Stage 8 of the engine, **report**: everything the earlier stages found, as the `Report` a user reads — per
 * phase the time, tokens/s, power, energy, clock and what bound it (with the shares and one sentence naming the
 * bottleneck and its number); per-operator and per-block breakdowns; memory occupancy by level and class, the
 * largest batch and context that fit; every diagnostic.
 */
import type { Diagnostic } from '../diagnostics';
import type { Chip, Machine } from '../machine';
import { countParameters, type ParameterCount } from '../models/parameters';
import type { TensorClass } from '../operators';
import type {
  BlockReport,
  Bound,
  DecodeReport,
  MemoryReport,
  OperatorReport,
  PhaseReport,
  Report,
} from '../report';
import type { DesignDocument } from '../schema/design';
import type { ModelArchitecture } from '../schema/model';
import type { Workload } from '../schema/workload';
import { formatFlops } from '../figures/format';
import { formatQuantity } from '../units';
import type { CheckedWorkload } from './check';
import { boundAt, peakMacsPerSecond, secondsAt } from './cost';
import type { Placement } from './map';
import type { Plan } from './plan';
import type { PoweredGraph, PoweredPhase } from './power';
import type { CostedPhase } from './cost';

export interface ReportInput {
  design: DesignDocument;
  workload: Workload;
  checked: CheckedWorkload;
  machine: Machine;
  plan: Plan;
  placement: Placement;
  powered: PoweredGraph;
  /** `summary` leaves the per-operator and per-block lists empty and the sentences blank (what a sweep needs). */
  full: boolean;
}

/** Parameter counts per architecture object (a sweep evaluates one model many times). */
const parameterCounts = new WeakMap<ModelArchitecture, ParameterCount>();

function parametersOf(arch: ModelArchitecture): ParameterCount {
  let count = parameterCounts.get(arch);
  if (!count) {
    count = countParameters(arch);
    parameterCounts.set(arch, count);
  }
  return count;
}

export function report(input: ReportInput, diagnostics: Diagnostic[]): Report {
  const { workload, machine, plan, powered, checked, full } = input;
  const { chip } = machine;
  const model = checked.model;
  const names = new Map(input.design.blocks.map((block) => [block.id, block.name]));
  const phase = (solved: PoweredPhase, tokens: number) =>
    phaseReport(machine, powered, solved, tokens, full ? names : undefined);
  const prefill = phase(powered.prefill, workload.batch * workload.inputTokens);
  const decodePhase = phase(powered.decode, workload.batch);
  // The decode phase's own object, completed (a spread of its fourteen fields showed up in profiles).
  const decode = decodePhase as DecodeReport;
  decode.context = plan.decodeContext;
  decode.secondsPerStep = decodePhase.seconds;
  const memory = memoryReport(chip, input.placement, plan);
  if (input.placement.overflowBytes > 0)
    diagnostics.push({
      severity: 'error',
      code: 'does-not-fit',
      message: `${model.name} does not fit: one chip needs ${formatQuantity(memory.requiredBytesPerChip, 'bytes')} (weights ${formatQuantity(memory.weightsBytesPerChip, 'bytes')}, KV cache ${formatQuantity(memory.kvBytesPerChip, 'bytes')}) but has ${formatQuantity(input.placement.storageBytes, 'bytes')}. The numbers below assume the excess lives in the slowest memory.`,
    });
  else if (input.placement.kvInHostBytes > 0)
    diagnostics.push(kvInHostDiagnostic(chip, input.placement, workload, memory));
  const parameters = parametersOf(model.architecture);
  const weightClass = checked.formats.weightClass;
  return {
    format: 'tessera.report',
    version: 1,
    model: {
      id: model.id,
      name: model.name,
      parameters: parameters.total,
      activeParameters: parameters.activePerToken,
    },
    workload: { ...workload, decodeContext: plan.decodeContext },
    machine: {
      chipName: chip.name,
      chips: chip.count,
      computeClass: weightClass,
      computeUnits: chip.units.map((unit) => ({
        id: unit.id,
        name: unit.name,
        instances: unit.instances,
        peakBf16FlopsPerSecond: 2 * unit.macsPerCycle.bf16 * unit.instances * unit.clockHertz,
        peakFlopsPerSecond: 2 * unit.macsPerCycle[weightClass] * unit.instances * unit.clockHertz,
      })),
    },
    parallelism: { ...plan.parallelism },
    batchPerReplica: plan.batchPerReplica,
    prefill,
    decode,
    request: {
      ttftSeconds: prefill.seconds,
      tpotSeconds: decode.seconds,
      endToEndSeconds: prefill.seconds + Math.max(0, workload.outputTokens - 1) * decode.seconds,
      outputTokensPerSecond: decode.seconds > 0 ? 1 / decode.seconds : 0,
    },
    memory,
    power: {
      capWatts: powered.capWatts,
      policy: chip.power.policy,
      topClockHertz: powered.topClockHertz,
      systemStaticWatts: machine.systemStaticWatts,
    },
    clockHertz: decode.clockHertz,
    bottleneck: full
      ? {
          prefill: explain('Prefill', prefill, chip, input.placement, 'of the time'),
          decode: explain('Decode', decode, chip, input.placement, 'of each step'),
        }
      : { prefill: '', decode: '' },
    diagnostics,
  };
}

/**
 * One phase: its figures, what bound it (each operator's time goes to the larger of compute and memory, plus its
 * communication and overhead), and — when `names` is given — the per-operator and per-block lists.
 */
function phaseReport(
  machine: Machine,
  powered: PoweredGraph,
  solved: PoweredPhase,
  tokens: number,
  names: ReadonlyMap<string, string> | undefined,
): PhaseReport {
  const { chip } = machine;
  const { costed: phase, timing } = solved;
  const { clockScale, seconds, voltageScale, dutyCycle } = timing;
  const shares: Record<Bound, number> = { compute: 0, memory: 0, communication: 0, overhead: 0 };
  const levelTime = new Array<number>(chip.levels.length).fill(0);
  const staticWatts = chip.power.staticScaledWatts * voltageScale + chip.power.staticFixedWatts;
  let peakChipWatts = 0;
  const operators: OperatorReport[] = [];
  for (const { operator, cost } of phase.costed) {
    // A stalled unit (duty cycle below 1) stretches every part of the operator's time alike.
    const one = secondsAt(cost, clockScale) / dutyCycle;
    const weight = operator.repeat * phase.stages * phase.runsPerChip;
    const compute = cost.computeSeconds / clockScale;
    const main = Math.max(compute, cost.memorySeconds);
    shares.overhead += weight * (cost.overheadSeconds + cost.latencySeconds);
    shares.communication += weight * cost.communicationSeconds;
    if (main > 0) {
      if (compute >= cost.memorySeconds) shares.compute += weight * main;
      else {
        shares.memory += weight * main;
        if (cost.memoryLevel >= 0)
          levelTime[cost.memoryLevel] = (levelTime[cost.memoryLevel] ?? 0) + weight * main;
      }
    }
    const dynamic = cost.computeJoules * voltageScale * voltageScale + cost.transferJoules;
    if (one > 0) peakChipWatts = Math.max(peakChipWatts, dynamic / one + staticWatts);
    if (!names) continue;
    const bytesMoved = cost.bytesByLevel.reduce((sum, value) => sum + value, 0);
    const flops = 2 * cost.macs;
    const bound = boundAt(cost, clockScale);
    operators.push({
      id: operator.id,
      name: operator.name,
      kind: operator.kind,
      part: operator.part,
      repeat: operator.repeat,
      unitId: chip.units[cost.unitIndex]?.id ?? '',
      seconds: one * weight,
      computeSeconds: (compute * weight) / dutyCycle,
      memorySeconds: (cost.memorySeconds * weight) / dutyCycle,
      communicationSeconds: (cost.communicationSeconds * weight) / dutyCycle,
      overheadSeconds: ((cost.overheadSeconds + cost.latencySeconds) * weight) / dutyCycle,
      bound,
      boundLevelId:
        bound === 'memory' && cost.memoryLevel >= 0 ? chip.levels[cost.memoryLevel]?.id : undefined,
      flops,
      bytes: cost.bytesByClass,
      arithmeticIntensity: bytesMoved > 0 ? flops / bytesMoved : 0,
      achievedFlopsPerSecond: one > 0 ? flops / one : 0,
      energyJoules: dynamic * weight,
    });
  }
  const boundShares = normalised(shares);
  const bound = (Object.entries(boundShares) as [Bound, number][]).reduce((best, entry) =>
    entry[1] > best[1] ? entry : best,
  )[0];
  const slowestLevel = levelTime.reduce(
    (best, value, index) => (value > (levelTime[best] ?? 0) ? index : best),
    0,
  );
  return {
    seconds,
    tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
    averagePowerWatts: solved.systemWatts,
    peakPowerWatts: peakChipWatts,
    energyJoules: solved.systemWatts * seconds,
    energyJoulesPerToken: tokens > 0 ? (solved.systemWatts * seconds) / tokens : 0,
    clockHertz: timing.clockHertz,
    voltageVolts: timing.voltageVolts,
    dutyCycle,
    operatingPoint: powered.operatingPoint?.name,
    throttled: solved.throttled,
    bound,
    boundLevelId: bound === 'memory' ? chip.levels[slowestLevel]?.id : undefined,
    boundShares,
    operators,
    blocks: names ? blockReports(machine, solved, names) : [],
  };
}

function normalised(shares: Record<Bound, number>): Record<Bound, number> {
  const total = shares.compute + shares.memory + shares.communication + shares.overhead;
  return {
    compute: total > 0 ? shares.compute / total : 0,
    memory: total > 0 ? shares.memory / total : 0,
    communication: total > 0 ? shares.communication / total : 0,
    overhead: total > 0 ? shares.overhead / total : 0,
  };
}

/**
 * Each block's utilization and average power over the phase, for one chip. A block that is both a compute unit and
 * a memory level (processing in memory, a host) is listed once: its busier role's utilization and bound, the
 * dynamic power of both roles, and its static power once.
 */
function blockReports(
  machine: Machine,
  solved: PoweredPhase,
  names: ReadonlyMap<string, string>,
): BlockReport[] {
  const { chip } = machine;
  const { costed: phase, timing } = solved;
  const seconds = timing.seconds;
  const reports: BlockReport[] = [];
  if (seconds <= 0) return reports;
  const runs = phase.runsPerChip * phase.stages;
  const nameOf = (blockId: string): string => names.get(blockId) ?? blockId;
  const computeEntries = new Map<string, BlockReport>();
  chip.units.forEach((unit, unitIndex) => {
    let busy = 0;
    let joules = 0;
    for (const { operator, cost } of phase.costed) {
      if (cost.unitIndex !== unitIndex) continue;
      const peak = peakMacsPerSecond(unit, operator) * timing.clockScale;
      if (peak > 0) busy += (operator.repeat * cost.macs) / peak;
      joules += operator.repeat * cost.computeJoules * timing.voltageScale * timing.voltageScale;
    }
    const utilization = Math.min(1, (busy * phase.runsPerChip) / (seconds / phase.stages || seconds));
    const share = 1 / unit.blockIds.length;
    for (const blockId of unit.blockIds) {
      const staticWatts = (chip.blockStaticWatts[blockId] ?? 0) * timing.voltageScale;
      const entry: BlockReport = {
        blockId,
        name: nameOf(blockId),
        category: 'compute',
        utilization,
        averagePowerWatts: (joules * phase.runsPerChip * share) / seconds + staticWatts,
        bound: 'compute',
      };
      computeEntries.set(blockId, entry);
      reports.push(entry);
    }
  });
  chip.levels.forEach((level, levelIndex) => {
    // Caches are not placement targets, so their traffic is not tracked; they get no utilization.
    if (level.usage === 'cache') return;
    const traffic = levelTraffic(chip, phase, levelIndex);
    const capacity = level.bandwidthBytesPerSecond * seconds;
    // Bytes through the pins against the level's bandwidth; bytes its own compute reads against the time they took.
    const utilization =
      traffic.ownSeconds > 0
        ? Math.min(
            1,
            (((capacity > 0 ? traffic.bytes / capacity : 0) + traffic.ownSeconds / seconds) * runs) /
              phase.stages,
          )
        : capacity > 0
          ? Math.min(1, (traffic.bytes * runs) / phase.stages / capacity)
          : 0;
    const share = 1 / level.blockIds.length;
    const dynamicWatts = (traffic.joules * phase.runsPerChip * share) / seconds;
    for (const blockId of level.blockIds) {
      const computing = computeEntries.get(blockId);
      if (computing) {
        // The same block as a compute unit: its static power is already counted.
        computing.averagePowerWatts += dynamicWatts;
        if (utilization > computing.utilization) {
          computing.utilization = utilization;
          computing.bound = 'memory';
        }
        continue;
      }
      const staticWatts = level.shared
        ? (machine.systemBlockStaticWatts[blockId] ?? 0)
        : (chip.blockStaticWatts[blockId] ?? 0);
      reports.push({
        blockId,
        name: nameOf(blockId),
        category: 'memory',
        utilization,
        averagePowerWatts: dynamicWatts + staticWatts,
        bound: 'memory',
      });
    }
  });
  const listed = new Set(reports.map((entry) => entry.blockId));
  for (const [blockId, watts] of Object.entries(chip.blockStaticWatts)) {
    if (!listed.has(blockId))
      reports.push({
        blockId,
        name: nameOf(blockId),
        category: 'other',
        utilization: 0,
        averagePowerWatts: watts,
        bound: undefined,
      });
  }
  return reports;
}

/**
 * Bytes moved at one level in a phase: those read through its pins (`bytes`), the time its own compute spends
 * reading it at its internal bandwidth (`ownSeconds`), and the energy of all of them.
 */
function levelTraffic(
  chip: Chip,
  phase: CostedPhase,
  levelIndex: number,
): { bytes: number; ownSeconds: number; joules: number } {
  const level = chip.levels[levelIndex];
  let bytes = 0;
  let ownSeconds = 0;
  let joules = 0;
  for (const { operator, cost } of phase.costed) {
    const moved = cost.bytesByLevel[levelIndex] ?? 0;
    if (moved === 0) continue;
    const path = chip.paths[cost.unitIndex]?.[levelIndex];
    if (path?.ownMemory === true) ownSeconds += (operator.repeat * moved) / path.bandwidthBytesPerSecond;
    else bytes += operator.repeat * moved;
    joules += operator.repeat * moved * 8 * (path?.energyJoulesPerBit ?? level?.energyJoulesPerBit ?? 0);
  }
  return { bytes, ownSeconds, joules };
}

/**
 * Memory as stored (compression and 2:4 indices included): what one chip needs and has of its own memory, and the
 * largest batch and context whose KV cache fits there (the map stage counts them). It fits when nothing
 * overflowed and no KV cache had to go to host memory the system shares.
 */
function memoryReport(chip: Chip, placement: Placement, plan: Plan): MemoryReport {
  const { stored } = placement;
  return {
    fits: placement.overflowBytes <= 0 && placement.kvInHostBytes <= 0,
    requiredBytesPerChip: stored.weights + stored.kv + stored.activations,
    availableBytesPerChip: placement.deviceBytes,
    weightsBytesPerChip: stored.weights,
    kvBytesPerChip: stored.kv,
    activationBytesPerChip: stored.activations,
    maxBatch: placement.maxBatchPerReplica * plan.parallelism.dataReplicas,
    maxContext: placement.maxContext,
    levels: chip.levels.map((level, index) => ({
      levelId: level.id,
      name: level.name,
      usage: level.usage,
      capacityBytes: level.capacityBytes,
      used: placement.used[index] ?? { weights: 0, kv: 0, activations: 0 },
      bandwidthBytesPerSecond: level.bandwidthBytesPerSecond,
    })),
  };
}

/**
 * The KV cache of the workload's batch does not fit the chip's own memory and went to host memory the system
 * shares: serving engines keep the KV cache on the device, so the batch does not fit (`memory.fits` is false).
 */
function kvInHostDiagnostic(
  chip: Chip,
  placement: Placement,
  workload: Workload,
  memory: MemoryReport,
): Diagnostic {
  const host = chip.levels
    .filter((level, index) => level.shared && (placement.used[index]?.kv ?? 0) > 0)
    .map((level) => level.name)
    .join(', ');
  const weightsInHost = chip.levels.reduce(
    (sum, level, index) => sum + (level.shared ? (placement.used[index]?.weights ?? 0) : 0),
    0,
  );
  const why =
    weightsInHost > 0
      ? `the weights alone overflow the chip's own ${formatQuantity(placement.deviceBytes, 'bytes')} (${formatQuantity(weightsInHost, 'bytes')} of them are in ${host} too)`
      : `the chip's own ${formatQuantity(placement.deviceBytes, 'bytes')} holds ${formatQuantity(placement.kvRoomBytes, 'bytes')} of KV cache beside the weights and activations`;
  return {
    severity: 'warning',
    code: 'kv-in-host-memory',
    message: `The KV cache of batch ${workload.batch} needs ${formatQuantity(memory.kvBytesPerChip, 'bytes')} per chip but ${why}; ${formatQuantity(placement.kvInHostBytes, 'bytes')} of it would live in ${host}, where serving engines do not keep it. Largest batch that fits: ${memory.maxBatch}. The numbers below assume it is read from there.`,
  };
}

/**
 * One sentence: what bound the phase, how much of it, and the number behind it. A memory-bound phase names the
 * level that took the most memory time and the tensor class read most from that level — by where the placement
 * put each class, so the sentence never says a class is read from a level it does not live in.
 */
function explain(
  phaseName: string,
  phase: PhaseReport,
  chip: Chip,
  placement: Placement,
  span: string,
): string {
  const share = Math.round(phase.boundShares[phase.bound] * 100);
  const dominant = [...phase.operators].sort((a, b) => b.seconds - a.seconds)[0];
  switch (phase.bound) {
    case 'memory': {
      const levelIndex = chip.levels.findIndex((candidate) => candidate.id === phase.boundLevelId);
      const level = chip.levels[levelIndex];
      const bytes = phase.operators.reduce(
        (sum, operator) => ({
          weights: sum.weights + operator.bytes.weights * operator.repeat,
          kv: sum.kv + operator.bytes.kv * operator.repeat,
          activations: sum.activations + operator.bytes.activations * operator.repeat,
        }),
        { weights: 0, kv: 0, activations: 0 },
      );
      const fractionAt = (tensorClass: TensorClass): number =>
        placement.placement[tensorClass]
          .filter((entry) => entry.levelIndex === levelIndex)
          .reduce((sum, entry) => sum + entry.fraction, 0);
      const classes = Object.keys(bytes) as TensorClass[];
      const largest = (weigh: (tensorClass: TensorClass) => number): TensorClass =>
        classes.reduce((best, tensorClass) => (weigh(tensorClass) > weigh(best) ? tensorClass : best));
      const atLevel = (tensorClass: TensorClass): number => bytes[tensorClass] * fractionAt(tensorClass);
      const mostly = atLevel(largest(atLevel)) > 0 ? largest(atLevel) : largest((c) => bytes[c]);
      // The rate the level delivered: the bytes it holds that the operators it bound read, over their time.
      let moved = 0;
      let memorySeconds = 0;
      for (const operator of phase.operators) {
        if (operator.boundLevelId !== phase.boundLevelId) continue;
        memorySeconds += operator.memorySeconds;
        for (const tensorClass of classes)
          moved += operator.bytes[tensorClass] * operator.repeat * fractionAt(tensorClass);
      }
      const rate = memorySeconds > 0 ? moved / memorySeconds : 0;
      const what = mostly === 'kv' ? 'the KV cache' : mostly;
      const there = fractionAt(mostly);
      const part =
        there > 0 && there < 0.995 ? ` (${Math.max(1, Math.round(there * 100))} % of which lives there)` : '';
      const name = level?.name ?? 'memory';
      return `${phaseName} is ${name}-bound: ${share} % ${span} waits on ${name}, reading mostly ${what}${part} at ${formatQuantity(rate, 'bytesPerSecond')}.`;
    }
    case 'compute': {
      const flops = phase.operators.reduce((sum, operator) => sum + operator.flops * operator.repeat, 0);
      const computeSeconds = phase.operators.reduce((sum, operator) => sum + operator.computeSeconds, 0);
      return `${phaseName} is compute-bound: ${share} % ${span} is arithmetic, running at ${formatFlops(computeSeconds > 0 ? flops / computeSeconds : 0)} (largest: ${dominant?.name ?? '—'}).`;
    }
    case 'communication':
      return `${phaseName} is communication-bound: ${share} % ${span} is chip-to-chip traffic (${dominant?.name ?? 'collectives'}).`;
    case 'overhead': {
      const count = phase.operators.reduce((sum, operator) => sum + operator.repeat, 0);
      return `${phaseName} is overhead-bound: ${share} % ${span} is fixed per-operator cost (dispatch and latency of about ${Math.round(count)} operators).`;
    }
  }
}
