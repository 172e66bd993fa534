/**
 * Stage 1 of the engine, **check**: is the input well-formed? `checkDesign` lists the design's structural
 * problems (unknown block type or cost model, unknown parameter or port, out-of-range value, a link to a missing
 * block, ports that cannot connect, duplicate ids, group problems), each pointing at the block, link or group it
 * concerns; the pipeline caches it per design. `checkWorkload` finds what the workload names (model, number
 * formats, runtime) in the catalog. Modelling problems (a memory no compute unit reaches, a path with no
 * bandwidth) are found later, by `resolve`.
 */
import { blockModel } from '../blocks/registry';
import type { CatalogIndex } from '../catalog';
import type { Diagnostic } from '../diagnostics';
import { hasErrors } from '../diagnostics';
import { formatsOf, type Formats } from '../models/formats';
import {
  MAX_INSTANCES,
  linkParamRanges,
  type Block,
  type DesignDocument,
  type Group,
  type Link,
} from '../schema/design';
import type { ParamSpec, TableParamSpec } from '../schema/block-type';
import { whyPortsCannotConnect } from '../schema/block-type';
import type { ModelConfig } from '../schema/model';
import type { NumberFormat } from '../schema/number-format';
import type { Runtime } from '../schema/runtime';
import type { Workload } from '../schema/workload';
import { formatQuantity } from '../units';

/** Records an id; a second use of it is a `duplicate-id` error. */
type Claim = (id: string, what: string, path: string, owner: Partial<Diagnostic>) => void;

export function checkDesign(design: DesignDocument, catalog: CatalogIndex): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const ids = new Map<string, string>();
  const claim: Claim = (id, what, path, owner) => {
    const previous = ids.get(id);
    if (previous !== undefined) {
      diagnostics.push({
        severity: 'error',
        code: 'duplicate-id',
        message: `Id "${id}" is used by ${previous} and by ${what}; ids must be unique.`,
        path,
        ...owner,
      });
    } else ids.set(id, what);
  };
  design.blocks.forEach((block, index) => checkBlock(block, `blocks[${index}]`, catalog, claim, diagnostics));
  const blocks = new Map(design.blocks.map((block) => [block.id, block]));
  design.links.forEach((link, index) =>
    checkLink(link, `links[${index}]`, blocks, catalog, claim, diagnostics),
  );
  checkGroups(design, blocks, claim, diagnostics);
  return diagnostics;
}

function checkBlock(
  block: Block,
  path: string,
  catalog: CatalogIndex,
  claim: Claim,
  diagnostics: Diagnostic[],
): void {
  claim(block.id, `block "${block.name}"`, `${path}.id`, { blockId: block.id });
  const type = catalog.blockTypes.get(block.type);
  if (!type) {
    diagnostics.push({
      severity: 'error',
      code: 'unknown-block-type',
      message: `Block "${block.name}" has type "${block.type}", which is not in the library.`,
      blockId: block.id,
      path: `${path}.type`,
    });
    return;
  }
  if (!blockModel(type.costModel))
    diagnostics.push({
      severity: 'error',
      code: 'unknown-cost-model',
      message: `Block "${block.name}" is a ${type.name}, whose cost model "${type.costModel}" this version of the engine does not have.`,
      blockId: block.id,
      path: `${path}.type`,
    });
  for (const [key, value] of Object.entries(block.params)) {
    const spec = type.params.find((param) => param.key === key);
    const paramPath = `${path}.params.${key}`;
    if (!spec) {
      diagnostics.push({
        severity: 'error',
        code: 'unknown-parameter',
        message: `Block "${block.name}" (${type.name}) has no parameter "${key}".`,
        blockId: block.id,
        path: paramPath,
      });
      continue;
    }
    const problem = parameterProblem(block, spec, value);
    if (problem) diagnostics.push({ severity: 'error', ...problem, blockId: block.id, path: paramPath });
    if (spec.kind === 'table' && Array.isArray(value)) checkTable(block, spec, value, paramPath, diagnostics);
  }
}

