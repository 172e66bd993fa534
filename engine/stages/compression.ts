/**
 * The compression section of the report (`Report.compression`): the weights as really stored (values, scales and
 * metadata, sparsity with its index bits), where block-quantized weights are expanded — on the memory path by a
 * `compress.weights` unit, or in the compute unit that multiplies (`dequant.ts`) — with the cost of each way, and
 * per compression unit of the chip its decode traffic, busy share, energy, area and whether it paces decode.
 *
 * The counterfactuals (the design without each unit) need whole evaluations, so `evaluate.ts` adds them with
 * `withCounterfactual` on the designs `withoutBlock` builds.
 *
 * Composition (Accelergy's rule, STYLE.md): a decompressor's time overlaps the memory read it expands, so a step's
 * memory time is the longer of the two (`cost.ts`); its energy adds, expanded bytes × 8 × energy per bit.
 */
import { blockModel } from '../blocks/registry';
import { readBlock } from '../blocks/block-model';
import type { CatalogIndex } from '../catalog';
import type { Diagnostic } from '../diagnostics';
import type { Machine, PathCompression } from '../machine';
import { storedBitsParts } from '../models/format-layout';
import { sparsityLayout, storedSparseWeightBytes } from '../models/sparsity';
import type { CompressionReport, CompressionUnitReport, Report } from '../report';
import type { DesignDocument, Link } from '../schema/design';
import type { Workload } from '../schema/workload';
import { formatQuantity } from '../units';
import type { CheckedWorkload } from './check';
import { dequantPasses } from './dequant';
import type { Plan } from './plan';
import type { PoweredGraph } from './power';
import { unitSparsitySpeedup } from './storage';

const codecKinds: Record<string, CompressionUnitReport['kind']> = {
  'weight-decompression': 'weights',
  'kv-compression': 'kv',
  sparsity: 'sparsity',
};

/** Words by which a block's name already says what it is. */
const nameWords: Record<CompressionUnitReport['kind'], string[]> = {
  weights: ['decompress'],
  kv: ['kv'],
  sparsity: ['sparsity', 'sparse'],
};

const kindNames: Record<CompressionUnitReport['kind'], string> = {
  weights: 'weight decompressor',
  kv: 'KV-cache compressor',
  sparsity: 'sparsity engine',
};

export interface CompressionInput {
  design: DesignDocument;
  catalog: CatalogIndex;
  workload: Workload;
  checked: CheckedWorkload;
  machine: Machine;
  plan: Plan;
  powered: PoweredGraph;
  report: Report;
}

/** The compression blocks of the chip the workload runs on, with their cost model's kind. */
export function compressionBlocks(
  design: DesignDocument,
  catalog: CatalogIndex,
  machine: Machine,
): { id: string; kind: CompressionUnitReport['kind'] }[] {
  const found: { id: string; kind: CompressionUnitReport['kind'] }[] = [];
  for (const block of design.blocks) {
    const kind = codecKinds[catalog.blockTypes.get(block.type)?.costModel ?? ''];
    if (kind !== undefined && block.id in machine.chip.blockStaticWatts) found.push({ id: block.id, kind });
  }
  return found;
}

