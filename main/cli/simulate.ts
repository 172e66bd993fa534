/**
 * `tessera simulate`: one design, one model, one workload → the report, as a summary or as JSON.
 */
import { parseArgs } from 'node:util';
import { evaluate } from '../../engine/evaluate';
import {
  formatBandPercent,
  reportFigures,
  areaCostFigures,
  withRangeKeys,
  PLAN_SEARCH_ALIGN,
  PLAN_SEARCH_HEADERS,
  planSearchRows,
} from '../../engine/figures';
import { applyOverrides, parseOverride, type Override } from '../../engine/overrides';
import type {
  DvfsReport,
  FigureRange,
  HeterogeneousReport,
  PlanReport,
  Report,
  ReportRanges,
} from '../../engine/report';
import { defaultWorkload, type Workload } from '../../engine/schema/workload';
import { formatQuantity, parseQuantity } from '../../engine/units';
import { loadCatalog, table, UsageError, type Streams } from '../app/command-line';
import { designSourceFrom, modelFrom, workloadFrom } from './read-input';
import {
  checkedWorkload,
  countFromFlag,
  dvfsFromFlags,
  memoryPolicyFromFlag,
  sparsityFromFlag,
  reconfigurationFromFlag,
  reconfigurationLines,
  withPlacementFlags,
  withUnitFlags,
} from './simulate-flags';
import { parsedArgs } from './usage';

/** A time in seconds: a bare number in SI units, as `--set` takes them, or with a unit ("20 ms"). */
function secondsOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parsed = parseQuantity(text, 'seconds');
  if (!parsed.ok) throw new UsageError(`--${name}: ${parsed.message}`);
  if (!(parsed.value > 0) || parsed.value > 3600)
    throw new UsageError(`--${name} must be a time above 0 s and at most 3600 s (got "${text}")`);
  return parsed.value;
}

