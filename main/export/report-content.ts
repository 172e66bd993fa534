/**
 * What an engineering report says, decided once: the sections, facts, tables and sources of a simulation,
 * every number already in human units. `report-markdown.ts` and `report-html.ts` only lay this out, so the two
 * formats cannot drift apart. Strings here are plain text; each renderer escapes them for its format.
 */
import type { CatalogIndex } from '../../engine/catalog';
import {
  formatCount,
  formatFlops,
  formatPercent,
  operatorSeconds,
  reportFigures,
  usedBytes,
  type PhaseFigures,
  PLAN_SEARCH_ALIGN,
  PLAN_SEARCH_HEADERS,
  planSearchRows,
  RECONFIGURATION_ALIGN,
  RECONFIGURATION_HEADERS,
  reconfigurationRows,
  reconfigurationSummary,
  areaCostFigures,
  type AreaCostFigures,
} from '../../engine/figures';

import type { FigureRange, OperatorReport, PhaseReport, Report } from '../../engine/report';
import type { Source } from '../../engine/schema/common';
import type { DesignDocument } from '../../engine/schema/design';
import type { Workload } from '../../engine/schema/workload';
import { formatQuantity } from '../../engine/units';
import { formatPlacement } from '../../engine/schema/placement';
import { blockName, formatParamValue, nonDefaultParams, typeOf } from './format';
import { dvfsContent, type DvfsContent } from './report-dvfs';

/** The input of the Markdown and HTML reports. */
export interface ReportInput {
  design: DesignDocument;
  workload: Workload;
  report: Report;
  catalog: CatalogIndex;
  /** Further sources to cite after the library's (e.g. measurements the design was checked against). */
  sources?: readonly Source[];
}

/** A table of text cells; `align` gives each column's alignment (numbers right). */
export interface TableContent {
  headers: string[];
  align: ('left' | 'right')[];
  rows: string[][];
}

/** A labelled fact ("Batch", "8"). */
export type Fact = [label: string, value: string];

/** One phase's section: its summary sentence and its operator table. */
export interface PhaseContent {
  phase: 'prefill' | 'decode';
  title: string;
  summary: string;
  operators: TableContent;
}

/** One source behind the report's numbers, with what it backs. */
export interface SourceContent {
  /** What the source backs in this report: "Design", "Model", "Format BF16", "Runtime", "Supplied". */
  scope: string;
  citation: string;
  url: string | undefined;
  original: string | undefined;
  note: string | undefined;
  appliesTo: string | undefined;
}

/** One diagnostic of the run, located by name. */
export interface DiagnosticContent {
  severity: string;
  message: string;
  /** The block, link or group it concerns, by name. */
  where: string | undefined;
}

/** Every section of the report, in reading order. */
export interface ReportContent {
  title: string;
  subtitle: string;
  design: Fact[];
  workload: Fact[];
  /** The automatic plan search: a sentence and the chosen split with the runners-up; absent for a manual split. */
  planSearch: { summary: string; table: TableContent } | undefined;
  headline: TableContent;
  bottlenecks: string[];
  phases: PhaseContent[];
  memorySummary: string;
  memory: TableContent;
  parameters: TableContent;
  /** Links that set their own limits; empty rows when none does. */
  linkParameters: TableContent;
  diagnostics: DiagnosticContent[];
  sources: SourceContent[];
  /** An FPGA's configurations: the choice per phase, its cost, the answer and a row per configuration. */
  reconfiguration: { summary: string; answer: string; table: TableContent } | undefined;
  /** Adaptive hardware: the DVFS policy's clocks, idle power, battery life and the request timeline. */
  dvfs: DvfsContent | undefined;
  /** Die area, yield and cost, with a per-block area table; absent when the report has no area. */
  areaCost: AreaCostFigures | undefined;
}

const boundNames: Readonly<Record<string, string>> = {
  compute: 'compute',
  memory: 'memory',
  communication: 'communication',
  overhead: 'overhead',
};

