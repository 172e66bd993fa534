/**
 * Reconfigurable fabric: an FPGA block's named configurations (bitstreams), each checked against the fabric's
 * resources, evaluated as the fabric it makes, and chosen per phase under the workload's reconfiguration policy.
 *
 * - Loading a configuration takes its bitstream's bytes ÷ the configuration port's bandwidth, the port's width ÷ 8
 *   × its clock (AMD UG909, "Configuration Time": "The speed of configuration is directly related to the size of
 *   the partial BIT file and the bandwidth of the configuration port"; UltraScale+ ICAP/MCAP 32 bits at 200 MHz,
 *   125 MHz on SSI devices). A partial region's bitstream is smaller than the full device's, so it loads sooner.
 * - While it loads, the fabric idles at its static power (as the cost stage charges any time beyond the
 *   operators), with the system's blocks: energy = load seconds × (fabric static + system static watts).
 * - Switching per phase costs each request two loads in steady serving: the decode configuration after prefill,
 *   the prefill configuration back before the next batch's prefill. A batch prefills and decodes together, so the
 *   loads are paid once per batch. Reconfiguring between models is never charged per request: that is the `never`
 *   policy (one configuration, chosen for the workload).
 * - Break-even: switching from the prefill configuration p to the decode configuration d pays when the decode
 *   steps it speeds up save more than the two loads cost: (n − 1) × (tpot(p) − tpot(d)) > load(p) + load(d), so
 *   above n = 1 + (load(p) + load(d)) ÷ (tpot(p) − tpot(d)) output tokens per request (the first token comes out
 *   of prefill).
 *
 * Pure functions; `evaluate.ts` runs the engine once per configuration and hands the times in.
 */
import type { CatalogIndex } from '../catalog';
import type { Diagnostic } from '../diagnostics';
import type { EvaluationResult, Report, ReconfigurationReport } from '../report';
import type { TableRow } from '../schema/block-type';
import type { Block, DesignDocument } from '../schema/design';

export const reconfigurationPolicies = ['never', 'per-phase', 'auto'] as const;
export type ReconfigurationPolicy = (typeof reconfigurationPolicies)[number];

/** Operator classes a configuration may accelerate: prefill GEMMs, decode GEMVs, attention. */
export const acceleratedOperators = ['gemm', 'gemv', 'attention'] as const;
export type AcceleratedOperator = (typeof acceleratedOperators)[number];

/** One row of a fabric's `configurations` table, in SI units. */
export interface FabricConfiguration {
  name: string;
  accelerates: AcceleratedOperator[];
  /** Words of `accelerates` that name no operator class. */
  unknownOperators: string[];
  dspSlices: number;
  luts: number;
  bramBlocks: number;
  uramBlocks: number;
  clockHertz: number;
  memoryBandwidthBytesPerSecond: number;
  energyJoulesPerMacBf16: number;
  bitstreamBytes: number;
}

/** What the fabric has for configurations to use, and the port they load through. */
export interface FabricResources {
  dspSlices: number;
  luts: number;
  bramBlocks: number;
  uramBlocks: number;
  configurationPortBits: number;
  configurationPortClockHertz: number;
  /** The fabric's static power, which it draws while a configuration loads. */
  staticPowerWatts: number;
}

/** An FPGA block with configurations, as the design states it. */
export interface ReconfigurableFabric {
  block: Block;
  resources: FabricResources;
  configurations: FabricConfiguration[];
}

/** Configuration port bandwidth: width ÷ 8 × clock (UG909 Table 3: 32 bits × 200 MHz = 6.4 Gb/s = 800 MB/s). */
export function configurationPortBytesPerSecond(resources: FabricResources): number {
  return (resources.configurationPortBits / 8) * resources.configurationPortClockHertz;
}

/** Time to load one configuration: bitstream bytes ÷ port bandwidth (UG909, "Configuration Time"). */
export function configurationLoadSeconds(bitstreamBytes: number, portBytesPerSecond: number): number {
  return portBytesPerSecond > 0 ? bitstreamBytes / portBytesPerSecond : 0;
}

