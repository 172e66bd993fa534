/**
 * The DVFS policies of the power stage (`power.ts`): per phase, each voltage/frequency domain's clock, and why.
 *
 * - Domains: the compute domain (the chip's V/f curve) and, beside it, a memory and an interconnect domain
 *   (`ExtraDomain`), each on its own curve (`vf-curve.ts`). A memory domain at clock f stretches memory time by
 *   f_top / f (DRAM bandwidth is its interface clock × bus width, e.g. JEDEC JESD209-5 LPDDR5: data rate = 2 × WCK
 *   per pin) and scales memory transfer energy by (V / V_top)² (I/O and array energy C·V², Rabaey et al., Digital
 *   Integrated Circuits, 2nd ed., eq. 5.33); an interconnect domain does the same to chip-to-chip collectives.
 *   Each domain's own leakage scales ∝ V (subthreshold current about constant over the DVFS range, ibid. ch. 5).
 * - Policies: fixed (the chosen point; extra domains at their top), adaptive (the lowest clock within 1 % of the
 *   phase's time at the top), race-to-idle (the top clock: finish, then idle at idle power; Miyoshi et al., "Critical
 *   power slope", ICS 2002, compare it with slowing down), least-energy (the clock with the least energy whose
 *   phase time meets the target: TTFT for prefill, TPOT for decode), max-throughput (the top clock, lowered only
 *   by the power cap, which the power stage applies to every policy).
 * - Least energy is searched on a grid of the curve (`GRID_POINTS` clocks from the floor to the top, plus the
 *   operating points), one domain at a time (compute, then the others, then compute again): each step keeps the
 *   current clock as a candidate, so the energy never rises above the top clocks' and the target is never broken
 *   once met.
 * - Idle: a chip between requests draws its static power — at the floor clock's voltage when the policy drops the
 *   clock when idle, at the running voltage under `fixed` (the voltage is held) — or the domain's measured idle
 *   power when given.
 */
import type { Diagnostic } from '../diagnostics';
import type { ChipPower, DvfsPolicy, ExtraDomain } from '../machine';
import { formatQuantity } from '../units';
import type { VfCurve } from '../vf-curve';
import type { DvfsDomainPoint } from '../report';
import type { OperatorCost } from './cost';

/** Clocks a least-energy search tries on one curve, from the floor to the top, evenly spaced (plus the points). */
export const GRID_POINTS = 48;

/** The adaptive policy's slack on an extra domain, as on the compute domain (`power.ts`, `ADAPTIVE_SLACK`). */
const ADAPTIVE_SLACK = 1.01;

/** A target counts as met within this relative tolerance (rounding of sums of many operators). */
const TARGET_TOLERANCE = 1e-9;

/** The compute domain's clocks (`power.ts`). */
export interface ComputeClocks {
  curve: VfCurve;
  /** The point on the curve where the units run at the clocks their costs were computed at (scale 1). */
  anchorHertz: number;
  /** The clock the workload's operating point gives (never above the anchor). */
  selectedHertz: number;
  /** The lowest clock on the curve the phase may run at before stalling. */
  floorHertz: number;
}

/** An extra domain at a clock. */
export interface DomainClock {
  domain: ExtraDomain;
  curve: VfCurve;
  clockHertz: number;
  voltageVolts: number;
}

/** How the extra domains' clocks stretch time and scale energy. */
export interface DomainScales {
  /** Memory time × f_top / f of the memory domain (1 without one). */
  memoryTime: number;
  /** Memory transfer energy × (V / V_top)² of the memory domain. */
  memoryEnergy: number;
  /** Collective time × f_top / f of the interconnect domain. */
  networkTime: number;
  /** Collective transfer energy × (V / V_top)² of the interconnect domain. */
  networkEnergy: number;
}