export async function runSimulate(args: string[], streams: Streams): Promise<number> {
  const { values } = parsedArgs(() =>
    parseArgs({
      args,
      strict: true,
      options: {
        design: { type: 'string' },
        model: { type: 'string' },
        workload: { type: 'string' },
        batch: { type: 'string' },
        input: { type: 'string' },
        output: { type: 'string' },
        context: { type: 'string' },
        weights: { type: 'string' },
        activations: { type: 'string' },
        kv: { type: 'string' },
        tp: { type: 'string' },
        pp: { type: 'string' },
        ep: { type: 'string' },
        'tpot-target': { type: 'string' },
        'operating-point': { type: 'string' },
        runtime: { type: 'string' },
        units: { type: 'string' },
        set: { type: 'string', multiple: true },
        sparsity: { type: 'string' },
        reconfiguration: { type: 'string' },
        'dvfs-policy': { type: 'string' },
        'ttft-target': { type: 'string' },
        'requests-per-hour': { type: 'string' },
        placement: { type: 'string' },
        'placement-overlap': { type: 'string' },
        json: { type: 'boolean', default: false },
        memory: { type: 'string' },
      },
    }),
  );
  if (values.design === undefined)
    throw new UsageError(
      'simulate needs --design <file.json | file.yaml | preset:ID | project.tessera#NAME>',
    );
  const catalog = await loadCatalog();
  const source = await designSourceFrom(values.design, catalog);
  let design = source.design;
  // The base workload: the --workload file, else the saved workload of a design from a project, else the
  // defaults for --model. Flags override it field by field.
  const given = values.workload === undefined ? source.workload : await workloadFrom(values.workload);
  const modelReference = values.model ?? given?.model;
  if (modelReference === undefined)
    throw new UsageError('simulate needs --model <ID | config.json> (or a --workload that names the model)');
  const model = await modelFrom(modelReference, catalog, source.projectModels);
  const overrides: Override[] = [];
  for (const text of values.set ?? []) {
    const parsed = parseOverride(text);
    if ('error' in parsed) throw new UsageError(`--set ${parsed.error}`);
    overrides.push(parsed);
  }
  if (overrides.length > 0) {
    const applied = applyOverrides(design, overrides, catalog);
    if (!applied.ok) throw new UsageError(`--set: ${applied.problems.join('\n')}`);
    design = applied.design;
  }
  const tp = countFromFlag('tp', values.tp);
  const pp = countFromFlag('pp', values.pp);
  const ep = countFromFlag('ep', values.ep);
  const tpotTarget = secondsOption('tpot-target', values['tpot-target']);
  const base: Workload = given ? { ...given, model: model.id } : defaultWorkload(model.id);
  const baseSplit = base.parallelism.mode === 'manual' ? base.parallelism : undefined;
  const workload: Workload = {
    ...withPlacementFlags(withUnitFlags(base, { runtime: values.runtime, units: values.units }, catalog), {
      placement: values.placement,
      overlap: values['placement-overlap'],
    }),
    batch: countFromFlag('batch', values.batch) ?? base.batch,
    inputTokens: countFromFlag('input', values.input) ?? base.inputTokens,
    outputTokens: countFromFlag('output', values.output) ?? base.outputTokens,
    decodeContext: countFromFlag('context', values.context) ?? base.decodeContext,
    weights: values.weights ?? base.weights,
    activations: values.activations ?? base.activations,
    kv: values.kv ?? base.kv,
    parallelism:
      tp !== undefined || pp !== undefined || ep !== undefined
        ? {
            mode: 'manual',
            tensor: tp ?? baseSplit?.tensor ?? 1,
            pipeline: pp ?? baseSplit?.pipeline ?? 1,
            expert: ep ?? baseSplit?.expert ?? 1,
          }
        : base.parallelism,
    tpotTargetSeconds: tpotTarget ?? base.tpotTargetSeconds,
    operatingPoint: values['operating-point'] ?? base.operatingPoint,
    ...(values.memory === undefined ? {} : { memoryPolicy: memoryPolicyFromFlag(values.memory) }),
    ...(values.sparsity === undefined ? {} : sparsityFromFlag(values.sparsity)),
    reconfiguration: reconfigurationFromFlag(values.reconfiguration) ?? base.reconfiguration,
  };
  if (workload.reconfiguration === undefined) delete workload.reconfiguration;
  if (workload.decodeContext === undefined) delete workload.decodeContext;
  if (workload.tpotTargetSeconds === undefined) delete workload.tpotTargetSeconds;
  if (workload.operatingPoint === undefined) delete workload.operatingPoint;
  Object.assign(
    workload,
    dvfsFromFlags({
      policy: values['dvfs-policy'],
      ttftTargetSeconds: secondsOption('ttft-target', values['ttft-target']),
      requestsPerHour: values['requests-per-hour'],
    }),
  );
  const checked = checkedWorkload(workload, {
    '--batch': values.batch,
    '--input': values.input,
    '--output': values.output,
    '--context': values.context,
    '--tp': values.tp,
    '--pp': values.pp,
    '--ep': values.ep,
    '--tpot-target': values['tpot-target'],
    '--requests-per-hour': values['requests-per-hour'],
  });
  for (const [flag, id] of [
    ['weights', checked.weights],
    ['activations', checked.activations],
    ['kv', checked.kv],
  ] as const) {
    if (!catalog.formats.has(id))
      throw new UsageError(`--${flag}: there is no number format "${id}"; \`tessera formats\` lists them`);
  }
  const result = evaluate({ design, workload: checked, model }, catalog);
  if (!result.ok) {
    const lines = result.diagnostics
      .filter((diagnostic) => diagnostic.severity === 'error')
      .map((diagnostic) => `  ${diagnostic.blockId ? `[${diagnostic.blockId}] ` : ''}${diagnostic.message}`);
    throw new UsageError(`the simulation cannot run:\n${lines.join('\n')}`);
  }
  if (values.json === true) streams.stdout(`${JSON.stringify(withRangeKeys(result.report), null, 2)}\n`);
  else streams.stdout(summary(result.report));
  // A report with an error (the model does not fit, say) is shown in full but is not a success.
  return result.report.diagnostics.some((diagnostic) => diagnostic.severity === 'error') ? 1 : 0;
}

/** A figure's error band beside it: " ±18 %" (nothing without published rows). */
function band(range: FigureRange | undefined): string {
  return range?.errorPercent === undefined ? '' : ` ±${formatBandPercent(range.errorPercent)}`;
}

