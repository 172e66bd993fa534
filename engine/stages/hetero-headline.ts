/**
 * "Never mislead by default": a design with several different chip groups reports the placement across them
 * (`Report.heterogeneous`, `stages/hetero.ts`) as its headline — prefill, decode and request figures and the
 * bottleneck sentences, and whether the model fits — instead of the primary group's alone. The per-operator and
 * per-block lists, memory's byte figures, clock, voltage and bound stay the primary group's (the only group whose operators the report lists), and
 * `heterogeneous.breakdowns` (set by `hetero.ts`) names that group so every view can say so.
 *
 * The figures are defined exactly as the report stage defines them for one group (`stages/report.ts`):
 * prefill tokens/s = batch × prompt tokens ÷ TTFT; decode tokens/s = batch ÷ TPOT (the whole system's batch, so
 * data replicas are in it); energy per token = phase energy ÷ those tokens; average power = phase energy ÷ phase
 * time; a request's output tokens/s = 1 ÷ TPOT.
 */
import { formatPercent } from '../figures/format';
import type { HeterogeneousReport, PhaseReport, Report } from '../report';
import { formatQuantity } from '../units';
import type { GroupEvaluation } from './hetero';

/** Below this share of a step, crossings between groups are not worth a clause of their own. */
const TRANSFER_SHARE_WORTH_SAYING = 0.01;

/**
 * Rewrites `report`'s headline figures with the placement's (in place) and records which group the breakdowns
 * describe. `groups` are the groups as evaluated alone, the primary first (their per-chip peak powers).
 */
export function withPlacedHeadline(
  report: Report,
  section: HeterogeneousReport,
  groups: readonly GroupEvaluation[],
): void {
  const primary = section.groups[0];
  if (!primary) return;
  const { workload } = report;
  const used = new Set(
    section.groups
      .filter((group) => group.prefillBusySeconds > 0 || group.decodeBusySeconds > 0)
      .map((group) => group.groupId),
  );
  // The highest power one chip draws in a phase: the largest of the groups that run something in it.
  const peak = (phase: 'prefill' | 'decode') =>
    Math.max(
      0,
      ...groups
        .filter(({ group }) => used.has(group.id))
        .map(({ report: alone }) => alone[phase].peakPowerWatts),
    );
  const bottleneck = {
    prefill: report.bottleneck.prefill,
    decode: report.bottleneck.decode,
  };

  const prefillTokens = workload.batch * workload.inputTokens;
  setPhase(report.prefill, section.ttftSeconds, section.prefillEnergyJoules, prefillTokens, peak('prefill'));
  const decodeTokens = Math.max(1, workload.batch);
  // The section's energy per token is the step's energy over max(1, batch) (`hetero.ts`).
  const decodeStepJoules = section.decodeEnergyJoulesPerToken * decodeTokens;
  setPhase(report.decode, section.tpotSeconds, decodeStepJoules, workload.batch, peak('decode'));
  report.decode.secondsPerStep = section.tpotSeconds;
  report.request = {
    ttftSeconds: section.ttftSeconds,
    tpotSeconds: section.tpotSeconds,
    endToEndSeconds: section.endToEndSeconds,
    outputTokensPerSecond: section.tpotSeconds > 0 ? 1 / section.tpotSeconds : 0,
  };
  // Resolve warned that the other groups' compute is not in the headline: with the placement it is.
  const placed = new Set(section.groups.map((group) => group.groupId));
  report.diagnostics = report.diagnostics.filter(
    (item) => item.code !== 'unused-chip-group' || item.groupId === undefined || !placed.has(item.groupId),
  );
  // Whether the model fits is the placement's: each group holds its share. The primary group's own complaint
  // (it alone cannot hold the model or the batch's KV cache) no longer describes the design, so it becomes a note.
  if (section.fits && !report.memory.fits) {
    const alone = report.diagnostics.filter(
      (item) =>
        (item.code === 'does-not-fit' || item.code === 'kv-in-host-memory') && item.groupId === undefined,
    );
    report.diagnostics = report.diagnostics.filter((item) => !alone.includes(item));
    if (alone.length > 0)
      report.diagnostics.push({
        severity: 'info',
        code: 'placement-holds-model',
        message: `${primary.name} alone cannot hold ${report.model.name} and its KV cache, but the placement across the chip groups does: ${listWords(section.groups.map((group) => `${group.name} holds ${formatQuantity(group.heldBytes, 'bytes')} of ${formatQuantity(group.capacityBytes, 'bytes')}`))}.`,
      });
  }
  report.memory.fits = section.fits;
  if (bottleneck.prefill !== '' || bottleneck.decode !== '')
    report.bottleneck = {
      prefill: acrossSentence(section, 'prefill', bottleneck.prefill),
      decode: acrossSentence(section, 'decode', bottleneck.decode),
    };
}