function formatName(catalog: CatalogIndex, id: string): string {
  return catalog.formats.get(id)?.name ?? id;
}

function billions(count: number): string {
  return count >= 1e9 ? `${formatQuantity(count / 1e9, 'ratio')} billion` : formatCount(count);
}

function clockText(phase: Pick<PhaseFigures, 'clockHertz' | 'operatingPoint' | 'throttled'>): string {
  const point = phase.operatingPoint === undefined ? '' : ` (${phase.operatingPoint})`;
  return `${formatQuantity(phase.clockHertz, 'hertz')}${point}${phase.throttled ? ', throttled to the power cap' : ''}`;
}

function sharesText(phase: PhaseReport): string {
  return (['compute', 'memory', 'communication', 'overhead'] as const)
    .map((bound) => `${bound} ${formatPercent(phase.boundShares[bound])}`)
    .join(', ');
}

/** The memory level an operator was bound by, by name, when memory bound it. */
function boundText(operator: OperatorReport, report: Report): string {
  const name = boundNames[operator.bound] ?? operator.bound;
  if (operator.bound !== 'memory' || operator.boundLevelId === undefined) return name;
  const level = report.memory.levels.find((candidate) => candidate.levelId === operator.boundLevelId);
  return `${name} (${level?.name ?? operator.boundLevelId})`;
}

function unitName(report: Report, unitId: string): string {
  return report.machine.computeUnits.find((unit) => unit.id === unitId)?.name ?? unitId;
}

/** The operators of a phase as a table; the share is of the sum of the operators' times. */
function operatorTable(phase: PhaseReport, report: Report): TableContent {
  const total = operatorSeconds(phase);
  const rows = phase.operators.map((operator) => [
    operator.name,
    operator.kind,
    unitName(report, operator.unitId),
    formatCount(operator.repeat),
    formatQuantity(operator.seconds, 'seconds'),
    formatPercent(total > 0 ? operator.seconds / total : 0),
    boundText(operator, report),
    operator.achievedFlopsPerSecond > 0 ? formatFlops(operator.achievedFlopsPerSecond) : '—',
    formatQuantity(operator.energyJoules, 'joules'),
  ]);
  return {
    headers: ['Operator', 'Kind', 'Unit', 'Runs', 'Time', 'Share', 'Bound', 'Achieved', 'Energy (one chip)'],
    align: ['left', 'left', 'left', 'right', 'right', 'right', 'left', 'right', 'right'],
    rows,
  };
}

function designFacts(input: ReportInput): Fact[] {
  const { design, report, catalog } = input;
  const facts: Fact[] = [['Design', design.name]];
  if (design.meta?.description !== undefined) facts.push(['Description', design.meta.description]);
  if (design.meta?.preset !== undefined)
    facts.push(['Preset', catalog.presets.get(design.meta.preset)?.name ?? design.meta.preset]);
  if (design.meta?.author !== undefined) facts.push(['Author', design.meta.author]);
  facts.push([
    'Chip',
    `${report.machine.chipName}${report.machine.chips > 1 ? ` ×${formatCount(report.machine.chips)}` : ''}`,
  ]);
  for (const unit of report.machine.computeUnits)
    facts.push([
      `Compute unit ${unit.name}`,
      `×${formatCount(unit.instances)} per chip, ${formatFlops(unit.peakBf16FlopsPerSecond)} dense BF16 per chip`,
    ]);
  const storage = report.memory.levels.filter((level) => level.usage === 'storage');
  for (const level of report.memory.levels)
    facts.push([
      `Memory ${level.name}`,
      `${formatQuantity(level.capacityBytes, 'bytes')} per chip at ${formatQuantity(level.bandwidthBytesPerSecond, 'bytesPerSecond')} (${level.usage})`,
    ]);
  if (storage.length === 0) facts.push(['Storage', 'none: the design has no storage level']);
  facts.push([
    'Power',
    report.power.capWatts === undefined
      ? `no cap; ${report.power.policy} clock policy`
      : `${formatQuantity(report.power.capWatts, 'watts')} cap per chip; ${report.power.policy} clock policy`,
  ]);
  facts.push([
    'Drawing',
    `${formatCount(design.blocks.length)} blocks, ${formatCount(design.links.length)} links, ${formatCount(design.groups.length)} groups`,
  ]);
  for (const group of design.groups)
    facts.push([`Group ${group.name}`, `${group.kind} ×${formatCount(group.count)}`]);
  return facts;
}

