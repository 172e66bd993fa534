/**
 * The CLI's commands as a function of (arguments, output streams) → exit code, so tests run it in-process.
 * This dispatcher imports the commands that live in their own modules (`export`, `import`, and the lab's
 * `validate` and `bench`); they import what they share from `main/app/command-line.ts`, never this file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CatalogIndex } from '../../engine/catalog';
import { readDesign } from '../../engine/design-io';
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
import { importHfConfig } from '../../engine/models/hf-import';
import { applyOverrides, parseOverride, type Override } from '../../engine/overrides';
import type {
  DvfsReport,
  FigureRange,
  HeterogeneousReport,
  PlanReport,
  Report,
  ReportRanges,
} from '../../engine/report';
import { describeProblems } from '../../engine/schema/common';
import type { DesignDocument } from '../../engine/schema/design';
import type { ModelConfig } from '../../engine/schema/model';
import { defaultWorkload, type Workload } from '../../engine/schema/workload';
import { formatQuantity, parseQuantity } from '../../engine/units';
import { loadCatalog, table, UsageError, type Streams } from '../app/command-line';
import { FileJobError, FileJobRunner } from '../files';
import { StoreError } from '../store/project-store';
import { saveModelToProject } from './save-model';
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

const usage = `usage: tessera <command> [options]

commands:
  new <file.tessera> [--preset ID]
                              create a project file, empty or with a design copied from a preset
  presets [--json]            list the architecture presets
  models [--json]             list the LLM models
  formats [--json]            list the number formats
  simulate --design <file.json | preset:ID> --model <ID | config.json> [--batch N] [--input N] [--output N]
           [--context N] [--weights F] [--activations F] [--kv F] [--tp N] [--pp N] [--ep N]
           [--tpot-target SECONDS] [--operating-point NAME] [--set ID.param=VALUE ...] [--json]
           [--runtime hardware|trt-llm|vllm|llama-cpp|ID] [--units fastest|least-energy|pinned:BLOCK]
           [--memory weights=auto|pin|stream[:BLOCK],kv=auto|pin|stream[:BLOCK],page=TOKENS,prefetch=on|off]
           [--sparsity none|2:4|4:8|unstructured[:DENSITY]]
           [--reconfiguration never|per-phase|auto]  (an FPGA with configurations: when it may switch)
           [--dvfs-policy fixed|adaptive|race-to-idle|least-energy|max-throughput] [--ttft-target SECONDS]
           [--requests-per-hour N]
           [--placement fastest|least-energy|by-class:attention=GROUP,ffn=GROUP|by-layers:0-39=GROUP,40-79=GROUP]
           [--placement-overlap double-buffered|serial]   (designs with several different chip groups)
           without --tp/--pp/--ep the split is searched; --tpot-target (e.g. 0.02 or "20 ms") ranks the
           splits within it first; --dvfs-policy least-energy meets --ttft-target and --tpot-target;
           --requests-per-hour gives energy per day and battery life
  import-model <config.json> --id <id> [--name NAME] [--out FILE] [--project FILE.tessera]
  export --project FILE.tessera --design NAME|ID --format FORMAT --out FILE|FOLDER [--force]
           FORMAT: yaml, json, schema, svg, html, md, csv, trace, timeloop, llmcompass
  import --project FILE.tessera <file> [--name NAME] [--model-id ID]
           a design (.json, .yaml, or an .svg/.png exported by Tessera) or a Hugging Face config.json
  validate [--out FILE] [--json]
  bench [--json] [--quick]

\`tessera <command> --help\` shows one command's usage.
`;

const commands = [
  'new',
  'presets',
  'models',
  'formats',
  'simulate',
  'import-model',
  'export',
  'import',
  'validate',
  'bench',
];

/** One command's lines of the usage text: its own line and the indented lines under it. */
export function commandUsage(command: string): string {
  const lines = usage.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  ${command} `) || line === `  ${command}`);
  if (start < 0) return usage;
  const end = lines.findIndex((line, index) => index > start && !/^ {4,}/.test(line));
  return `usage: tessera ${lines
    .slice(start, end)
    .map((line) => line.slice(2))
    .join('\n')}\n`;
}

const asksForHelp = (args: readonly string[]): boolean => args.includes('--help') || args.includes('-h');

export interface CliOptions {
  /**
   * Where `import` and `export` parse and write: a runner the caller keeps (tests share one across commands).
   * Default: a runner on the bundled file worker (`main/files/create-file-worker.ts`), stopped after the command.
   */
  fileJobs?: FileJobRunner;
}

/** Runs `body` with the caller's file runner, else with a new one on the bundled worker, closed afterwards. */
async function withFileJobs<T>(options: CliOptions, body: (files: FileJobRunner) => Promise<T>): Promise<T> {
  if (options.fileJobs) return await body(options.fileJobs);
  const { createFileWorker } = await import('../files/create-file-worker');
  // The worker starts with the first job, so `--help` and usage errors never start one.
  const files = new FileJobRunner({ createWorker: createFileWorker });
  try {
    return await body(files);
  } finally {
    await files.close();
  }
}

export async function runCli(argv: string[], streams: Streams, options: CliOptions = {}): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command !== undefined && commands.includes(command) && asksForHelp(rest)) {
      streams.stdout(commandUsage(command));
      return 0;
    }
    if (command === 'help' && rest[0] !== undefined && commands.includes(rest[0])) {
      streams.stdout(commandUsage(rest[0]));
      return 0;
    }
    switch (command) {
      case 'new': {
        const { runNew } = await import('./new-project');
        return await runNew(rest, streams);
      }
      case 'presets':
      case 'models':
      case 'formats':
        return await list(command, rest, streams);
      case 'simulate':
        return await simulate(rest, streams);
      case 'import-model':
        return await importModel(rest, streams);
      case 'export': {
        const { runExport } = await import('./export');
        return await withFileJobs(options, (files) => runExport(rest, streams, files));
      }
      case 'import': {
        const { runImport } = await import('./import');
        return await withFileJobs(options, (files) => runImport(rest, streams, files));
      }
      case 'validate': {
        const { runValidation } = await import('../lab/validate');
        return await runValidation(rest, streams);
      }
      case 'bench': {
        const { runBench } = await import('../lab/bench');
        return await runBench(rest, streams);
      }
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        streams.stdout(usage);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"\n\n${usage}`);
    }
  } catch (error) {
    // A file job stopped for time or memory is the file's doing (a malformed file), like invalid input.
    if (error instanceof UsageError || error instanceof StoreError || error instanceof FileJobError) {
      streams.stderr(`tessera: ${error.message}\n`);
      return 2;
    }
    streams.stderr(`tessera: unexpected failure: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

/** Runs `parseArgs`, turning its complaints into a usage message. */
function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${usage}`);
  }
}

