/**
 * Stage 7 of the engine, **power**: the clock, voltage, time and energy of each phase — the `PoweredGraph`.
 *
 * - Dynamic energy: every MAC and element-wise operation at its energy, scaled by (V / V_top)² (E ∝ C·V²), plus
 *   every bit moved at its path's energy per bit (memory and links are on their own supplies: not scaled).
 * - Static power: every block's leakage, scaled by V / V_top (leakage current roughly constant over the DVFS
 *   range, so P ∝ V); DRAM and host power not scaled.
 * - Clock: the workload's operating point (else the top one). With the adaptive policy, the lowest clock that
 *   keeps the phase within 1 % of its time. Under a cap, the clock — and the voltage, interpolated along the
 *   operating points — is lowered by bisection until the phase's average power per chip fits (a compute-bound
 *   phase on a 700 W part runs well below its top clock); a cap that cannot be met is a warning.
 * - System power: the chips running the phase, the chips idling beside them, and the system's blocks.
 */
import type { Diagnostic } from '../diagnostics';
import { selectedOperatingPoint, type Machine, type OperatingPoint } from '../machine';
import type { Workload } from '../schema/workload';
import { formatQuantity } from '../units';
import { secondsAt, type CostedGraph, type CostedPhase } from './cost';
import type { Plan } from './plan';

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
const ADAPTIVE_STEP = 1e-4;
const ADAPTIVE_HALVINGS = 30;
const CAP_STEP = 1e-5;
const CAP_HALVINGS = 40;

/** One phase at one clock. */
export interface PhaseTiming {
  /** Clock / top clock. */
  clockScale: number;
  /** Voltage / top voltage at that clock. */
  voltageScale: number;
  seconds: number;
  /** Energy of one chip over the phase (dynamic + static). */
  chipJoules: number;
  chipWatts: number;
}

export interface PoweredPhase {
  costed: CostedPhase;
  timing: PhaseTiming;
  /** The cap lowered the clock. */
  throttled: boolean;
  /** Average power of the whole system over the phase. */
  systemWatts: number;
}