function workloadFacts(input: ReportInput): Fact[] {
  const { workload, report, catalog } = input;
  const parallelism = report.parallelism;
  const facts: Fact[] = [
    [
      'Model',
      `${report.model.name} (${billions(report.model.parameters)} parameters${
        report.model.activeParameters < report.model.parameters
          ? `, ${billions(report.model.activeParameters)} active`
          : ''
      })`,
    ],
    ['Batch', formatCount(workload.batch)],
    ['Input tokens', formatCount(workload.inputTokens)],
    ['Output tokens', formatCount(workload.outputTokens)],
    ['Decode context of the reported step', `${formatCount(report.decode.context)} tokens`],
    [
      'Formats',
      `weights ${formatName(catalog, workload.weights)}, activations ${formatName(catalog, workload.activations)}, KV cache ${formatName(catalog, workload.kv)}`,
    ],
    [
      'Weight sparsity',
      workload.weightSparsity === 'unstructured'
        ? `unstructured, density ${workload.weightDensity ?? 0.5}`
        : workload.weightSparsity,
    ],
    [
      'Parallelism',
      `tensor ${formatCount(parallelism.tensor)} · pipeline ${formatCount(parallelism.pipeline)} · expert ${formatCount(parallelism.expert)} · ${formatCount(parallelism.dataReplicas)} data replica${parallelism.dataReplicas === 1 ? '' : 's'} (${parallelism.automatic ? 'automatic' : 'manual'}), ${formatCount(parallelism.chipsUsed)} chip${parallelism.chipsUsed === 1 ? '' : 's'} used`,
    ],
    [
      'Runtime',
      workload.runtime === undefined
        ? 'none (the hardware alone)'
        : (catalog.runtimes.get(workload.runtime)?.name ?? workload.runtime),
    ],
    [
      'Unit policy',
      workload.unitPolicy === 'pinned' ? `pinned to ${workload.pinnedUnit ?? '(none)'}` : workload.unitPolicy,
    ],
  ];
  if (workload.operatingPoint !== undefined) facts.push(['Operating point', workload.operatingPoint]);
  if (workload.placement !== undefined)
    facts.push([
      'Placement across chip groups',
      `${formatPlacement(workload.placement)}, transfers ${workload.placement.overlap ?? 'double-buffered'}`,
    ]);
  return facts;
}

/** A headline figure's error band as the report prints it: "±18 % on 212 published H100 rows". */
function bandText(range: FigureRange | undefined): string {
  return range?.basis ?? '';
}

function planSearchContent(report: Report): ReportContent['planSearch'] {
  const plan = report.plan;
  if (!plan) return undefined;
  const q = formatQuantity;
  const target =
    plan.tpotTargetSeconds === undefined
      ? ''
      : ` within the TPOT target of ${q(plan.tpotTargetSeconds, 'seconds')} first, then`;
  return {
    summary: `The split was chosen automatically: ${formatCount(plan.evaluated)} split${plan.evaluated === 1 ? '' : 's'} evaluated, ranked${target} by decode throughput at the workload's batch, throughputs within 0.5 % by energy per token. The chosen split and the next best:`,
    table: {
      headers: [...PLAN_SEARCH_HEADERS],
      align: [...PLAN_SEARCH_ALIGN],
      rows: planSearchRows(plan),
    },
  };
}

