/**
 * The report's `dvfs` section (`DvfsReport`): what the DVFS policy chose per phase and domain and what it saved
 * against the top clocks, idle power, a day of requests (energy, average power, battery life), and the power/clock
 * timeline of one request.
 *
 * - Energy per request: one batch's prefill and its (output − 1) decode steps (the report's end-to-end time) at the
 *   system's power, shared by the batch's requests; its busy time likewise.
 * - Energy per day (86 400 s): N requests × energy per request + idle power × (day − N × busy time); above the
 *   rate the device can serve, it is busy all day and serves 86 400 / busy time requests.
 * - Battery life: battery energy / average power.
 */
import type { Diagnostic } from '../diagnostics';
import type { Machine } from '../machine';
import type {
  DvfsDomainPoint,
  DvfsDutyReport,
  DvfsPhaseReport,
  DvfsReport,
  DvfsTimelineSegment,
} from '../report';
import type { Workload } from '../schema/workload';
import { formatQuantity } from '../units';
import type { PoweredGraph, PoweredPhase } from './power';

export const SECONDS_PER_DAY = 86_400;

/** Decode steps shown one by one up to this many; more are grouped into this many segments. */
export const TIMELINE_GROUPS = 8;

/** Whether the report carries the section: a domain on the chip, or a DVFS choice in the workload. */
export function dvfsRelevant(machine: Machine, workload: Workload): boolean {
  const { power } = machine.chip;
  return (
    power.operatingPoints.length > 0 ||
    power.dvfs !== undefined ||
    workload.dvfsPolicy !== undefined ||
    workload.requestsPerHour !== undefined ||
    workload.ttftTargetSeconds !== undefined
  );
}

/** A fraction as a percentage for a sentence: one decimal below 10 %, whole above. */
export function percentText(fraction: number): string {
  const percent = Math.abs(fraction) * 100;
  return `${percent < 10 ? percent.toFixed(1) : percent.toFixed(0)} %`;
}

function phaseReport(machine: Machine, solved: PoweredPhase): DvfsPhaseReport {
  const { chip } = machine;
  const choice = solved.choice;
  const seconds = solved.timing.seconds;
  const energyJoules = solved.systemWatts * seconds;
  const topSeconds = choice?.topSeconds ?? seconds;
  const topEnergyJoules = (choice?.topSystemWatts ?? solved.systemWatts) * topSeconds;
  const compute: DvfsDomainPoint = {
    kind: 'compute',
    blockId: chip.power.domainBlockId,
    name: 'Compute',
    clockHertz: solved.timing.clockHertz,
    voltageVolts: solved.timing.voltageVolts,
    topClockHertz: choice?.topClockHertz ?? solved.timing.clockHertz,
    reason: choice?.throttledReason
      ? `${choice.computeReason}; ${choice.throttledReason}`
      : (choice?.computeReason ?? 'fixed'),
  };
  return {
    targetSeconds: choice?.targetSeconds,
    targetMet: choice?.targetMet ?? true,
    seconds,
    topSeconds,
    energyJoules,
    topEnergyJoules,
    energyRatioToTop: topEnergyJoules > 0 ? energyJoules / topEnergyJoules : 1,
    secondsRatioToTop: topSeconds > 0 ? seconds / topSeconds : 1,
    domains: [
      compute,
      ...(choice?.extras ?? []).map((extra) => ({
        kind: extra.kind,
        blockId: extra.blockId,
        name: extra.name,
        clockHertz: extra.clockHertz,
        voltageVolts: extra.voltageVolts,
        topClockHertz: extra.topClockHertz,
        reason: extra.reason,
      })),
    ],
  };
}

