/**
 * A sweep's report as one self-contained HTML page (no scripts, no external resources, a strict
 * Content-Security-Policy): the definition, the counts, the design revision it ran on, the best point for each
 * objective (each anchored and naming the design it opens as), the Pareto front as a table, and an inline SVG
 * scatter of two objectives with the front highlighted. Also the rows of all points as CSV and JSON Lines, one
 * record at a time so a caller can stream them. Every string from the sweep or the design is escaped.
 */
import { escapeHtml as escape } from '../../engine/figures';
import { sweepFigureIds, sweepFigures, type SweepFigureId } from '../../engine/sweep/figures';
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepSpec } from '../../engine/sweep/spec';
import type { SweepSummary } from '../contract/api';
import { csvField } from './csv';
import { reportPageStyles } from './report-styles';

/** The CSV header of a sweep's points: index, the swept parameters, ok, feasible, every figure, error, violations. */
export function sweepCsvHeader(spec: SweepSpec): string {
  const columns = [
    'index',
    ...spec.parameters.map((parameter) => parameter.path),
    'ok',
    'feasible',
    ...sweepFigureIds,
    'error',
    'violations',
  ];
  return `${columns.map(csvField).join(',')}\r\n`;
}

/** One point as a CSV record (RFC 4180, CRLF), numbers in SI units at full precision. */
export function sweepCsvRecord(spec: SweepSpec, row: SweepRow): string {
  const fields = [
    row.index,
    ...spec.parameters.map((parameter) => row.values[parameter.path]),
    row.ok,
    row.feasible,
    ...sweepFigureIds.map((figure) => row.figures?.[figure]),
    row.error,
    row.violations?.join('; '),
  ];
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** One point as a JSON line (figures that are not finite become null, as JSON has no NaN). */
export function sweepJsonLine(row: SweepRow): string {
  return `${JSON.stringify(row, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value) ? null : value,
  )}\n`;
}

export interface SweepReportInput {
  sweep: SweepSummary;
  spec: SweepSpec;
  /** The name of the design the sweep ran on. */
  designName: string;
  objectives: { figure: SweepFigureId; goal: 'min' | 'max' }[];
  /** The front's points (feasible, non-dominated), in index order; at most a few hundred are shown. */
  front: SweepRow[];
  /** The best feasible point for each objective, in the objectives' order (undefined: no feasible point). */
  best: (SweepRow | undefined)[];
  /** An even sample of the feasible points, for the scatter. */
  sample: SweepRow[];
  /** Points on the front in all (the table may show fewer). */
  frontTotal: number;
  /** The name a point opens as in the app. */
  pointDesignName: (index: number) => string;
  generatedAt: Date;
}

const styles = `${reportPageStyles}.subtitle { color: #475569; margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 12.5px; }
th, td { padding: 4px 8px; border-bottom: 1px solid #e2e8f0; text-align: left; vertical-align: top; }
th { background: #f1f5f9; font-weight: 600; }
td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
pre { background: #f1f5f9; padding: 8px 12px; overflow-x: auto; font-size: 12px; }
svg text { font: 11px system-ui, sans-serif; fill: #334155; }
@media print { body { background: #fff; } main { padding: 0; } }
`;

function number(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return Number(value.toPrecision(4)).toString();
}

function figureHeader(figure: SweepFigureId): string {
  const info = sweepFigures[figure];
  return info.unit === '' || info.unit === 'bool' ? info.label : `${info.label} (${info.unit})`;
}

function pointTable(
  input: SweepReportInput,
  rows: readonly (SweepRow | undefined)[],
  labels?: string[],
): string {
  const figures = input.objectives.map((objective) => objective.figure);
  const head = [
    ...(labels ? ['Best for'] : []),
    'Point',
    ...input.spec.parameters.map((parameter) => parameter.label ?? parameter.path),
    ...figures.map(figureHeader),
    'Opens as',
  ];
  const body = rows.map((row, position) => {
    const label = labels ? `<td>${escape(labels[position] ?? '')}</td>` : '';
    if (!row)
      return `<tr>${label}<td colspan="${head.length - (labels ? 1 : 0)}">No feasible point</td></tr>`;
    const anchor = labels ? '' : ` id="point-${row.index}"`;
    return `<tr${anchor}>${label}<td><a href="#point-${row.index}">#${row.index}</a></td>${input.spec.parameters
      .map((parameter) => `<td>${escape(String(row.values[parameter.path] ?? ''))}</td>`)
      .join(
        '',
      )}${figures.map((figure) => `<td class="number">${number(row.figures?.[figure])}</td>`).join('')}<td>${escape(input.pointDesignName(row.index))}</td></tr>`;
  });
  return `<table><thead><tr>${head.map((cell) => `<th>${escape(cell)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

/** The scatter of the first two objectives: the sampled feasible points faded, the front highlighted. */
export function sweepScatterSvg(input: SweepReportInput): string {
  const [xObjective, yObjective] = input.objectives;
  if (!xObjective) return '';
  const x = xObjective.figure;
  const y = yObjective?.figure;
  const read = (row: SweepRow): [number, number] | undefined => {
    const a = row.figures?.[x];
    const b = y === undefined ? row.index : row.figures?.[y];
    return a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b)
      ? [a, b]
      : undefined;
  };
  const all = [...input.sample, ...input.front].map(read).filter((point) => point !== undefined);
  if (all.length === 0) return '<p>No feasible point to plot.</p>';
  const width = 640;
  const height = 400;
  const margin = { left: 70, right: 20, top: 20, bottom: 50 };
  const xs = all.map((point) => point[0]);
  const ys = all.map((point) => point[1]);
  const span = (values: number[]): [number, number] => {
    const low = Math.min(...values);
    const high = Math.max(...values);
    return low === high ? [low - 1, high + 1] : [low, high];
  };
  const [x0, x1] = span(xs);
  const [y0, y1] = span(ys);
  const px = (value: number): number =>
    margin.left + ((value - x0) / (x1 - x0)) * (width - margin.left - margin.right);
  const py = (value: number): number =>
    height - margin.bottom - ((value - y0) / (y1 - y0)) * (height - margin.top - margin.bottom);
  const dot = (point: [number, number], front: boolean): string =>
    `<circle cx="${px(point[0]).toFixed(1)}" cy="${py(point[1]).toFixed(1)}" r="${front ? 4 : 2.5}" fill="${front ? '#dc2626' : '#64748b'}" fill-opacity="${front ? 1 : 0.35}"/>`;
  const dots = input.sample
    .map(read)
    .filter((point) => point !== undefined)
    .map((point) => dot(point, false));
  const frontDots = input.front
    .map(read)
    .filter((point) => point !== undefined)
    .map((point) => dot(point, true));
  const xLabel = figureHeader(x);
  const yLabel = y === undefined ? 'Point' : figureHeader(y);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escape(`${yLabel} against ${xLabel}; the Pareto front in red`)}">`,
    `<rect x="${margin.left}" y="${margin.top}" width="${width - margin.left - margin.right}" height="${height - margin.top - margin.bottom}" fill="none" stroke="#cbd5e1"/>`,
    ...dots,
    ...frontDots,
    `<text x="${margin.left}" y="${height - margin.bottom + 16}">${number(x0)}</text>`,
    `<text x="${width - margin.right}" y="${height - margin.bottom + 16}" text-anchor="end">${number(x1)}</text>`,
    `<text x="${(margin.left + width - margin.right) / 2}" y="${height - 10}" text-anchor="middle">${escape(xLabel)}</text>`,
    `<text x="${margin.left - 6}" y="${height - margin.bottom}" text-anchor="end">${number(y0)}</text>`,
    `<text x="${margin.left - 6}" y="${margin.top + 10}" text-anchor="end">${number(y1)}</text>`,
    `<text transform="translate(14 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`,
    '</svg>',
  ].join('\n');
}