/** The basis of each band the table shows, one line per figure. */
function bandLines(ranges: ReportRanges | undefined): string[] {
  if (!ranges) return [];
  const named: [string, FigureRange][] = [
    ['TTFT', ranges.ttftSeconds],
    ['TPOT', ranges.tpotSeconds],
    ['prefill tokens/s', ranges.prefillTokensPerSecond],
    ['decode tokens/s', ranges.decodeTokensPerSecond],
    ['prefill power', ranges.prefillAveragePowerWatts],
    ['decode power', ranges.decodeAveragePowerWatts],
    ['energy per token', ranges.decodeEnergyJoulesPerToken],
  ];
  return ['error bands (accuracy suite):', ...named.map(([name, range]) => `  ${name}: ${range.basis}`)];
}

/**
 * The human-readable summary of a report: its headline figures (`engine/figures`) each with its error band, a
 * "DOES NOT FIT" line first when the model does not fit, then the bottlenecks.
 */
export function summary(report: Report): string {
  const q = formatQuantity;
  const figures = reportFigures(report);
  const { prefill, decode, memory } = figures;
  const ranges = report.ranges;
  const lines = [
    `${report.model.name} on ${report.machine.chipName}${report.machine.chips > 1 ? ` ×${report.machine.chips}` : ''} · batch ${figures.batch} · ${report.workload.inputTokens} in / ${report.workload.outputTokens} out · ${report.workload.weights} weights`,
    `parallelism: tensor ${report.parallelism.tensor} · pipeline ${report.parallelism.pipeline} · expert ${report.parallelism.expert} · ${report.parallelism.dataReplicas} replica(s)${report.parallelism.automatic ? ' (automatic)' : ''}`,
    ...(report.heterogeneous ? [acrossGroupsLine(report.heterogeneous)] : []),
    ...(memory.fits
      ? []
      : [
          `DOES NOT FIT: ${q(memory.requiredBytesPerChip, 'bytes')} needed per chip, ${q(memory.availableBytesPerChip, 'bytes')} available; the figures below cannot run as shown`,
        ]),
    '',
    table(
      ['', 'prefill', 'decode'],
      [
        [
          'time',
          `${q(figures.ttftSeconds, 'seconds')}${band(ranges?.ttftSeconds)} (TTFT)`,
          `${q(figures.tpotSeconds, 'seconds')}${band(ranges?.tpotSeconds)} per step (TPOT)`,
        ],
        [
          'tokens/s',
          `${q(prefill.tokensPerSecond, 'tokensPerSecond')}${band(ranges?.prefillTokensPerSecond)}`,
          `${q(decode.tokensPerSecond, 'tokensPerSecond')}${band(ranges?.decodeTokensPerSecond)}`,
        ],
        [
          'power',
          `${q(prefill.averagePowerWatts, 'watts')}${band(ranges?.prefillAveragePowerWatts)}`,
          `${q(decode.averagePowerWatts, 'watts')}${band(ranges?.decodeAveragePowerWatts)}`,
        ],
        [
          'energy',
          q(prefill.energyJoules, 'joules'),
          `${q(decode.energyJoulesPerToken, 'joulesPerToken')}${band(ranges?.decodeEnergyJoulesPerToken)}`,
        ],
        ['clock', clockText(report.prefill), clockText(report.decode)],
        ['voltage', q(report.prefill.voltageVolts, 'volts'), q(report.decode.voltageVolts, 'volts')],
        ['bound', prefill.bound, `${decode.bound} (context ${figures.decodeContext})`],
      ],
    ),
    `memory: ${memory.fits ? 'fits' : 'DOES NOT FIT'} — ${q(memory.requiredBytesPerChip, 'bytes')} of ${q(memory.availableBytesPerChip, 'bytes')} per chip; largest batch ${memory.maxBatch}`,
    ...bandLines(ranges),
    report.bottleneck.prefill,
    report.bottleneck.decode,
    ...(report.area ? [`area & cost: ${areaCostFigures(report)?.sentence ?? ''}`] : []),
    ...(report.plan ? ['', planSearchTable(report.plan)] : []),
    ...(report.compression
      ? ['', `compression: ${report.compression.sentence}`, `  ${report.compression.expansion.sentence}`]
      : []),
    ...(report.reconfiguration ? ['', reconfigurationLines(report.reconfiguration)] : []),
    ...(report.dvfs ? dvfsLines(report.dvfs) : []),
    ...(report.heterogeneous ? ['', ...placementLines(report.heterogeneous)] : []),
    ...report.diagnostics.map((diagnostic) => `${diagnostic.severity}: ${diagnostic.message}`),
    ...(report.workload.memoryPolicy && report.memoryHierarchy
      ? [`memory hierarchy: ${report.memoryHierarchy.summary}`]
      : []),
    '',
  ];
  return lines.join('\n');
}

