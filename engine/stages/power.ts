/**
 * Stage 7 of the engine, **power**: the clock, voltage, time and energy of each phase — the `PoweredGraph`.
 *
 * - Dynamic energy: every MAC and element-wise operation at its energy, scaled by (V / V_top)² (E ∝ C·V²), plus
 *   every bit moved at its path's energy per bit (memory and links are on their own supplies: not scaled).
 * - Static power: every block's leakage, scaled by V / V_top (leakage current roughly constant over the DVFS
 *   range, so P ∝ V); DRAM and host power not scaled.
 * - Voltage: the domain's continuous V/f curve (`engine/vf-curve.ts`): its operating points, extended below the
 *   lowest by the alpha-power law down to a floor clock; a chip without a domain has one point, its unit's clock
 *   at the node's nominal voltage.
 * - Clock: the workload's operating point (else the top one), but never above the units' own clocks — when every
 *   unit is clocked below the operating point, the domain runs at the fastest unit's clock and at the voltage the
 *   curve gives there (`anchorClock`). With the
 *   adaptive policy, the lowest clock on the curve that keeps the phase within 1 % of its time. Under an enforced
 *   cap, the highest clock on the curve whose average power per chip fits (bisection); when even the floor clock
 *   draws too much, the unit stalls part of the time (duty cycle) so that it fits. Only a cap below the chip's
 *   static power cannot be met (a warning); a cap with enforcement off is only reported when exceeded.
 * - System power: the chips running the phase, the chips idling beside them, and the system's blocks.
 */
import type { Diagnostic } from '../diagnostics';
import {
  selectedOperatingPoint,
  type DvfsPolicy,
  type ExtraDomain,
  type Machine,
  type OperatingPoint,
} from '../machine';
import { vfCurve, type VfCurve } from '../vf-curve';
import type { Workload } from '../schema/workload';
import { formatQuantity } from '../units';
import { secondsAt, type CostedGraph, type CostedPhase } from './cost';
import { domainScales, extraLeakageWatts, secondsAtDomains } from './dvfs';
import type { Plan } from './plan';
import { chooseClocks, idleChipWatts, type ComputeClocks, type DomainClock, type PhaseChoice } from './dvfs';

/**
 * The adaptive policy may stretch a phase by this much to run at a lower clock: a compute-bound phase keeps its
 * clock, a memory-bound one drops to where compute starts to show.
 */
const ADAPTIVE_SLACK = 1.01;

/** A cap counts as met within this tolerance (the bisection stops at a clock step of 1e-5 of the top clock). */
const CAP_TOLERANCE = 1.001;

/**
 * Bisection bounds, as fractions of the top clock: the adaptive policy stops within 1e-4 (0.18 MHz on a 1.83 GHz
 * part; 30 halvings of the whole range reach 1e-9), the cap within 1e-5 (40 halvings reach 1e-12). Both are far
 * below the step between real operating points.
 */
export { voltageAt } from '../vf-curve';

const ADAPTIVE_STEP = 1e-4;
const ADAPTIVE_HALVINGS = 30;
const CAP_STEP = 1e-5;
const CAP_HALVINGS = 40;

/** One phase at one clock. */
export interface PhaseTiming {
  /** Clock of the units / the clock their costs were computed at (the primary unit's own clock). */
  clockScale: number;
  /** Voltage / top voltage at that clock. */
  voltageScale: number;
  /** The domain's clock (the V/f curve's axis) while the units run, in hertz. */
  clockHertz: number;
  /** The domain's supply voltage at that clock, in volts. */
  voltageVolts: number;
  /** Share of the time the unit runs; below 1 it stalls the rest to meet a cap below the floor clock's power. */
  dutyCycle: number;
  seconds: number;
  /** Energy of one chip over the phase (dynamic + static). */
  chipJoules: number;
  chipWatts: number;
  /** Static power of one chip at these clocks (every domain's leakage at its voltage, and the unscaled rest). */
  staticWatts: number;
}

export interface PoweredPhase {
  costed: CostedPhase;
  timing: PhaseTiming;
  /** The cap lowered the clock (or stalled the unit). */
  throttled: boolean;
  /** Average power of the whole system over the phase. */
  systemWatts: number;
  /** Each domain's clock and why the policy chose it, and the phase at the top clocks (always set by `power`). */
  choice?: PhaseChoice;
}