/** What is wrong with one parameter's value, if anything (table cells are checked by `checkTable`). */
function parameterProblem(
  block: Block,
  spec: ParamSpec,
  value: unknown,
): { code: string; message: string } | undefined {
  if (spec.kind === 'number') {
    if (typeof value !== 'number')
      return { code: 'parameter-type', message: `${spec.name} of "${block.name}" must be a number.` };
    if (value < spec.min || value > spec.max)
      return {
        code: 'parameter-range',
        message: `${spec.name} of "${block.name}" is ${formatQuantity(value, spec.unit)}; it must be between ${formatQuantity(spec.min, spec.unit)} and ${formatQuantity(spec.max, spec.unit)}.`,
      };
    if (spec.integer === true && !Number.isInteger(value))
      return {
        code: 'parameter-integer',
        message: `${spec.name} of "${block.name}" must be a whole number.`,
      };
    return undefined;
  }
  if (spec.kind === 'enum') {
    if (typeof value !== 'string' || !spec.options.some((option) => option.value === value))
      return {
        code: 'parameter-option',
        message: `${spec.name} of "${block.name}" must be one of ${spec.options.map((option) => `"${option.value}"`).join(', ')}.`,
      };
    return undefined;
  }
  if (!Array.isArray(value))
    return { code: 'parameter-type', message: `${spec.name} of "${block.name}" must be a table of rows.` };
  return undefined;
}

function checkTable(
  block: Block,
  spec: TableParamSpec,
  rows: readonly unknown[],
  paramPath: string,
  diagnostics: Diagnostic[],
): void {
  rows.forEach((row, rowIndex) => {
    for (const column of spec.columns) {
      const cell = (row as Record<string, unknown>)[column.key];
      const cellPath = `${paramPath}[${rowIndex}].${column.key}`;
      const wrongKind = column.kind === 'number' ? typeof cell !== 'number' : typeof cell !== 'string';
      if (wrongKind) {
        diagnostics.push({
          severity: 'error',
          code: 'parameter-type',
          message: `Row ${rowIndex + 1} of ${spec.name} of "${block.name}" needs ${column.kind === 'number' ? 'a number' : 'text'} in "${column.name}".`,
          blockId: block.id,
          path: cellPath,
        });
      } else if (
        typeof cell === 'number' &&
        ((column.min !== undefined && cell < column.min) || (column.max !== undefined && cell > column.max))
      ) {
        diagnostics.push({
          severity: 'error',
          code: 'parameter-range',
          message: `Row ${rowIndex + 1} of ${spec.name} of "${block.name}": ${column.name} is out of range.`,
          blockId: block.id,
          path: cellPath,
        });
      }
    }
  });
  if (spec.minRows !== undefined && rows.length < spec.minRows)
    diagnostics.push({
      severity: 'error',
      code: 'parameter-range',
      message: `${spec.name} of "${block.name}" needs at least ${spec.minRows} row(s).`,
      blockId: block.id,
      path: paramPath,
    });
}

function checkLink(
  link: Link,
  path: string,
  blocks: ReadonlyMap<string, Block>,
  catalog: CatalogIndex,
  claim: Claim,
  diagnostics: Diagnostic[],
): void {
  claim(link.id, `link "${link.id}"`, `${path}.id`, { linkId: link.id });
  for (const [key, range] of Object.entries(linkParamRanges)) {
    const value = link.params[key as keyof typeof linkParamRanges];
    if (value === undefined || (value >= range.min && value <= range.max)) continue;
    diagnostics.push({
      severity: 'error',
      code: 'link-parameter-range',
      message: `${range.name} of link "${link.id}" is ${formatQuantity(value, range.unit)}; it must be between ${formatQuantity(range.min, range.unit)} and ${formatQuantity(range.max, range.unit)}.`,
      linkId: link.id,
      path: `${path}.params.${key}`,
    });
  }
  const ends = [
    { end: link.from, name: 'from' },
    { end: link.to, name: 'to' },
  ];
  const [from, to] = ends.map(({ end, name }) => {
    const block = blocks.get(end.block);
    if (!block) {
      diagnostics.push({
        severity: 'error',
        code: 'missing-link-end',
        message: `Link "${link.id}" goes ${name} block "${end.block}", which does not exist.`,
        linkId: link.id,
        path: `${path}.${name}.block`,
      });
      return undefined;
    }
    const type = catalog.blockTypes.get(block.type);
    if (!type) return undefined;
    const port = type.ports.find((candidate) => candidate.id === end.port);
    if (!port) {
      diagnostics.push({
        severity: 'error',
        code: 'unknown-port',
        message: `Link "${link.id}" uses port "${end.port}" of "${block.name}", but ${type.name} has ports ${type.ports.map((candidate) => `"${candidate.id}"`).join(', ') || '(none)'}.`,
        linkId: link.id,
        blockId: block.id,
        path: `${path}.${name}.port`,
      });
      return undefined;
    }
    return { block, type, port };
  });
  if (!from || !to) return;
  if (from.block.id === to.block.id)
    diagnostics.push({
      severity: 'error',
      code: 'self-link',
      message: `Link "${link.id}" connects "${from.block.name}" to itself.`,
      linkId: link.id,
      blockId: from.block.id,
      path,
    });
  const reason = whyPortsCannotConnect(from.type, from.port, to.type, to.port);
  if (reason !== undefined)
    diagnostics.push({
      severity: 'error',
      code: 'incompatible-ports',
      message: `Link "${link.id}": ${reason}.`,
      linkId: link.id,
      blockId: from.block.id,
      path,
    });
}