export function domainScales(extras: readonly DomainClock[]): DomainScales {
  const scales: DomainScales = { memoryTime: 1, memoryEnergy: 1, networkTime: 1, networkEnergy: 1 };
  for (const { domain, curve, clockHertz, voltageVolts } of extras) {
    const time = clockHertz > 0 ? curve.topClockHertz / clockHertz : 1;
    const voltage = curve.topVoltageVolts > 0 ? voltageVolts / curve.topVoltageVolts : 1;
    if (domain.kind === 'memory') {
      scales.memoryTime = time;
      scales.memoryEnergy = voltage * voltage;
    } else {
      scales.networkTime = time;
      scales.networkEnergy = voltage * voltage;
    }
  }
  return scales;
}

/** One run's time with the compute clock at `clockScale` and the extra domains at `scales` (`cost.ts`, `secondsAt`). */
export function secondsAtDomains(cost: OperatorCost, clockScale: number, scales: DomainScales): number {
  return (
    cost.overheadSeconds +
    Math.max(cost.computeSeconds / clockScale, cost.memorySeconds * scales.memoryTime) +
    cost.latencySeconds +
    cost.communicationSeconds * scales.networkTime
  );
}

/** The extra domains' own leakage at their voltages (∝ V), per chip. */
export function extraLeakageWatts(extras: readonly DomainClock[]): number {
  let watts = 0;
  for (const { domain, curve, voltageVolts } of extras)
    if (curve.topVoltageVolts > 0) watts += (domain.leakageWatts * voltageVolts) / curve.topVoltageVolts;
  return watts;
}

/** One domain's clock in a phase, and why: the report's `DvfsDomainPoint`, written once. */
export type DomainChoice = DvfsDomainPoint;

/** What the policy chose for one phase (the power stage completes it with the clock after the cap). */
export interface PhaseChoice {
  policy: DvfsPolicy;
  /** The phase's target (TTFT for prefill, TPOT for decode), when one is set. */
  targetSeconds: number | undefined;
  /** Whether the phase meets its target at the chosen clocks (true without a target). */
  targetMet: boolean;
  computeReason: string;
  extras: DomainChoice[];
  /** The compute clock and voltage the phase ran at (after the cap). */
  computeClockHertz: number;
  computeVoltageVolts: number;
  /** Why the cap lowered the clock, when it did. */
  throttledReason: string | undefined;
  /** The phase with every domain at its top clock: time, one chip's energy, system power. */
  topSeconds: number;
  topChipJoules: number;
  topSystemWatts: number;
  topClockHertz: number;
}

interface Timed {
  seconds: number;
  chipJoules: number;
}

export interface ClockChoiceInput {
  policy: DvfsPolicy;
  domainPolicy: (domain: ExtraDomain) => DvfsPolicy;
  clocks: ComputeClocks;
  extras: readonly { domain: ExtraDomain; curve: VfCurve }[];
  targetSeconds: number | undefined;
  /** `Prefill` or `Decode`. */
  phaseName: string;
  timingAt: (computeHertz: number, extras: readonly DomainClock[]) => Timed;
  adaptiveClock: (secondsAt: (computeHertz: number) => number) => number;
  diagnostics: Diagnostic[];
  domainBlockId: string | undefined;
}