/** The section, or undefined when neither the design nor the workload compresses anything. */
export function compressionSection(
  input: CompressionInput,
  diagnostics: Diagnostic[],
): CompressionReport | undefined {
  const { design, catalog, workload, checked, machine, report } = input;
  const blocks = compressionBlocks(design, catalog, machine);
  const format = checked.weightsFormat;
  const parts = storedBitsParts(format);
  const layout = sparsityLayout(workload);
  if (blocks.length === 0 && layout === undefined && parts.metadataBits <= 0) return undefined;

  const decode = input.powered.decode.costed;
  const stepSeconds = report.decode.secondsPerStep;
  const primary = machine.chip.units[input.plan.primaryUnit];
  const storedSparse = input.plan.storage?.sparseWeights === true;
  const speedup = primary && storedSparse ? unitSparsitySpeedup(primary, layout) : 1;
  let sparseMacs = 0;
  let allMacs = 0;
  for (const { operator } of decode.costed) {
    allMacs += operator.macs * operator.repeat;
    if (operator.sparse) sparseMacs += operator.macs * operator.repeat;
  }

  const units = blocks.map((entry) => unitReport(entry, input, stepSeconds, diagnostics));
  const expansion = expansionCosts(input, units);
  const section: CompressionReport = {
    weights: {
      format: format.name,
      valueBitsPerWeight: parts.valueBits,
      metadataBitsPerWeight: parts.metadataBits,
      sparsity: workload.weightSparsity,
      density: layout?.density ?? 1,
      indexBitsPerWeight: layout?.indexBitsPerWeight ?? 0,
      storedSparse,
      // `storedSparseWeightBytes` in bits: density × the format's bits + the index bits.
      storedBitsPerWeight:
        storedSparse && layout
          ? layout.density * format.effectiveBitsPerElement + layout.indexBitsPerWeight
          : format.effectiveBitsPerElement,
      decodeMacsSkippedShare: allMacs > 0 ? (sparseMacs * (1 - 1 / speedup)) / allMacs : 0,
    },
    expansion,
    units,
    sentence: '',
  };
  section.sentence = answerSentence(section);
  return section;
}

/** Instances of a block on one chip: its static power over one instance's, else its path throughput over one's. */
function instancesOf(
  blockId: string,
  oneWatts: number,
  oneThroughput: number,
  machine: Machine,
  compression: PathCompression | undefined,
): number {
  const watts = machine.chip.blockStaticWatts[blockId] ?? 0;
  if (oneWatts > 0 && watts > 0) return Math.max(1, Math.round(watts / oneWatts));
  if (compression && oneThroughput > 0)
    return Math.max(1, Math.round(compression.throughputBytesPerSecond / oneThroughput));
  return 1;
}

function unitReport(
  entry: { id: string; kind: CompressionUnitReport['kind'] },
  input: CompressionInput,
  stepSeconds: number,
  diagnostics: Diagnostic[],
): CompressionUnitReport {
  const { design, catalog, machine } = input;
  const block = design.blocks.find((candidate) => candidate.id === entry.id);
  const type = block ? catalog.blockTypes.get(block.type) : undefined;
  const model = type ? blockModel(type.costModel) : undefined;
  const reading = block && type ? readBlock(block, type) : undefined;
  const transfer = model && reading ? model.transfer(reading) : undefined;
  const oneThroughput = transfer?.bandwidthBytesPerSecond ?? 0;

  // The path this unit sits on (the first that names it) and what the memory behind it feeds, expanded.
  let path: { compression: PathCompression; feed: number } | undefined;
  for (const row of machine.chip.paths)
    for (const candidate of row) {
      const compression =
        candidate?.weightCompression?.blockId === entry.id
          ? candidate.weightCompression
          : candidate?.kvCompression?.blockId === entry.id
            ? candidate.kvCompression
            : undefined;
      if (candidate && compression && !path) {
        // The unit is a node of the data graph, so a slow one is itself what limits the path's bandwidth; what
        // the memory could feed it is then the level's sustained bandwidth (the next narrowest element is not
        // known without a second max-flow, so this overstates the feed where a fabric is almost as narrow).
        const level = machine.chip.levels[candidate.levelIndex];
        const stored =
          candidate.limitedBy === entry.id && level
            ? level.bandwidthBytesPerSecond * level.achievableBandwidthFraction
            : candidate.bandwidthBytesPerSecond;
        path = { compression, feed: stored * compression.ratio };
      }
    }
  const instances = instancesOf(
    entry.id,
    model && reading ? model.staticPower(reading).watts : 0,
    oneThroughput,
    machine,
    path?.compression,
  );
  const throughput = path?.compression.throughputBytesPerSecond ?? oneThroughput * instances;
  const energyJoulesPerBit = transfer?.energyJoulesPerBit ?? 0;

  // Expanded bytes per decode step on one chip: what `cost.ts` sent through the unit, or (a sparsity engine) the
  // stored weight bytes of the sparse GEMMs of the unit it is linked to.
  const decode = input.powered.decode.costed;
  let bytes = 0;
  for (const { operator, cost } of decode.costed) {
    const runs = operator.repeat * decode.runsPerChip;
    const through = cost.decompressed?.get(entry.id);
    if (through) bytes += through.bytes * runs;
    else if (entry.kind === 'sparsity' && operator.sparse && input.plan.storage?.sparseWeights === true) {
      const unit = machine.chip.units[cost.unitIndex];
      if (unit?.blockIds.some((id) => linked(design.links, id, entry.id)))
        bytes += operator.bytes.weights * runs;
    }
  }
  const busy = throughput > 0 ? bytes / throughput : 0;
  const utilization = stepSeconds > 0 ? Math.min(1, busy / stepSeconds) : 0;
  const feed = path?.feed ?? 0;
  const boundsDecode = path !== undefined && throughput < feed && utilization >= 0.5;
  const name = block?.name ?? entry.id;
  if (boundsDecode)
    diagnostics.push({
      severity: 'warning',
      code: 'compression-unit-bound',
      message: `${name} expands ${formatQuantity(throughput, 'bytesPerSecond')}, less than the ${formatQuantity(feed, 'bytesPerSecond')} its memory feeds it (stored bytes per second × ratio ${path?.compression.ratio ?? 1}), so it paces decode (busy ${Math.round(utilization * 100)} % of each step). Raise its throughput or add instances.`,
      blockId: entry.id,
    });
  const ratio = path?.compression.ratio ?? (entry.kind === 'sparsity' ? sparseRatio(input) : 1);
  return {
    blockId: entry.id,
    name,
    kind: entry.kind,
    instances,
    compressionRatio: ratio,
    throughputBytesPerSecond: throughput,
    latencySeconds: transfer?.latencySeconds ?? 0,
    energyJoulesPerBit,
    areaSquareMetres: model && reading ? model.areaSquareMetres(reading) * instances : 0,
    decodeBytesPerStep: bytes,
    decodeBusySeconds: busy,
    decodeUtilization: utilization,
    decodeEnergyJoulesPerStep: bytes * 8 * energyJoulesPerBit,
    feedBytesPerSecond: feed,
    boundsDecode,
    sentence: boundsDecode
      ? `${name} bounds decode: it expands ${formatQuantity(throughput, 'bytesPerSecond')}, below the ${formatQuantity(feed, 'bytesPerSecond')} its memory feeds it.`
      : `${name} is busy ${Math.round(utilization * 100)} % of each decode step.`,
  };
}