function checkGroups(
  design: DesignDocument,
  blocks: ReadonlyMap<string, Block>,
  claim: Claim,
  diagnostics: Diagnostic[],
): void {
  const groupOfBlock = new Map<string, string>();
  const parentOfGroup = new Map<string, string>();
  const groups = new Map(design.groups.map((group) => [group.id, group]));
  design.groups.forEach((group, index) => {
    const path = `groups[${index}]`;
    claim(group.id, `group "${group.name}"`, `${path}.id`, { groupId: group.id });
    group.blocks.forEach((blockId, memberIndex) => {
      if (!blocks.has(blockId)) {
        diagnostics.push({
          severity: 'error',
          code: 'missing-group-member',
          message: `Group "${group.name}" lists block "${blockId}", which does not exist.`,
          groupId: group.id,
          path: `${path}.blocks[${memberIndex}]`,
        });
        return;
      }
      const other = groupOfBlock.get(blockId);
      if (other !== undefined) {
        diagnostics.push({
          severity: 'error',
          code: 'block-in-two-groups',
          message: `Block "${blockId}" is in group "${other}" and in group "${group.id}"; a block belongs to one group.`,
          groupId: group.id,
          blockId,
          path: `${path}.blocks[${memberIndex}]`,
        });
      } else groupOfBlock.set(blockId, group.id);
    });
    (group.groups ?? []).forEach((childId, memberIndex) => {
      const childPath = `${path}.groups[${memberIndex}]`;
      if (!groups.has(childId)) {
        diagnostics.push({
          severity: 'error',
          code: 'missing-group-member',
          message: `Group "${group.name}" lists group "${childId}", which does not exist.`,
          groupId: group.id,
          path: childPath,
        });
        return;
      }
      const other = parentOfGroup.get(childId);
      if (other !== undefined) {
        diagnostics.push({
          severity: 'error',
          code: 'group-in-two-groups',
          message: `Group "${childId}" is inside "${other}" and inside "${group.id}"; a group has one parent.`,
          groupId: group.id,
          path: childPath,
        });
      } else parentOfGroup.set(childId, group.id);
    });
  });
  for (const group of design.groups) {
    const seen = new Set<string>([group.id]);
    let parent = parentOfGroup.get(group.id);
    while (parent !== undefined) {
      if (seen.has(parent)) {
        diagnostics.push({
          severity: 'error',
          code: 'group-cycle',
          message: `Group "${group.id}" is inside itself (through "${parent}").`,
          groupId: group.id,
        });
        break;
      }
      seen.add(parent);
      parent = parentOfGroup.get(parent);
    }
  }
  checkCountProducts(design.groups, groups, parentOfGroup, diagnostics);
}

/**
 * A group's instances are its count times its enclosing groups' counts. Where that product first passes
 * `MAX_INSTANCES` (NaN and Infinity included) going inwards, the group is an error: one per place, not one per
 * group inside it.
 */
function checkCountProducts(
  list: readonly Group[],
  groups: ReadonlyMap<string, Group>,
  parentOfGroup: ReadonlyMap<string, string>,
  diagnostics: Diagnostic[],
): void {
  const products = new Map<string, number>();
  /** The product of the counts from `group` outwards; undefined in a cycle (reported as `group-cycle`). */
  const productOf = (group: Group, seen: Set<string>): number | undefined => {
    const known = products.get(group.id);
    if (known !== undefined) return known;
    if (seen.has(group.id)) return undefined;
    seen.add(group.id);
    const parentId = parentOfGroup.get(group.id);
    const parent = parentId === undefined ? undefined : groups.get(parentId);
    const outer = parent ? productOf(parent, seen) : 1;
    if (outer === undefined) return undefined;
    const product = outer * group.count;
    products.set(group.id, product);
    return product;
  };
  list.forEach((group, index) => {
    const product = productOf(group, new Set());
    if (product === undefined || product <= MAX_INSTANCES) return;
    const parentId = parentOfGroup.get(group.id);
    const outer = parentId === undefined ? undefined : products.get(parentId);
    if (outer !== undefined && !(outer <= MAX_INSTANCES)) return;
    diagnostics.push({
      severity: 'error',
      code: 'group-count-product',
      message:
        outer === undefined
          ? `Group "${group.name}" has count ${formatCount(group.count)}; Tessera models at most ${formatCount(MAX_INSTANCES)} instances of a block.`
          : `Group "${group.name}" (×${formatCount(group.count)}) inside groups totalling ×${formatCount(outer)} makes ${formatCount(product)} instances; Tessera models at most ${formatCount(MAX_INSTANCES)}. Lower the counts.`,
      groupId: group.id,
      path: `groups[${index}].count`,
    });
  });
}