/** The power stage's answer: each phase at the clock it runs at. */
export interface PoweredGraph {
  prefill: PoweredPhase;
  decode: PoweredPhase;
  /** The operating point the clock was chosen from. */
  operatingPoint: OperatingPoint | undefined;
  /**
   * The cap per chip that applied (a cap block, the system cap's share, or the operating point's own); a cap with
   * enforcement off when no enforced one applies.
   */
  capWatts: number | undefined;
  /** Whether `capWatts` lowers the clock (false: only reported). */
  capEnforced: boolean;
  /** The top of the domain's V/f curve. */
  topClockHertz: number;
  /** The policy the domains ran (the workload's, else the compute domain's); always set by `power`. */
  policy?: DvfsPolicy;
  /** Power of the whole system idle between requests, and how it was found; always set by `power`. */
  idle?: {
    systemWatts: number;
    chipWatts: number;
    basis: string;
    /** The clock each domain idles at (compute first): the floor, or the held clock under `fixed`. */
    clocksHertz: number[];
  };
}

export function power(
  machine: Machine,
  costed: CostedGraph,
  plan: Plan,
  workload: Workload,
  diagnostics: Diagnostic[],
  /**
   * `explain: false` (the sweep's figures path) leaves out each phase's `choice` — why the policy chose its clocks
   * and the phase at the top clocks — which only the report's `dvfs` section reads; every timing is the same.
   */
  options: { explain?: boolean } = {},
): PoweredGraph {
  const explain = options.explain !== false;
  const { chip } = machine;
  const points = chip.power.operatingPoints;
  const top = points[0];
  if (
    workload.operatingPoint !== undefined &&
    !points.some((point) => point.name === workload.operatingPoint)
  )
    diagnostics.push({
      severity: 'warning',
      code: 'unknown-operating-point',
      message: `Operating point "${workload.operatingPoint}" is not in the power domain; using "${top?.name ?? 'the units’ own clocks'}".`,
      blockId: chip.power.domainBlockId,
    });
  const point = selectedOperatingPoint(chip.power, workload.operatingPoint);
  const caps = [chip.power.capWatts, point && point.capWatts > 0 ? point.capWatts : undefined].filter(
    (value): value is number => value !== undefined,
  );
  const capWatts = caps.length > 0 ? Math.min(...caps) : undefined;
  const advisoryWatts =
    chip.power.advisoryCapWatts !== undefined &&
    (capWatts === undefined || chip.power.advisoryCapWatts < capWatts)
      ? chip.power.advisoryCapWatts
      : undefined;
  const unitClockHertz = chip.units[plan.primaryUnit]?.clockHertz ?? top?.clockHertz ?? 1;
  const curve = vfCurve(points, unitClockHertz, chip.power.vf);
  const anchorHertz = anchorClock(
    chip.units.map((unit) => unit.clockHertz),
    curve.topClockHertz,
  );
  const primary = chip.units[plan.primaryUnit];
  if (top && primary && chip.units.every((unit) => unit.clockHertz > curve.topClockHertz))
    diagnostics.push({
      severity: 'info',
      code: 'clock-above-domain',
      message: `${primary.name} is clocked at ${formatQuantity(primary.clockHertz, 'hertz')}, above the top operating point of the power domain (${formatQuantity(curve.topClockHertz, 'hertz')}): it runs at its own clock with that point's voltage, and the report shows the domain's clock. Add an operating point at its clock to model the voltage it needs.`,
      blockId: chip.power.domainBlockId,
    });
  const selectedHertz = Math.min(point?.clockHertz ?? curve.topClockHertz, anchorHertz);
  const clocks: Clocks = {
    curve,
    anchorHertz,
    selectedHertz,
    floorHertz: Math.min(curve.floorClockHertz, selectedHertz),
  };
  const policy = workload.dvfsPolicy ?? chip.power.policy;
  const extraDomains = chip.power.dvfs?.extraDomains ?? [];
  const extraCurves = extraDomains.map((domain) => ({
    domain,
    curve: vfCurve(domain.operatingPoints, domain.operatingPoints[0]?.clockHertz ?? 1, chip.power.vf),
  }));
  const solve = (phase: CostedPhase, name: string, targetSeconds: number | undefined): PoweredPhase => {
    // Flattened from the second timing on: most phases are timed once or twice, a bisection some twenty times.
    let timings = 0;
    let flatten: Float64Array | undefined;
    const flat = (): Float64Array | undefined => {
      timings += 1;
      if (timings > 1) flatten ??= flatPhase(phase);
      return flatten;
    };
    const choice = chooseClocks({
      policy,
      domainPolicy: (domain) => workload.dvfsPolicy ?? domain.policy,
      clocks,
      extras: extraCurves,
      targetSeconds,
      phaseName: name,
      timingAt: (clockHertz, extras) => timingOf(machine, clocks, phase, clockHertz, 1, extras, flat()),
      adaptiveClock: (secondsAt) => adaptiveClock(clocks, secondsAt),
      diagnostics,
      domainBlockId: chip.power.domainBlockId,
    });
    const extras = choice.extras;
    const timing = (candidate: number, dutyCycle = 1) =>
      timingOf(machine, clocks, phase, candidate, dutyCycle, extras, flat());
    const clockHertz = choice.computeHertz;
    const atClock = timing(clockHertz);
    let result = atClock;
    let throttled = false;
    if (capWatts !== undefined && atClock.chipWatts > capWatts) {
      result = cappedTiming(clocks, clockHertz, capWatts, timing);
      throttled = true;
      if (result.chipWatts > capWatts * CAP_TOLERANCE)
        diagnostics.push({
          severity: 'warning',
          code: 'over-power-cap',
          message: `${name} draws ${formatQuantity(result.chipWatts, 'watts')} per chip, above the ${formatQuantity(capWatts, 'watts')} cap, even with the unit stalled at its lowest clock: the chip's static power alone exceeds the cap.`,
          blockId: chip.power.capBlockId,
        });
    }
    if (advisoryWatts !== undefined && result.chipWatts > advisoryWatts * CAP_TOLERANCE)
      diagnostics.push({
        severity: 'warning',
        code: 'over-power-cap',
        message: `${name} draws ${formatQuantity(result.chipWatts, 'watts')} per chip, above the ${formatQuantity(advisoryWatts, 'watts')} cap; the cap is not enforced, so the clock is not lowered to meet it.`,
        blockId: chip.power.advisoryCapBlockId,
      });
    if (!explain) return { costed: phase, timing: result, throttled, systemWatts: systemWatts(result) };
    // At the top clocks already (a fixed policy at the top point, no cap reached): the phase as run is the top.
    const atTop =
      !throttled &&
      clockHertz === clocks.anchorHertz &&
      extras.every((extra) => extra.clockHertz === extra.curve.topClockHertz);
    const top = atTop
      ? atClock
      : timingOf(machine, clocks, phase, clocks.anchorHertz, 1, topClocks(extraCurves), flat());
    return {
      costed: phase,
      timing: result,
      throttled,
      systemWatts: systemWatts(result),
      choice: {
        ...choice.report,
        computeClockHertz: result.clockHertz,
        computeVoltageVolts: result.voltageVolts,
        throttledReason: throttled
          ? `lowered to ${formatQuantity(result.clockHertz, 'hertz')} to fit the ${formatQuantity(capWatts ?? 0, 'watts')} cap`
          : undefined,
        topSeconds: top.seconds,
        topChipJoules: top.chipJoules,
        topSystemWatts: systemWatts(top),
        topClockHertz: clocks.anchorHertz,
      },
    };
  };
  const { parallelism } = plan;
  const chipsActive =
    parallelism.tensor *
    parallelism.pipeline *
    Math.max(1, Math.min(parallelism.dataReplicas, workload.batch));
  const waitingChipWatts = chip.power.staticScaledWatts + chip.power.staticFixedWatts;
  const systemWatts = (result: PhaseTiming): number =>
    chipsActive * result.chipWatts +
    (chip.count - chipsActive) * waitingChipWatts +
    machine.systemStaticWatts;
  const dvfs = chip.power.dvfs;
  const prefill = solve(costed.prefill, 'Prefill', workload.ttftTargetSeconds ?? dvfs?.ttftTargetSeconds);
  const decode = solve(costed.decode, 'Decode', workload.tpotTargetSeconds ?? dvfs?.tpotTargetSeconds);
  const idle = idleChipWatts({
    policy,
    power: chip.power,
    curve,
    floorHertz: clocks.floorHertz,
    heldVoltageScale: decode.timing.voltageScale,
    extras: extraCurves,
  });
  const idleSystemWatts = chip.count * idle.chipWatts + machine.systemStaticWatts;
  return {
    prefill,
    decode,
    operatingPoint: point,
    capWatts: capWatts ?? advisoryWatts,
    capEnforced: capWatts !== undefined,
    topClockHertz: curve.topClockHertz,
    policy,
    idle: {
      systemWatts: idleSystemWatts,
      chipWatts: idle.chipWatts,
      basis: idle.basis,
      clocksHertz:
        policy === 'fixed'
          ? [decode.timing.clockHertz, ...(decode.choice?.extras ?? []).map((extra) => extra.clockHertz)]
          : [clocks.floorHertz, ...extraCurves.map(({ curve: own }) => own.floorClockHertz)],
    },
  };
}

