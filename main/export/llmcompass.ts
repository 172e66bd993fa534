/**
 * A design as an LLMCompass system description (the JSON of LLMCompass' `configs/`, e.g. GA100.json):
 * `device_count`, an `interconnect` (link bandwidth and latency, links per device, topology) and a `device`
 * (frequency, compute chiplet with cores, each a systolic array, a vector unit, registers and local SRAM; the
 * memory protocol, I/O with the global buffer and memory channels; the memory capacity). Every value is derived
 * from the resolved design; `_notes` lists what does not map and which fields are placeholders LLMCompass
 * needs but the design does not state.
 */
import { enumParam, numberParam, type CatalogIndex } from '../../engine/catalog';
import { checkDesign } from '../../engine/stages/check';
import { fastestUnit, formatFlops, unitPeakFlopsPerSecond } from '../../engine/figures';
import type { ComputeUnit, Machine, MemoryLevel } from '../../engine/machine';
import { resolve } from '../../engine/stages/resolve';
import type { DesignDocument } from '../../engine/schema/design';
import { formatQuantity } from '../../engine/units';
import { blockSummary, typeOf } from './format';

/** LLMCompass' system description, as its config loader reads it. Sizes in its own units (GB, MB, KB). */
export interface LlmCompassSystem {
  name: string;
  device_count: number;
  interconnect: {
    link: {
      name: string;
      bandwidth_per_direction_byte: number;
      bandwidth_both_directions_byte: number;
      latency_second: number;
      flit_size_byte: number;
      header_size_byte: number;
      max_payload_size_byte: number;
    };
    link_count_per_device: number;
    topology: 'FC' | 'RING';
  };
  device: {
    frequency_Hz: number;
    compute_chiplet_count: number;
    compute_chiplet: {
      physical_core_count: number;
      core_count: number;
      process_node: string;
      core: {
        sublane_count: number;
        systolic_array: {
          array_width: number;
          array_height: number;
          data_type: string;
          mac_per_cycle: number;
        };
        vector_unit: {
          vector_width: number;
          flop_per_cycle: number;
          data_type: string;
          int32_count: number;
          fp16_count: number;
          fp32_count: number;
          fp64_count: number;
        };
        register_file: {
          num_reg_files: number;
          num_registers: number;
          register_bitwidth: number;
          num_rdwr_ports: number;
        };
        SRAM_KB: number;
      };
    };
    memory_protocol: string;
    io: {
      process_node: string;
      global_buffer_MB: number;
      physical_global_buffer_MB: number;
      global_buffer_bandwidth_per_cycle_byte: number;
      memory_channel_physical_count: number;
      memory_channel_active_count: number;
      pin_count_per_channel: number;
      bandwidth_per_pin_bit: number;
    };
    memory: { total_capacity_GB: number };
  };
  _notes: string[];
}

/** LLMCompass' packet parameters (its GA100 config); the design has no packet-level model of a link. */
const PACKET = { flit_size_byte: 16, header_size_byte: 16, max_payload_size_byte: 256 } as const;
/** A placeholder register file (LLMCompass' GA100 value): 16,384 × 32-bit registers with 4 ports. */
const REGISTER_FILE = {
  num_reg_files: 1,
  num_registers: 16384,
  register_bitwidth: 32,
  num_rdwr_ports: 4,
} as const;
/** The only process node LLMCompass' area model is calibrated for; the design states none. */
const PROCESS_NODE = '7nm';

/** Memory protocols LLMCompass knows, for Tessera's DRAM block types; pins per channel of each. */
const protocols: Readonly<Record<string, { protocol: string; pins: number }>> = {
  'memory.hbm': { protocol: 'HBM2e', pins: 1024 },
  'memory.gddr': { protocol: 'DDR5', pins: 32 },
  'memory.lpddr': { protocol: 'DDR5', pins: 16 },
  'host.cpu': { protocol: 'DDR5', pins: 64 },
};

const linkNames: Readonly<Record<string, string>> = {
  nvlink: 'NVLink',
  'nvlink-c2c': 'NVLink-C2C',
  ucie: 'UCIe',
  pcie: 'PCIe',
  ethernet: 'Ethernet',
  ici: 'ICI',
};

/** `count` as width × height, as square as its factors allow (width ≥ height). */
function rectangle(count: number): { width: number; height: number } {
  const whole = Math.max(1, Math.round(count));
  let height = Math.floor(Math.sqrt(whole));
  while (height > 1 && whole % height !== 0) height -= 1;
  return { width: whole / height, height };
}