/** The power stage's answer: each phase at the clock it runs at. */
export interface PoweredGraph {
  prefill: PoweredPhase;
  decode: PoweredPhase;
  /** The operating point the clock was chosen from. */
  operatingPoint: OperatingPoint | undefined;
  /** The cap per chip that applied (a cap block, the system cap's share, or the operating point's own). */
  capWatts: number | undefined;
  topClockHertz: number;
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

export function power(
  machine: Machine,
  costed: CostedGraph,
  plan: Plan,
  workload: Workload,
  diagnostics: Diagnostic[],
): PoweredGraph {
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
  const topClockHertz = top?.clockHertz ?? chip.units[plan.primaryUnit]?.clockHertz ?? 1;
  const clocks: Clocks = {
    points,
    topClockHertz,
    lowestScale: points.length > 0 ? (points.at(-1) as OperatingPoint).clockHertz / topClockHertz : 1,
    selectedScale: point ? point.clockHertz / topClockHertz : 1,
  };
  const timing = (phase: CostedPhase, clockScale: number) => phaseTiming(machine, clocks, phase, clockScale);
  const solve = (phase: CostedPhase, name: string): PoweredPhase => {
    const scale =
      chip.power.policy === 'adaptive' && points.length > 1
        ? adaptiveScale(clocks, (candidate) => timing(phase, candidate).seconds)
        : clocks.selectedScale;
    const atScale = timing(phase, scale);
    const capped =
      capWatts === undefined || atScale.chipWatts <= capWatts
        ? { scale, throttled: false }
        : capScale(clocks, scale, capWatts, (candidate) => timing(phase, candidate).chipWatts);
    const result = capped.scale === scale ? atScale : timing(phase, capped.scale);
    if (capWatts !== undefined && result.chipWatts > capWatts * CAP_TOLERANCE)
      diagnostics.push({
        severity: 'warning',
        code: 'over-power-cap',
        message: `${name} draws ${formatQuantity(result.chipWatts, 'watts')} per chip, above the ${formatQuantity(capWatts, 'watts')} cap, even at the lowest operating point.`,
        blockId: chip.power.capBlockId,
      });
    return { costed: phase, timing: result, throttled: capped.throttled, systemWatts: systemWatts(result) };
  };
  const { parallelism } = plan;
  const chipsActive =
    parallelism.tensor *
    parallelism.pipeline *
    Math.max(1, Math.min(parallelism.dataReplicas, workload.batch));
  const idleChipWatts = chip.power.staticScaledWatts + chip.power.staticFixedWatts;
  const systemWatts = (result: PhaseTiming): number =>
    chipsActive * result.chipWatts + (chip.count - chipsActive) * idleChipWatts + machine.systemStaticWatts;
  return {
    prefill: solve(costed.prefill, 'Prefill'),
    decode: solve(costed.decode, 'Decode'),
    operatingPoint: point,
    capWatts,
    topClockHertz,
  };
}

interface Clocks {
  points: readonly OperatingPoint[];
  topClockHertz: number;
  /** The lowest operating point's clock / top clock. */
  lowestScale: number;
  /** The chosen operating point's clock / top clock. */
  selectedScale: number;
}

/** One phase at a clock scale: time, and one chip's energy at the voltage that clock needs. */
function phaseTiming(machine: Machine, clocks: Clocks, phase: CostedPhase, clockScale: number): PhaseTiming {
  const { chip } = machine;
  const top = clocks.points[0];
  const voltageScale = top
    ? voltageAt(clocks.points, clockScale * clocks.topClockHertz) / top.voltageVolts
    : 1;
  let stageSeconds = 0;
  let dynamic = 0;
  for (const { operator, cost } of phase.costed) {
    stageSeconds += operator.repeat * secondsAt(cost, clockScale);
    dynamic += operator.repeat * (cost.computeJoules * voltageScale * voltageScale + cost.transferJoules);
  }
  const seconds = phase.stages * stageSeconds + phase.extraSeconds;
  const staticWatts = chip.power.staticScaledWatts * voltageScale + chip.power.staticFixedWatts;
  const chipJoules = phase.runsPerChip * dynamic + staticWatts * seconds;
  return { clockScale, seconds, chipJoules, chipWatts: seconds > 0 ? chipJoules / seconds : 0, voltageScale };
}

/** The adaptive policy: the lowest clock that keeps the phase within `ADAPTIVE_SLACK` of its time (bisection). */
function adaptiveScale(clocks: Clocks, secondsAtScale: (scale: number) => number): number {
  const target = secondsAtScale(clocks.selectedScale) * ADAPTIVE_SLACK;
  let low = clocks.lowestScale;
  let high = clocks.selectedScale;
  if (secondsAtScale(low) <= target) high = low;
  for (let iteration = 0; iteration < ADAPTIVE_HALVINGS && high - low > ADAPTIVE_STEP; iteration += 1) {
    const middle = (low + high) / 2;
    if (secondsAtScale(middle) <= target) high = middle;
    else low = middle;
  }
  return high;
}

/**
 * The highest clock at or below `scale` whose average power per chip fits the cap (bisection), for a phase that
 * exceeds the cap at `scale`; unthrottled when the clock cannot be lowered.
 */
function capScale(
  clocks: Clocks,
  scale: number,
  capWatts: number,
  wattsAtScale: (scale: number) => number,
): { scale: number; throttled: boolean } {
  if (clocks.points.length <= 1 || scale <= clocks.lowestScale) return { scale, throttled: false };
  let low = clocks.lowestScale;
  let high = scale;
  if (wattsAtScale(low) > capWatts) high = low;
  for (let iteration = 0; iteration < CAP_HALVINGS && high - low > CAP_STEP; iteration += 1) {
    const middle = (low + high) / 2;
    if (wattsAtScale(middle) <= capWatts) low = middle;
    else high = middle;
  }
  return { scale: wattsAtScale(high) <= capWatts ? high : low, throttled: true };
}
