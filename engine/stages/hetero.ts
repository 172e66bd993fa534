/**
 * Heterogeneous systems: the operators of one model placed across several different chip groups (a GPU and a PIM
 * module, an SoC's CPU, NPU and GPU), with the activations crossing the links between them.
 *
 * The model: every compute chip group is evaluated alone by the ordinary stages (resolve forced to that group,
 * `evaluate.ts`), which prices each operator on it. A phase is the sequence embedding, L × (attention, FFN), head;
 * an item on group g takes its class's share of g's phase time (the operators' times scaled so that they add up
 * to g's phase time, so pipeline bubbles and the runtime's per-step costs stay with the group) and a 1/L share
 * per layer. Where two neighbouring items run on different groups, the residual stream crosses the link between
 * them: tokens × hidden × residual bytes, in `bytes ÷ bandwidth + latency` seconds (the usual α–β cost of one
 * message: Hockney, "The communication challenge for MPP", Parallel Computing 20, 1994). Double-buffered, a
 * crossing hides under the receiving item (it streams that item's weights while the activations arrive) and only
 * what exceeds it shows; serial, it all adds. KV stays with the attention that wrote it, so no KV crosses.
 *
 * Energy adds (Accelergy's composition rule): each item's dynamic energy on its group, the static power of every
 * group (idle ones too) and of the system's shared blocks over the placed phase time, and each crossing's
 * bytes × 8 × energy per bit of the link's route.
 *
 * Each group holds its items' weights and, with the attention of a layer, that layer's KV cache, in its own
 * memory: one copy of its share over its chips; a group that cannot hold it is `does-not-fit`, naming the group.
 */
import type { BlockModel } from '../blocks/block-model';
import { readBlock } from '../blocks/block-model';
import { blockModel } from '../blocks/registry';
import type { CatalogIndex } from '../catalog';
import type { Diagnostic } from '../diagnostics';
import { formatPercent } from '../figures/format';
import type { HeterogeneousReport, PhaseReport, Report } from '../report';
import type { DesignDocument, Group } from '../schema/design';
import { placementClasses, type Placement, type PlacementClass } from '../schema/placement';
import type { Workload } from '../schema/workload';
import { formatQuantity } from '../units';
import type { ComputeChipGroup } from './resolve';

/** One chip group evaluated alone: its report at full detail, and the static power of its machine. */
export interface GroupEvaluation {
  group: ComputeChipGroup;
  report: Report;
}

export interface HeteroInput {
  design: DesignDocument;
  catalog: CatalogIndex;
  workload: Workload;
  /** The model's decoder layers and hidden size, and the residual stream's bytes per element. */
  layers: number;
  hiddenSize: number;
  residualBytes: number;
  /** Every compute chip group, the primary (most BF16 throughput) first. */
  groups: GroupEvaluation[];
}

/** The route between two chip groups: what the activations crossing it meet. */
export interface GroupLink {
  /** Bytes per second of the narrowest element; Infinity when nothing on the route states one. */
  bandwidthBytesPerSecond: number;
  latencySeconds: number;
  energyJoulesPerBit: number;
  /** The links and blocks crossed, in order. */
  via: string[];
}

/** The most groups the automatic policies combine (4 classes: at most 4⁴ = 256 assignments). */
export const MAX_PLACED_GROUPS = 4;

type Phase = 'prefill' | 'decode';

/** What one group costs, per phase and class, and what it must and can hold. */
interface GroupCosts {
  /** Seconds of each class over all layers, scaled to the group's phase time. */
  seconds: Record<Phase, Record<PlacementClass, number>>;
  /** Dynamic joules of each class over all layers, for all chips the group runs on. */
  joules: Record<Phase, Record<PlacementClass, number>>;
  /** Static watts of the group's chips (idle or not), the system's shared blocks excluded. */
  staticWatts: Record<Phase, number>;
  /** Bytes of each class's weights (one copy, over the group's chips), and of the whole batch's KV cache. */
  weightsBytes: Record<PlacementClass, number>;
  kvBytes: number;
  capacityBytes: number;
}

/** A placement: the group index of each item (embedding, L × (attention, FFN), head). */
type Assignment = Int32Array;