/** What the headline of a design across chip groups is, and which figures are the primary group's alone. */
function acrossGroupsLine(placement: HeterogeneousReport): string {
  const names = placement.groups.map((group) => group.name);
  const primary = placement.breakdowns.name;
  return `across chip groups ${names.join(' + ')}: time, tokens/s, power, energy and whether it fits are the placement's; clock, voltage, bound, memory per chip, parallelism and the plan search are ${primary}'s (primary group)`;
}

/** The placement across chip groups: the sentence, then per group what runs there and its shares. */
export function placementLines(placement: HeterogeneousReport): string[] {
  const q = formatQuantity;
  const percent = (fraction: number) => `${Math.round(fraction * 100)} %`;
  return [
    `placement (${placement.policy}, transfers ${placement.overlap}): ${placement.sentence}`,
    table(
      ['group', 'runs', 'decode time', 'decode energy', 'holds'],
      placement.groups.map((group) => [
        group.name,
        group.classes.join(', ') || '—',
        `${q(group.decodeBusySeconds, 'seconds')} (${percent(group.decodeTimeShare)})`,
        `${q(group.decodeEnergyJoules, 'joules')} (${percent(group.decodeEnergyShare)})`,
        `${q(group.heldBytes, 'bytes')} of ${q(group.capacityBytes, 'bytes')}`,
      ]),
    ),
    `transfers per decode step: ${placement.transfer.crossingsPerStep} × ${q(placement.transfer.decodeBytesPerCrossing, 'bytes')} = ${q(placement.transfer.decodeSeconds, 'seconds')} (${q(placement.transfer.decodeExposedSeconds, 'seconds')} not hidden), ${q(placement.transfer.decodeEnergyJoules, 'joules')}`,
  ];
}

/** The automatic plan search: the chosen split and the runners-up with the figures they were ranked by. */
export function planSearchTable(plan: PlanReport): string {
  const q = formatQuantity;
  const target =
    plan.tpotTargetSeconds === undefined ? '' : `, TPOT target ${q(plan.tpotTargetSeconds, 'seconds')}`;
  return `Plan search: ${plan.evaluated} split${plan.evaluated === 1 ? '' : 's'} evaluated${target}; ranked by decode throughput, then energy per token\n${table(
    [...PLAN_SEARCH_HEADERS],
    planSearchRows(plan),
    [...PLAN_SEARCH_ALIGN],
  )}`;
}

/** A phase's clock, with the share of the time it runs when a power cap stalls the unit. */
function clockText(phase: Report['prefill']): string {
  const clock = formatQuantity(phase.clockHertz, 'hertz');
  return phase.dutyCycle < 1
    ? `${clock}, running ${formatQuantity(phase.dutyCycle * 100, 'ratio')} % of the time`
    : clock;
}

/** The DVFS section in words: the policy's answer, each phase's clocks and why, and a day of requests. */
export function dvfsLines(dvfs: DvfsReport): string[] {
  const q = formatQuantity;
  const phase = (name: string, figures: DvfsReport['prefill']) =>
    `  ${name}: ${figures.domains.map((domain) => `${domain.kind} ${q(domain.clockHertz, 'hertz')} (${domain.reason})`).join('; ')}`;
  return [
    '',
    `DVFS (${dvfs.policy}): ${dvfs.answer}`,
    phase('prefill', dvfs.prefill),
    phase('decode', dvfs.decode),
    `  idle: ${q(dvfs.idle.powerWatts, 'watts')} — ${dvfs.idle.basis}`,
    ...(dvfs.duty ? [`  ${dvfs.duty.sentence}`] : []),
  ];
}