/** The clocks a policy picks for one phase, before the cap. */
export function chooseClocks(input: ClockChoiceInput): {
  computeHertz: number;
  extras: DomainClock[];
  report: Omit<
    PhaseChoice,
    | 'computeClockHertz'
    | 'computeVoltageVolts'
    | 'throttledReason'
    | 'topSeconds'
    | 'topChipJoules'
    | 'topSystemWatts'
    | 'topClockHertz'
  >;
} {
  const { clocks, policy, targetSeconds, timingAt } = input;
  const metric = input.phaseName === 'Prefill' ? 'TTFT' : 'TPOT';
  let extras: DomainClock[] = input.extras.map(({ domain, curve }) => at(domain, curve, curve.topClockHertz));
  let computeHertz = clocks.selectedHertz;
  // The phase at the top clocks; only targets and per-domain policies ask for it (a sweep of fixed clocks never does).
  const topExtras = extras;
  let baseMemo: number | undefined;
  const base = (): number => (baseMemo ??= timingAt(clocks.selectedHertz, topExtras).seconds);
  // A target out of reach at the top clocks becomes "no slower than the top clocks": a domain that does not bound
  // the phase (memory in a compute-bound prefill) still slows down.
  const limitSeconds = targetSeconds === undefined ? undefined : Math.max(targetSeconds, base());
  const meets = (seconds: number) =>
    limitSeconds === undefined || seconds <= limitSeconds * (1 + TARGET_TOLERANCE);
  const reachable = targetSeconds === undefined || base() <= targetSeconds * (1 + TARGET_TOLERANCE);
  const targetText =
    targetSeconds === undefined
      ? `no ${metric} target`
      : reachable
        ? `${metric} ≤ ${formatQuantity(targetSeconds, 'seconds')}`
        : `time within 1 % of the top clocks’ (the ${metric} target of ${formatQuantity(targetSeconds, 'seconds')} is out of reach)`;
  let computeReason = '';
  const chooseCompute = () => {
    switch (policy) {
      case 'adaptive':
        computeHertz = input.adaptiveClock((hertz) => timingAt(hertz, extras).seconds);
        computeReason = `the lowest clock that keeps ${input.phaseName.toLowerCase()} within 1 % of its time at ${formatQuantity(clocks.selectedHertz, 'hertz')}`;
        return;
      case 'least-energy':
        computeHertz = leastEnergy(
          grid(clocks.floorHertz, clocks.selectedHertz, []),
          computeHertz,
          (hertz) => timingAt(hertz, extras),
          meets,
        );
        computeReason = `the least energy with ${targetText}`;
        return;
      case 'race-to-idle':
        computeHertz = clocks.selectedHertz;
        computeReason = 'race to idle: the top clock, then idle at idle power';
        return;
      case 'max-throughput':
        computeHertz = clocks.selectedHertz;
        computeReason = 'the highest clock the power cap allows';
        return;
      default:
        computeHertz = clocks.selectedHertz;
        computeReason = 'fixed at the chosen operating point';
    }
  };
  chooseCompute();
  const reasons: string[] = extras.map(() => '');
  let refine = false;
  extras = extras.map((current, index) => {
    const { domain, curve } = current;
    const own = input.domainPolicy(domain);
    const others = (clock: DomainClock) => extras.map((extra, j) => (j === index ? clock : extra));
    const candidates = grid(curve.floorClockHertz, curve.topClockHertz, domain.operatingPoints);
    if (own === 'least-energy') {
      refine = true;
      const hertz = leastEnergy(
        candidates,
        current.clockHertz,
        (clock) => timingAt(computeHertz, others(at(domain, curve, clock))),
        meets,
      );
      reasons[index] = `the least energy with ${targetText}`;
      const chosen = at(domain, curve, hertz);
      extras = others(chosen);
      return chosen;
    }
    if (own === 'adaptive') {
      refine = true;
      const limit = base() * ADAPTIVE_SLACK;
      const fits = candidates.filter(
        (clock) => timingAt(computeHertz, others(at(domain, curve, clock))).seconds <= limit,
      );
      const hertz = fits.length > 0 ? Math.min(...fits) : curve.topClockHertz;
      reasons[index] =
        `the lowest clock that keeps ${input.phaseName.toLowerCase()} within 1 % of its time at the top`;
      const chosen = at(domain, curve, hertz);
      extras = others(chosen);
      return chosen;
    }
    reasons[index] = own === 'race-to-idle' ? 'race to idle: the top clock, then idle' : 'the top clock';
    return current;
  });
  if (refine && policy === 'least-energy') chooseCompute();
  const targetMet =
    targetSeconds === undefined ||
    timingAt(computeHertz, extras).seconds <= targetSeconds * (1 + TARGET_TOLERANCE);
  if (!reachable && targetSeconds !== undefined && (policy === 'least-energy' || refine))
    input.diagnostics.push({
      severity: 'warning',
      code: 'dvfs-target-missed',
      message: `${input.phaseName} takes ${formatQuantity(base(), 'seconds')} even at the top clocks, above the ${metric} target of ${formatQuantity(targetSeconds, 'seconds')}: the least-energy policy stays within 1 % of the top clocks' time.`,
      blockId: input.domainBlockId,
    });
  return {
    computeHertz,
    extras,
    report: {
      policy,
      targetSeconds,
      targetMet,
      computeReason,
      extras: extras.map(({ domain, curve, clockHertz, voltageVolts }, index) => ({
        kind: domain.kind,
        blockId: domain.blockId,
        name: domain.name,
        clockHertz,
        voltageVolts,
        topClockHertz: curve.topClockHertz,
        reason: reasons[index] ?? '',
      })),
    },
  };
}