interface PhaseResult {
  seconds: number;
  joules: number;
  busySeconds: number[];
  groupJoules: number[];
  transferSeconds: number;
  exposedSeconds: number;
  transferJoules: number;
  crossings: number;
}

interface Outcome {
  prefill: PhaseResult;
  decode: PhaseResult;
  requestSeconds: number;
  requestJoules: number;
  heldBytes: number[];
  fits: boolean;
}

const emptyByClass = (): Record<PlacementClass, number> => ({ embedding: 0, attention: 0, ffn: 0, head: 0 });

/** The placement class of each operator (`Operator['part']`): MoE counts as FFN; communication goes with the operator before it. */
export function operatorClasses(operators: readonly { part: string }[]): PlacementClass[] {
  let previous: PlacementClass = 'embedding';
  return operators.map(({ part }) => {
    if (part === 'moe') previous = 'ffn';
    else if ((placementClasses as readonly string[]).includes(part)) previous = part as PlacementClass;
    return previous;
  });
}

/** The chips a phase keeps busy (as the power stage counts them). */
function chipsActive(report: Report): number {
  const { tensor, pipeline, dataReplicas } = report.parallelism;
  return tensor * pipeline * Math.max(1, Math.min(dataReplicas, report.workload.batch));
}

function groupCosts(evaluation: GroupEvaluation): GroupCosts {
  const { report } = evaluation;
  const costs: GroupCosts = {
    seconds: { prefill: emptyByClass(), decode: emptyByClass() },
    joules: { prefill: emptyByClass(), decode: emptyByClass() },
    staticWatts: { prefill: 0, decode: 0 },
    weightsBytes: emptyByClass(),
    kvBytes: 0,
    capacityBytes: report.memory.availableBytesPerChip * evaluation.group.chips,
  };
  const active = chipsActive(report);
  for (const phase of ['prefill', 'decode'] as const) {
    const solved: PhaseReport = report[phase];
    const classes = operatorClasses(solved.operators);
    const operatorSeconds = solved.operators.reduce((sum, operator) => sum + operator.seconds, 0);
    const scale = operatorSeconds > 0 ? solved.seconds / operatorSeconds : 0;
    let dynamic = 0;
    solved.operators.forEach((operator, index) => {
      const name = classes[index] as PlacementClass;
      costs.seconds[phase][name] += operator.seconds * scale;
      costs.joules[phase][name] += operator.energyJoules * active;
      dynamic += operator.energyJoules * active;
    });
    // What the phase's energy holds beyond its operators' dynamic energy is static power (the group's chips,
    // idle ones included, and the system's shared blocks, which the placement counts once).
    costs.staticWatts[phase] =
      solved.seconds > 0
        ? Math.max(0, (solved.energyJoules - dynamic) / solved.seconds - report.power.systemStaticWatts)
        : 0;
  }
  // Weights by class, as the prefill reads them (every expert is read when many tokens pass).
  const classes = operatorClasses(report.prefill.operators);
  const read = emptyByClass();
  report.prefill.operators.forEach((operator, index) => {
    read[classes[index] as PlacementClass] += operator.bytes.weights * operator.repeat;
  });
  const readTotal = placementClasses.reduce((sum, name) => sum + read[name], 0);
  const { tensor, pipeline } = report.parallelism;
  const weightsOneCopy = report.memory.weightsBytesPerChip * tensor * pipeline;
  for (const name of placementClasses)
    costs.weightsBytes[name] = readTotal > 0 ? (weightsOneCopy * read[name]) / readTotal : 0;
  costs.kvBytes = report.memory.kvBytesPerChip * report.parallelism.chipsUsed;
  return costs;
}

/** The items of a phase: 0 embedding, 1 + 2l attention of layer l, 2 + 2l its FFN, 2L + 1 the head. */
function itemClass(item: number, layers: number): PlacementClass {
  if (item === 0) return 'embedding';
  if (item === 2 * layers + 1) return 'head';
  return item % 2 === 1 ? 'attention' : 'ffn';
}

/** The share of a class's all-layer figures one item takes. */
function itemShare(name: PlacementClass, layers: number): number {
  return name === 'attention' || name === 'ffn' ? 1 / layers : 1;
}