function headlineTable(report: Report): TableContent {
  const figures = reportFigures(report);
  const { memory, prefill, decode } = figures;
  const ranges = report.ranges;
  const q = formatQuantity;
  const rows: string[][] = [
    ['Time to first token (TTFT)', q(figures.ttftSeconds, 'seconds'), bandText(ranges?.ttftSeconds)],
    ['Time per output token (TPOT)', q(figures.tpotSeconds, 'seconds'), bandText(ranges?.tpotSeconds)],
    ['One request, end to end', q(figures.endToEndSeconds, 'seconds'), bandText(ranges?.endToEndSeconds)],
    [
      'Prefill throughput',
      q(prefill.tokensPerSecond, 'tokensPerSecond'),
      bandText(ranges?.prefillTokensPerSecond),
    ],
    [
      `Decode throughput (batch ${formatCount(figures.batch)})`,
      q(decode.tokensPerSecond, 'tokensPerSecond'),
      bandText(ranges?.decodeTokensPerSecond),
    ],
    [
      'Output speed of one request',
      q(figures.requestOutputTokensPerSecond, 'tokensPerSecond'),
      bandText(ranges?.requestOutputTokensPerSecond),
    ],
    [
      'Memory',
      memory.fits
        ? `fits: ${q(memory.requiredBytesPerChip, 'bytes')} of ${q(memory.availableBytesPerChip, 'bytes')} per chip`
        : `does not fit: ${q(memory.requiredBytesPerChip, 'bytes')} needed, ${q(memory.availableBytesPerChip, 'bytes')} per chip`,
      '',
    ],
    ['Largest batch that fits', formatCount(memory.maxBatch), ''],
    [
      `Largest context at batch ${formatCount(figures.batch)}`,
      `${formatCount(memory.maxContext)} tokens`,
      '',
    ],
    [
      'Average power, prefill (system)',
      q(prefill.averagePowerWatts, 'watts'),
      bandText(ranges?.prefillAveragePowerWatts),
    ],
    [
      'Average power, decode (system)',
      q(decode.averagePowerWatts, 'watts'),
      bandText(ranges?.decodeAveragePowerWatts),
    ],
    ['Peak power of one chip', q(figures.peakChipPowerWatts, 'watts'), ''],
    ['Energy per token, prefill', q(prefill.energyJoulesPerToken, 'joulesPerToken'), ''],
    [
      'Energy per token, decode',
      q(decode.energyJoulesPerToken, 'joulesPerToken'),
      bandText(ranges?.decodeEnergyJoulesPerToken),
    ],
    ['Clock reached, prefill', clockText(prefill), ''],
    ['Clock reached, decode', clockText(decode), ''],
  ];
  return {
    headers: ['Metric', 'Value', 'Error band (accuracy suite)'],
    align: ['left', 'right', 'left'],
    rows,
  };
}

function phaseContent(report: Report, phase: 'prefill' | 'decode'): PhaseContent {
  const data = report[phase];
  const tokens =
    phase === 'prefill'
      ? `${formatCount(report.workload.inputTokens)} prompt tokens × batch ${formatCount(report.workload.batch)}`
      : `one token for each of ${formatCount(report.workload.batch)} sequences at context ${formatCount(report.decode.context)}`;
  const placed = report.heterogeneous;
  const alone = placed?.alone[0];
  // Across chip groups the phase's figures are the placement's; the operators are the primary group's alone.
  const summary =
    placed && alone
      ? `${phase === 'prefill' ? 'Prefill' : 'One decode step'} of ${tokens}: ${formatQuantity(phase === 'prefill' ? alone.ttftSeconds : alone.tpotSeconds, 'seconds')} on ${placed.breakdowns.name} (primary group) alone at ${clockText(data)}; ${data.bound}-bound. Placed across the chip groups it takes ${formatQuantity(data.seconds, 'seconds')}. Times are for one chip's share of the work.`
      : `${phase === 'prefill' ? 'Prefill' : 'One decode step'} of ${tokens}: ${formatQuantity(data.seconds, 'seconds')} at ${clockText(data)}, ${formatQuantity(data.averagePowerWatts, 'watts')} on average; ${data.bound}-bound. Times are for one chip's share of the work.`;
  const title = phase === 'prefill' ? 'Prefill' : 'Decode';
  return {
    phase,
    title: placed ? `${title} on ${placed.breakdowns.name} (primary group)` : title,
    summary,
    operators: operatorTable(data, report),
  };
}

