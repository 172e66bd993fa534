/**
 * The engineering report as one self-contained HTML page: the content of the Markdown report plus the design
 * diagram and the charts, all inline (SVG and CSS), with no scripts and no external resources — a strict
 * Content-Security-Policy in the page says so to the browser too. Print-friendly (`@media print`). Every
 * string from the design or the library is escaped.
 */
import { escapeHtml as escape } from '../../engine/figures';
import { designToSvg } from './diagram-svg';
import { memoryChart, operatorBreakdownChart, powerChart, rooflineChart } from './report-charts';
import { placementContent } from './placement-content';
import { reportContent, type Fact, type ReportInput, type TableContent } from './report-content';
import { memoryHierarchyContent } from './report-hierarchy';
import { compressionContent } from './report-compression';

import { reportPageStyles } from './report-styles';

export type { ReportInput } from './report-content';

const styles = `${reportPageStyles}h3 { font-size: 15px; margin: 20px 0 6px; }
.subtitle { color: #475569; margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 12.5px; }
th, td { padding: 4px 8px; border-bottom: 1px solid #e2e8f0; text-align: left; vertical-align: top; }
th { background: #f1f5f9; font-weight: 600; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) { background: #f8fafc; }
dl.facts { display: grid; grid-template-columns: minmax(160px, max-content) 1fr; gap: 2px 16px; margin: 8px 0 16px; }
dl.facts dt { color: #475569; }
dl.facts dd { margin: 0; }
figure { margin: 12px 0; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #475569; font-size: 12px; }
.diagnostic-error { color: #b91c1c; }
.diagnostic-warning { color: #b45309; }
.url { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
footer { margin-top: 40px; color: #64748b; font-size: 12px; }
@page { size: A4; margin: 14mm; }
@media print {
  body { background: #ffffff; font-size: 10pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; }
  figure, tr, dl.facts { break-inside: avoid; }
  table { font-size: 9pt; }
  tbody tr:nth-child(even) { background: none; }
}
`;