const formatCount = (value: number): string =>
  Number.isFinite(value) && value < 1e15 ? value.toLocaleString('en-US') : value.toExponential(2);

/** What the workload names, found in the catalog. */
export interface CheckedWorkload {
  model: ModelConfig;
  formats: Formats;
  weightsFormat: NumberFormat;
  activationFormat: NumberFormat;
  kvFormat: NumberFormat;
  runtime: Runtime | undefined;
}

/**
 * Finds the workload's model (or takes the one given: an imported config.json), its number formats and its
 * runtime profile; every name the catalog lacks is an error diagnostic.
 */
export function checkWorkload(
  workload: Workload,
  catalog: CatalogIndex,
  given: ModelConfig | undefined,
  diagnostics: Diagnostic[],
): CheckedWorkload | undefined {
  const model = given ?? catalog.models.get(workload.model);
  if (!model)
    diagnostics.push({
      severity: 'error',
      code: 'unknown-model',
      message: `Model "${workload.model}" is not in the library; import its config.json or pick another.`,
    });
  const formatIds: [string, string][] = [
    ['weights', workload.weights],
    ['activations', workload.activations],
    ['KV cache', workload.kv],
  ];
  for (const [what, id] of formatIds) {
    if (!catalog.formats.has(id))
      diagnostics.push({
        severity: 'error',
        code: 'unknown-format',
        message: `The ${what} format "${id}" is not in the library.`,
      });
  }
  const runtime = workload.runtime === undefined ? undefined : catalog.runtimes.get(workload.runtime);
  if (workload.runtime !== undefined && !runtime)
    diagnostics.push({
      severity: 'error',
      code: 'unknown-runtime',
      message: `The runtime "${workload.runtime}" is not in the library.`,
    });
  const weightsFormat = catalog.formats.get(workload.weights);
  const activationFormat = catalog.formats.get(workload.activations);
  const kvFormat = catalog.formats.get(workload.kv);
  if (activationFormat && activationFormat.computeClass === null)
    diagnostics.push({
      severity: 'error',
      code: 'activation-format',
      message: `${activationFormat.name} is a weight-only storage format; activations need an arithmetic format such as bf16 or fp8.`,
    });
  if (hasErrors(diagnostics) || !model || !weightsFormat || !activationFormat || !kvFormat) return undefined;
  const windowIgnored = runtime?.slidingWindow === false && model.architecture.slidingWindow !== undefined;
  if (windowIgnored)
    diagnostics.push({
      severity: 'info',
      code: 'sliding-window-ignored',
      message: `${runtime.name} does not apply ${model.name}'s ${model.architecture.slidingWindow}-token sliding window by default: every layer keeps and attends over the full context.`,
    });
  return {
    model: windowIgnored ? withoutSlidingWindow(model) : model,
    formats: withRuntimeEmbeddings(formatsOf(weightsFormat, activationFormat, kvFormat), runtime),
    weightsFormat,
    activationFormat,
    kvFormat,
    runtime,
  };
}

/**
 * The model as a runtime that does not apply sliding-window attention runs it: every layer keeps the KV cache of
 * the whole context and attends over it (TensorRT-LLM's `max_attention_window_size` defaults to the maximum
 * sequence length).
 */
function withoutSlidingWindow(model: ModelConfig): ModelConfig {
  const { slidingWindow: _window, slidingWindowLayers: _layers, ...architecture } = model.architecture;
  return { ...model, architecture };
}

/**
 * The formats as a runtime stores the embedding and the LM head: 16-bit when its quantized checkpoints quantize
 * only the layers' linear layers (`embeddingsQuantized: false`) and the weights format is narrower.
 */
function withRuntimeEmbeddings(formats: Formats, runtime: Runtime | undefined): Formats {
  const sixteenBit = 2;
  return runtime?.embeddingsQuantized === false && formats.weightBytes < sixteenBit
    ? { ...formats, embeddingWeightBytes: sixteenBit }
    : formats;
}