/** "Decode at 1.1 GHz instead of 1.83 GHz saves 31 % energy per token for 2 % more TPOT." */
export function answerSentence(decode: DvfsPhaseReport): string {
  const lowered = decode.domains.filter((domain) => domain.clockHertz < domain.topClockHertz * (1 - 1e-6));
  const compute = decode.domains[0];
  if (lowered.length === 0)
    return `Decode runs at the top clock${compute ? ` (${formatQuantity(compute.clockHertz, 'hertz')}): ${compute.reason}` : ''}.`;
  const clocks = lowered
    .map(
      (domain) =>
        `${domain.kind === 'compute' ? '' : `${domain.kind} `}at ${formatQuantity(domain.clockHertz, 'hertz')} instead of ${formatQuantity(domain.topClockHertz, 'hertz')}`,
    )
    .join(' and ');
  const saved = 1 - decode.energyRatioToTop;
  const energy =
    saved >= 0
      ? `saves ${percentText(saved)} energy per token`
      : `costs ${percentText(saved)} more energy per token`;
  const slow = decode.secondsRatioToTop - 1;
  const time = slow >= 0.0005 ? `for ${percentText(slow)} more TPOT` : 'at the same TPOT';
  return `Decode ${clocks} ${energy} ${time}.`;
}

function dutyReport(
  workload: Workload,
  powered: PoweredGraph,
  idleWatts: number,
  batteryJoules: number | undefined,
  diagnostics: Diagnostic[],
  domainBlockId: string | undefined,
): DvfsDutyReport | undefined {
  const rate = workload.requestsPerHour;
  if (rate === undefined) return undefined;
  const steps = Math.max(0, workload.outputTokens - 1);
  const batch = Math.max(1, workload.batch);
  const { prefill, decode } = powered;
  const passSeconds = prefill.timing.seconds + steps * decode.timing.seconds;
  const passJoules =
    prefill.systemWatts * prefill.timing.seconds + steps * decode.systemWatts * decode.timing.seconds;
  const requestSeconds = passSeconds / batch;
  const energyJoulesPerRequest = passJoules / batch;
  const asked = (rate * SECONDS_PER_DAY) / 3600;
  const capacity = requestSeconds > 0 ? SECONDS_PER_DAY / requestSeconds : Infinity;
  const saturated = asked > capacity;
  const served = saturated ? capacity : asked;
  if (saturated)
    diagnostics.push({
      severity: 'warning',
      code: 'requests-exceed-capacity',
      message: `${rate} requests per hour need ${formatQuantity(asked * requestSeconds, 'seconds')} of work a day; the device serves at most ${Math.floor(capacity / 24)} per hour, busy all day.`,
      blockId: domainBlockId,
    });
  const busySeconds = Math.min(SECONDS_PER_DAY, served * requestSeconds);
  const energyJoulesPerDay = served * energyJoulesPerRequest + idleWatts * (SECONDS_PER_DAY - busySeconds);
  const averagePowerWatts = energyJoulesPerDay / SECONDS_PER_DAY;
  const batteryLifeSeconds =
    batteryJoules !== undefined && averagePowerWatts > 0 ? batteryJoules / averagePowerWatts : undefined;
  const battery =
    batteryJoules !== undefined && batteryLifeSeconds !== undefined
      ? `; the ${formatQuantity(batteryJoules / 3600, 'count')} Wh battery lasts ${formatQuantity(batteryLifeSeconds / 3600, 'count')} h`
      : '';
  return {
    requestsPerHour: rate,
    requestSeconds,
    energyJoulesPerRequest,
    activeFraction: busySeconds / SECONDS_PER_DAY,
    energyJoulesPerDay,
    averagePowerWatts,
    saturated,
    batteryJoules,
    batteryLifeSeconds,
    sentence: `At ${formatQuantity(rate, 'count')} requests per hour (${formatQuantity(energyJoulesPerRequest, 'joules')} each, busy ${percentText(busySeconds / SECONDS_PER_DAY)} of the time, idle at ${formatQuantity(idleWatts, 'watts')}) the device averages ${formatQuantity(averagePowerWatts, 'watts')}: ${formatQuantity(energyJoulesPerDay / 3.6e6, 'count')} kWh (${formatQuantity(energyJoulesPerDay, 'joules')}) per day${battery}.`,
  };
}

