/**
 * How the accuracy suite turns a measured setup into engine runs: scaling a single-chip preset out to N chips,
 * one evaluation, and a static batch's throughput from its report. Served benchmarks (a request rate, offline
 * max load, a closed loop) run through the serving simulator instead (`served.ts`).
 */
import type { CatalogIndex } from '../../../engine/catalog';
import { evaluate } from '../../../engine/evaluate';
import type { Report } from '../../../engine/report';
import type { DesignDocument } from '../../../engine/schema/design';
import type { Workload } from '../../../engine/schema/workload';

/**
 * The design with its chip group replicated `count` times and the chips joined through a non-blocking switch
 * outside the chip group, attached to each chip's chip-to-chip link. Returns undefined when the chip has no
 * chip-to-chip link to attach.
 */
export function scaleOut(
  design: DesignDocument,
  count: number,
  catalog: CatalogIndex,
): DesignDocument | undefined {
  const chip = design.groups.find((group) => group.kind === 'chip');
  if (!chip) return undefined;
  if (count === chip.count) return design;
  const members = new Set(chip.blocks);
  const linkBlock = design.blocks.find(
    (block) => members.has(block.id) && block.type === 'interconnect.chip-link',
  );
  if (!linkBlock) return undefined;
  const linkType = catalog.blockTypes.get(linkBlock.type);
  const linkSpec = linkType?.params.find((param) => param.key === 'bandwidthBytesPerSecond');
  const perChip =
    typeof linkBlock.params.bandwidthBytesPerSecond === 'number'
      ? linkBlock.params.bandwidthBytesPerSecond
      : linkSpec?.kind === 'number'
        ? linkSpec.default
        : 1e11;
  const hasSwitch = design.links.some(
    (link) =>
      (link.from.block === linkBlock.id && link.from.port === 'b') ||
      (link.to.block === linkBlock.id && link.to.port === 'b'),
  );
  return {
    ...design,
    name: `${design.name} ×${count}`,
    groups: design.groups.map((group) => (group.id === chip.id ? { ...group, count } : group)),
    blocks: hasSwitch
      ? design.blocks
      : [
          ...design.blocks,
          {
            id: 'validation-switch',
            type: 'interconnect.switch',
            name: 'Switch',
            params: { bandwidthBytesPerSecond: perChip * count, latencySeconds: 5e-7 },
            position: { x: 800, y: 200 },
          },
        ],
    links: hasSwitch
      ? design.links
      : [
          ...design.links,
          {
            id: 'validation-switch-link',
            from: { block: linkBlock.id, port: 'b' },
            to: { block: 'validation-switch', port: 'port' },
            params: {},
          },
        ],
  };
}

export class ScenarioError extends Error {}

export function run(design: DesignDocument, workload: Workload, catalog: CatalogIndex): Report {
  const result = evaluate({ design, workload }, catalog);
  if (!result.ok)
    throw new ScenarioError(
      result.diagnostics
        .filter((diagnostic) => diagnostic.severity === 'error')
        .map((diagnostic) => diagnostic.message)
        .join(' '),
    );
  return result.report;
}

/** Static batching (all requests start together and run to the end): output tokens over the whole batch's time. */
export function staticBatchOutputTokensPerSecond(report: Report): number {
  const { batch, outputTokens } = report.workload;
  return (batch * outputTokens) / (report.prefill.seconds + outputTokens * report.decode.secondsPerStep);
}