function memoryContent(report: Report): { summary: string; table: TableContent } {
  const { memory } = report;
  const q = formatQuantity;
  const summary = `${memory.fits ? 'Fits' : 'Does not fit'}: ${q(memory.requiredBytesPerChip, 'bytes')} needed per chip of ${q(memory.availableBytesPerChip, 'bytes')} available (weights ${q(memory.weightsBytesPerChip, 'bytes')}, KV cache ${q(memory.kvBytesPerChip, 'bytes')}, activations ${q(memory.activationBytesPerChip, 'bytes')}).`;
  const rows = memory.levels.map((level) => {
    const used = usedBytes(level);
    return [
      level.name,
      level.usage,
      q(level.capacityBytes, 'bytes'),
      q(level.used.weights, 'bytes'),
      q(level.used.kv, 'bytes'),
      q(level.used.activations, 'bytes'),
      q(used, 'bytes'),
      level.capacityBytes > 0 ? formatPercent(used / level.capacityBytes) : '—',
      q(level.bandwidthBytesPerSecond, 'bytesPerSecond'),
    ];
  });
  return {
    summary,
    table: {
      headers: [
        'Level',
        'Use',
        'Capacity',
        'Weights',
        'KV cache',
        'Activations',
        'Used',
        'Occupancy',
        'Bandwidth',
      ],
      align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
      rows,
    },
  };
}

function parameterTable(design: DesignDocument, catalog: CatalogIndex): TableContent {
  const rows: string[][] = [];
  for (const block of design.blocks) {
    const type = typeOf(block, catalog);
    const typeName = type?.name ?? `${block.type} (unknown type)`;
    const set = nonDefaultParams(block, type);
    if (set.length === 0) rows.push([block.name, typeName, '—', 'defaults only', '']);
    for (const param of set)
      rows.push([
        block.name,
        typeName,
        param.spec ? param.name : `${param.key} (not a parameter of this type)`,
        formatParamValue(param.spec, param.value),
        param.defaultValue === undefined ? '' : formatParamValue(param.spec, param.defaultValue),
      ]);
  }
  return {
    headers: ['Block', 'Type', 'Parameter', 'Value', 'Default'],
    // Left-aligned: a table parameter's value (operating points) is long text, not one number.
    align: ['left', 'left', 'left', 'left', 'left'],
    rows,
  };
}

function linkTable(design: DesignDocument): TableContent {
  const rows = design.links
    .filter((link) => Object.keys(link.params).length > 0)
    .map((link) => [
      `${blockName(design, link.from.block)} → ${blockName(design, link.to.block)}`,
      link.params.bandwidthBytesPerSecond === undefined
        ? '—'
        : formatQuantity(link.params.bandwidthBytesPerSecond, 'bytesPerSecond'),
      link.params.latencySeconds === undefined ? '—' : formatQuantity(link.params.latencySeconds, 'seconds'),
      link.params.energyJoulesPerBit === undefined
        ? '—'
        : formatQuantity(link.params.energyJoulesPerBit, 'joulesPerBit'),
    ]);
  return {
    headers: ['Link', 'Bandwidth', 'Latency', 'Energy per bit'],
    align: ['left', 'right', 'right', 'right'],
    rows,
  };
}

