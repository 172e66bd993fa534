/**
 * The report's memory-hierarchy section (`Report['memoryHierarchy']`, `engine/stages/hierarchy.ts`) as plain
 * text: the policy, a reason per tensor class, and a table of what each level holds and moves per class. The
 * Markdown and HTML reports lay it out.
 */
import type { MemoryHierarchyReport, Report } from '../../engine/report';
import type { TensorClass } from '../../engine/operators';
import { formatQuantity } from '../../engine/units';
import type { TableContent } from './report-content';

/** What the section says: the policy in words, the reasons, the level × class table, exposed copy time. */
export interface MemoryHierarchyContent {
  policy: string;
  reasons: string[];
  table: TableContent;
}

const classNames: Record<TensorClass, string> = {
  weights: 'Weights',
  kv: 'KV cache',
  activations: 'Activations',
};

/** The policy in one line: "weights stream, KV cache auto (paged, 16-token blocks), prefetch on". */
export function memoryPolicyText(policy: MemoryHierarchyReport['policy']): string {
  const paging = policy.kvBlockTokens === undefined ? '' : ` (paged, ${policy.kvBlockTokens}-token blocks)`;
  return `weights ${policy.weights}, KV cache ${policy.kv}${paging}, prefetch ${policy.prefetch ? 'on' : 'off'}`;
}

export function memoryHierarchyContent(report: Report): MemoryHierarchyContent | undefined {
  const hierarchy = report.memoryHierarchy;
  if (!hierarchy) return undefined;
  const bytes = (value: number): string => formatQuantity(value, 'bytes');
  const rows: string[][] = [];
  for (const level of hierarchy.levels)
    for (const tensorClass of ['weights', 'kv', 'activations'] as const) {
      const held = level.occupancyBytes[tensorClass];
      const prefill = level.prefillBytes[tensorClass];
      const decode = level.decodeBytesPerStep[tensorClass];
      if (held <= 0 && prefill <= 0 && decode <= 0) continue;
      rows.push([
        `${level.name}${level.hostShared ? ' (shared)' : ''}`,
        classNames[tensorClass],
        bytes(held),
        bytes(prefill),
        bytes(decode),
      ]);
    }
  const exposed = hierarchy.exposedTransfer;
  const reasons = hierarchy.classes.map((entry) => entry.reason);
  if (exposed.prefillSeconds > 0 || exposed.decodeSecondsPerStep > 0)
    reasons.push(
      `Copy time not hidden by compute: ${formatQuantity(exposed.prefillSeconds, 'seconds')} in the prefill, ${formatQuantity(exposed.decodeSecondsPerStep, 'seconds')} per decode step.`,
    );
  if (hierarchy.paging)
    reasons.push(
      `Paged KV cache: about ${formatQuantity(hierarchy.paging.wastedTokensPerSequence, 'count')} empty tokens per sequence (${bytes(hierarchy.paging.wastedBytesPerChip)} per chip), counted in the capacity and the largest batch.`,
    );
  return {
    policy: memoryPolicyText(hierarchy.policy),
    reasons,
    table: {
      headers: ['Level', 'Class', 'Held per chip', 'Moved in prefill', 'Moved per decode step'],
      align: ['left', 'left', 'right', 'right', 'right'],
      rows,
    },
  };
}