/**
 * Output tokens per request above which switching to the decode configuration pays:
 * 1 + switch seconds ÷ decode seconds saved per token; `undefined` when decode saves nothing.
 */
export function breakEvenOutputTokens(
  switchSeconds: number,
  savedSecondsPerToken: number,
): number | undefined {
  if (!(savedSecondsPerToken > 0)) return undefined;
  return 1 + switchSeconds / savedSecondsPerToken;
}

/** The resources a configuration uses beyond the fabric's, in words ("10,000 DSP slices of 9,024"). */
export function oversubscription(configuration: FabricConfiguration, resources: FabricResources): string[] {
  const checks: [number, number, string][] = [
    [configuration.dspSlices, resources.dspSlices, 'DSP slices'],
    [configuration.luts, resources.luts, 'LUTs'],
    [configuration.bramBlocks, resources.bramBlocks, 'block RAM tiles'],
    [configuration.uramBlocks, resources.uramBlocks, 'UltraRAM blocks'],
  ];
  return checks
    .filter(([used, has]) => used > has)
    .map(([used, has, what]) => `${count(used)} ${what} of ${count(has)}`);
}

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Prefill needs GEMMs and attention; decode needs GEMVs (or GEMMs, which run a one-row GEMV) and attention. */
export function servesPhase(configuration: FabricConfiguration, phase: 'prefill' | 'decode'): boolean {
  const has = (operator: AcceleratedOperator): boolean => configuration.accelerates.includes(operator);
  if (!has('attention')) return false;
  return phase === 'prefill' ? has('gemm') : has('gemv') || has('gemm');
}