function at(domain: ExtraDomain, curve: VfCurve, clockHertz: number): DomainClock {
  return { domain, curve, clockHertz, voltageVolts: curve.voltageAt(clockHertz) };
}

/** `GRID_POINTS` clocks from `floor` to `top`, and the operating points between them, highest first, no repeats. */
export function grid(
  floorHertz: number,
  topHertz: number,
  points: readonly { clockHertz: number }[],
): number[] {
  const low = Math.min(floorHertz, topHertz);
  const clocks = new Set<number>([topHertz]);
  if (topHertz > low)
    for (let index = 0; index < GRID_POINTS; index += 1)
      clocks.add(low + ((topHertz - low) * index) / (GRID_POINTS - 1));
  for (const point of points)
    if (point.clockHertz >= low && point.clockHertz <= topHertz) clocks.add(point.clockHertz);
  return [...clocks].sort((a, b) => b - a);
}

/**
 * The clock with the least energy among `candidates` that meets the target, keeping `current` unless one is
 * strictly better; when nothing meets the target, the fastest candidate.
 */
export function leastEnergy(
  candidates: readonly number[],
  current: number,
  timed: (clockHertz: number) => Timed,
  meets: (seconds: number) => boolean,
): number {
  const now = timed(current);
  let best = meets(now.seconds) ? { hertz: current, joules: now.chipJoules } : undefined;
  for (const hertz of candidates) {
    const candidate = timed(hertz);
    if (!meets(candidate.seconds)) continue;
    if (best === undefined || candidate.chipJoules < best.joules * (1 - 1e-12))
      best = { hertz, joules: candidate.chipJoules };
  }
  return best?.hertz ?? Math.max(current, ...candidates);
}

/** One chip's power idle between requests, and how it was found. */
export function idleChipWatts(input: {
  policy: DvfsPolicy;
  power: ChipPower;
  curve: VfCurve;
  floorHertz: number;
  /** The compute domain's voltage / top voltage while decoding (what `fixed` holds when idle). */
  heldVoltageScale: number;
  extras: readonly { domain: ExtraDomain; curve: VfCurve }[];
}): { chipWatts: number; basis: string } {
  const { power, curve } = input;
  const measured = power.dvfs?.idlePowerWatts;
  if (measured !== undefined)
    return { chipWatts: measured, basis: 'the measured idle power of one chip (the domain’s Idle power)' };
  const scaled = power.staticScaledWatts + (power.dvfs?.leakageWatts ?? 0);
  if (input.policy === 'fixed') {
    const extras = input.extras.map(({ domain, curve: own }) => at(domain, own, own.topClockHertz));
    return {
      chipWatts: scaled * input.heldVoltageScale + power.staticFixedWatts + extraLeakageWatts(extras),
      basis:
        'leakage at the running voltage (a fixed operating point holds its voltage when idle) and the unscaled static power',
    };
  }
  const floorScale =
    curve.topVoltageVolts > 0 ? curve.voltageAt(input.floorHertz) / curve.topVoltageVolts : 1;
  const extras = input.extras.map(({ domain, curve: own }) => at(domain, own, own.floorClockHertz));
  return {
    chipWatts: scaled * floorScale + power.staticFixedWatts + extraLeakageWatts(extras),
    basis: `leakage at the floor clock’s voltage (${formatQuantity(curve.voltageAt(input.floorHertz), 'volts')}) and the unscaled static power (DRAM)`,
  };
}