/** Dense matrix bytes ÷ stored bytes under the workload's sparsity, when it is stored sparse. */
function sparseRatio(input: CompressionInput): number {
  const layout = sparsityLayout(input.workload);
  if (!layout || input.plan.storage?.sparseWeights !== true) return 1;
  const bytes = input.checked.formats.weightBytes;
  return bytes / storedSparseWeightBytes(bytes, layout);
}

function linked(links: readonly Link[], a: string, b: string): boolean {
  return links.some(
    (link) =>
      (link.from.block === a && link.to.block === b) || (link.from.block === b && link.to.block === a),
  );
}

/**
 * Where block-quantized weights are expanded and what each way costs per decode step on one chip: on the memory
 * path, the decompressors' expanded bytes at their throughput and energy; in the compute unit, `dequant.ts`'s
 * count — weights × ⌈M / tile⌉ × ops per weight — at the unit's vector rate and energy.
 */
function expansionCosts(
  input: CompressionInput,
  units: readonly CompressionUnitReport[],
): CompressionReport['expansion'] {
  const { checked, machine } = input;
  const format = checked.weightsFormat;
  const decompressors = units.filter((unit) => unit.kind === 'weights' && unit.decodeBytesPerStep > 0);
  const memoryPath =
    decompressors.length > 0
      ? {
          seconds: Math.max(...decompressors.map((unit) => unit.decodeBusySeconds)),
          energyJoules: decompressors.reduce((sum, unit) => sum + unit.decodeEnergyJoulesPerStep, 0),
        }
      : undefined;
  const opsPerElement = format.dequantOpsPerElement ?? 0;
  let compute: { vectorOps: number; seconds: number; energyJoules: number } | undefined;
  if (opsPerElement > 0) {
    const decode = input.powered.decode.costed;
    let ops = 0;
    let seconds = 0;
    let joules = 0;
    for (const { operator, cost } of decode.costed) {
      const unit = machine.chip.units[cost.unitIndex];
      if (!unit || !operator.gemm || operator.macs <= 0 || operator.bytes.weights <= 0) continue;
      if (operator.computeClass === format.computeClass) continue;
      const elements = operator.bytes.weights / (format.effectiveBitsPerElement / 8);
      const passes = dequantPasses(
        operator.gemm.m,
        unit,
        checked.runtime?.dequantTileTokens,
        operator.elementBytes,
      );
      const runOps = elements * passes * opsPerElement * operator.repeat * decode.runsPerChip;
      ops += runOps;
      seconds += runOps / Math.max(1, unit.vectorOpsPerCycle * unit.instances * unit.clockHertz);
      joules += runOps * unit.energyJoulesPerVectorOp;
    }
    if (ops > 0) compute = { vectorOps: ops, seconds, energyJoules: joules };
  }
  const where = memoryPath ? 'memory-path' : compute ? 'compute' : 'none';
  const computeText = compute
    ? `dequantizing in the compute unit costs ${formatQuantity(compute.seconds, 'seconds')} of vector time and ${formatQuantity(compute.energyJoules, 'joules')} per decode step`
    : undefined;
  let sentence: string;
  if (memoryPath) {
    const names = decompressors.map((unit) => unit.name).join(', ');
    sentence = `Weights are expanded on the memory path by ${names}: ${formatQuantity(memoryPath.seconds, 'seconds')} busy (overlapping the memory read) and ${formatQuantity(memoryPath.energyJoules, 'joules')} per decode step; the design has a decompressor on the weights' path, so the compute unit receives them ready${computeText ? ` — ${computeText} instead` : ''}.`;
  } else if (compute && computeText) {
    sentence = `${format.name} weights are dequantized in the compute unit, since no weight decompressor is on their path: ${computeText}.`;
  } else {
    sentence =
      format.dequantOpsPerElement !== undefined && format.dequantOpsPerElement > 0
        ? `${format.name} weights are multiplied in their own format: nothing expands them.`
        : `${format.name} weights need no expansion.`;
  }
  return { where, memoryPath, compute, sentence };
}