async function list(
  what: 'presets' | 'models' | 'formats',
  args: string[],
  streams: Streams,
): Promise<number> {
  const { values } = parsed(() =>
    parseArgs({ args, strict: true, options: { json: { type: 'boolean', default: false } } }),
  );
  const catalog = await loadCatalog();
  const entries =
    what === 'presets'
      ? catalog.catalog.presets
      : what === 'models'
        ? catalog.catalog.models
        : catalog.catalog.formats;
  if (values.json === true) {
    streams.stdout(`${JSON.stringify(entries.map((entry) => entry.id))}\n`);
    return 0;
  }
  streams.stdout(entries.map((entry) => `${entry.id}\n`).join(''));
  return 0;
}

/** A time in seconds: a bare number in SI units, as `--set` takes them, or with a unit ("20 ms"). */
function secondsOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parsed = parseQuantity(text, 'seconds');
  if (!parsed.ok) throw new UsageError(`--${name}: ${parsed.message}`);
  if (!(parsed.value > 0) || parsed.value > 3600)
    throw new UsageError(`--${name} must be a time above 0 s and at most 3600 s (got "${text}")`);
  return parsed.value;
}

async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** A design from `preset:ID` or a design-document file (JSON). */
export async function designFrom(reference: string, catalog: CatalogIndex): Promise<DesignDocument> {
  if (reference.startsWith('preset:')) {
    const id = reference.slice('preset:'.length);
    const preset = catalog.presets.get(id);
    if (!preset) throw new UsageError(`there is no preset "${id}"; \`tessera presets\` lists them`);
    return preset.design;
  }
  const parsed = readDesign(await readJsonFile(reference, 'design'));
  if (!parsed.ok)
    throw new UsageError(`design ${reference} is invalid:\n${describeProblems(parsed.problems)}`);
  return parsed.value;
}

