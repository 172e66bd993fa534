/**
 * The automatic plan search as a table: the chosen split and the runners-up with the figures they were ranked by,
 * one set of cells for the command line and the exported reports.
 */
import type { PlanCandidateReport, PlanReport } from '../report';
import { formatQuantity } from '../units';
import { formatCount } from './format';

const FITS: Record<PlanCandidateReport['fits'], string> = {
  device: 'device memory',
  host: 'host memory',
  none: 'does not fit',
};

export const PLAN_SEARCH_HEADERS = [
  'Rank',
  'Split',
  'Replicas',
  'Batch per replica',
  'Decode throughput',
  'TPOT',
  'TTFT',
  'Energy per token',
  'Fits in',
] as const;

export const PLAN_SEARCH_ALIGN = [
  'left',
  'left',
  'right',
  'right',
  'right',
  'right',
  'right',
  'right',
  'left',
] as const;

/** One row per split, the chosen one first ("chosen", then its rank), in the order of `PLAN_SEARCH_HEADERS`. */
export function planSearchRows(plan: PlanReport): string[][] {
  const q = formatQuantity;
  return [plan.chosen, ...plan.candidates].map((candidate, index) => [
    index === 0 ? 'chosen' : formatCount(index + 1),
    `TP ${formatCount(candidate.tensor)} · PP ${formatCount(candidate.pipeline)} · EP ${formatCount(candidate.expert)}`,
    formatCount(candidate.dataReplicas),
    formatCount(candidate.batchPerReplica),
    q(candidate.decodeTokensPerSecond, 'tokensPerSecond'),
    `${q(candidate.tpotSeconds, 'seconds')}${candidate.meetsTpotTarget ? '' : ' (over the target)'}`,
    q(candidate.ttftSeconds, 'seconds'),
    q(candidate.energyJoulesPerToken, 'joulesPerToken'),
    FITS[candidate.fits],
  ]);
}
