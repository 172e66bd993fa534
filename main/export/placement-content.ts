/**
 * The placement across chip groups (`Report.heterogeneous`) as report content: the sentence, what each group
 * runs with its shares of time and energy, and the transfers between groups — for the HTML and Markdown reports.
 */
import type { Report } from '../../engine/report';
import { formatQuantity } from '../../engine/units';
import type { TableContent } from './report-content';

export interface PlacementContent {
  summary: string;
  groups: TableContent;
  transfer: string;
}

const classNames: Readonly<Record<string, string>> = {
  embedding: 'embedding',
  attention: 'attention',
  ffn: 'FFN',
  head: 'head',
};

const percent = (fraction: number): string => `${Math.round(fraction * 100)} %`;

export function placementContent(report: Report): PlacementContent | undefined {
  const placement = report.heterogeneous;
  if (!placement) return undefined;
  const q = formatQuantity;
  const runs = (groupId: string): string =>
    placement.assignment
      .filter((run) => run.groupId === groupId)
      .map((run) =>
        run.operatorClass === 'embedding' || run.operatorClass === 'head'
          ? classNames[run.operatorClass]
          : `${classNames[run.operatorClass] ?? run.operatorClass} ${run.firstLayer}–${run.lastLayer}`,
      )
      .join(', ') || '—';
  const { transfer } = placement;
  return {
    summary: `${placement.sentence} Policy ${placement.policy}; the headline figures above are this placement's; the operator tables, memory, clock and bound are ${placement.breakdowns.name}'s (primary group) alone.`,
    groups: {
      headers: ['Chip group', 'Runs (layers)', 'Decode time', 'Decode energy', 'Prefill time', 'Holds'],
      align: ['left', 'left', 'right', 'right', 'right', 'right'],
      rows: placement.groups.map((group) => [
        `${group.name} ×${group.chips}`,
        runs(group.groupId),
        `${q(group.decodeBusySeconds, 'seconds')} (${percent(group.decodeTimeShare)})`,
        `${q(group.decodeEnergyJoules, 'joules')} (${percent(group.decodeEnergyShare)})`,
        `${q(group.prefillBusySeconds, 'seconds')} (${percent(group.prefillTimeShare)})`,
        `${q(group.heldBytes, 'bytes')} of ${q(group.capacityBytes, 'bytes')}`,
      ]),
    },
    transfer: `Transfers (${placement.overlap}): ${transfer.crossingsPerStep} crossing${transfer.crossingsPerStep === 1 ? '' : 's'} per step; decode ${q(transfer.decodeBytesPerCrossing, 'bytes')} each, ${q(transfer.decodeSeconds, 'seconds')} per step of which ${q(transfer.decodeExposedSeconds, 'seconds')} not hidden, ${q(transfer.decodeEnergyJoules, 'joules')}; prefill ${q(transfer.prefillBytesPerCrossing, 'bytes')} each, ${q(transfer.prefillSeconds, 'seconds')} of which ${q(transfer.prefillExposedSeconds, 'seconds')} not hidden.`,
  };
}