/** The headline sentence: each unit's effect from its counterfactual, else the stored format. */
function answerSentence(section: CompressionReport): string {
  const withEffect = section.units.filter((unit) => unit.without !== undefined);
  if (withEffect.length > 0) return withEffect.map((unit) => unit.sentence).join(' ');
  const weights = section.weights;
  const sparsity =
    weights.sparsity === 'none'
      ? ''
      : weights.storedSparse
        ? `, ${weights.sparsity}-sparse with ${weights.indexBitsPerWeight.toFixed(2)} index bits per weight`
        : `, ${weights.sparsity}-sparse but stored dense (no sparsity engine for that pattern)`;
  return `Weights are stored in ${weights.storedBitsPerWeight.toFixed(3)} bits each (${weights.format}: ${weights.valueBitsPerWeight} value + ${weights.metadataBitsPerWeight.toFixed(3)} scale and metadata bits${sparsity}).`;
}

/** Percent change from `before` to `after`, rounded: negative when it falls. */
function percentChange(before: number, after: number): number {
  return before > 0 ? Math.round(((after - before) / before) * 100) : 0;
}

/**
 * Fills in a unit's counterfactual from the report of the design without it (`undefined` when that design does
 * not evaluate), and rewrites its sentence and the section's: "the 2:4 sparsity engine cuts decode TPOT 38 % and
 * adds 3.1 mm²".
 */