function numberCell(row: TableRow, key: string, fallback: number): number {
  const value = row[key];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function textCell(row: TableRow, key: string): string {
  const value = row[key];
  return typeof value === 'string' ? value : '';
}

/** Reads one table row; a cell left out takes the fabric's own value (so a row may state only what differs). */
export function readConfiguration(
  row: TableRow,
  index: number,
  fabric: { number(key: string): number },
): FabricConfiguration {
  const words = textCell(row, 'accelerates')
    .toLowerCase()
    .split(/[\s,]+/)
    .filter((word) => word !== '');
  const known = new Set<string>(acceleratedOperators);
  return {
    name: textCell(row, 'name').trim() || `configuration ${index + 1}`,
    accelerates: acceleratedOperators.filter((operator) => words.includes(operator)),
    unknownOperators: words.filter((word) => !known.has(word)),
    dspSlices: numberCell(row, 'dspSlices', fabric.number('dspSlices')),
    luts: numberCell(row, 'luts', 0),
    bramBlocks: numberCell(row, 'bramBlocks', 0),
    uramBlocks: numberCell(row, 'uramBlocks', 0),
    clockHertz: numberCell(row, 'clockHertz', fabric.number('clockHertz')),
    memoryBandwidthBytesPerSecond: numberCell(
      row,
      'memoryBandwidthBytesPerSecond',
      fabric.number('memoryPortBandwidthBytesPerSecond'),
    ),
    energyJoulesPerMacBf16: numberCell(
      row,
      'energyJoulesPerMacBf16',
      fabric.number('energyJoulesPerMacBf16'),
    ),
    bitstreamBytes: numberCell(row, 'bitstreamBytes', 0),
  };
}

/**
 * The first FPGA block (by its order in the design) whose `configurations` table has rows, or `undefined`: a
 * design without one is evaluated as drawn.
 */
export function reconfigurableFabric(
  design: DesignDocument,
  catalog: CatalogIndex,
): ReconfigurableFabric | undefined {
  for (const block of design.blocks) {
    const type = catalog.blockTypes.get(block.type);
    if (!type || type.costModel !== 'fpga') continue;
    const rows = block.params.configurations;
    if (!Array.isArray(rows) || rows.length === 0) continue;
    const number = (key: string): number => {
      const own = block.params[key];
      if (typeof own === 'number') return own;
      const spec = type.params.find((param) => param.key === key);
      return spec?.kind === 'number' ? spec.default : 0;
    };
    return {
      block,
      resources: {
        dspSlices: number('dspSlices'),
        luts: number('luts'),
        bramBlocks: number('bramBlocks'),
        uramBlocks: number('uramBlocks'),
        configurationPortBits: number('configurationPortBits'),
        configurationPortClockHertz: number('configurationPortClockHertz'),
        staticPowerWatts: number('staticPowerWatts'),
      },
      configurations: rows.map((row, index) => readConfiguration(row, index, { number })),
    };
  }
  return undefined;
}

/** The design with the fabric set as one configuration makes it (and without configurations, so it runs as set). */
export function designWithConfiguration(
  design: DesignDocument,
  fabric: ReconfigurableFabric,
  configuration: FabricConfiguration,
): DesignDocument {
  return {
    ...design,
    blocks: design.blocks.map((block) =>
      block.id === fabric.block.id
        ? {
            ...block,
            params: {
              ...block.params,
              dspSlices: configuration.dspSlices,
              clockHertz: configuration.clockHertz,
              memoryPortBandwidthBytesPerSecond: configuration.memoryBandwidthBytesPerSecond,
              energyJoulesPerMacBf16: configuration.energyJoulesPerMacBf16,
              bitstreamPolicy: 'single',
              configurations: [],
            },
          }
        : block,
    ),
  };
}

/** What the engine measured of one configuration (phases it cannot serve are `undefined`). */
export interface ConfigurationTimes {
  prefillSeconds: number | undefined;
  decodeSecondsPerStep: number | undefined;
}

/** One configuration as the choice sees it. */
export interface Candidate {
  configuration: FabricConfiguration;
  times: ConfigurationTimes;
  loadSeconds: number;
}

/** A configuration per phase and what switching between them costs a request. */
export interface ConfigurationChoice {
  prefill: Candidate;
  decode: Candidate;
  /** 0 when one configuration serves both phases, else 2 (to decode and back). */
  loadsPerRequest: number;
  /** Seconds of loading per request: load(prefill) + load(decode) when switching. */
  switchSeconds: number;
  /** The fastest configuration of each phase, whatever the policy chose. */
  bestPrefill: Candidate;
  bestDecode: Candidate;
  /** Output tokens above which switching from the best prefill configuration to the best decode one pays. */
  breakEvenOutputTokens: number | undefined;
}

function requestSeconds(prefill: Candidate, decode: Candidate, outputTokens: number): number {
  const switching = prefill !== decode ? prefill.loadSeconds + decode.loadSeconds : 0;
  return (
    (prefill.times.prefillSeconds ?? Infinity) +
    switching +
    Math.max(0, outputTokens - 1) * (decode.times.decodeSecondsPerStep ?? Infinity)
  );
}

function fastest(
  candidates: readonly Candidate[],
  time: (candidate: Candidate) => number | undefined,
): Candidate {
  let best = candidates[0] as Candidate;
  for (const candidate of candidates)
    if ((time(candidate) ?? Infinity) < (time(best) ?? Infinity)) best = candidate;
  return best;
}

/**
 * The configuration per phase under a policy, for requests of `outputTokens`: `per-phase` takes the fastest of
 * each phase; `never` the one configuration serving both phases with the shortest request; `auto` the pair with the
 * shortest request, loads included (so it switches only above the break-even). Ties keep the earlier row. Returns
 * `undefined` when no configuration serves a phase.
 */
export function chooseConfigurations(
  candidates: readonly Candidate[],
  policy: ReconfigurationPolicy,
  outputTokens: number,
): ConfigurationChoice | undefined {
  const prefillers = candidates.filter((candidate) => candidate.times.prefillSeconds !== undefined);
  const decoders = candidates.filter((candidate) => candidate.times.decodeSecondsPerStep !== undefined);
  if (prefillers.length === 0 || decoders.length === 0) return undefined;
  const bestPrefill = fastest(prefillers, (candidate) => candidate.times.prefillSeconds);
  const bestDecode = fastest(decoders, (candidate) => candidate.times.decodeSecondsPerStep);
  const both = prefillers.filter((candidate) => decoders.includes(candidate));
  let prefill = bestPrefill;
  let decode = bestDecode;
  if (policy === 'never' && both.length > 0) {
    prefill = decode = fastest(both, (candidate) => requestSeconds(candidate, candidate, outputTokens));
  } else if (policy === 'auto') {
    let best = requestSeconds(prefill, decode, outputTokens);
    for (const p of prefillers)
      for (const d of decoders) {
        const seconds = requestSeconds(p, d, outputTokens);
        if (seconds < best) {
          best = seconds;
          prefill = p;
          decode = d;
        }
      }
  }
  const switchBest = bestPrefill.loadSeconds + bestDecode.loadSeconds;
  const saved =
    bestPrefill.times.decodeSecondsPerStep === undefined || bestPrefill === bestDecode
      ? undefined
      : bestPrefill.times.decodeSecondsPerStep - (bestDecode.times.decodeSecondsPerStep ?? Infinity);
  return {
    prefill,
    decode,
    loadsPerRequest: prefill === decode ? 0 : 2,
    switchSeconds: prefill === decode ? 0 : prefill.loadSeconds + decode.loadSeconds,
    bestPrefill,
    bestDecode,
    breakEvenOutputTokens: saved === undefined ? undefined : breakEvenOutputTokens(switchBest, saved),
  };
}

/** Diagnostics of the configurations as stated: over-subscribed (error: refused), unknown operators, idle rows. */
export function checkConfigurations(
  fabric: ReconfigurableFabric,
  diagnostics: Diagnostic[],
): FabricConfiguration[] {
  const usable: FabricConfiguration[] = [];
  const blockName = fabric.block.name;
  for (const configuration of fabric.configurations) {
    const over = oversubscription(configuration, fabric.resources);
    if (configuration.unknownOperators.length > 0)
      diagnostics.push({
        severity: 'warning',
        code: 'fpga-configuration-unknown-operator',
        message: `Block "${blockName}", configuration '${configuration.name}': "${configuration.unknownOperators.join(' ')}" names no operator class (use gemm, gemv, attention).`,
        blockId: fabric.block.id,
      });
    if (over.length > 0) {
      diagnostics.push({
        severity: 'error',
        code: 'fpga-configuration-over-resources',
        message: `Block "${blockName}", configuration '${configuration.name}' uses ${over.join(', ')} the fabric has; it is refused.`,
        blockId: fabric.block.id,
      });
      continue;
    }
    if (!servesPhase(configuration, 'prefill') && !servesPhase(configuration, 'decode'))
      diagnostics.push({
        severity: 'warning',
        code: 'fpga-configuration-serves-no-phase',
        message: `Block "${blockName}", configuration '${configuration.name}' accelerates ${configuration.accelerates.join(', ') || 'nothing'}: a phase needs attention and GEMMs (prefill) or GEMVs (decode), so it is never chosen.`,
        blockId: fabric.block.id,
      });
    usable.push(configuration);
  }
  return usable;
}

function formatSeconds(seconds: number): string {
  if (seconds >= 1) return `${seconds.toPrecision(3)} s`;
  if (seconds >= 1e-3) return `${(seconds * 1e3).toPrecision(3)} ms`;
  return `${(seconds * 1e6).toPrecision(3)} µs`;
}

/** The sentence that answers "does reconfiguring pay?" for this workload. */
export function reconfigurationSentence(
  choice: ConfigurationChoice,
  policy: ReconfigurationPolicy,
  outputTokens: number,
): string {
  const { bestPrefill, bestDecode } = choice;
  const p = `'${choice.prefill.configuration.name}'`;
  const d = `'${choice.decode.configuration.name}'`;
  if (bestPrefill === bestDecode)
    return `'${bestPrefill.configuration.name}' is the fastest configuration for both phases, so the fabric never reconfigures.`;
  const target = `'${bestDecode.configuration.name}'`;
  const switchSeconds = bestPrefill.loadSeconds + bestDecode.loadSeconds;
  const breakEven = choice.breakEvenOutputTokens;
  const pays =
    breakEven === undefined
      ? `Reconfiguring to ${target} for decode never pays: it is not faster per token than '${bestPrefill.configuration.name}'`
      : `Reconfiguring to ${target} pays off above ${Math.floor(breakEven)} output tokens per request (loading it and switching back cost ${formatSeconds(switchSeconds)} a request; decode saves ${formatSeconds((bestPrefill.times.decodeSecondsPerStep ?? 0) - (bestDecode.times.decodeSecondsPerStep ?? 0))} a token)`;
  const outcome =
    choice.prefill === choice.decode
      ? `at ${outputTokens} output tokens ${policy === 'never' ? 'the policy keeps' : 'the fabric keeps'} ${p} for both phases`
      : `at ${outputTokens} output tokens the fabric runs prefill in ${p} and decode in ${d}`;
  return `${pays}; ${outcome}.`;
}

/** The report's section, from the choice and the configurations' times. */
export function reconfigurationReport(input: {
  fabric: ReconfigurableFabric;
  candidates: readonly Candidate[];
  choice: ConfigurationChoice;
  policy: ReconfigurationPolicy;
  outputTokens: number;
  /** What the system draws while a configuration loads: the fabric's static power and the system's blocks'. */
  idleWatts: number;
}): ReconfigurationReport {
  const { fabric, choice, policy, outputTokens, idleWatts } = input;
  const portBytesPerSecond = configurationPortBytesPerSecond(fabric.resources);
  const row = (configuration: FabricConfiguration, candidate: Candidate | undefined) => {
    const loadSeconds = configurationLoadSeconds(configuration.bitstreamBytes, portBytesPerSecond);
    return {
      name: configuration.name,
      accelerates: configuration.accelerates,
      dspSlices: configuration.dspSlices,
      luts: configuration.luts,
      bramBlocks: configuration.bramBlocks,
      uramBlocks: configuration.uramBlocks,
      clockHertz: configuration.clockHertz,
      bitstreamBytes: configuration.bitstreamBytes,
      loadSeconds,
      loadEnergyJoules: loadSeconds * idleWatts,
      prefillSeconds: candidate?.times.prefillSeconds,
      decodeSecondsPerStep: candidate?.times.decodeSecondsPerStep,
      refused: candidate === undefined,
    };
  };
  return {
    blockId: fabric.block.id,
    blockName: fabric.block.name,
    policy,
    outputTokens,
    configurationPortBytesPerSecond: portBytesPerSecond,
    configurations: fabric.configurations.map((configuration) =>
      row(
        configuration,
        input.candidates.find((candidate) => candidate.configuration === configuration),
      ),
    ),
    prefillConfiguration: choice.prefill.configuration.name,
    decodeConfiguration: choice.decode.configuration.name,
    loadsPerRequest: choice.loadsPerRequest,
    reconfigurationSeconds: choice.switchSeconds,
    reconfigurationEnergyJoules: choice.switchSeconds * idleWatts,
    breakEvenOutputTokens: choice.breakEvenOutputTokens,
    sentence: reconfigurationSentence(choice, policy, outputTokens),
  };
}

/** Evaluates a design variant at a detail (the engine's `evaluate`, passed in so this file does not import it). */
export type EvaluateVariant = (design: DesignDocument, detail: 'full' | 'summary') => EvaluationResult;

function uniqueDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((diagnostic) => {
    const key = `${diagnostic.severity}|${diagnostic.code}|${diagnostic.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A design whose FPGA holds configurations: each usable configuration evaluated at summary detail, the choice
 * per phase, then the chosen configurations at the detail asked for — the report's prefill from the prefill
 * configuration, its decode from the decode configuration, the request's times with the loads added (the switch
 * back before the batch's prefill in TTFT, the switch to decode before the first decode step), and the
 * `reconfiguration` section.
 */
export function evaluateReconfigurable(
  input: {
    design: DesignDocument;
    workload: { outputTokens: number; reconfiguration?: ReconfigurationPolicy | undefined };
  },
  fabric: ReconfigurableFabric,
  options: { detail?: 'full' | 'summary' },
  evaluateVariant: EvaluateVariant,
): EvaluationResult {
  const own: Diagnostic[] = [];
  const usable = checkConfigurations(fabric, own);
  const policy = input.workload.reconfiguration ?? 'auto';
  const outputTokens = input.workload.outputTokens;
  const portBytesPerSecond = configurationPortBytesPerSecond(fabric.resources);
  const candidates: Candidate[] = [];
  let failure: EvaluationResult | undefined;
  for (const configuration of usable) {
    const prefill = servesPhase(configuration, 'prefill');
    const decode = servesPhase(configuration, 'decode');
    if (!prefill && !decode) continue;
    const result = evaluateVariant(designWithConfiguration(input.design, fabric, configuration), 'summary');
    if (!result.ok) {
      failure ??= result;
      continue;
    }
    candidates.push({
      configuration,
      times: {
        prefillSeconds: prefill ? result.report.prefill.seconds : undefined,
        decodeSecondsPerStep: decode ? result.report.decode.secondsPerStep : undefined,
      },
      loadSeconds: configurationLoadSeconds(configuration.bitstreamBytes, portBytesPerSecond),
    });
  }
  const choice = chooseConfigurations(candidates, policy, outputTokens);
  if (!choice) {
    if (failure && !failure.ok)
      return { ok: false, diagnostics: uniqueDiagnostics([...own, ...failure.diagnostics]) };
    return {
      ok: false,
      diagnostics: [
        ...own,
        {
          severity: 'error',
          code: 'fpga-no-configuration',
          message: `Block "${fabric.block.name}" has no usable configuration for ${candidates.some((candidate) => candidate.times.prefillSeconds !== undefined) ? 'decode' : 'prefill'}: a configuration must accelerate attention and GEMMs (prefill) or GEMVs (decode) within the fabric's resources.`,
          blockId: fabric.block.id,
        },
      ],
    };
  }
  const detail = options.detail ?? 'full';
  const prefillRun = evaluateVariant(
    designWithConfiguration(input.design, fabric, choice.prefill.configuration),
    detail,
  );
  if (!prefillRun.ok) return prefillRun;
  const decodeRun =
    choice.decode === choice.prefill
      ? prefillRun
      : evaluateVariant(designWithConfiguration(input.design, fabric, choice.decode.configuration), detail);
  if (!decodeRun.ok) return decodeRun;
  return {
    ok: true,
    report: composeReport(prefillRun.report, decodeRun.report, own, {
      fabric,
      candidates,
      choice,
      policy,
      outputTokens,
    }),
  };
}

