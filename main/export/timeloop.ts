/**
 * A design as a Timeloop/Accelergy architecture, in the v0.4 form (`architecture: { version: 0.4, nodes }`
 * with `!Container` and `!Component` tags, as timeloopfe and the current Timeloop/Accelergy exercises use).
 * The node list is one storage hierarchy, outermost first: the system (shared levels such as host DRAM), the
 * chips (`spatial.meshX` = chip count), each chip's levels slowest first, the compute instances (SMs, cores,
 * tiles) with their per-instance buffers, and the MAC array with its `fpmac`/`intmac` component.
 *
 * Timeloop sees a single chain, so the fastest compute unit is mapped and the others are listed as not mapped,
 * as is everything without a Timeloop counterpart (a comment block at the top of the file says what).
 */
import { Document, visit, type YAMLMap } from 'yaml';
import type { CatalogIndex } from '../../engine/catalog';
import { checkDesign } from '../../engine/stages/check';
import { hasErrors } from '../../engine/diagnostics';
import { fastestUnit, formatFlops, unitPeakFlopsPerSecond } from '../../engine/figures';
import type { ComputeUnit, Machine, MemoryLevel } from '../../engine/machine';
import { resolve } from '../../engine/stages/resolve';
import type { DesignDocument } from '../../engine/schema/design';
import { formatQuantity } from '../../engine/units';
import { blockSummary, typeOf } from './format';

/** Bits of one word: the engine's reference format, BF16. */
const WORD_BITS = 16;

/** Accelergy DRAM `type`s for Tessera's DRAM block types (the nearest generation Accelergy's tables know). */
const dramTypes: Readonly<Record<string, string>> = {
  'memory.hbm': 'HBM2',
  'memory.lpddr': 'LPDDR4',
  'memory.gddr': 'GDDR5',
  'host.cpu': 'DDR4',
};

interface NodeSpec {
  tag: '!Container' | '!Component';
  comment?: string;
  value: Record<string, unknown>;
}

/** A name Timeloop accepts (letters, digits, underscores; starts with a letter), unique within the file. */
function identifiers(): (text: string) => string {
  const used = new Set<string>();
  return (text: string) => {
    let base = text.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
    if (!/^[A-Za-z]/.test(base)) base = `n_${base}`;
    let name = base;
    for (let suffix = 2; used.has(name); suffix += 1) name = `${base}_${suffix}`;
    used.add(name);
    return name;
  };
}

/** `count` as meshX × meshY, as square as its factors allow (meshX ≥ meshY). */
function mesh(count: number): { meshX: number; meshY: number } {
  const whole = Math.max(1, Math.round(count));
  let meshY = Math.floor(Math.sqrt(whole));
  while (meshY > 1 && whole % meshY !== 0) meshY -= 1;
  return { meshX: whole / meshY, meshY };
}

function spatial(count: number): Record<string, number> {
  const { meshX, meshY } = mesh(count);
  return meshY > 1 ? { meshX, meshY } : { meshX };
}

/**
 * Storage attributes from capacity and bandwidth: a row (`width`) is what the level delivers per cycle of the
 * mapped unit's clock, in whole words, and `depth` is how many rows the capacity holds.
 */
function storageAttributes(
  capacityBytes: number,
  bandwidthBytesPerSecond: number,
  clockHertz: number,
): Record<string, number> {
  const wordsPerCycle = Math.max(1, Math.round(bandwidthBytesPerSecond / clockHertz / (WORD_BITS / 8)));
  const width = wordsPerCycle * WORD_BITS;
  return {
    depth: Math.max(1, Math.floor((capacityBytes * 8) / width)),
    width,
    datawidth: WORD_BITS,
    block_size: wordsPerCycle,
    read_bandwidth: wordsPerCycle,
    write_bandwidth: wordsPerCycle,
  };
}

function levelClass(level: MemoryLevel): 'DRAM' | 'SRAM' | 'regfile' {
  if (level.dram) return 'DRAM';
  return level.typeId === 'memory.regfile' ? 'regfile' : 'SRAM';
}

function levelComponent(level: MemoryLevel, name: string, instances: number, clockHertz: number): NodeSpec {
  const className = levelClass(level);
  const attributes: Record<string, unknown> = {};
  if (className === 'DRAM') attributes.type = dramTypes[level.typeId] ?? 'DDR4';
  Object.assign(
    attributes,
    storageAttributes(level.capacityBytesPerInstance, level.bandwidthBytesPerSecond / instances, clockHertz),
  );
  return {
    tag: '!Component',
    comment: ` ${level.name}: ${formatQuantity(level.capacityBytesPerInstance, 'bytes')} at ${formatQuantity(level.bandwidthBytesPerSecond / instances, 'bytesPerSecond')}${instances > 1 ? ` in each of ${formatQuantity(instances, 'count')}` : ''} (${level.usage})`,
    value: { name, class: className, attributes },
  };
}