/** The assignment that runs each class on `groupOf[class]`. */
export function classAssignment(groupOf: Record<PlacementClass, number>, layers: number): Assignment {
  const assignment = new Int32Array(2 * layers + 2);
  for (let item = 0; item < assignment.length; item++) assignment[item] = groupOf[itemClass(item, layers)];
  return assignment;
}

interface Context {
  layers: number;
  costs: GroupCosts[];
  links: (GroupLink | undefined)[][];
  bytesPerCrossing: Record<Phase, number>;
  systemStaticWatts: number;
  overlap: boolean;
  outputTokens: number;
}

/** Whether every crossing of an assignment has a link to cross. */
function linked(context: Context, assignment: Assignment): boolean {
  for (let item = 1; item < assignment.length; item++) {
    const from = assignment[item - 1] as number;
    const to = assignment[item] as number;
    if (from !== to && context.links[from]?.[to] === undefined) return false;
  }
  return true;
}

function phaseResult(context: Context, assignment: Assignment, phase: Phase): PhaseResult {
  const groups = context.costs.length;
  const result: PhaseResult = {
    seconds: 0,
    joules: 0,
    busySeconds: new Array<number>(groups).fill(0),
    groupJoules: new Array<number>(groups).fill(0),
    transferSeconds: 0,
    exposedSeconds: 0,
    transferJoules: 0,
    crossings: 0,
  };
  const bytes = context.bytesPerCrossing[phase];
  for (let item = 0; item < assignment.length; item++) {
    const group = assignment[item] as number;
    const costs = context.costs[group] as GroupCosts;
    const name = itemClass(item, context.layers);
    const share = itemShare(name, context.layers);
    const seconds = costs.seconds[phase][name] * share;
    result.busySeconds[group] = (result.busySeconds[group] as number) + seconds;
    result.groupJoules[group] = (result.groupJoules[group] as number) + costs.joules[phase][name] * share;
    const previous = item > 0 ? (assignment[item - 1] as number) : group;
    if (previous === group) continue;
    const link = context.links[previous]?.[group];
    if (!link) continue;
    const transfer = bytes / link.bandwidthBytesPerSecond + link.latencySeconds;
    result.crossings += 1;
    result.transferSeconds += transfer;
    result.exposedSeconds += context.overlap ? Math.max(0, transfer - seconds) : transfer;
    result.transferJoules += bytes * 8 * link.energyJoulesPerBit;
  }
  const busy = result.busySeconds.reduce((sum, seconds) => sum + seconds, 0);
  result.seconds = busy + result.exposedSeconds;
  result.groupJoules = result.groupJoules.map(
    (joules, group) => joules + (context.costs[group] as GroupCosts).staticWatts[phase] * result.seconds,
  );
  result.joules =
    result.groupJoules.reduce((sum, joules) => sum + joules, 0) +
    context.systemStaticWatts * result.seconds +
    result.transferJoules;
  return result;
}

function outcome(context: Context, assignment: Assignment): Outcome {
  const prefill = phaseResult(context, assignment, 'prefill');
  const decode = phaseResult(context, assignment, 'decode');
  const steps = Math.max(0, context.outputTokens - 1);
  const heldBytes = new Array<number>(context.costs.length).fill(0);
  for (let item = 0; item < assignment.length; item++) {
    const group = assignment[item] as number;
    const costs = context.costs[group] as GroupCosts;
    const name = itemClass(item, context.layers);
    const share = itemShare(name, context.layers);
    heldBytes[group] =
      (heldBytes[group] as number) +
      costs.weightsBytes[name] * share +
      (name === 'attention' ? costs.kvBytes * share : 0);
  }
  return {
    prefill,
    decode,
    requestSeconds: prefill.seconds + steps * decode.seconds,
    requestJoules: prefill.joules + steps * decode.joules,
    heldBytes,
    fits: heldBytes.every((bytes, group) => bytes <= (context.costs[group] as GroupCosts).capacityBytes),
  };
}

/** Every assignment of the four classes to the groups (single-group ones included), in a fixed order. */
function classAssignments(groups: number, layers: number): Assignment[] {
  const all: Assignment[] = [];
  const total = groups ** placementClasses.length;
  for (let code = 0; code < total; code++) {
    const groupOf = emptyByClass();
    let rest = code;
    for (const name of placementClasses) {
      groupOf[name] = rest % groups;
      rest = Math.floor(rest / groups);
    }
    all.push(classAssignment(groupOf, layers));
  }
  return all;
}

