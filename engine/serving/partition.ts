/**
 * The part of a design one model runs on when several share it (`Partition`, `schema/serving.ts`), as a design of
 * its own that the engine evaluates like any other:
 *
 * - `chips`: whole chips of the primary chip group — the group's count set to the partition's chips.
 * - `share`: a slice of every chip, as NVIDIA's Multi-Instance GPU slices an H100 (the MIG user guide: a
 *   `1g.10gb` instance has 1/7 of the SMs and 1/8 of the memory, capacity and bandwidth alike). Compute: a
 *   compute block replicated by a group inside the chip (132 SMs) keeps `round(count × share)` of its instances
 *   (at least one); a compute block drawn once has its parallel width scaled instead, by the parameter its cost
 *   model multiplies its rate by (`WIDTH_PARAMS`: a CPU's cores, an array's columns, a tensor cluster's MACs per
 *   cycle, an FPGA's DSP slices and fabric, a vector unit's lanes, a PIM bank's MACs per cycle), rounded, at least
 *   one. Memory: every memory block of the chip has its capacity and bandwidth (the parameters in bytes and
 *   bytes per second) scaled by the memory share — except memory inside a replicated compute group (a tile's own
 *   SRAM), which follows its tiles. Host memory and switches outside the chip are shared, not sliced.
 */
import type { CatalogIndex } from '../catalog';
import { findParam, numberParam } from '../catalog';
import type { Partition } from '../schema/serving';
import type { Block, DesignDocument, Group } from '../schema/design';
import { computeChipGroups } from '../stages/resolve';

export type PartitionResult =
  { ok: true; design: DesignDocument; description: string } | { ok: false; message: string };

/**
 * The parameter (or parameters) that set a compute block's parallel width, by cost model: scaling it scales the
 * block's peak rate in proportion without touching its clock (and so its voltage and energy per operation).
 */
export const WIDTH_PARAMS: Readonly<Record<string, readonly string[]>> = {
  cpu: ['cores'],
  fpga: ['dspSlices', 'luts', 'bramBlocks', 'uramBlocks'],
  'matrix-array': ['cols'],
  'tensor-cluster': ['bf16MacsPerCycle'],
  vector: ['lanes'],
  pim: ['macsPerCycle'],
};