/** A model by library id, or from a Hugging Face config.json file. */
async function modelFrom(reference: string, catalog: CatalogIndex): Promise<ModelConfig> {
  const known = catalog.models.get(reference);
  if (known) return known;
  if (!reference.endsWith('.json'))
    throw new UsageError(
      `there is no model "${reference}"; \`tessera models\` lists them, or pass a config.json`,
    );
  const imported = importHfConfig(await readJsonFile(reference, 'model config'), {
    id: 'imported-model',
    name: reference,
  });
  if (!imported.ok)
    throw new UsageError(`model config ${reference} cannot be used:\n${describeProblems(imported.problems)}`);
  return imported.value;
}

async function simulate(args: string[], streams: Streams): Promise<number> {
  const { values } = parsed(() =>
    parseArgs({
      args,
      strict: true,
      options: {
        design: { type: 'string' },
        model: { type: 'string' },
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
  if (values.design === undefined) throw new UsageError('simulate needs --design <file.json | preset:ID>');
  if (values.model === undefined) throw new UsageError('simulate needs --model <ID | config.json>');
  const catalog = await loadCatalog();
  let design = await designFrom(values.design, catalog);
  const model = await modelFrom(values.model, catalog);
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
  const base = defaultWorkload(model.id);
  const workload: Workload = {
    ...withPlacementFlags(withUnitFlags(base, { runtime: values.runtime, units: values.units }, catalog), {
      placement: values.placement,
      overlap: values['placement-overlap'],
    }),
    batch: countFromFlag('batch', values.batch) ?? base.batch,
    inputTokens: countFromFlag('input', values.input) ?? base.inputTokens,
    outputTokens: countFromFlag('output', values.output) ?? base.outputTokens,
    decodeContext: countFromFlag('context', values.context),
    weights: values.weights ?? base.weights,
    activations: values.activations ?? base.activations,
    kv: values.kv ?? base.kv,
    parallelism:
      tp !== undefined || pp !== undefined || ep !== undefined
        ? { mode: 'manual', tensor: tp ?? 1, pipeline: pp ?? 1, expert: ep ?? 1 }
        : { mode: 'auto' },
    tpotTargetSeconds: tpotTarget,
    operatingPoint: values['operating-point'],
    ...(values.memory === undefined ? {} : { memoryPolicy: memoryPolicyFromFlag(values.memory) }),
    ...(values.sparsity === undefined ? {} : sparsityFromFlag(values.sparsity)),
    reconfiguration: reconfigurationFromFlag(values.reconfiguration),
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

async function importModel(args: string[], streams: Streams): Promise<number> {
  const { values, positionals } = parsed(() =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        id: { type: 'string' },
        name: { type: 'string' },
        out: { type: 'string' },
        project: { type: 'string' },
        url: { type: 'string' },
      },
    }),
  );
  const file = positionals[0];
  if (file === undefined) throw new UsageError('import-model needs the path of a config.json');
  if (values.id === undefined) throw new UsageError('import-model needs --id <kebab-case id>');
  const imported = importHfConfig(await readJsonFile(file, 'model config'), {
    id: values.id,
    name: values.name,
    sourceUrl: values.url,
  });
  if (!imported.ok)
    throw new UsageError(
      `${file} cannot be imported; nothing was written:\n${describeProblems(imported.problems)}`,
    );
  const text = `${JSON.stringify(imported.value, null, 2)}\n`;
  if (values.project !== undefined) {
    await saveModelToProject(values.project, imported.value);
    streams.stderr(`imported "${imported.value.id}" into ${values.project}\n`);
  }
  if (values.out !== undefined) await writeFile(values.out, text, 'utf8');
  else if (values.project === undefined) streams.stdout(text);
  return 0;
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