/**
 * Every split of the layers in two: layers 0…k−1 (and the embedding) on one group, k…L−1 (and the head) on
 * another — what a model too large for either group alone needs (pipeline stages across the groups).
 */
function layerSplits(groups: number, layers: number): Assignment[] {
  const all: Assignment[] = [];
  for (let first = 0; first < groups; first++)
    for (let second = 0; second < groups; second++) {
      if (first === second) continue;
      for (let split = 1; split < layers; split++) {
        const assignment = new Int32Array(2 * layers + 2);
        for (let item = 0; item < assignment.length; item++) {
          const layer = item === 0 ? 0 : item === 2 * layers + 1 ? layers - 1 : Math.floor((item - 1) / 2);
          assignment[item] = layer < split ? first : second;
        }
        all.push(assignment);
      }
    }
  return all;
}

/**
 * The route between every pair of chip groups over the design's links: the lowest-latency route (fewest hops on
 * ties) from a block of one group to a block of the other, crossing blocks of the two groups and blocks outside
 * every chip group (switches, host); its bandwidth is the narrowest link or block on it (a link at a chip group's
 * block counts once per chip of that group), its latency and energy per bit add along it.
 */
export function groupLinks(
  design: DesignDocument,
  catalog: CatalogIndex,
  groupIds: readonly string[],
): (GroupLink | undefined)[][] {
  const chipOf = chipGroupOfBlocks(design);
  const chipsIn = chipCounts(design);
  const blocks = new Map(design.blocks.map((block) => [block.id, block]));
  // A link or switch block (wherever it sits) limits what crosses it; compute and memory blocks are the ends.
  const transferOf = (blockId: string) => {
    const block = blocks.get(blockId);
    const type = block && catalog.blockTypes.get(block.type);
    const model: BlockModel | undefined = type && blockModel(type.costModel);
    return block && type && model?.chipFabric === true ? model.transfer(readBlock(block, type)) : undefined;
  };
  return groupIds.map((from) =>
    groupIds.map((to) => {
      if (from === to) return undefined;
      const allowed = (blockId: string) => {
        const chip = chipOf.get(blockId);
        return chip === undefined || chip === from || chip === to;
      };
      // Dijkstra over blocks by (latency, hops); the design is small, so a linear scan for the nearest is enough.
      const best = new Map<string, { latency: number; hops: number; route: GroupLink }>();
      const done = new Set<string>();
      for (const block of design.blocks) {
        if (chipOf.get(block.id) !== from) continue;
        const own = transferOf(block.id);
        best.set(block.id, {
          latency: own?.latencySeconds ?? 0,
          hops: 0,
          route: {
            bandwidthBytesPerSecond: own?.bandwidthBytesPerSecond ?? Infinity,
            latencySeconds: own?.latencySeconds ?? 0,
            energyJoulesPerBit: own?.energyJoulesPerBit ?? 0,
            via: own ? [block.id] : [],
          },
        });
      }
      for (;;) {
        let at: string | undefined;
        for (const [id, entry] of best) {
          if (done.has(id)) continue;
          const current = at === undefined ? undefined : best.get(at);
          if (
            !current ||
            entry.latency < current.latency ||
            (entry.latency === current.latency && entry.hops < current.hops)
          )
            at = id;
        }
        if (at === undefined) return undefined;
        done.add(at);
        const here = best.get(at) as { latency: number; hops: number; route: GroupLink };
        if (chipOf.get(at) === to) return here.route;
        for (const link of design.links) {
          const other =
            link.from.block === at ? link.to.block : link.to.block === at ? link.from.block : undefined;
          if (other === undefined || done.has(other) || !allowed(other)) continue;
          const ends = [chipOf.get(at), chipOf.get(other)].map((chip) =>
            chip === undefined ? 1 : (chipsIn.get(chip) ?? 1),
          );
          const linkBandwidth = (link.params.bandwidthBytesPerSecond ?? Infinity) * Math.max(...ends);
          const crossed = transferOf(other);
          const latency =
            here.route.latencySeconds + (link.params.latencySeconds ?? 0) + (crossed?.latencySeconds ?? 0);
          const entry = best.get(other);
          if (
            entry &&
            (entry.latency < latency || (entry.latency === latency && entry.hops <= here.hops + 1))
          )
            continue;
          best.set(other, {
            latency,
            hops: here.hops + 1,
            route: {
              bandwidthBytesPerSecond: Math.min(
                here.route.bandwidthBytesPerSecond,
                linkBandwidth,
                crossed?.bandwidthBytesPerSecond ?? Infinity,
              ),
              latencySeconds: latency,
              energyJoulesPerBit:
                here.route.energyJoulesPerBit +
                (link.params.energyJoulesPerBit ?? 0) +
                (crossed?.energyJoulesPerBit ?? 0),
              via: [...here.route.via, link.id, ...(crossed ? [other] : [])],
            },
          });
        }
      }
    }),
  );
}