function table(content: TableContent): string {
  const cellClass = (index: number): string => (content.align[index] === 'right' ? ' class="number"' : '');
  const header = content.headers.map((cell, index) => `<th${cellClass(index)}>${escape(cell)}</th>`).join('');
  const rows = content.rows
    .map(
      (row) => `<tr>${row.map((cell, index) => `<td${cellClass(index)}>${escape(cell)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${header}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function facts(list: readonly Fact[]): string {
  return `<dl class="facts">${list.map(([label, value]) => `<dt>${escape(label)}</dt><dd>${escape(value)}</dd>`).join('')}</dl>`;
}

function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${escape(caption)}</figcaption></figure>`;
}

/** Where each tensor class lives and why, and what each level moves (absent at summary detail). */
function hierarchySection(report: ReportInput['report']): string[] {
  const hierarchy = memoryHierarchyContent(report);
  if (!hierarchy) return [];
  return [
    '<section id="memory-hierarchy"><h2>Memory hierarchy</h2>',
    `<p>Policy: ${escape(hierarchy.policy)}.</p>`,
    `<ul>${hierarchy.reasons.map((line) => `<li>${escape(line)}</li>`).join('')}</ul>`,
    table(hierarchy.table),
    '</section>',
  ];
}

/** The placement across chip groups, on a design with several different ones. */
function placementSection(report: ReportInput['report']): string[] {
  const placement = placementContent(report);
  if (!placement) return [];
  return [
    '<section id="placement"><h2>Placement across chip groups</h2>',
    `<p>${escape(placement.summary)}</p>`,
    table(placement.groups),
    `<p>${escape(placement.transfer)}</p>`,
    '</section>',
  ];
}

/**
 * Renders the engineering report of one simulation as a single HTML page: design diagram, headline results,
 * bottlenecks, operator tables with their time-breakdown charts, the roofline, memory occupancy, power by
 * block, parameters, diagnostics and sources. Source URLs are printed as text, not links, so the page makes
 * no request of any kind.
 */
export function reportToHtml(input: ReportInput): string {
  const content = reportContent(input);
  const { design, report, catalog } = input;
  const out: string[] = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="generator" content="Tessera">',
    `<title>${escape(content.title)}</title>`,
    `<style>${styles}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<header><h1>${escape(content.title)}</h1><p class="subtitle">${escape(content.subtitle)}</p></header>`,
    '<section id="headline"><h2>Headline results</h2>',
    table(content.headline),
    '</section>',
    ...placementSection(report),
    '<section id="bottlenecks"><h2>Bottlenecks</h2>',
    `<ul>${content.bottlenecks.map((line) => `<li>${escape(line)}</li>`).join('')}</ul>`,
    '</section>',
    '<section id="design"><h2>Design</h2>',
    figure(
      designToSvg(design, catalog, { report, embedSpec: false }),
      'The design as drawn; each block shows its decode utilization and power, and the level that bounds decode is outlined in red.',
    ),
    facts(content.design),
    '</section>',
    '<section id="workload"><h2>Workload</h2>',
    facts(content.workload),
    '</section>',
    ...(content.planSearch
      ? [
          '<section id="plan-search"><h2>Plan search</h2>',
          `<p>${escape(content.planSearch.summary)}</p>`,
          table(content.planSearch.table),
          '</section>',
        ]
      : []),
    '<section id="operators"><h2>Operators</h2>',
  ];
  for (const phase of content.phases) {
    out.push(
      `<h3>${escape(phase.title)}</h3>`,
      `<p>${escape(phase.summary)}</p>`,
      figure(
        operatorBreakdownChart(report[phase.phase], phase.title),
        'Each bar is an operator’s time, split into what it waited on: the larger of compute and memory (they overlap), then communication and overhead (dispatch and latency).',
      ),
      table(phase.operators),
    );
  }
  out.push(
    '</section>',
    '<section id="roofline"><h2>Roofline</h2>',
    figure(
      rooflineChart(report),
      'Achieved FLOP/s includes each operator’s dispatch overhead. The compute roofs are the fastest unit’s dense peak in BF16 and, where it differs, in the workload’s arithmetic. Each storage level has a bandwidth roof; the solid one is the main memory roof, the level the weights stream from.',
    ),
    '</section>',
    '<section id="memory"><h2>Memory occupancy</h2>',
    `<p>${escape(content.memorySummary)}</p>`,
    figure(memoryChart(report), 'Share of each level’s capacity per chip, by what it holds.'),
    table(content.memory),
    '</section>',
    ...hierarchySection(report),
    ...compressionSection(report),
    ...(content.reconfiguration
      ? [
          '<section id="reconfiguration"><h2>Reconfiguration</h2>',
          `<p><strong>${escape(content.reconfiguration.answer)}</strong></p>`,
          `<p>${escape(content.reconfiguration.summary)}</p>`,
          table(content.reconfiguration.table),
          '</section>',
        ]
      : []),
    '<section id="power"><h2>Power</h2>',
    figure(powerChart(report, design), 'Average power of each block over each phase, for one chip.'),
    '</section>',
    ...(content.dvfs
      ? [
          '<section id="dvfs"><h2>Clocks and battery (DVFS)</h2>',
          ...content.dvfs.sentences.map((sentence) => `<p>${escape(sentence)}</p>`),
          table(content.dvfs.clocks),
          '<h3>One request, over time</h3>',
          table(content.dvfs.timeline),
          '</section>',
        ]
      : []),
    '<section id="parameters"><h2>Parameters</h2>',
    '<p>Each block with the parameters it sets away from its block type’s defaults.</p>',
    table(content.parameters),
  );
  if (content.linkParameters.rows.length > 0)
    out.push('<p>Links with limits of their own:</p>', table(content.linkParameters));
  out.push('</section>');
  if (content.areaCost)
    out.push(
      '<section id="area-cost"><h2>Area and cost</h2>',
      `<p>${escape(content.areaCost.sentence)}</p>`,
      facts(content.areaCost.facts),
      table(content.areaCost.blocks),
      '<p>Area is estimated block by block from its parameters at the process node (bit cells, MACs, PHYs, SerDes); control, wiring and I/O the blocks do not describe are not counted. Wafer prices, defect densities, memory, package and board costs are public estimates.</p>',
      '</section>',
    );
  out.push('<section id="diagnostics"><h2>Diagnostics</h2>');
  if (content.diagnostics.length === 0) out.push('<p>None.</p>');
  else
    out.push(
      `<ul>${content.diagnostics
        .map(
          (diagnostic) =>
            `<li class="diagnostic-${escape(diagnostic.severity)}"><strong>${escape(diagnostic.severity)}:</strong> ${escape(diagnostic.message)}${
              diagnostic.where === undefined ? '' : ` (${escape(diagnostic.where)})`
            }</li>`,
        )
        .join('')}</ul>`,
    );
  out.push('</section>', '<section id="sources"><h2>Sources</h2>');
  if (content.sources.length === 0) out.push('<p>None recorded.</p>');
  else
    out.push(
      `<ol>${content.sources
        .map((source) => {
          const parts = [`<strong>${escape(source.scope)}:</strong> ${escape(source.citation)}`];
          if (source.url !== undefined) parts.push(` — <span class="url">${escape(source.url)}</span>`);
          if (source.original !== undefined) parts.push(` (original: “${escape(source.original)}”)`);
          if (source.appliesTo !== undefined) parts.push(` — backs ${escape(source.appliesTo)}`);
          if (source.note !== undefined) parts.push(`. ${escape(source.note)}`);
          return `<li>${parts.join('')}</li>`;
        })
        .join('\n')}</ol>`,
    );
  out.push(
    '</section>',
    '<footer>Made with Tessera. All numbers are model predictions; the sources above back the inputs.</footer>',
    '</main>',
    '</body>',
    '</html>',
  );
  return `${out.join('\n')}\n`;
}

/** The compression section (issue 16 §5), when the report has one. */
function compressionSection(report: ReportInput['report']): string[] {
  const content = compressionContent(report);
  if (!content) return [];
  return [
    '<section id="compression"><h2>Compression</h2>',
    ...[content.sentence, content.storage, content.expansion].map((line) => `<p>${escape(line)}</p>`),
    table(content.units),
    '</section>',
  ];
}