/** What the design holds that this architecture leaves out, one line each. */
function unmapped(
  design: DesignDocument,
  catalog: CatalogIndex,
  machine: Machine,
  mapped: ComputeUnit | undefined,
): string[] {
  const lines: string[] = [];
  const byCategory = (category: string): string[] =>
    design.blocks
      .filter((block) => typeOf(block, catalog)?.category === category)
      .map((block) => {
        const summary = blockSummary(block, typeOf(block, catalog));
        return summary === '' ? block.name : `${block.name} (${summary})`;
      });
  const interconnect = byCategory('interconnect');
  const linkLimits = design.links.filter((link) => Object.keys(link.params).length > 0).length;
  if (interconnect.length > 0 || linkLimits > 0)
    lines.push(
      `interconnect bandwidths and latencies: ${[...interconnect, ...(linkLimits > 0 ? [`${linkLimits} links with their own limits`] : [])].join('; ')}. Timeloop has no network model between these levels; the level bandwidths below are the levels' own.`,
    );
  if (machine.network)
    lines.push(
      `the chip-to-chip network for collectives (${formatQuantity(machine.network.bandwidthBytesPerSecond, 'bytesPerSecond')} per chip per direction): chips appear only as a spatial fan-out.`,
    );
  const power = byCategory('power');
  if (power.length > 0)
    lines.push(
      `power domains and caps: ${power.join('; ')}. Timeloop runs at one clock; Accelergy has no DVFS or cap.`,
    );
  const compression = byCategory('compression');
  if (compression.length > 0)
    lines.push(
      `compression units: ${compression.join('; ')}. Describe compressed formats in Sparseloop instead.`,
    );
  const host = byCategory('host');
  if (host.length > 0)
    lines.push(`host: ${host.join('; ')}. Its DRAM is a level below; its cores are not mapped.`);
  for (const unit of machine.chip.units)
    if (unit !== mapped)
      lines.push(
        `compute unit ${unit.name} ×${formatQuantity(unit.instances, 'count')}: Timeloop maps one compute chain, and this is not the fastest unit.`,
      );
  lines.push(
    'achievable-bandwidth fractions, compute efficiency, tile quantization, dispatch overheads, energy per MAC and per bit, static power and area: Accelergy estimates energy and area with its own plug-ins.',
    'the process technology: the design does not state one; add `technology` to the system attributes before running Accelergy.',
  );
  return lines;
}

function toDocument(header: string[], nodes: NodeSpec[]): string {
  const document = new Document({ architecture: { version: 0.4, nodes: nodes.map((node) => node.value) } });
  document.commentBefore = header.map((line) => (line === '' ? '' : ` ${line}`)).join('\n');
  let index = 0;
  visit(document, {
    Map(_key, node: YAMLMap) {
      // The node maps are the items of architecture.nodes, in order; tag and annotate each.
      const spec = nodes[index];
      if (spec && node.get('name') === spec.value.name) {
        node.tag = spec.tag;
        if (spec.comment !== undefined) node.commentBefore = spec.comment;
        index += 1;
      }
    },
  });
  return document.toString({ lineWidth: 0 });
}

/**
 * Exports a design as a Timeloop/Accelergy v0.4 architecture YAML. Memory levels become `DRAM`, `SRAM` or
 * `regfile` components with `depth`/`width`/`datawidth` derived from capacity and bandwidth (16-bit words; a
 * row is what the level delivers per cycle of the mapped unit's clock), the compute unit a `fpmac` (or
 * `intmac` when it has no floating-point MACs) under `spatial` meshes from its instances and its array's rows
 * and columns (or its MACs per cycle). A comment block at the top lists what does not map. A design with
 * structural errors gives an empty hierarchy with the errors in that comment.
 */
