/**
 * The engine's pipeline: check → resolve → plan and map → lower → cost → power → report. One call, pure and
 * deterministic: the same input gives the same report, byte for byte. Modelling problems come back as
 * diagnostics; the engine never throws on a user's design and never returns NaN, Infinity or a negative time.
 */
import type { CatalogIndex } from './catalog';
import { checkDesign } from './check';
import {
  boundAt,
  costOperator,
  peakMacsPerSecond,
  secondsAt,
  unitSupports,
  type Bound,
  type CostContext,
  type OperatorCost,
} from './cost/operator-cost';
import type { Diagnostic } from './diagnostics';
import { hasErrors } from './diagnostics';
import { formatsOf, lowerStep, type Formats } from './lower/lower';
import type { Chip, Machine, OperatingPoint } from './machine';
import { footprint, place, type PlacementResult } from './map/placement';
import { countParameters } from './models/parameters';
import type { Operator, TensorClass } from './operators';
import { automaticPlan, manualPlan, type Parallelism } from './plan';
import type {
  BlockReport,
  DecodeReport,
  EvaluationResult,
  MemoryReport,
  OperatorReport,
  PhaseReport,
  Report,
} from './report';
import { resolve } from './resolve/resolve';
import type { DesignDocument } from './schema/design';
import type { ModelConfig } from './schema/model';
import type { Workload } from './schema/workload';
import { formatQuantity } from './units';

export interface EvaluationInput {
  design: DesignDocument;
  workload: Workload;
  /** A model not in the catalog (an imported config.json); otherwise `workload.model` is looked up. */
  model?: ModelConfig;
}

export interface EvaluationOptions {
  /**
   * `full` (default) reports every operator and block and explains the bottleneck; `summary` leaves those lists
   * empty and the sentences blank — what a sweep needs, at a fraction of the cost.
   */
  detail?: 'full' | 'summary';
}

/** Parameter counts per architecture object (a sweep evaluates one model many times). */
const parameterCounts = new WeakMap<object, ReturnType<typeof countParameters>>();

function parametersOf(arch: ModelConfig['architecture']): ReturnType<typeof countParameters> {
  let count = parameterCounts.get(arch);
  if (!count) {
    count = countParameters(arch);
    parameterCounts.set(arch, count);
  }
  return count;
}

/** Resolved machines, cached per catalog and design object (a sweep re-evaluates one design many times). */
const machines = new WeakMap<
  CatalogIndex,
  WeakMap<DesignDocument, { machine: Machine; structural: Diagnostic[] }>
>();

function resolveCached(
  design: DesignDocument,
  catalog: CatalogIndex,
): { machine: Machine; structural: Diagnostic[] } {
  let perCatalog = machines.get(catalog);
  if (!perCatalog) {
    perCatalog = new WeakMap();
    machines.set(catalog, perCatalog);
  }
  let entry = perCatalog.get(design);
  if (!entry) {
    const structural = checkDesign(design, catalog);
    entry = { machine: hasErrors(structural) ? emptyMachine() : resolve(design, catalog), structural };
    perCatalog.set(design, entry);
  }
  return entry;
}

function emptyMachine(): Machine {
  return {
    chip: {
      id: 'design',
      name: '',
      count: 1,
      units: [],
      levels: [],
      paths: [],
      power: {
        operatingPoints: [],
        policy: 'fixed',
        domainBlockId: undefined,
        capWatts: undefined,
        capBlockId: undefined,
        staticScaledWatts: 0,
        staticFixedWatts: 0,
      },
      blockStaticWatts: {},
      areaSquareMetres: 0,
    },
    network: undefined,
    systemStaticWatts: 0,
    systemBlockStaticWatts: {},
    diagnostics: [],
  };
}

/** Voltage at a clock, interpolated along the operating points (highest first). */
export function voltageAt(points: readonly OperatingPoint[], clockHertz: number): number {
  const top = points[0];
  if (!top) return 1;
  if (clockHertz >= top.clockHertz) return top.voltageVolts;
  for (let index = 1; index < points.length; index += 1) {
    const upper = points[index - 1] as OperatingPoint;
    const lower = points[index] as OperatingPoint;
    if (clockHertz >= lower.clockHertz) {
      const t = (clockHertz - lower.clockHertz) / (upper.clockHertz - lower.clockHertz);
      return lower.voltageVolts + t * (upper.voltageVolts - lower.voltageVolts);
    }
  }
  return (points.at(-1) as OperatingPoint).voltageVolts;
}