/** The systolic-array shape of one core: an array unit's own rows and columns, else the MACs per cycle split. */
function arrayShape(unit: ComputeUnit): { sublanes: number; width: number; height: number } {
  if (unit.geometry.kind === 'array')
    return { sublanes: 1, width: unit.geometry.cols, height: unit.geometry.rows };
  const macs = Math.max(1, unit.macsPerCycle.bf16);
  // A GPU SM has four sub-partitions, each with its own tensor cores (LLMCompass' sublanes).
  const sublanes = unit.geometry.kind === 'tiles' && macs % 4 === 0 ? 4 : 1;
  return { sublanes, ...rectangle(macs / sublanes) };
}

/** The storage level the weights live in: the largest non-shared DRAM level, else the largest storage level. */
function mainMemory(machine: Machine): MemoryLevel | undefined {
  const own = machine.chip.levels.filter((level) => !level.shared && level.usage === 'storage');
  const dram = own.filter((level) => level.dram);
  return [...(dram.length > 0 ? dram : own)].sort((a, b) => b.capacityBytes - a.capacityBytes)[0];
}

/** The on-chip level between the cores and main memory (an L2 or SRAM), if any. */
function globalBuffer(machine: Machine, main: MemoryLevel | undefined): MemoryLevel | undefined {
  return machine.chip.levels
    .filter((level) => !level.shared && !level.dram && level !== main)
    .sort((a, b) => b.capacityBytes - a.capacityBytes)[0];
}

function channelsOf(design: DesignDocument, catalog: CatalogIndex, level: MemoryLevel): number {
  const block = design.blocks.find((candidate) => candidate.id === level.blockIds[0]);
  const type = block ? typeOf(block, catalog) : undefined;
  if (!block || !type) return 1;
  for (const key of ['stacks', 'channels'])
    if (type.params.some((param) => param.key === key)) return numberParam(type, block.params, key);
  return 1;
}

/**
 * Exports a design as an LLMCompass system description. Maps the fastest compute unit (its instances are the
 * cores, its array or MACs per cycle the systolic array, its element-wise rate the vector unit), the main
 * memory (capacity; bandwidth as channels × pins × bit rate, which multiply back to the design's figure), the
 * largest on-chip level as the global buffer, and the chip network as the interconnect ("FC" through a switch,
 * else "RING"). Data types are LLMCompass' "fp16" (the engine's reference format is BF16, same width).
 */