function composeReport(
  prefill: Report,
  decode: Report,
  own: readonly Diagnostic[],
  section: {
    fabric: ReconfigurableFabric;
    candidates: readonly Candidate[];
    choice: ConfigurationChoice;
    policy: ReconfigurationPolicy;
    outputTokens: number;
  },
): Report {
  const { choice, outputTokens } = section;
  const switching = choice.prefill !== choice.decode;
  const ttftSeconds = prefill.request.ttftSeconds + (switching ? choice.prefill.loadSeconds : 0);
  const tpotSeconds = decode.request.tpotSeconds;
  // The plan search ranked splits in the prefill configuration alone: with a second configuration its decode
  // figures would contradict the report's, so the search is shown only when one configuration runs both phases.
  const { plan, ...rest } = prefill;
  return {
    ...rest,
    ...(switching || !plan ? {} : { plan }),
    decode: decode.decode,
    clockHertz: decode.clockHertz,
    bottleneck: { prefill: prefill.bottleneck.prefill, decode: decode.bottleneck.decode },
    request: {
      ttftSeconds,
      tpotSeconds,
      endToEndSeconds:
        ttftSeconds +
        (switching ? choice.decode.loadSeconds : 0) +
        Math.max(0, outputTokens - 1) * tpotSeconds,
      outputTokensPerSecond: decode.request.outputTokensPerSecond,
    },
    diagnostics: uniqueDiagnostics([...own, ...prefill.diagnostics, ...decode.diagnostics]),
    reconfiguration: reconfigurationReport({
      ...section,
      idleWatts: section.fabric.resources.staticPowerWatts + prefill.power.systemStaticWatts,
    }),
  };
}
