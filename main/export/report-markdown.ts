/**
 * The engineering report as Markdown (CommonMark with GitHub tables): title, design and workload, headline
 * results, bottlenecks, operators of both phases, memory occupancy, parameters, diagnostics and sources.
 * Every number is in human units; text from the design is escaped so a name cannot become markup.
 */
import { placementContent } from './placement-content';
import { reportContent, type Fact, type ReportInput, type TableContent } from './report-content';
import { memoryHierarchyContent } from './report-hierarchy';
import { compressionContent } from './report-compression';

export type { ReportInput } from './report-content';

/**
 * Escapes text for Markdown inline content and table cells: backslash-escapes the punctuation that starts
 * emphasis, code, links, raw HTML and cell breaks, and folds line breaks (a cell is one line).
 */
export function escapeMarkdown(text: string): string {
  // A run of white space holding a line break becomes one space. Matched as whole runs (`\s+`) rather than
  // `\s*\r?\n\s*`, whose backtracking is quadratic in the run: a 60,000-space citation took 15 s.
  return text
    .replace(/[\\`*_[\]<>|~#]/g, (character) => `\\${character}`)
    .replace(/\s+/g, (run) => (run.includes('\n') ? ' ' : run));
}

function table(content: TableContent): string {
  const header = `| ${content.headers.map(escapeMarkdown).join(' | ')} |`;
  const rule = `|${content.align.map((align) => (align === 'right' ? ' ---: ' : ' --- ')).join('|')}|`;
  const rows = content.rows.map((row) => `| ${row.map((cell) => escapeMarkdown(cell)).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}

function facts(list: readonly Fact[]): string {
  return list.map(([label, value]) => `- **${escapeMarkdown(label)}:** ${escapeMarkdown(value)}`).join('\n');
}

/** A URL as an autolink when it is a plain http(s) URL, else as escaped text. */
function link(url: string): string {
  return /^https?:\/\/[^\s<>]+$/.test(url) ? `<${url}>` : escapeMarkdown(url);
}

/** Renders the engineering report of one simulation as Markdown. */
export function reportToMarkdown(input: ReportInput): string {
  const content = reportContent(input);
  const out: string[] = [];
  out.push(`# ${escapeMarkdown(content.title)}`, '', escapeMarkdown(content.subtitle), '');
  out.push('## Design', '', facts(content.design), '');
  out.push('## Workload', '', facts(content.workload), '');
  if (content.planSearch)
    out.push(
      '## Plan search',
      '',
      escapeMarkdown(content.planSearch.summary),
      '',
      table(content.planSearch.table),
      '',
    );
  out.push('## Headline results', '', table(content.headline), '');
  const placement = placementContent(input.report);
  if (placement)
    out.push(
      '## Placement across chip groups',
      '',
      escapeMarkdown(placement.summary),
      '',
      table(placement.groups),
      '',
      escapeMarkdown(placement.transfer),
      '',
    );
  out.push(
    '## Bottlenecks',
    '',
    content.bottlenecks.map((line) => `- ${escapeMarkdown(line)}`).join('\n'),
    '',
  );
  out.push('## Operators', '');
  for (const phase of content.phases)
    out.push(
      `### ${escapeMarkdown(phase.title)}`,
      '',
      escapeMarkdown(phase.summary),
      '',
      table(phase.operators),
      '',
    );
  out.push('## Memory occupancy', '', escapeMarkdown(content.memorySummary), '', table(content.memory), '');
  const hierarchy = memoryHierarchyContent(input.report);
  if (hierarchy)
    out.push(
      '## Memory hierarchy',
      '',
      `Policy: ${escapeMarkdown(hierarchy.policy)}.`,
      '',
      ...hierarchy.reasons.map((line) => `- ${escapeMarkdown(line)}`),
      '',
      table(hierarchy.table),
      '',
    );
  const compression = compressionContent(input.report);
  if (compression)
    out.push(
      '## Compression',
      '',
      ...[compression.sentence, compression.storage, compression.expansion].flatMap((line) => [
        escapeMarkdown(line),
        '',
      ]),
      table(compression.units),
      '',
    );
  if (content.reconfiguration)
    out.push(
      '## Reconfiguration',
      '',
      `**${escapeMarkdown(content.reconfiguration.answer)}**`,
      '',
      escapeMarkdown(content.reconfiguration.summary),
      '',
      table(content.reconfiguration.table),
      '',
    );
  if (content.dvfs)
    out.push(
      '## Clocks and battery (DVFS)',
      '',
      ...content.dvfs.sentences.flatMap((sentence) => [escapeMarkdown(sentence), '']),
      table(content.dvfs.clocks),
      '',
      '### One request, over time',
      '',
      table(content.dvfs.timeline),
      '',
    );
  out.push(
    '## Parameters',
    '',
    'Each block with the parameters it sets away from its block type’s defaults.',
    '',
  );
  out.push(table(content.parameters), '');
  if (content.linkParameters.rows.length > 0)
    out.push('Links with limits of their own:', '', table(content.linkParameters), '');
  if (content.areaCost)
    out.push(
      '## Area and cost',
      '',
      escapeMarkdown(content.areaCost.sentence),
      '',
      facts(content.areaCost.facts),
      '',
      table(content.areaCost.blocks),
      '',
    );
  out.push('## Diagnostics', '');
  if (content.diagnostics.length === 0) out.push('None.', '');
  else
    out.push(
      content.diagnostics
        .map(
          (diagnostic) =>
            `- **${escapeMarkdown(diagnostic.severity)}:** ${escapeMarkdown(diagnostic.message)}${
              diagnostic.where === undefined ? '' : ` (${escapeMarkdown(diagnostic.where)})`
            }`,
        )
        .join('\n'),
      '',
    );
  out.push('## Sources', '');
  if (content.sources.length === 0) out.push('None recorded.', '');
  else
    out.push(
      content.sources
        .map((source, index) => {
          const parts = [
            `${index + 1}. **${escapeMarkdown(source.scope)}:** ${escapeMarkdown(source.citation)}`,
          ];
          if (source.url !== undefined) parts.push(` — ${link(source.url)}`);
          if (source.original !== undefined) parts.push(` (original: “${escapeMarkdown(source.original)}”)`);
          if (source.appliesTo !== undefined) parts.push(` — backs ${escapeMarkdown(source.appliesTo)}`);
          if (source.note !== undefined) parts.push(`. ${escapeMarkdown(source.note)}`);
          return parts.join('');
        })
        .join('\n'),
      '',
    );
  return out.join('\n');
}