/** One phase's headline from its placed time and energy (the report stage's definitions). */
function setPhase(
  phase: PhaseReport,
  seconds: number,
  energyJoules: number,
  tokens: number,
  peakPowerWatts: number,
): void {
  phase.seconds = seconds;
  phase.tokensPerSecond = seconds > 0 ? tokens / seconds : 0;
  phase.energyJoules = energyJoules;
  phase.energyJoulesPerToken = tokens > 0 ? energyJoules / tokens : 0;
  phase.averagePowerWatts = seconds > 0 ? energyJoules / seconds : 0;
  if (peakPowerWatts > 0) phase.peakPowerWatts = peakPowerWatts;
}

const classNames = { embedding: 'embedding', attention: 'attention', ffn: 'FFN', head: 'head' } as const;

/**
 * "Decode runs across chip groups: H100 SXM 71 % of each step (embedding, attention and head), PIM module 24 %
 * (FFN), activations crossing between them 5 %. On H100 SXM (primary group) alone, decode is HBM3-bound: …" —
 * where the phase's time goes across the groups, then the primary group's own bottleneck, labelled as such.
 */
export function acrossSentence(
  section: HeterogeneousReport,
  phase: 'prefill' | 'decode',
  primarySentence: string,
): string {
  const span = phase === 'prefill' ? 'of the time' : 'of each step';
  const phaseName = phase === 'prefill' ? 'Prefill' : 'Decode';
  const seconds = phase === 'prefill' ? section.ttftSeconds : section.tpotSeconds;
  const primary = section.groups[0];
  const busy = (group: HeterogeneousReport['groups'][number]) =>
    phase === 'prefill' ? group.prefillBusySeconds : group.decodeBusySeconds;
  const running = section.groups.filter((group) => busy(group) > 0);
  const labelled =
    primarySentence === '' || !primary
      ? ''
      : ` On ${primary.name} (primary group) alone, ${primarySentence.charAt(0).toLowerCase()}${primarySentence.slice(1)}`;
  if (running.length <= 1) {
    const only = running[0] ?? primary;
    const idle = section.groups.length - 1;
    const where = `${phaseName} runs on ${only?.name ?? ''} alone; the other ${idle === 1 ? 'group idles' : `${idle} groups idle`} (its static power counted).`;
    return only?.groupId === primary?.groupId ? `${where} ${primarySentence}`.trim() : `${where}${labelled}`;
  }
  const share = (part: number) => (seconds > 0 ? part / seconds : 0);
  const parts = running.map((group) => {
    const classes = group.classes.map((name) => classNames[name]);
    const what = classes.length > 0 ? ` (${listWords(classes)})` : '';
    return `${group.name} ${formatPercent(share(busy(group)))}${group === running[0] ? ` ${span}` : ''}${what}`;
  });
  const exposed =
    phase === 'prefill' ? section.transfer.prefillExposedSeconds : section.transfer.decodeExposedSeconds;
  const transfer = share(exposed);
  const crossings = section.transfer.crossingsPerStep;
  let moving = '';
  if (crossings > 0 && transfer >= TRANSFER_SHARE_WORTH_SAYING)
    moving = `, activations crossing between them ${formatPercent(transfer)}`;
  else if (crossings > 0)
    moving =
      section.overlap === 'double-buffered'
        ? `; the activations' ${crossings} crossings hide under the computation`
        : `; the activations' ${crossings} crossings take under 1 %`;
  return `${phaseName} runs across chip groups: ${listWords(parts)}${moving}.${labelled}`;
}

/** "a", "a and b", "a, b and c". */
function listWords(words: readonly string[]): string {
  return words.length <= 1
    ? (words[0] ?? '')
    : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`;
}