interface CostedOperator {
  operator: Operator;
  cost: OperatorCost;
}

/** One phase on one chip: its stage's operators, how often a chip runs the stage, and how many stages a pass crosses. */
interface PhasePlan {
  costed: CostedOperator[];
  /** Micro-batches each chip runs per phase. */
  runsPerChip: number;
  /** Pipeline stages a pass goes through one after another. */
  stages: number;
  /** Seconds added once per phase (FPGA reconfiguration). */
  extraSeconds: number;
}

interface PhaseTiming {
  clockScale: number;
  seconds: number;
  /** Energy of one chip over the phase (dynamic + static). */
  chipJoules: number;
  chipWatts: number;
  voltageScale: number;
}

export function evaluate(
  input: EvaluationInput,
  catalog: CatalogIndex,
  options: EvaluationOptions = {},
): EvaluationResult {
  const { design, workload } = input;
  const full = options.detail !== 'summary';
  const diagnostics: Diagnostic[] = [];
  const { machine, structural } = resolveCached(design, catalog);
  diagnostics.push(...structural, ...machine.diagnostics);

  const model = input.model ?? catalog.models.get(workload.model);
  if (!model)
    diagnostics.push({
      severity: 'error',
      code: 'unknown-model',
      message: `Model "${workload.model}" is not in the library; import its config.json or pick another.`,
    });
  const formatIds: [string, string][] = [
    ['weights', workload.weights],
    ['activations', workload.activations],
    ['KV cache', workload.kv],
  ];
  for (const [what, id] of formatIds) {
    if (!catalog.formats.has(id))
      diagnostics.push({
        severity: 'error',
        code: 'unknown-format',
        message: `The ${what} format "${id}" is not in the library.`,
      });
  }
  const runtime = workload.runtime === undefined ? undefined : catalog.runtimes.get(workload.runtime);
  if (workload.runtime !== undefined && !runtime) {
    diagnostics.push({
      severity: 'error',
      code: 'unknown-runtime',
      message: `The runtime "${workload.runtime}" is not in the library.`,
    });
  }
  const weightsFormat = catalog.formats.get(workload.weights);
  const activationFormat = catalog.formats.get(workload.activations);
  const kvFormat = catalog.formats.get(workload.kv);
  if (activationFormat && activationFormat.computeClass === null) {
    diagnostics.push({
      severity: 'error',
      code: 'activation-format',
      message: `${activationFormat.name} is a weight-only storage format; activations need an arithmetic format such as bf16 or fp8.`,
    });
  }
  if (hasErrors(diagnostics) || !model || !weightsFormat || !activationFormat || !kvFormat)
    return { ok: false, diagnostics };

  const arch = model.architecture;
  const chip = machine.chip;
  const formats: Formats = formatsOf(weightsFormat, activationFormat, kvFormat);
  const units = chip.units;
  const supportsWeights = units
    .map((unit, index) => ({ unit, index }))
    .filter(({ unit }) => unit.macsPerCycle[formats.weightClass] > 0);
  if (supportsWeights.length === 0) {
    diagnostics.push({
      severity: 'error',
      code: 'unsupported-format',
      message: `No compute unit does ${formats.weightClass.toUpperCase()} arithmetic, which ${weightsFormat.name} weights with ${activationFormat.name} activations need. Pick other formats or a unit that supports them.`,
      blockId: units[0]?.id,
    });
    return { ok: false, diagnostics };
  }
  // The main unit: the fastest at the weights' arithmetic; memory placement follows its view of the levels.
  const primary = supportsWeights.reduce((best, entry) =>
    entry.unit.macsPerCycle[formats.weightClass] * entry.unit.instances * entry.unit.clockHertz >
    best.unit.macsPerCycle[formats.weightClass] * best.unit.instances * best.unit.clockHertz
      ? entry
      : best,
  ).index;

  const totalContext = workload.inputTokens + workload.outputTokens;
  const decodeContext =
    workload.decodeContext ?? workload.inputTokens + Math.floor(workload.outputTokens / 2);
  const chips = chip.count;

  const perReplica = (plan: Parallelism): number =>
    Math.ceil(workload.batch / Math.max(1, Math.min(plan.dataReplicas, workload.batch)));
  const needsFor = (plan: Parallelism) =>
    footprint(arch, formats, plan, perReplica(plan), totalContext, perReplica(plan) * workload.inputTokens);
  const storageBytes = chip.levels.reduce(
    (sum, level, index) =>
      level.usage === 'storage' && chip.paths[primary]?.[index] ? sum + level.capacityBytes : sum,
    0,
  );

  let plan: Parallelism | undefined;
  if (workload.parallelism.mode === 'manual') {
    plan = manualPlan(arch, chips, workload.parallelism, diagnostics);
  } else {
    plan = automaticPlan(arch, chips, (tensor, pipeline) => {
      const candidate: Parallelism = {
        tensor,
        pipeline,
        expert: 1,
        dataReplicas: Math.max(1, Math.floor(chips / (tensor * pipeline))),
        chipsUsed: 0,
        automatic: true,
      };
      const needs = needsFor(candidate);
      return needs.weights + needs.kv + needs.activations <= storageBytes;
    });
  }
  if (!plan) return { ok: false, diagnostics };
  if (plan.tensor * plan.pipeline > 1 && !machine.network) {
    diagnostics.push({
      severity: 'error',
      code: 'no-chip-network',
      message: `Splitting the model over ${plan.tensor * plan.pipeline} chips needs a link between them; add a chip-to-chip link or switch outside the chip group.`,
      groupId: chip.id,
    });
    return { ok: false, diagnostics };
  }

  const batchPerReplica = perReplica(plan);
  const needs = needsFor(plan);
  const placed: PlacementResult = place(chip, primary, needs);
  const sparse = workload.weightSparsity === '2:4';
  if (sparse && !units.some((unit) => unit.sparsitySpeedup > 1)) {
    diagnostics.push({
      severity: 'info',
      code: 'sparsity-unused',
      message:
        'The weights are 2:4-sparse but no compute unit has a sparsity engine linked to it, so they run as dense.',
    });
  }

  // Operating point and power policy.
  const points = chip.power.operatingPoints;
  const top = points[0];
  const selected =
    workload.operatingPoint === undefined
      ? top
      : points.find((point) => point.name === workload.operatingPoint);
  if (workload.operatingPoint !== undefined && !selected) {
    diagnostics.push({
      severity: 'warning',
      code: 'unknown-operating-point',
      message: `Operating point "${workload.operatingPoint}" is not in the power domain; using "${top?.name ?? 'the units’ own clocks'}".`,
      blockId: chip.power.domainBlockId,
    });
  }
  const point = selected ?? top;
  const capCandidates = [
    chip.power.capWatts,
    point && point.capWatts > 0 ? point.capWatts : undefined,
  ].filter((value): value is number => value !== undefined);
  const capWatts = capCandidates.length > 0 ? Math.min(...capCandidates) : undefined;
  const topClock = top?.clockHertz ?? units[primary]?.clockHertz ?? 1;
  const context: CostContext = {
    chip,
    network: machine.network,
    placement: placed.placement,
    dramBandwidthScale: point?.memoryBandwidthScale ?? 1,
    sparseWeights: sparse,
  };

  const costAll = (operators: Operator[]): CostedOperator[] =>
    operators.map((operator) => {
      let best: OperatorCost | undefined;
      let bestScore = Infinity;
      units.forEach((unit, index) => {
        if (!unitSupports(unit, operator)) return;
        if (operator.kind !== 'collective' && !(chip.paths[index] ?? []).some((path) => path !== undefined))
          return;
        const cost = costOperator(operator, index, context);
        const score =
          workload.unitPolicy === 'least-energy'
            ? cost.computeJoules + cost.transferJoules
            : secondsAt(cost, 1);
        if (score < bestScore) {
          bestScore = score;
          best = cost;
        }
      });
      const chosen = best ?? costOperator(operator, primary, context);
      // An eager runtime pays a host-side launch cost per operator on top of the unit's own dispatch.
      if (runtime && runtime.operatorOverheadSeconds > 0)
        chosen.overheadSeconds += runtime.operatorOverheadSeconds;
      return { operator, cost: chosen };
    });

  const prefillOps = lowerStep(
    arch,
    formats,
    plan,
    {
      phase: 'prefill',
      sequences: batchPerReplica,
      queryTokens: workload.inputTokens,
      contextTokens: workload.inputTokens,
    },
    sparse,
  );
  const microbatches = Math.max(1, Math.min(batchPerReplica, plan.pipeline));
  const decodeSequences = Math.ceil(batchPerReplica / microbatches);
  const decodeOps = lowerStep(
    arch,
    formats,
    plan,
    { phase: 'decode', sequences: decodeSequences, queryTokens: 1, contextTokens: decodeContext },
    sparse,
  );
  const reconfiguration = Math.max(0, ...units.map((unit) => unit.reconfigurationSeconds));
  // Host-side time per engine step (the runtime's scheduling and sampling): the chip idles at static power.
  const stepOverhead = runtime?.stepOverheadSeconds ?? 0;
  const prefillPlan: PhasePlan = {
    costed: costAll(prefillOps.operators),
    runsPerChip: 1,
    stages: plan.pipeline,
    extraSeconds: reconfiguration + stepOverhead,
  };
  const decodePlan: PhasePlan = {
    costed: costAll(decodeOps.operators),
    runsPerChip: microbatches,
    stages: plan.pipeline,
    extraSeconds: stepOverhead,
  };

  const staticScaled = chip.power.staticScaledWatts;
  const staticFixed = chip.power.staticFixedWatts;
  const timing = (phase: PhasePlan, clockScale: number): PhaseTiming => {
    const voltageScale = top ? voltageAt(points, clockScale * topClock) / top.voltageVolts : 1;
    let stageSeconds = 0;
    let dynamic = 0;
    for (const { operator, cost } of phase.costed) {
      stageSeconds += operator.repeat * secondsAt(cost, clockScale);
      dynamic += operator.repeat * (cost.computeJoules * voltageScale * voltageScale + cost.transferJoules);
    }
    const seconds = phase.stages * stageSeconds + phase.extraSeconds;
    const chipJoules = phase.runsPerChip * dynamic + (staticScaled * voltageScale + staticFixed) * seconds;
    return {
      clockScale,
      seconds,
      chipJoules,
      chipWatts: seconds > 0 ? chipJoules / seconds : 0,
      voltageScale,
    };
  };

  const lowestScale = points.length > 0 ? (points.at(-1) as OperatingPoint).clockHertz / topClock : 1;
  const selectedScale = point ? point.clockHertz / topClock : 1;
  const solve = (phase: PhasePlan): { timing: PhaseTiming; throttled: boolean } => {
    let scale = selectedScale;
    if (chip.power.policy === 'adaptive' && points.length > 1) {
      const target = timing(phase, selectedScale).seconds * 1.01;
      let low = lowestScale;
      let high = selectedScale;
      if (timing(phase, low).seconds <= target) high = low;
      for (let iteration = 0; iteration < 30 && high - low > 1e-4; iteration += 1) {
        const middle = (low + high) / 2;
        if (timing(phase, middle).seconds <= target) high = middle;
        else low = middle;
      }
      scale = high;
    }
    let result = timing(phase, scale);
    let throttled = false;
    if (capWatts !== undefined && result.chipWatts > capWatts) {
      if (points.length > 1 && scale > lowestScale) {
        let low = lowestScale;
        let high = scale;
        if (timing(phase, low).chipWatts > capWatts) high = low;
        for (let iteration = 0; iteration < 40 && high - low > 1e-5; iteration += 1) {
          const middle = (low + high) / 2;
          if (timing(phase, middle).chipWatts <= capWatts) low = middle;
          else high = middle;
        }
        scale = timing(phase, high).chipWatts <= capWatts ? high : low;
        result = timing(phase, scale);
        throttled = true;
      }
      if (result.chipWatts > capWatts * 1.001) {
        diagnostics.push({
          severity: 'warning',
          code: 'over-power-cap',
          message: `${phase === prefillPlan ? 'Prefill' : 'Decode'} draws ${formatQuantity(result.chipWatts, 'watts')} per chip, above the ${formatQuantity(capWatts, 'watts')} cap, even at the lowest operating point.`,
          blockId: chip.power.capBlockId,
        });
      }
    }
    return { timing: result, throttled };
  };

  const prefillSolved = solve(prefillPlan);
  const decodeSolved = solve(decodePlan);

  const chipsActive = plan.tensor * plan.pipeline * Math.max(1, Math.min(plan.dataReplicas, workload.batch));
  const idleChipWatts = staticScaled + staticFixed;
  const systemWatts = (chipWatts: number): number =>
    chipsActive * chipWatts + (chips - chipsActive) * idleChipWatts + machine.systemStaticWatts;

  const blockNames = new Map(design.blocks.map((block) => [block.id, block.name]));
  const phaseReport = (
    phase: PhasePlan,
    solved: { timing: PhaseTiming; throttled: boolean },
    tokens: number,
  ): PhaseReport => {
    const { clockScale, seconds } = solved.timing;
    const averagePowerWatts = systemWatts(solved.timing.chipWatts);
    const energyJoules = averagePowerWatts * seconds;
    const shares: Record<Bound, number> = { compute: 0, memory: 0, communication: 0, overhead: 0 };
    const levelTime = new Array<number>(chip.levels.length).fill(0);
    let peakChipWatts = 0;
    const operators: OperatorReport[] = [];
    for (const { operator, cost } of phase.costed) {
      const one = secondsAt(cost, clockScale);
      const total = one * operator.repeat * phase.stages * phase.runsPerChip;
      const compute = cost.computeSeconds / clockScale;
      const main = Math.max(compute, cost.memorySeconds);
      const weight = operator.repeat * phase.stages * phase.runsPerChip;
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
      const dynamic =
        cost.computeJoules * solved.timing.voltageScale * solved.timing.voltageScale + cost.transferJoules;
      if (one > 0)
        peakChipWatts = Math.max(
          peakChipWatts,
          dynamic / one + staticScaled * solved.timing.voltageScale + staticFixed,
        );
      if (!full) continue;
      const bytesMoved = cost.bytesByLevel.reduce((sum, value) => sum + value, 0);
      const flops = 2 * cost.macs;
      const bound = boundAt(cost, clockScale);
      operators.push({
        id: operator.id,
        name: operator.name,
        kind: operator.kind,
        part: operator.part,
        repeat: operator.repeat,
        unitId: units[cost.unitIndex]?.id ?? '',
        seconds: total,
        computeSeconds: compute * weight,
        memorySeconds: cost.memorySeconds * weight,
        communicationSeconds: cost.communicationSeconds * weight,
        overheadSeconds: (cost.overheadSeconds + cost.latencySeconds) * weight,
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
    const totalShare = shares.compute + shares.memory + shares.communication + shares.overhead;
    const boundShares: Record<Bound, number> = {
      compute: totalShare > 0 ? shares.compute / totalShare : 0,
      memory: totalShare > 0 ? shares.memory / totalShare : 0,
      communication: totalShare > 0 ? shares.communication / totalShare : 0,
      overhead: totalShare > 0 ? shares.overhead / totalShare : 0,
    };
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
      averagePowerWatts,
      peakPowerWatts: peakChipWatts,
      energyJoules,
      energyJoulesPerToken: tokens > 0 ? energyJoules / tokens : 0,
      clockHertz: clockScale * topClock,
      operatingPoint: point?.name,
      throttled: solved.throttled,
      bound,
      boundLevelId: bound === 'memory' ? chip.levels[slowestLevel]?.id : undefined,
      boundShares,
      operators,
      blocks: full ? blockReports(chip, machine, phase, solved.timing, blockNames) : [],
    };
  };

  const prefill = phaseReport(prefillPlan, prefillSolved, workload.batch * workload.inputTokens);
  const decodePhase = phaseReport(decodePlan, decodeSolved, workload.batch);
  const decode: DecodeReport = {
    ...decodePhase,
    context: decodeContext,
    secondsPerStep: decodePhase.seconds,
  };
  // The largest batch counts the chips' own memory only: serving engines keep the KV cache on the device, not in
  // host memory shared by the system — unless the device cannot hold the weights and one sequence's KV (the model
  // then runs offloaded, and host memory is what there is).
  const deviceBytes = chip.levels.reduce(
    (sum, level, index) =>
      level.usage === 'storage' && !level.shared && chip.paths[primary]?.[index]
        ? sum + level.capacityBytes
        : sum,
    0,
  );
  const kvRoom =
    deviceBytes >= needs.weights + needs.activations + needs.kvPerSequence ? deviceBytes : storageBytes;
  const memory = memoryReport(chip, placed, needs, plan, batchPerReplica, totalContext, storageBytes, kvRoom);
  if (!memory.fits) {
    diagnostics.push({
      severity: 'error',
      code: 'does-not-fit',
      message: `${model.name} does not fit: one chip needs ${formatQuantity(memory.requiredBytesPerChip, 'bytes')} (weights ${formatQuantity(memory.weightsBytesPerChip, 'bytes')}, KV cache ${formatQuantity(memory.kvBytesPerChip, 'bytes')}) but has ${formatQuantity(memory.availableBytesPerChip, 'bytes')}. The numbers below assume the excess lives in the slowest memory.`,
    });
  }

  const parameters = parametersOf(arch);
  const report: Report = {
    format: 'tessera.report',
    version: 1,
    model: {
      id: model.id,
      name: model.name,
      parameters: parameters.total,
      activeParameters: parameters.activePerToken,
    },
    workload: { ...workload, decodeContext },
    machine: {
      chipName: chip.name,
      chips,
      computeClass: formats.weightClass,
      computeUnits: units.map((unit) => ({
        id: unit.id,
        name: unit.name,
        instances: unit.instances,
        peakBf16FlopsPerSecond: 2 * unit.macsPerCycle.bf16 * unit.instances * unit.clockHertz,
        peakFlopsPerSecond: 2 * unit.macsPerCycle[formats.weightClass] * unit.instances * unit.clockHertz,
      })),
    },
    parallelism: { ...plan },
    batchPerReplica,
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
      capWatts,
      policy: chip.power.policy,
      topClockHertz: topClock,
      systemStaticWatts: machine.systemStaticWatts,
    },
    clockHertz: decode.clockHertz,
    bottleneck: full
      ? {
          prefill: explain('Prefill', prefill, chip, 'of the time'),
          decode: explain('Decode', decode, chip, 'of each step'),
        }
      : { prefill: '', decode: '' },
    diagnostics,
  };
  return { ok: true, report };
}

function blockReports(
  chip: Chip,
  machine: Machine,
  phase: PhasePlan,
  timing: PhaseTiming,
  names: ReadonlyMap<string, string>,
): BlockReport[] {
  const seconds = timing.seconds;
  const reports: BlockReport[] = [];
  if (seconds <= 0) return reports;
  const runs = phase.runsPerChip * phase.stages;
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
      reports.push({
        blockId,
        name: names.get(blockId) ?? blockId,
        category: 'compute',
        utilization,
        averagePowerWatts: (joules * phase.runsPerChip * share) / seconds + staticWatts,
        bound: 'compute',
      });
    }
  });
  chip.levels.forEach((level, levelIndex) => {
    // Caches are not placement targets, so their traffic is not tracked; they get no utilization.
    if (level.usage === 'cache') return;
    let bytes = 0;
    let joules = 0;
    for (const { operator, cost } of phase.costed) {
      const moved = cost.bytesByLevel[levelIndex] ?? 0;
      bytes += operator.repeat * moved;
      joules +=
        operator.repeat *
        moved *
        8 *
        (chip.paths[cost.unitIndex]?.[levelIndex]?.energyJoulesPerBit ?? level.energyJoulesPerBit);
    }
    const capacity = level.bandwidthBytesPerSecond * seconds;
    const share = 1 / level.blockIds.length;
    for (const blockId of level.blockIds) {
      const staticWatts = level.shared
        ? (machine.systemBlockStaticWatts[blockId] ?? 0)
        : (chip.blockStaticWatts[blockId] ?? 0);
      reports.push({
        blockId,
        name: names.get(blockId) ?? blockId,
        category: 'memory',
        utilization: capacity > 0 ? Math.min(1, (bytes * runs) / phase.stages / capacity) : 0,
        averagePowerWatts: (joules * phase.runsPerChip * share) / seconds + staticWatts,
        bound: 'memory',
      });
    }
  });
  const listed = new Set(reports.map((report) => report.blockId));
  for (const [blockId, watts] of Object.entries(chip.blockStaticWatts)) {
    if (!listed.has(blockId))
      reports.push({
        blockId,
        name: names.get(blockId) ?? blockId,
        category: 'other',
        utilization: 0,
        averagePowerWatts: watts,
        bound: undefined,
      });
  }
  return reports;
}