export function designToTimeloopYaml(design: DesignDocument, catalog: CatalogIndex): string {
  const header = [
    `Timeloop/Accelergy architecture (v0.4 "nodes" form) exported by Tessera from the design "${design.name.replace(/\s+/g, ' ')}".`,
    'Words are 16-bit (BF16, the engine\'s reference format). Storage "width" is bits per cycle of the mapped unit\'s clock;',
    "read_bandwidth/write_bandwidth are words per cycle and each carries the level's total bandwidth (Tessera does not split reads and writes).",
  ];
  const problems = checkDesign(design, catalog).filter((diagnostic) => diagnostic.severity === 'error');
  if (hasErrors(problems)) {
    header.push(
      '',
      'The design has structural errors, so nothing below is mapped:',
      ...problems.map((problem) => `- ${problem.message}`),
    );
    return toDocument(header, []);
  }
  const machine = resolve(design, catalog);
  const unit = fastestUnit(machine.chip.units);
  const clockHertz = unit?.clockHertz ?? 1e9;
  const name = identifiers();
  const nodes: NodeSpec[] = [
    {
      tag: '!Container',
      comment: ` ${design.name.replace(/\s+/g, ' ')}`,
      value: { name: name('system'), attributes: { global_cycle_seconds: 1 / clockHertz } },
    },
  ];
  // Levels replicated once per compute instance (per-SM shared memory) sit inside the instance container.
  const instances = unit?.instances ?? 1;
  const perInstance = (level: MemoryLevel): boolean =>
    instances > 1 && Math.round(level.capacityBytes / level.capacityBytesPerInstance) === instances;
  const slowestFirst = (a: MemoryLevel, b: MemoryLevel): number =>
    a.bandwidthBytesPerSecond - b.bandwidthBytesPerSecond;
  const shared = machine.chip.levels.filter((level) => level.shared).sort(slowestFirst);
  const chipLevels = machine.chip.levels
    .filter((level) => !level.shared && !perInstance(level))
    .sort(slowestFirst);
  const instanceLevels = machine.chip.levels
    .filter((level) => !level.shared && perInstance(level))
    .sort(slowestFirst);

  // A shared level's figures are for the whole system, not its per-chip share.
  for (const level of shared)
    nodes.push(
      levelComponent(
        {
          ...level,
          capacityBytes: level.capacityBytesPerInstance,
          bandwidthBytesPerSecond: level.bandwidthBytesPerSecond * machine.chip.count,
        },
        name(level.name),
        1,
        clockHertz,
      ),
    );
  nodes.push({
    tag: '!Container',
    comment: ` ${machine.chip.name} ×${formatQuantity(machine.chip.count, 'count')}`,
    value: {
      name: name(machine.chip.name),
      ...(machine.chip.count > 1 ? { spatial: { meshX: machine.chip.count } } : {}),
    },
  });
  for (const level of chipLevels) nodes.push(levelComponent(level, name(level.name), 1, clockHertz));
  if (unit) {
    const float = unit.macsPerCycle.bf16 > 0;
    const macs = float ? unit.macsPerCycle.bf16 : unit.macsPerCycle.int8;
    nodes.push({
      tag: '!Container',
      comment: ` ${unit.name}: ${formatQuantity(unit.instances, 'count')} instance${unit.instances === 1 ? '' : 's'}, ${formatFlops(unitPeakFlopsPerSecond(unit, float ? 'bf16' : 'int8'))} dense ${float ? 'BF16' : 'INT8'} per chip at ${formatQuantity(unit.clockHertz, 'hertz')}`,
      value: { name: name(unit.name), ...(unit.instances > 1 ? { spatial: spatial(unit.instances) } : {}) },
    });
    for (const level of instanceLevels)
      nodes.push(levelComponent(level, name(level.name), instances, clockHertz));
    const array =
      unit.geometry.kind === 'array' ? { meshX: unit.geometry.cols, meshY: unit.geometry.rows } : mesh(macs);
    if (unit.localBufferBytes > 0) {
      // The design gives the staging buffer's size, not its bandwidth: a row feeds one word to each MAC
      // column, and no bandwidth attribute is written (Timeloop's default: not a limit).
      const width = array.meshX * WORD_BITS;
      nodes.push({
        tag: '!Component',
        comment: ` ${unit.name} local buffer (registers and shared-memory staging): ${formatQuantity(unit.localBufferBytes, 'bytes')} per instance; bandwidth not in the design, so not limited`,
        value: {
          name: name(`${unit.name}_local_buffer`),
          class: unit.localBufferBytes <= 256 * 1024 ? 'regfile' : 'SRAM',
          attributes: {
            depth: Math.max(1, Math.floor((unit.localBufferBytes * 8) / width)),
            width,
            datawidth: WORD_BITS,
            block_size: array.meshX,
          },
        },
      });
    }
    nodes.push({
      tag: '!Container',
      comment: ` ${unit.name} MAC array: ${formatQuantity(macs, 'count')} MACs per cycle per instance`,
      value: {
        name: name(`${unit.name}_mac_array`),
        spatial: array.meshY > 1 ? { meshX: array.meshX, meshY: array.meshY } : { meshX: array.meshX },
      },
    });
    nodes.push({
      tag: '!Component',
      value: {
        name: name(`${unit.name}_mac`),
        class: float ? 'fpmac' : 'intmac',
        attributes: { datawidth: float ? WORD_BITS : 8 },
      },
    });
  }
  header.push('', 'Does NOT map:', ...unmapped(design, catalog, machine, unit).map((line) => `- ${line}`));
  return toDocument(header, nodes);
}