/** The chip group around each block (the innermost group of kind `chip` among its ancestors). */
function chipGroupOfBlocks(design: DesignDocument): Map<string, string | undefined> {
  const parentOf = new Map<string, Group>();
  const groupOf = new Map<string, Group>();
  for (const group of design.groups) {
    for (const blockId of group.blocks) if (!groupOf.has(blockId)) groupOf.set(blockId, group);
    for (const child of group.groups ?? []) if (!parentOf.has(child)) parentOf.set(child, group);
  }
  const chipOf = new Map<string, string | undefined>();
  for (const block of design.blocks) {
    let chip: string | undefined;
    const seen = new Set<string>();
    for (let group = groupOf.get(block.id); group && !seen.has(group.id); group = parentOf.get(group.id)) {
      seen.add(group.id);
      if (group.kind === 'chip') {
        chip = group.id;
        break;
      }
    }
    chipOf.set(block.id, chip);
  }
  return chipOf;
}

/** Chips in each chip group: its count times its ancestors'. */
function chipCounts(design: DesignDocument): Map<string, number> {
  const parentOf = new Map<string, Group>();
  for (const group of design.groups)
    for (const child of group.groups ?? []) if (!parentOf.has(child)) parentOf.set(child, group);
  const counts = new Map<string, number>();
  for (const group of design.groups) {
    let count = group.count;
    const seen = new Set<string>([group.id]);
    for (
      let parent = parentOf.get(group.id);
      parent && !seen.has(parent.id);
      parent = parentOf.get(parent.id)
    ) {
      seen.add(parent.id);
      count *= parent.count;
    }
    counts.set(group.id, count);
  }
  return counts;
}

/** The assignment a pinned policy asks for, with a warning for each name it cannot use. */
function pinnedAssignment(
  placement: Placement,
  groupIds: readonly string[],
  layers: number,
  diagnostics: Diagnostic[],
): Assignment {
  const indexOf = (id: string): number => {
    const index = groupIds.indexOf(id);
    if (index >= 0) return index;
    diagnostics.push({
      severity: 'warning',
      code: 'placement-unknown-group',
      message: `The placement names "${id}", which is not a chip group with compute (${groupIds.join(', ')}); what it names runs on the primary group "${groupIds[0] ?? ''}".`,
    });
    return 0;
  };
  if (placement.policy === 'by-class') {
    const groupOf = emptyByClass();
    for (const name of placementClasses) {
      const id = placement.classes?.[name];
      groupOf[name] = id === undefined ? 0 : indexOf(id);
    }
    return classAssignment(groupOf, layers);
  }
  const assignment = new Int32Array(2 * layers + 2);
  for (const range of placement.layers ?? []) {
    const group = indexOf(range.group);
    if (range.first > range.last || range.last >= layers)
      diagnostics.push({
        severity: 'warning',
        code: 'placement-layers-out-of-range',
        message: `The placement's layers ${range.first}–${range.last} are not within the model's layers 0–${layers - 1}; only the layers inside are placed.`,
      });
    for (let layer = range.first; layer <= Math.min(range.last, layers - 1); layer++) {
      assignment[1 + 2 * layer] = group;
      assignment[2 + 2 * layer] = group;
    }
  }
  assignment[0] = assignment[1] as number;
  assignment[2 * layers + 1] = assignment[2 * layers] as number;
  return assignment;
}