export function designToLlmCompassJson(design: DesignDocument, catalog: CatalogIndex): LlmCompassSystem {
  const notes: string[] = [];
  const errors = checkDesign(design, catalog).filter((diagnostic) => diagnostic.severity === 'error');
  if (errors.length > 0)
    notes.push(
      `The design has structural errors, so it is not mapped: ${errors.map((error) => error.message).join(' ')}`,
    );
  const machine: Machine | undefined = errors.length > 0 ? undefined : resolve(design, catalog);
  const unit = machine ? fastestUnit(machine.chip.units) : undefined;
  const clockHertz = unit?.clockHertz ?? 1e9;
  const shape = unit ? arrayShape(unit) : { sublanes: 1, width: 1, height: 1 };
  const vectorWidth = unit ? Math.max(1, Math.round(unit.vectorOpsPerCycle / shape.sublanes)) : 1;
  const main = machine ? mainMemory(machine) : undefined;
  const buffer = machine ? globalBuffer(machine, main) : undefined;
  const protocol = main ? protocols[main.typeId] : undefined;
  const channels = main ? Math.max(1, Math.round(channelsOf(design, catalog, main))) : 1;
  const pins = protocol?.pins ?? 1024;
  const mainBandwidth = main?.bandwidthBytesPerSecond ?? 0;
  const network = machine?.network;
  const chipLink = design.blocks.find(
    (block) => block.type === 'interconnect.chip-link' && (network?.via.includes(block.id) ?? true),
  );
  const chipLinkType = chipLink ? typeOf(chipLink, catalog) : undefined;
  const linkBandwidth =
    chipLink && chipLinkType
      ? numberParam(chipLinkType, chipLink.params, 'bandwidthBytesPerSecond')
      : (network?.bandwidthBytesPerSecond ?? 0);
  const linkClass =
    chipLink && chipLinkType ? enumParam(chipLinkType, chipLink.params, 'linkClass') : 'nvlink';
  const viaSwitch =
    network?.via.some(
      (id) => design.blocks.find((block) => block.id === id)?.type === 'interconnect.switch',
    ) ?? false;

  if (unit) {
    notes.push(
      `Compute: ${unit.name} ×${formatQuantity(unit.instances, 'count')} as the cores, ${formatFlops(unitPeakFlopsPerSecond(unit, 'bf16'))} dense BF16 per device at ${formatQuantity(unit.clockHertz, 'hertz')}; the systolic array is ${shape.sublanes} × ${shape.width} × ${shape.height} MACs per core.`,
    );
    for (const other of machine?.chip.units ?? [])
      if (other !== unit)
        notes.push(
          `Not mapped: compute unit ${other.name} ×${formatQuantity(other.instances, 'count')} (LLMCompass models one kind of core).`,
        );
  } else notes.push('The design has no compute unit; the compute fields are placeholders.');
  if (main)
    notes.push(
      `Memory: ${main.name}, ${formatQuantity(main.capacityBytes, 'bytes')} at ${formatQuantity(mainBandwidth, 'bytesPerSecond')}; ${channels} channels × ${pins} pins, with the bit rate per pin chosen so the product is the design's bandwidth.${protocol ? '' : ' LLMCompass knows no protocol for this memory type; HBM2e is a placeholder.'}`,
    );
  else notes.push('The design has no storage level for weights; memory fields are zero.');
  if (!buffer) notes.push('No on-chip level between the cores and memory: global_buffer_MB is 0.');
  if (network)
    notes.push(
      `Interconnect: ${chipLink?.name ?? 'the chip network'} at ${formatQuantity(linkBandwidth, 'bytesPerSecond')} per direction as one link (LLMCompass' link_count_per_device 1); latency ${formatQuantity(network.latencySeconds, 'seconds')} is the whole path's, switches included.`,
    );
  else
    notes.push(
      'A single device: the interconnect is not used (its values come from the chip link block if there is one).',
    );
  notes.push(
    'Placeholders LLMCompass needs but the design does not state: flit, header and payload sizes (LLMCompass\' GA100 values), the register file (GA100 values), process_node "7nm", vector unit lane counts by type (all fp16).',
  );
  const unmappedBlocks = design.blocks
    .filter((block) => ['power', 'compression'].includes(typeOf(block, catalog)?.category ?? ''))
    .map((block) => {
      const summary = blockSummary(block, typeOf(block, catalog));
      return summary === '' ? block.name : `${block.name} (${summary})`;
    });
  if (unmappedBlocks.length > 0)
    notes.push(`Not mapped (no LLMCompass counterpart): ${unmappedBlocks.join('; ')}.`);
  notes.push(
    'Not mapped: the host, achievable-bandwidth fractions, compute efficiency, energies and static power, and any level other than main memory and the global buffer.',
  );

  return {
    name: design.name,
    device_count: machine?.chip.count ?? 1,
    interconnect: {
      link: {
        name: linkNames[linkClass] ?? linkClass,
        bandwidth_per_direction_byte: linkBandwidth,
        bandwidth_both_directions_byte: 2 * linkBandwidth,
        latency_second:
          network?.latencySeconds ??
          (chipLink && chipLinkType ? numberParam(chipLinkType, chipLink.params, 'latencySeconds') : 0),
        ...PACKET,
      },
      link_count_per_device: 1,
      topology: viaSwitch ? 'FC' : 'RING',
    },
    device: {
      frequency_Hz: clockHertz,
      compute_chiplet_count: 1,
      compute_chiplet: {
        physical_core_count: unit?.instances ?? 1,
        core_count: unit?.instances ?? 1,
        process_node: PROCESS_NODE,
        core: {
          sublane_count: shape.sublanes,
          systolic_array: {
            array_width: shape.width,
            array_height: shape.height,
            data_type: 'fp16',
            mac_per_cycle: 1,
          },
          vector_unit: {
            vector_width: vectorWidth,
            flop_per_cycle: 1,
            data_type: 'fp16',
            int32_count: 0,
            fp16_count: vectorWidth,
            fp32_count: 0,
            fp64_count: 0,
          },
          register_file: { ...REGISTER_FILE },
          SRAM_KB: (unit?.localBufferBytes ?? 0) / 1024,
        },
      },
      memory_protocol: protocol?.protocol ?? 'HBM2e',
      io: {
        process_node: PROCESS_NODE,
        global_buffer_MB: (buffer?.capacityBytes ?? 0) / 2 ** 20,
        physical_global_buffer_MB: (buffer?.capacityBytes ?? 0) / 2 ** 20,
        global_buffer_bandwidth_per_cycle_byte: (buffer?.bandwidthBytesPerSecond ?? 0) / clockHertz,
        memory_channel_physical_count: channels,
        memory_channel_active_count: channels,
        pin_count_per_channel: pins,
        bandwidth_per_pin_bit: (mainBandwidth * 8) / (channels * pins),
      },
      memory: { total_capacity_GB: (main?.capacityBytes ?? 0) / 2 ** 30 },
    },
    _notes: notes,
  };
}