function diagnosticsContent(input: ReportInput): DiagnosticContent[] {
  const { design, report } = input;
  return report.diagnostics.map((diagnostic) => {
    let where: string | undefined;
    if (diagnostic.blockId !== undefined) where = `block ${blockName(design, diagnostic.blockId)}`;
    else if (diagnostic.linkId !== undefined) where = `link ${diagnostic.linkId}`;
    else if (diagnostic.groupId !== undefined)
      where = `group ${design.groups.find((group) => group.id === diagnostic.groupId)?.name ?? diagnostic.groupId}`;
    return { severity: diagnostic.severity, message: diagnostic.message, where };
  });
}

function sourceContent(scope: string, source: Source): SourceContent {
  return {
    scope,
    citation: source.citation,
    url: source.url,
    original: source.original,
    note: source.note,
    appliesTo: source.appliesTo,
  };
}

/**
 * The sources behind the numbers: the design's own (a preset's `meta.sources`), the preset's datasheet, the
 * model's config.json, the number formats and the runtime profile, then any supplied; each once.
 */
function sourcesContent(input: ReportInput): SourceContent[] {
  const { design, workload, catalog } = input;
  const found: SourceContent[] = [];
  for (const source of design.meta?.sources ?? []) found.push(sourceContent('Design', source));
  const preset = design.meta?.preset === undefined ? undefined : catalog.presets.get(design.meta.preset);
  if (preset) found.push(sourceContent(`Preset ${preset.name}`, preset.source));
  const model = catalog.models.get(workload.model);
  if (model) found.push(sourceContent(`Model ${model.name}`, model.source));
  for (const id of new Set([workload.weights, workload.activations, workload.kv])) {
    const format = catalog.formats.get(id);
    if (format) found.push(sourceContent(`Format ${format.name}`, format.source));
  }
  const runtime = workload.runtime === undefined ? undefined : catalog.runtimes.get(workload.runtime);
  if (runtime) found.push(sourceContent(`Runtime ${runtime.name}`, runtime.source));
  for (const source of input.sources ?? []) found.push(sourceContent('Supplied', source));
  const seen = new Set<string>();
  return found.filter((source) => {
    const key = `${source.citation}\u0000${source.url ?? ''}\u0000${source.appliesTo ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Builds the content of the engineering report of one simulation. */
export function reportContent(input: ReportInput): ReportContent {
  const { design, report } = input;
  const memory = memoryContent(report);
  return {
    title: `${design.name}: ${report.model.name}`,
    subtitle: `${report.model.name} on ${design.name} (${report.machine.chipName}${report.machine.chips > 1 ? ` ×${formatCount(report.machine.chips)}` : ''}) · batch ${formatCount(report.workload.batch)} · ${formatCount(report.workload.inputTokens)} tokens in, ${formatCount(report.workload.outputTokens)} out`,
    design: designFacts(input),
    workload: workloadFacts(input),
    planSearch: planSearchContent(report),
    headline: headlineTable(report),
    bottlenecks: [
      report.bottleneck.prefill,
      report.bottleneck.decode,
      `Prefill time by resource: ${sharesText(report.prefill)}.`,
      `Decode time by resource: ${sharesText(report.decode)}.`,
    ].filter((sentence) => sentence.trim() !== ''),
    phases: [phaseContent(report, 'prefill'), phaseContent(report, 'decode')],
    memorySummary: memory.summary,
    memory: memory.table,
    parameters: parameterTable(design, input.catalog),
    linkParameters: linkTable(design),
    diagnostics: diagnosticsContent(input),
    sources: sourcesContent(input),
    reconfiguration: reconfigurationContent(report),
    dvfs: dvfsContent(report.dvfs),
    areaCost: areaCostFigures(report),
  };
}

function reconfigurationContent(report: Report): ReportContent['reconfiguration'] {
  const section = report.reconfiguration;
  if (!section) return undefined;
  return {
    summary: reconfigurationSummary(section),
    answer: section.sentence,
    table: {
      headers: [...RECONFIGURATION_HEADERS],
      align: [...RECONFIGURATION_ALIGN],
      rows: reconfigurationRows(section),
    },
  };
}