/** Compares two outcomes by a policy: fitting first, then the policy's figure, then the other one. */
function better(policy: 'fastest' | 'least-energy', a: Outcome, b: Outcome): boolean {
  if (a.fits !== b.fits) return a.fits;
  const [first, second] =
    policy === 'fastest'
      ? [a.requestSeconds - b.requestSeconds, a.requestJoules - b.requestJoules]
      : [a.requestJoules - b.requestJoules, a.requestSeconds - b.requestSeconds];
  return first < 0 || (first === 0 && second < 0);
}

/** The placement across the chip groups, its figures, and the diagnostics it raises. */
export function placeAcrossGroups(
  input: HeteroInput,
  diagnostics: Diagnostic[],
): HeterogeneousReport | undefined {
  const groups = input.groups.slice(0, MAX_PLACED_GROUPS);
  const primary = groups[0];
  if (groups.length < 2 || !primary) return undefined;
  if (input.groups.length > MAX_PLACED_GROUPS)
    diagnostics.push({
      severity: 'info',
      code: 'placement-groups-limited',
      message: `The design has ${input.groups.length} chip groups with compute; operators are placed over the ${MAX_PLACED_GROUPS} with the most BF16 throughput.`,
    });
  const layers = Math.max(1, input.layers);
  const placement: Placement = input.workload.placement ?? { policy: 'fastest' };
  const groupIds = groups.map(({ group }) => group.id);
  const { workload } = input;
  const perToken = input.hiddenSize * input.residualBytes;
  const context: Context = {
    layers,
    costs: groups.map(groupCosts),
    links: groupLinks(input.design, input.catalog, groupIds),
    bytesPerCrossing: {
      prefill: workload.batch * workload.inputTokens * perToken,
      decode: workload.batch * perToken,
    },
    systemStaticWatts: primary.report.power.systemStaticWatts,
    overlap: placement.overlap !== 'serial',
    outputTokens: workload.outputTokens,
  };
  const alone = groups.map((_, index) =>
    classAssignment({ embedding: index, attention: index, ffn: index, head: index }, layers),
  );
  let chosen: Assignment;
  if (placement.policy === 'fastest' || placement.policy === 'least-energy') {
    let best: { assignment: Assignment; outcome: Outcome } | undefined;
    for (const assignment of [
      ...classAssignments(groups.length, layers),
      ...layerSplits(groups.length, layers),
    ]) {
      if (!linked(context, assignment)) continue;
      const candidate = outcome(context, assignment);
      if (!best || better(placement.policy, candidate, best.outcome))
        best = { assignment, outcome: candidate };
    }
    chosen = best?.assignment ?? (alone[0] as Assignment);
  } else {
    chosen = pinnedAssignment(placement, groupIds, layers, diagnostics);
    if (!linked(context, chosen)) {
      const [from, to] = unlinkedPair(context, chosen);
      diagnostics.push({
        severity: 'warning',
        code: 'placement-no-link',
        message: `Chip groups "${groups[from]?.group.name ?? ''}" and "${groups[to]?.group.name ?? ''}" are not linked, so activations cannot cross between them; everything runs on "${primary.group.name}". Link the two groups (directly or through a switch).`,
        groupId: groups[to]?.group.id,
      });
      chosen = alone[0] as Assignment;
    }
  }
  const result = outcome(context, chosen);
  groups.forEach(({ group }, index) => {
    const held = result.heldBytes[index] as number;
    const capacity = (context.costs[index] as GroupCosts).capacityBytes;
    if (held > capacity)
      diagnostics.push({
        severity: 'error',
        code: 'does-not-fit',
        message: `Chip group "${group.name}" cannot hold its share of the placement: its operators' weights and KV cache need ${formatQuantity(held, 'bytes')} but its ${group.chips === 1 ? 'chip has' : `${group.chips} chips have`} ${formatQuantity(capacity, 'bytes')}. Place fewer layers or classes on it.`,
        groupId: group.id,
      });
  });
  return sectionOf(input, context, groups, placement, chosen, result, alone);
}