export function withCounterfactual(
  section: CompressionReport,
  report: Report,
  blockId: string,
  without: Report | undefined,
): void {
  const unit = section.units.find((candidate) => candidate.blockId === blockId);
  if (!unit || !without) return;
  unit.without = {
    tpotSeconds: without.request.tpotSeconds,
    decodeEnergyJoulesPerToken: without.decode.energyJoulesPerToken,
    maxBatch: without.memory.maxBatch,
    weightsBytesPerChip: without.memory.weightsBytesPerChip,
    kvBytesPerChip: without.memory.kvBytesPerChip,
    fits: without.memory.fits,
  };
  const tpot = percentChange(without.request.tpotSeconds, report.request.tpotSeconds);
  const energy = percentChange(without.decode.energyJoulesPerToken, report.decode.energyJoulesPerToken);
  const verb = (change: number, what: string) =>
    change < 0
      ? `cuts ${what} ${-change} %`
      : change > 0
        ? `raises ${what} ${change} %`
        : `leaves ${what} unchanged`;
  const batch =
    without.memory.maxBatch !== report.memory.maxBatch
      ? `, takes the largest batch from ${without.memory.maxBatch} to ${report.memory.maxBatch}`
      : '';
  const area =
    unit.areaSquareMetres > 0 ? ` and adds ${(unit.areaSquareMetres * 1e6).toPrecision(2)} mm²` : '';
  const pattern =
    unit.kind === 'sparsity' && report.workload.weightSparsity !== 'none'
      ? report.workload.weightSparsity
      : '';
  // "Sparsity engine (2:4)", "wdec (weight decompressor)": the block's name, and what it is where the name does not say.
  const subject = nameWords[unit.kind].some((word) => unit.name.toLowerCase().includes(word))
    ? `${unit.name}${pattern ? ` (${pattern})` : ''}`
    : `${unit.name} (${pattern ? `${pattern} ` : ''}${kindNames[unit.kind]})`;
  const bound = unit.boundsDecode
    ? ` It bounds decode: its ${formatQuantity(unit.throughputBytesPerSecond, 'bytesPerSecond')} is below the ${formatQuantity(unit.feedBytesPerSecond, 'bytesPerSecond')} its memory feeds it.`
    : '';
  unit.sentence = `${subject} ${verb(tpot, 'decode TPOT')} (${formatQuantity(without.request.tpotSeconds, 'seconds')} → ${formatQuantity(report.request.tpotSeconds, 'seconds')}), ${verb(energy, 'energy per token')}${batch}${area}.${bound}`;
  if (unit.kind === 'weights' && section.expansion.where === 'memory-path') {
    // Why the memory path: the counterfactual is the other way (weights stored as the format says, expanded, where
    // the format needs it, by the unit that multiplies).
    const faster = report.request.tpotSeconds <= without.request.tpotSeconds;
    const other = section.expansion.compute ? ' and dequantized in the compute unit' : '';
    section.expansion.sentence += ` Without ${unit.name} (weights stored uncompressed${other}) decode TPOT would be ${formatQuantity(without.request.tpotSeconds, 'seconds')} against ${formatQuantity(report.request.tpotSeconds, 'seconds')}: ${faster ? 'the memory path is the better choice' : 'the design would be faster without it — the decompressor costs more time than its smaller reads save'}.`;
  }
  section.sentence = answerSentence(section);
}

/**
 * The design without one block: the block and its links removed, and each neighbour on one side joined to each on
 * the other by a plain link (no limit of its own), so a codec on a memory path leaves the path in place. A
 * sparsity engine linked to one compute block only has no other side: it simply goes.
 */
export function withoutBlock(design: DesignDocument, blockId: string): DesignDocument {
  const touching = design.links.filter((link) => link.from.block === blockId || link.to.block === blockId);
  const ends = touching.map((link) =>
    link.from.block === blockId
      ? { other: link.to, mine: link.from.port }
      : { other: link.from, mine: link.to.port },
  );
  const memorySide = ends.filter((end) => end.mine === 'memorySide');
  const computeSide = ends.filter((end) => end.mine !== 'memorySide');
  const bridges: Link[] = [];
  const ids = new Set([
    ...design.blocks.map((block) => block.id),
    ...design.links.map((link) => link.id),
    ...design.groups.map((group) => group.id),
  ]);
  for (const from of memorySide)
    for (const to of computeSide) {
      let id = `${blockId}-bypass-${bridges.length + 1}`;
      while (ids.has(id)) id = `${id}-1`;
      ids.add(id);
      bridges.push({ id, from: from.other, to: to.other, params: {} });
    }
  return {
    ...design,
    blocks: design.blocks.filter((block) => block.id !== blockId),
    links: [...design.links.filter((link) => !touching.includes(link)), ...bridges],
    groups: design.groups.map((group) =>
      group.blocks.includes(blockId)
        ? { ...group, blocks: group.blocks.filter((id) => id !== blockId) }
        : group,
    ),
  };
}