/** Every extra domain at its top clock. */
function topClocks(extras: readonly { domain: ExtraDomain; curve: VfCurve }[]): DomainClock[] {
  return extras.map(({ domain, curve }) => ({
    domain,
    curve,
    clockHertz: curve.topClockHertz,
    voltageVolts: curve.topVoltageVolts,
  }));
}

/**
 * The clock on the domain's curve at which the units run at their own clocks (the clocks their costs assume): the
 * fastest unit clocked at or below the curve's top — the top itself unless every such unit is set below it (an
 * H100 whose SMs are set to 1 GHz runs at 1 GHz, at the voltage the curve gives there). Units clocked above the top
 * (CPU cores in a domain whose points are the GPU's clocks) keep their ratio to the curve and do not move it.
 */
export function anchorClock(unitClocksHertz: readonly number[], topClockHertz: number): number {
  const below = unitClocksHertz.filter((clock) => clock > 0 && clock <= topClockHertz);
  return below.length > 0 ? Math.max(...below) : topClockHertz;
}

type Clocks = ComputeClocks;

/** Numbers per operator in `flatPhase`. */
const FLAT = 8;

/**
 * A phase's operators as one array of numbers (repeat, overhead, compute, memory, latency, communication seconds,
 * compute and transfer joules), read many times when a cap or a policy bisects the clock: the same numbers in the
 * same order as the objects, so every sum is the same to the last bit, without walking two objects per operator.
 */