function unlinkedPair(context: Context, assignment: Assignment): [number, number] {
  for (let item = 1; item < assignment.length; item++) {
    const from = assignment[item - 1] as number;
    const to = assignment[item] as number;
    if (from !== to && context.links[from]?.[to] === undefined) return [from, to];
  }
  return [0, 0];
}

/** Runs of items on one group, as the report lists them. */
function assignmentRuns(assignment: Assignment, layers: number, groupIds: readonly string[]) {
  const runs: HeterogeneousReport['assignment'] = [];
  for (const name of placementClasses) {
    const items: { layer: number; group: number }[] = [];
    for (let item = 0; item < assignment.length; item++)
      if (itemClass(item, layers) === name)
        items.push({
          layer: name === 'head' ? layers - 1 : Math.max(0, Math.floor((item - 1) / 2)),
          group: assignment[item] as number,
        });
    for (const { layer, group } of items) {
      const last = runs[runs.length - 1];
      if (
        last &&
        last.operatorClass === name &&
        last.groupId === groupIds[group] &&
        last.lastLayer === layer - 1
      )
        last.lastLayer = layer;
      else
        runs.push({
          operatorClass: name,
          firstLayer: layer,
          lastLayer: layer,
          groupId: groupIds[group] ?? '',
        });
    }
  }
  return runs;
}

function sectionOf(
  input: HeteroInput,
  context: Context,
  groups: GroupEvaluation[],
  placement: Placement,
  chosen: Assignment,
  result: Outcome,
  alone: Assignment[],
): HeterogeneousReport {
  const { workload } = input;
  const groupIds = groups.map(({ group }) => group.id);
  const runs = assignmentRuns(chosen, context.layers, groupIds);
  const aloneOutcomes = alone.map((assignment) => outcome(context, assignment));
  const tokens = Math.max(1, workload.batch);
  const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
  const section: HeterogeneousReport = {
    policy: placement.policy,
    overlap: context.overlap ? 'double-buffered' : 'serial',
    ttftSeconds: result.prefill.seconds,
    tpotSeconds: result.decode.seconds,
    endToEndSeconds: result.requestSeconds,
    prefillEnergyJoules: result.prefill.joules,
    decodeEnergyJoulesPerToken: result.decode.joules / tokens,
    requestEnergyJoules: result.requestJoules,
    fits: result.fits,
    groups: groups.map(({ group }, index) => ({
      groupId: group.id,
      name: group.name,
      chips: group.chips,
      classes: placementClasses.filter((name) =>
        runs.some((run) => run.operatorClass === name && run.groupId === group.id),
      ),
      prefillBusySeconds: result.prefill.busySeconds[index] as number,
      decodeBusySeconds: result.decode.busySeconds[index] as number,
      prefillTimeShare: share(result.prefill.busySeconds[index] as number, result.prefill.seconds),
      decodeTimeShare: share(result.decode.busySeconds[index] as number, result.decode.seconds),
      prefillEnergyJoules: result.prefill.groupJoules[index] as number,
      decodeEnergyJoules: result.decode.groupJoules[index] as number,
      prefillEnergyShare: share(result.prefill.groupJoules[index] as number, result.prefill.joules),
      decodeEnergyShare: share(result.decode.groupJoules[index] as number, result.decode.joules),
      heldBytes: result.heldBytes[index] as number,
      capacityBytes: (context.costs[index] as GroupCosts).capacityBytes,
    })),
    assignment: runs,
    transfer: {
      prefillBytesPerCrossing: context.bytesPerCrossing.prefill,
      decodeBytesPerCrossing: context.bytesPerCrossing.decode,
      crossingsPerStep: result.decode.crossings,
      prefillSeconds: result.prefill.transferSeconds,
      prefillExposedSeconds: result.prefill.exposedSeconds,
      decodeSeconds: result.decode.transferSeconds,
      decodeExposedSeconds: result.decode.exposedSeconds,
      prefillEnergyJoules: result.prefill.transferJoules,
      decodeEnergyJoules: result.decode.transferJoules,
      links: linksUsed(context, chosen, groupIds),
    },
    alone: groups.map(({ group }, index) => {
      const figures = aloneOutcomes[index] as Outcome;
      return {
        groupId: group.id,
        name: group.name,
        ttftSeconds: figures.prefill.seconds,
        tpotSeconds: figures.decode.seconds,
        decodeEnergyJoulesPerToken: figures.decode.joules / tokens,
        requestEnergyJoules: figures.requestJoules,
        fits: figures.fits,
      };
    }),
    sentence: '',
    breakdowns: { groupId: groups[0]?.group.id ?? '', name: groups[0]?.group.name ?? '' },
  };
  section.sentence = placementSentence(section, groups);
  return section;
}