/** A share in words: a simple fraction (1/7, 3/8) when one is within 0.1 %, else a percentage. */
export function shareText(share: number): string {
  if (share >= 1) return 'all';
  for (let denominator = 2; denominator <= 16; denominator += 1) {
    const numerator = Math.round(share * denominator);
    if (numerator > 0 && Math.abs(numerator / denominator - share) < 1e-3) {
      // Lowest terms.
      let a = numerator;
      let b = denominator;
      while (b) [a, b] = [b, a % b];
      return `${numerator / a}/${denominator / a}`;
    }
  }
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)} %`;
}

/** The group holding a group as a child, if any. */
function parentOf(design: DesignDocument, groupId: string): Group | undefined {
  return design.groups.find((group) => group.groups?.includes(groupId) === true);
}

/** Every group inside `group` (children, grandchildren, …), itself excluded. */
function descendants(design: DesignDocument, group: Group): Group[] {
  const byId = new Map(design.groups.map((candidate) => [candidate.id, candidate]));
  const found: Group[] = [];
  const stack = [...(group.groups ?? [])];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const child = byId.get(id);
    if (!child) continue;
    found.push(child);
    stack.push(...(child.groups ?? []));
  }
  return found;
}

/** The primary chip group (the one the engine runs the workload on), or undefined for a design without one. */
function primaryChipGroup(design: DesignDocument, catalog: CatalogIndex): Group | undefined {
  const ranked = computeChipGroups(design, catalog)[0];
  return ranked
    ? design.groups.find((group) => group.id === ranked.id)
    : design.groups.find((group) => group.kind === 'chip');
}

/** The product of the counts of the groups enclosing `group` (1 at top level). */
function enclosingCount(design: DesignDocument, group: Group): number {
  let count = 1;
  const seen = new Set<string>([group.id]);
  for (let parent = parentOf(design, group.id); parent && !seen.has(parent.id);) {
    seen.add(parent.id);
    count *= parent.count;
    parent = parentOf(design, parent.id);
  }
  return count;
}

/** A design with one group's count replaced (every other object shared). */
function withGroupCount(design: DesignDocument, groupId: string, count: number): DesignDocument {
  return {
    ...design,
    groups: design.groups.map((group) => (group.id === groupId ? { ...group, count } : group)),
  };
}

function scaledParam(
  block: Block,
  catalog: CatalogIndex,
  key: string,
  share: number,
  whole: boolean,
): number | undefined {
  const type = catalog.blockTypes.get(block.type);
  const spec = type && findParam(type, key);
  if (!type || spec?.kind !== 'number') return undefined;
  const value = numberParam(type, block.params, key) * share;
  const rounded = whole || spec.integer === true ? Math.round(value) : value;
  return Math.min(spec.max, Math.max(spec.min, whole ? Math.max(1, rounded) : rounded));
}

/** The chip's slice: compute scaled by `compute`, memory capacity and bandwidth by `memory` (module comment). */
function shareDesign(
  design: DesignDocument,
  catalog: CatalogIndex,
  compute: number,
  memory: number,
): { ok: true; design: DesignDocument; detail: string[] } | { ok: false; message: string } {
  const chip = primaryChipGroup(design, catalog);
  const chipGroups = chip ? [chip, ...descendants(design, chip)] : design.groups;
  const chipBlocks = new Set<string>(
    chip ? chipGroups.flatMap((group) => group.blocks) : design.blocks.map((block) => block.id),
  );
  const inner = chip ? chipGroups.slice(1) : design.groups.filter((group) => group.kind !== 'chip');
  const category = (block: Block) => catalog.blockTypes.get(block.type)?.category;
  const blocksById = new Map(design.blocks.map((block) => [block.id, block]));
  // Replicated groups inside the chip holding compute: the outermost of them has its count scaled (a group
  // nested in one already scaled is left as it is: its instances are multiplied by the outer count).
  const holdsCompute = (group: Group): boolean =>
    group.count > 1 &&
    [group, ...descendants(design, group)]
      .flatMap((member) => member.blocks)
      .some((id) => {
        const block = blocksById.get(id);
        return block !== undefined && category(block) === 'compute';
      });
  const candidates = new Set(inner.filter(holdsCompute).map((group) => group.id));
  const hasCandidateAbove = (group: Group): boolean => {
    const seen = new Set<string>();
    for (
      let parent = parentOf(design, group.id);
      parent && !seen.has(parent.id);
      parent = parentOf(design, parent.id)
    ) {
      seen.add(parent.id);
      if (candidates.has(parent.id)) return true;
    }
    return false;
  };
  const counts = new Map<string, number>();
  const replicated = new Set<string>();
  const detail: string[] = [];
  for (const group of inner) {
    if (!candidates.has(group.id) || hasCandidateAbove(group)) continue;
    const count = Math.max(1, Math.round(group.count * compute));
    counts.set(group.id, count);
    for (const member of [group, ...descendants(design, group)])
      for (const id of member.blocks) replicated.add(id);
    detail.push(`${count} of ${group.count} ${group.name}`);
  }
  const groups = design.groups.map((group) => {
    const count = counts.get(group.id);
    return count === undefined ? group : { ...group, count };
  });
  const blocks = design.blocks.map((block): Block => {
    if (!chipBlocks.has(block.id) || replicated.has(block.id)) return block;
    const type = catalog.blockTypes.get(block.type);
    if (!type) return block;
    const params = { ...block.params };
    let changed = false;
    if (type.category === 'compute' || type.costModel === 'pim') {
      for (const key of WIDTH_PARAMS[type.costModel] ?? []) {
        const value = scaledParam(block, catalog, key, compute, true);
        if (value !== undefined) {
          params[key] = value;
          changed = true;
        }
      }
    }
    if (type.category === 'memory') {
      for (const spec of type.params) {
        if (spec.kind !== 'number' || (spec.unit !== 'bytes' && spec.unit !== 'bytesPerSecond')) continue;
        if (spec.key === 'localBufferBytes') continue;
        const value = scaledParam(block, catalog, spec.key, memory, false);
        if (value !== undefined) {
          params[spec.key] = value;
          changed = true;
        }
      }
    }
    return changed ? { ...block, params } : block;
  });
  const computeTouched =
    counts.size > 0 ||
    design.blocks.some(
      (block) =>
        chipBlocks.has(block.id) &&
        !replicated.has(block.id) &&
        category(block) === 'compute' &&
        (WIDTH_PARAMS[catalog.blockTypes.get(block.type)?.costModel ?? ''] ?? []).length > 0,
    );
  if (!computeTouched && compute < 1)
    return {
      ok: false,
      message: 'The chip has no compute unit whose share can be set: nothing to partition.',
    };
  return { ok: true, design: { ...design, blocks, groups }, detail };
}

/**
 * The design a tenant runs on: whole chips of the primary chip group, or a share of each chip's compute and
 * memory (module comment). Refuses more chips than the group has, and a partition of a design it cannot slice.
 */
export function partitionDesign(
  design: DesignDocument,
  partition: Partition,
  catalog: CatalogIndex,
): PartitionResult {
  if (partition.kind === 'chips') {
    const chip = primaryChipGroup(design, catalog);
    if (!chip) {
      if (partition.chips === 1) return { ok: true, design, description: 'the whole chip (1 of 1)' };
      return {
        ok: false,
        message: `The design is one chip (it has no chip group): it cannot give ${partition.chips} chips to a model.`,
      };
    }
    const outer = enclosingCount(design, chip);
    if (outer > 1)
      return {
        ok: false,
        message: `Chip group "${chip.name}" is replicated ${outer} times by the groups around it: a partition of whole chips needs it at the top level.`,
      };
    if (partition.chips > chip.count)
      return {
        ok: false,
        message: `A partition of ${partition.chips} chips needs more than the ${chip.count} chips of "${chip.name}".`,
      };
    return {
      ok: true,
      design: withGroupCount(design, chip.id, partition.chips),
      description: `${partition.chips} of ${chip.count} chips`,
    };
  }
  const sliced = shareDesign(design, catalog, partition.compute, partition.memory);
  if (!sliced.ok) return sliced;
  const compute = shareText(partition.compute);
  const memory = shareText(partition.memory);
  const words =
    partition.compute === partition.memory
      ? `${compute} of the compute and memory of each chip`
      : `${compute} of the compute and ${memory} of the memory of each chip`;
  return {
    ok: true,
    design: sliced.design,
    description: sliced.detail.length > 0 ? `${words} (${sliced.detail.join(', ')})` : words,
  };
}

/**
 * One chip group of the design alone: the other chip groups (their blocks, nested groups and the links touching
 * them) removed, everything outside every chip group (host, switches) kept. How a group is evaluated on its own
 * for disaggregated serving, as `stages/hetero.ts` evaluates each group alone.
 */
export function chipGroupAlone(
  design: DesignDocument,
  groupId: string,
): { ok: true; design: DesignDocument } | { ok: false; message: string } {
  const group = design.groups.find((candidate) => candidate.id === groupId);
  if (!group || group.kind !== 'chip') {
    const chips = design.groups
      .filter((candidate) => candidate.kind === 'chip')
      .map((candidate) => candidate.id);
    return {
      ok: false,
      message: `The design has no chip group "${groupId}" (its chip groups: ${chips.length > 0 ? chips.join(', ') : 'none'}).`,
    };
  }
  const removedGroups = new Set<string>();
  const removedBlocks = new Set<string>();
  for (const other of design.groups) {
    if (other.kind !== 'chip' || other.id === groupId) continue;
    for (const member of [other, ...descendants(design, other)]) {
      if (member.id === groupId) continue;
      removedGroups.add(member.id);
      for (const id of member.blocks) removedBlocks.add(id);
    }
  }
  return {
    ok: true,
    design: {
      ...design,
      blocks: design.blocks.filter((block) => !removedBlocks.has(block.id)),
      links: design.links.filter(
        (link) => !removedBlocks.has(link.from.block) && !removedBlocks.has(link.to.block),
      ),
      groups: design.groups
        .filter((candidate) => !removedGroups.has(candidate.id))
        .map((candidate) =>
          candidate.groups?.some((id) => removedGroups.has(id)) === true
            ? { ...candidate, groups: candidate.groups.filter((id) => !removedGroups.has(id)) }
            : candidate,
        ),
    },
  };
}