function flatPhase(phase: CostedPhase): Float64Array {
  const flat = new Float64Array(phase.costed.length * FLAT);
  let offset = 0;
  for (const { operator, cost } of phase.costed) {
    flat[offset] = operator.repeat;
    flat[offset + 1] = cost.overheadSeconds;
    flat[offset + 2] = cost.computeSeconds;
    flat[offset + 3] = cost.memorySeconds;
    flat[offset + 4] = cost.latencySeconds;
    flat[offset + 5] = cost.communicationSeconds;
    flat[offset + 6] = cost.computeJoules;
    flat[offset + 7] = cost.transferJoules;
    offset += FLAT;
  }
  return flat;
}

/**
 * One phase at a clock on the curve (and a duty cycle: the share of the time the unit runs, the rest stalled): time,
 * and one chip's energy at the voltage that clock needs. `flat` is `flatPhase(phase)`; the loop over it is
 * `secondsAt` and the energy written out, term for term.
 */
function timingOf(
  machine: Machine,
  clocks: Clocks,
  phase: CostedPhase,
  clockHertz: number,
  dutyCycle = 1,
  extras: readonly DomainClock[] = [],
  flat?: Float64Array,
): PhaseTiming {
  const { chip } = machine;
  const clockScale = clockHertz / clocks.anchorHertz;
  const voltageVolts = clocks.curve.voltageAt(clockHertz);
  const voltageScale = voltageVolts / clocks.curve.topVoltageVolts;
  let stageSeconds = 0;
  let dynamic = 0;
  if (extras.length === 0 && flat)
    for (let offset = 0; offset < flat.length; offset += FLAT) {
      const repeat = flat[offset] as number;
      stageSeconds +=
        repeat *
        ((flat[offset + 1] as number) +
          Math.max((flat[offset + 2] as number) / clockScale, flat[offset + 3] as number) +
          (flat[offset + 4] as number) +
          (flat[offset + 5] as number));
      dynamic +=
        repeat * ((flat[offset + 6] as number) * voltageScale * voltageScale + (flat[offset + 7] as number));
    }
  else if (extras.length === 0)
    for (const { operator, cost } of phase.costed) {
      stageSeconds += operator.repeat * secondsAt(cost, clockScale);
      dynamic += operator.repeat * (cost.computeJoules * voltageScale * voltageScale + cost.transferJoules);
    }
  else {
    const scales = domainScales(extras);
    for (const { operator, cost } of phase.costed) {
      stageSeconds += operator.repeat * secondsAtDomains(cost, clockScale, scales);
      const transferScale = operator.kind === 'collective' ? scales.networkEnergy : scales.memoryEnergy;
      dynamic +=
        operator.repeat *
        (cost.computeJoules * voltageScale * voltageScale + cost.transferJoules * transferScale);
    }
  }
  const seconds = (phase.stages * stageSeconds + phase.extraSeconds) / dutyCycle;
  const ownLeakage = chip.power.dvfs?.leakageWatts ?? 0;
  const staticWatts =
    (chip.power.staticScaledWatts + ownLeakage) * voltageScale +
    chip.power.staticFixedWatts +
    extraLeakageWatts(extras);
  const chipJoules = phase.runsPerChip * dynamic + staticWatts * seconds;
  return {
    staticWatts,
    clockScale,
    voltageScale,
    clockHertz,
    voltageVolts,
    dutyCycle,
    seconds,
    chipJoules,
    chipWatts: seconds > 0 ? chipJoules / seconds : 0,
  };
}