function linksUsed(context: Context, assignment: Assignment, groupIds: readonly string[]) {
  const seen = new Set<string>();
  const links: HeterogeneousReport['transfer']['links'] = [];
  for (let item = 1; item < assignment.length; item++) {
    const from = assignment[item - 1] as number;
    const to = assignment[item] as number;
    const key = `${from}>${to}`;
    const link = context.links[from]?.[to];
    if (from === to || seen.has(key) || !link) continue;
    seen.add(key);
    links.push({
      fromGroupId: groupIds[from] ?? '',
      toGroupId: groupIds[to] ?? '',
      ...(Number.isFinite(link.bandwidthBytesPerSecond)
        ? { bandwidthBytesPerSecond: link.bandwidthBytesPerSecond }
        : {}),
      latencySeconds: link.latencySeconds,
      energyJoulesPerBit: link.energyJoulesPerBit,
      via: link.via,
    });
  }
  return links;
}

const classNames: Record<PlacementClass, string> = {
  embedding: 'embedding',
  attention: 'attention',
  ffn: 'FFN',
  head: 'head',
};

/**
 * "attention on H100, FFN on PIM module: TPOT 12.1 ms, 23 % less energy per token than all on H100" — the
 * placement in words, compared with the primary group alone.
 */
export function placementSentence(section: HeterogeneousReport, groups: readonly GroupEvaluation[]): string {
  const nameOf = (id: string) => groups.find(({ group }) => group.id === id)?.group.name ?? id;
  const used = section.groups.filter((group) => group.decodeBusySeconds > 0 || group.classes.length > 0);
  const layered = section.assignment.some(
    (run) =>
      (run.operatorClass === 'attention' || run.operatorClass === 'ffn') &&
      run.lastLayer - run.firstLayer + 1 < layersOf(section),
  );
  const where =
    used.length === 1
      ? `everything on ${used[0]?.name ?? ''}`
      : layered
        ? section.assignment
            .filter((run) => run.operatorClass === 'attention')
            .map((run) => `layers ${run.firstLayer}–${run.lastLayer} on ${nameOf(run.groupId)}`)
            .join(', ')
        : used
            .map((group) => `${listWords(group.classes.map((name) => classNames[name]))} on ${group.name}`)
            .join(', ');
  const base = section.alone[0];
  const figures = `TPOT ${formatQuantity(section.tpotSeconds, 'seconds')}, TTFT ${formatQuantity(section.ttftSeconds, 'seconds')}`;
  if (!base || (used.length === 1 && used[0]?.groupId === base.groupId))
    return `${capitalize(where)}: ${figures}.`;
  const energy =
    1 - section.decodeEnergyJoulesPerToken / Math.max(base.decodeEnergyJoulesPerToken, Number.MIN_VALUE);
  const time = section.tpotSeconds / Math.max(base.tpotSeconds, Number.MIN_VALUE) - 1;
  const energyWords = `${formatPercent(Math.abs(energy))} ${energy >= 0 ? 'less' : 'more'} energy per token`;
  const timeWords = `${formatPercent(Math.abs(time))} ${time <= 0 ? 'shorter' : 'longer'} TPOT`;
  return `${capitalize(where)}: ${figures}; ${energyWords} and ${timeWords} than all on ${base.name}.`;
}

/** The model's layers, as the assignment covers them. */
function layersOf(section: HeterogeneousReport): number {
  return Math.max(1, ...section.assignment.map((run) => run.lastLayer + 1));
}

/** "a", "a and b", "a, b and c". */
function listWords(words: readonly string[]): string {
  return words.length <= 1
    ? (words[0] ?? '')
    : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`;
}

function capitalize(text: string): string {
  return text.length > 0 ? `${text.charAt(0).toUpperCase()}${text.slice(1)}` : text;
}