function clocksOf(solved: PoweredPhase): DvfsTimelineSegment['clocks'] {
  return [
    { kind: 'compute', clockHertz: solved.timing.clockHertz },
    ...(solved.choice?.extras ?? []).map((extra) => ({ kind: extra.kind, clockHertz: extra.clockHertz })),
  ];
}

function timeline(
  workload: Workload,
  powered: PoweredGraph,
  idleWatts: number,
  idleClocks: DvfsTimelineSegment['clocks'],
): DvfsTimelineSegment[] {
  const { prefill, decode } = powered;
  const segments: DvfsTimelineSegment[] = [
    {
      phase: 'prefill',
      label: 'Prefill',
      startSeconds: 0,
      seconds: prefill.timing.seconds,
      steps: 0,
      systemWatts: prefill.systemWatts,
      clocks: clocksOf(prefill),
    },
  ];
  let start = prefill.timing.seconds;
  const steps = Math.max(0, workload.outputTokens - 1);
  const groups = Math.min(steps, TIMELINE_GROUPS);
  for (let group = 0; group < groups; group += 1) {
    const first = Math.floor((steps * group) / groups);
    const count = Math.floor((steps * (group + 1)) / groups) - first;
    const seconds = count * decode.timing.seconds;
    segments.push({
      phase: 'decode',
      label: count === 1 ? `Decode step ${first + 1}` : `Decode steps ${first + 1}–${first + count}`,
      startSeconds: start,
      seconds,
      steps: count,
      systemWatts: decode.systemWatts,
      clocks: clocksOf(decode),
    });
    start += seconds;
  }
  const rate = workload.requestsPerHour;
  const period = rate !== undefined && rate > 0 ? (3600 * Math.max(1, workload.batch)) / rate : undefined;
  const idleSeconds = period !== undefined ? Math.max(0, period - start) : start;
  segments.push({
    phase: 'idle',
    label:
      period !== undefined
        ? 'Idle until the next request'
        : 'Idle (no request rate: shown as long as the request)',
    startSeconds: start,
    seconds: idleSeconds,
    steps: 0,
    systemWatts: idleWatts,
    clocks: idleClocks,
  });
  return segments;
}

/** The `dvfs` section, or undefined when nothing about DVFS applies (`dvfsRelevant`). */
export function dvfsReport(
  machine: Machine,
  workload: Workload,
  powered: PoweredGraph,
  diagnostics: Diagnostic[],
): DvfsReport | undefined {
  if (!dvfsRelevant(machine, workload)) return undefined;
  const { chip } = machine;
  const prefill = phaseReport(machine, powered.prefill);
  const decode = phaseReport(machine, powered.decode);
  const staticChipWatts = chip.power.staticScaledWatts + chip.power.staticFixedWatts;
  const idle = powered.idle ?? {
    systemWatts: chip.count * staticChipWatts + machine.systemStaticWatts,
    chipWatts: staticChipWatts,
    basis: 'static power',
    clocksHertz: [],
  };
  const policy = powered.policy ?? chip.power.policy;
  const idleClocks = decode.domains.map((domain, index) => ({
    kind: domain.kind,
    clockHertz: powered.idle?.clocksHertz[index] ?? domain.clockHertz,
  }));
  return {
    policy,
    prefill,
    decode,
    idle: { powerWatts: idle.systemWatts, basis: idle.basis },
    duty: dutyReport(
      workload,
      powered,
      idle.systemWatts,
      chip.power.dvfs?.batteryJoules,
      diagnostics,
      chip.power.domainBlockId,
    ),
    timeline: timeline(workload, powered, idle.systemWatts, idleClocks),
    answer: answerSentence(decode),
  };
}