/** The adaptive policy: the lowest clock that keeps the phase within `ADAPTIVE_SLACK` of its time (bisection). */
function adaptiveClock(clocks: Clocks, secondsAtClock: (clockHertz: number) => number): number {
  const target = secondsAtClock(clocks.selectedHertz) * ADAPTIVE_SLACK;
  const step = ADAPTIVE_STEP * clocks.curve.topClockHertz;
  let low = clocks.floorHertz;
  let high = clocks.selectedHertz;
  if (secondsAtClock(low) <= target) high = low;
  for (let iteration = 0; iteration < ADAPTIVE_HALVINGS && high - low > step; iteration += 1) {
    const middle = (low + high) / 2;
    if (secondsAtClock(middle) <= target) high = middle;
    else low = middle;
  }
  return high;
}

/**
 * The phase under a cap it exceeds at `clockHertz`: the highest clock on the curve between the floor and
 * `clockHertz` whose average power per chip fits (bisection). When even the floor draws too much, the unit stalls
 * part of the time at the floor clock: over the time stretched to T / d the dynamic energy E stays and the static
 * power P_s runs on, so the average power is d · E / T + P_s, and d = (cap − P_s) / (E / T). A cap at or below the
 * static power cannot be met: the floor clock, unstalled.
 */
function cappedTiming(
  clocks: Clocks,
  clockHertz: number,
  capWatts: number,
  timingAt: (clockHertz: number, dutyCycle?: number) => PhaseTiming,
): PhaseTiming {
  const floor = timingAt(clocks.floorHertz);
  if (floor.chipWatts > capWatts) {
    const staticWatts = floor.staticWatts;
    const dynamicWatts = floor.chipWatts - staticWatts;
    if (capWatts <= staticWatts || !(dynamicWatts > 0)) return floor;
    return timingAt(clocks.floorHertz, (capWatts - staticWatts) / dynamicWatts);
  }
  const step = CAP_STEP * clocks.curve.topClockHertz;
  let low = clocks.floorHertz;
  let high = clockHertz;
  for (let iteration = 0; iteration < CAP_HALVINGS && high - low > step; iteration += 1) {
    const middle = (low + high) / 2;
    if (timingAt(middle).chipWatts <= capWatts) low = middle;
    else high = middle;
  }
  const atHigh = timingAt(high);
  return atHigh.chipWatts <= capWatts ? atHigh : timingAt(low);
}