function describeParameter(parameter: SweepSpec['parameters'][number]): string {
  if (parameter.values) return parameter.values.map(String).join(', ');
  if (parameter.range)
    return `${parameter.range.from} to ${parameter.range.to} (${parameter.range.scale}${parameter.range.steps === undefined ? '' : `, ${parameter.range.steps} steps`})`;
  if (parameter.distribution) return JSON.stringify(parameter.distribution);
  return '';
}

/** The sweep's report page. */
export function sweepReportToHtml(input: SweepReportInput): string {
  const { sweep, spec } = input;
  const facts: [string, string][] = [
    ['Design', `${input.designName} (revision ${sweep.designRevision})`],
    ['Status', sweep.status],
    ['Started', sweep.createdAt],
    ['Strategy', spec.strategy.kind],
    [
      'Points',
      `${sweep.evaluated} of ${sweep.total} evaluated; ${sweep.failed} failed; ${sweep.feasible} feasible`,
    ],
    ['On the front', String(input.frontTotal)],
    [
      'Objectives',
      input.objectives
        .map(
          (objective) =>
            `${objective.goal === 'max' ? 'maximise' : 'minimise'} ${sweepFigures[objective.figure].label}`,
        )
        .join('; '),
    ],
    [
      'Constraints',
      spec.constraints.length === 0
        ? 'none'
        : spec.constraints
            .map(
              (constraint) =>
                `${sweepFigures[constraint.figure].label}${constraint.min === undefined ? '' : ` ≥ ${constraint.min}`}${constraint.max === undefined ? '' : ` ≤ ${constraint.max}`}`,
            )
            .join('; '),
    ],
  ];
  const shownFront = input.front.slice(0, 500);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="generator" content="Tessera">',
    `<title>${escape(`Sweep "${spec.name}" of ${input.designName}`)}</title>`,
    `<style>${styles}</style>`,
    '</head>',
    '<body><main>',
    `<h1>Sweep “${escape(spec.name)}”</h1>`,
    `<p class="subtitle">Generated ${escape(input.generatedAt.toISOString())} by Tessera</p>`,
    spec.description === undefined ? '' : `<p>${escape(spec.description)}</p>`,
    `<table><tbody>${facts.map(([key, value]) => `<tr><th>${escape(key)}</th><td>${escape(value)}</td></tr>`).join('')}</tbody></table>`,
    '<h2>Parameters</h2>',
    `<table><thead><tr><th>Parameter</th><th>Path</th><th>Values</th></tr></thead><tbody>${spec.parameters
      .map(
        (parameter) =>
          `<tr><td>${escape(parameter.label ?? parameter.path)}</td><td>${escape(parameter.path)}</td><td>${escape(describeParameter(parameter))}</td></tr>`,
      )
      .join('')}</tbody></table>`,
    '<h2>Best points</h2>',
    pointTable(
      input,
      input.best,
      input.objectives.map(
        (objective) =>
          `${objective.goal === 'max' ? 'Highest' : 'Lowest'} ${sweepFigures[objective.figure].label}`,
      ),
    ),
    '<h2>Pareto front</h2>',
    sweepScatterSvg(input),
    shownFront.length < input.frontTotal
      ? `<p>The first ${shownFront.length} of ${input.frontTotal} points on the front:</p>`
      : '',
    pointTable(input, shownFront),
    '<h2>Definition</h2>',
    `<pre>${escape(JSON.stringify(spec, null, 2))}</pre>`,
    '</main></body></html>',
    '',
  ].join('\n');
}
