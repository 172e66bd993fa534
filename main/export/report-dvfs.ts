/**
 * The DVFS part of the engineering report (HTML and Markdown): the policy's answer, each phase's clocks per
 * domain and why, a day of requests with battery life, and the power/clock timeline of one request, as text and
 * tables from the report's `dvfs` section.
 */
import type { DvfsReport } from '../../engine/report';
import { formatQuantity } from '../../engine/units';

/** A table of text cells (the shape of `TableContent` in `report-content.ts`). */
export interface DvfsTable {
  headers: string[];
  align: ('left' | 'right')[];
  rows: string[][];
}

export interface DvfsContent {
  /** The answer sentence, idle power, and the day of requests when a rate is set. */
  sentences: string[];
  /** Per phase and domain: clock, voltage, top clock, and why. */
  clocks: DvfsTable;
  /** The request timeline: each segment's time, system power and clocks. */
  timeline: DvfsTable;
}

const policyNames: Readonly<Record<DvfsReport['policy'], string>> = {
  fixed: 'fixed',
  adaptive: 'adaptive',
  'race-to-idle': 'race to idle',
  'least-energy': 'least energy within the targets',
  'max-throughput': 'highest throughput under the cap',
};

/** The DVFS content of a report, or undefined when it has no `dvfs` section. */
export function dvfsContent(dvfs: DvfsReport | undefined): DvfsContent | undefined {
  if (!dvfs) return undefined;
  const q = formatQuantity;
  const rows: string[][] = [];
  for (const [name, phase] of [
    ['Prefill', dvfs.prefill],
    ['Decode', dvfs.decode],
  ] as const)
    for (const domain of phase.domains)
      rows.push([
        name,
        domain.kind,
        q(domain.clockHertz, 'hertz'),
        q(domain.voltageVolts, 'volts'),
        q(domain.topClockHertz, 'hertz'),
        domain.reason,
      ]);
  const kinds = dvfs.timeline[0]?.clocks.map((clock) => clock.kind) ?? [];
  return {
    sentences: [
      `Policy: ${policyNames[dvfs.policy]}. ${dvfs.answer}`,
      `Idle: ${q(dvfs.idle.powerWatts, 'watts')} (${dvfs.idle.basis}).`,
      ...(dvfs.duty ? [dvfs.duty.sentence] : []),
    ],
    clocks: {
      headers: ['Phase', 'Domain', 'Clock', 'Voltage', 'Top clock', 'Why'],
      align: ['left', 'left', 'right', 'right', 'right', 'left'],
      rows,
    },
    timeline: {
      headers: ['Segment', 'Start', 'Duration', 'System power', ...kinds.map((kind) => `${kind} clock`)],
      align: ['left', 'right', 'right', 'right', ...kinds.map(() => 'right' as const)],
      rows: dvfs.timeline.map((segment) => [
        segment.label,
        q(segment.startSeconds, 'seconds'),
        q(segment.seconds, 'seconds'),
        q(segment.systemWatts, 'watts'),
        ...segment.clocks.map((clock) => q(clock.clockHertz, 'hertz')),
      ]),
    },
  };
}