function memoryReport(
  chip: Chip,
  placed: PlacementResult,
  needs: ReturnType<typeof footprint>,
  plan: Parallelism,
  batchPerReplica: number,
  context: number,
  available: number,
  kvRoom: number,
): MemoryReport {
  const required = needs.weights + needs.kv + needs.activations;
  const room = kvRoom - needs.weights - needs.activations;
  const perSequence = needs.kvPerSequence;
  const maxPerReplica = perSequence > 0 ? Math.max(0, Math.floor(room / perSequence)) : 0;
  const perToken = context > 0 ? perSequence / context : 0;
  return {
    fits: placed.overflowBytes <= 0,
    requiredBytesPerChip: required,
    availableBytesPerChip: available,
    weightsBytesPerChip: needs.weights,
    kvBytesPerChip: needs.kv,
    activationBytesPerChip: needs.activations,
    maxBatch: maxPerReplica * plan.dataReplicas,
    maxContext:
      perToken > 0 && batchPerReplica > 0 ? Math.max(0, Math.floor(room / (perToken * batchPerReplica))) : 0,
    levels: chip.levels.map((level, index) => ({
      levelId: level.id,
      name: level.name,
      usage: level.usage,
      capacityBytes: level.capacityBytes,
      used: placed.used[index] ?? { weights: 0, kv: 0, activations: 0 },
      bandwidthBytesPerSecond: level.bandwidthBytesPerSecond,
    })),
  };
}

/** One sentence: what bound the phase, how much of it, and the number behind it. */
function explain(phaseName: string, phase: PhaseReport, chip: Chip, span: string): string {
  const share = Math.round(phase.boundShares[phase.bound] * 100);
  const dominant = [...phase.operators].sort((a, b) => b.seconds - a.seconds)[0];
  switch (phase.bound) {
    case 'memory': {
      const level = chip.levels.find((candidate) => candidate.id === phase.boundLevelId);
      const bytes = phase.operators.reduce(
        (sum, operator) => ({
          weights: sum.weights + operator.bytes.weights * operator.repeat,
          kv: sum.kv + operator.bytes.kv * operator.repeat,
          activations: sum.activations + operator.bytes.activations * operator.repeat,
        }),
        { weights: 0, kv: 0, activations: 0 },
      );
      const mostly = (Object.entries(bytes) as [TensorClass, number][]).reduce((best, entry) =>
        entry[1] > best[1] ? entry : best,
      )[0];
      const memorySeconds = phase.operators.reduce((sum, operator) => sum + operator.memorySeconds, 0);
      const moved = bytes.weights + bytes.kv + bytes.activations;
      const rate = memorySeconds > 0 ? moved / memorySeconds : 0;
      const what = mostly === 'kv' ? 'the KV cache' : mostly;
      return `${phaseName} is ${level?.name ?? 'memory'}-bound: ${share} % ${span} waits on ${level?.name ?? 'memory'}, reading mostly ${what} at ${formatQuantity(rate, 'bytesPerSecond')}.`;
    }
    case 'compute': {
      const flops = phase.operators.reduce((sum, operator) => sum + operator.flops * operator.repeat, 0);
      const computeSeconds = phase.operators.reduce((sum, operator) => sum + operator.computeSeconds, 0);
      return `${phaseName} is compute-bound: ${share} % ${span} is arithmetic, running at ${formatQuantity(computeSeconds > 0 ? flops / computeSeconds : 0, 'operationsPerSecond').replace('OP/s', 'FLOP/s')} (largest: ${dominant?.name ?? '—'}).`;
    }
    case 'communication':
      return `${phaseName} is communication-bound: ${share} % ${span} is chip-to-chip traffic (${dominant?.name ?? 'collectives'}).`;
    case 'overhead': {
      const count = phase.operators.reduce((sum, operator) => sum + operator.repeat, 0);
      return `${phaseName} is overhead-bound: ${share} % ${span} is fixed per-operator cost (dispatch and latency of about ${Math.round(count)} operators).`;
    }
  }
}
