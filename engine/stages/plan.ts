/**
 * Stage 3 of the engine, **plan**: how the workload is laid over the machine — the unit placement follows (the
 * fastest at the weights' arithmetic), the parallel split (tensor × pipeline × expert, the workload's manual one
 * or a candidate of the automatic search in `search.ts`) with data-parallel replicas on the chips left over, the
 * batch each replica runs and the micro-batches of a decode step. `candidateSplits` lists the splits the search
 * tries.
 */
import type { Diagnostic } from '../diagnostics';
import type { Machine } from '../machine';
import { footprint, type Footprint } from '../models/footprint';
import { tensorSplitValid, type Parallelism } from '../models/parallelism';
import type { ModelArchitecture } from '../schema/model';
import type { ComputeClass } from '../schema/number-format';
import type { Runtime } from '../schema/runtime';
import type { Workload } from '../schema/workload';
import type { CheckedWorkload } from './check';
import { storageOf, type Storage } from './storage';
import { runtimeRunsOn } from './units';

export interface Plan {
  parallelism: Parallelism;
  /** The compute unit whose view of memory the placement follows: the fastest at the weights' arithmetic. */
  primaryUnit: number;
  /** Sequences one replica runs. */
  batchPerReplica: number;
  /** Tokens a sequence holds at the end of a request (input + output). */
  totalContext: number;
  /** KV length of the reported decode step. */
  decodeContext: number;
  /** Micro-batches a decode step is split into over the pipeline stages, and the sequences in each. */
  microbatches: number;
  decodeSequences: number;
  /** What one chip holds under this split. */
  needs: Footprint;
  /** How weights and prefill activations are stored (absent in hand-made plans: dense, default chunk). */
  storage?: Storage;
}

/** Sequences one replica of `split` runs: the workload's batch shared over the replicas (at least one each). */
export function batchPerReplicaOf(workload: Workload, split: Parallelism): number {
  return Math.ceil(workload.batch / Math.max(1, Math.min(split.dataReplicas, workload.batch)));
}

/**
 * What one chip holds under `split`: the weights of its shard, the KV cache of its replica's sequences at the end
 * of a request (input + output tokens) and the prefill's activations. The plan stage hands it to the map stage,
 * and the search asks the map stage's placement whether it fits.
 */
export function splitNeeds(
  checked: CheckedWorkload,
  workload: Workload,
  split: Parallelism,
  storage?: Storage,
): Footprint {
  const perReplica = batchPerReplicaOf(workload, split);
  return footprint(
    checked.model.architecture,
    checked.formats,
    split,
    perReplica,
    workload.inputTokens + workload.outputTokens,
    perReplica * workload.inputTokens,
    storage,
  );
}

/**
 * The plan for one split, or undefined (with an error diagnostic) when the workload cannot run. A manual workload
 * uses its own split (checked by `manualPlan`); an automatic one the `split` the search gives.
 */
export function plan(
  machine: Machine,
  checked: CheckedWorkload,
  workload: Workload,
  diagnostics: Diagnostic[],
  split?: Parallelism,
): Plan | undefined {
  const { chip } = machine;
  const primaryUnit = primaryUnitOf(machine, checked, diagnostics);
  if (primaryUnit === undefined) return undefined;
  const arch = checked.model.architecture;
  const storage = storageOf(machine, primaryUnit, workload, checked.runtime);
  const parallelism =
    workload.parallelism.mode === 'manual'
      ? manualPlan(arch, chip.count, workload.parallelism, diagnostics)
      : split;
  if (!parallelism) {
    if (workload.parallelism.mode === 'auto')
      diagnostics.push({
        severity: 'error',
        code: 'plan-not-searched',
        message: 'An automatic split is chosen by the plan search; this evaluation was given none.',
      });
    return undefined;
  }
  if (parallelism.tensor * parallelism.pipeline > 1 && !machine.network) {
    diagnostics.push({
      severity: 'error',
      code: 'no-chip-network',
      message: `Splitting the model over ${parallelism.tensor * parallelism.pipeline} chips needs a link between them; add a chip-to-chip link or switch outside the chip group.`,
      groupId: chip.id,
    });
    return undefined;
  }
  const batchPerReplica = batchPerReplicaOf(workload, parallelism);
  const microbatches = Math.max(1, Math.min(batchPerReplica, parallelism.pipeline));
  return {
    parallelism,
    primaryUnit,
    batchPerReplica,
    totalContext: workload.inputTokens + workload.outputTokens,
    decodeContext: workload.decodeContext ?? workload.inputTokens + Math.floor(workload.outputTokens / 2),
    microbatches,
    decodeSequences: Math.ceil(batchPerReplica / microbatches),
    needs: splitNeeds(checked, workload, parallelism, storage),
    storage,
  };
}

/**
 * The unit with the most multiply-accumulates per second in `weightClass`, among those the runtime runs on (all
 * units when it runs on none of them, as the cost stage does); undefined when none does the arithmetic.
 */
export function fastestUnit(
  machine: Machine,
  weightClass: ComputeClass,
  runtime?: Runtime,
): number | undefined {
  const units = machine.chip.units;
  const anyAllowed = units.some((unit) => runtimeRunsOn(runtime, unit.typeId));
  const peak = (index: number): number => {
    const unit = units[index];
    return unit ? unit.macsPerCycle[weightClass] * unit.instances * unit.clockHertz : 0;
  };
  let best: number | undefined;
  units.forEach((unit, index) => {
    if (anyAllowed && !runtimeRunsOn(runtime, unit.typeId)) return;
    if (unit.macsPerCycle[weightClass] > 0 && (best === undefined || peak(index) > peak(best))) best = index;
  });
  return best;
}

/** The fastest unit at the weights' arithmetic; none can do it, or none attention's → an error naming the formats. */
function primaryUnitOf(
  machine: Machine,
  checked: CheckedWorkload,
  diagnostics: Diagnostic[],
): number | undefined {
  const weightClass = checked.formats.weightClass;
  const best = fastestUnit(machine, weightClass, checked.runtime);
  if (best === undefined)
    diagnostics.push({
      severity: 'error',
      code: 'unsupported-format',
      message: `No compute unit does ${weightClass.toUpperCase()} arithmetic, which ${checked.weightsFormat.name} weights with ${checked.activationFormat.name} activations need. Pick other formats or a unit that supports them.`,
      blockId: machine.chip.units[0]?.id,
    });
  // Attention multiplies activations by the KV cache: some unit must do that arithmetic too, or its time is infinite.
  const attentionClass = checked.formats.attentionClass;
  if (best !== undefined && fastestUnit(machine, attentionClass, checked.runtime) === undefined) {
    diagnostics.push({
      severity: 'error',
      code: 'unsupported-format',
      message: `No compute unit does ${attentionClass.toUpperCase()} arithmetic, which attention needs with ${checked.activationFormat.name} activations and the KV cache in ${checked.kvFormat.name}. Pick other formats or a unit that supports them.`,
      blockId: machine.chip.units[0]?.id,
    });
    return undefined;
  }
  return best;
}

/**
 * Checks a manual split against the model and the chips, with a diagnostic per problem. Returns undefined
 * when the split cannot run at all.
 */
export function manualPlan(
  arch: ModelArchitecture,
  chips: number,
  request: { tensor: number; pipeline: number; expert: number },
  diagnostics: Diagnostic[],
): Parallelism | undefined {
  const { tensor, pipeline, expert } = request;
  const modelParallel = tensor * pipeline;
  let valid = true;
  const refuse = (code: string, message: string): void => {
    diagnostics.push({ severity: 'error', code, message });
    valid = false;
  };
  if (modelParallel > chips)
    refuse(
      'parallelism-exceeds-chips',
      `Tensor × pipeline parallelism is ${tensor} × ${pipeline} = ${modelParallel}, but the design has ${chips} chip${chips === 1 ? '' : 's'}.`,
    );
  if (!tensorSplitValid(arch, tensor))
    refuse(
      'tensor-split',
      `Tensor parallelism ${tensor} does not divide the model's ${arch.heads} attention heads (${arch.kvHeads} KV heads).`,
    );
  if (pipeline > arch.layers)
    refuse('pipeline-split', `Pipeline parallelism ${pipeline} exceeds the model's ${arch.layers} layers.`);
  if (expert > 1) {
    if (!arch.moe)
      diagnostics.push({
        severity: 'warning',
        code: 'expert-split',
        message: `Expert parallelism ${expert} has no effect: the model has no experts.`,
      });
    else if (tensor % expert !== 0 || arch.moe.experts % expert !== 0)
      refuse(
        'expert-split',
        `Expert parallelism ${expert} must divide tensor parallelism (${tensor}) and the ${arch.moe.experts} experts.`,
      );
  }
  if (!valid) return undefined;
  const dataReplicas = Math.max(1, Math.floor(chips / modelParallel));
  return {
    tensor,
    pipeline,
    expert: arch.moe ? expert : 1,
    dataReplicas,
    chipsUsed: modelParallel * dataReplicas,
    automatic: false,
  };
}

/** Whether `value` is 1, 2, 4, 8, … */
const powerOfTwo = (value: number): boolean => (value & (value - 1)) === 0;

/**
 * Every split the automatic search tries on the machine: tensor parallelism dividing the attention heads
 * (`tensorSplitValid`), pipeline stages that are a power of two or divide the layers, expert parallelism dividing
 * both the tensor group and the experts (MoE models only), their product no more than the chips (one chip when
 * the chips have no network between them), and as many data-parallel replicas as the chips left hold.
 */
export function candidateSplits(machine: Machine, checked: CheckedWorkload): Parallelism[] {
  const arch = checked.model.architecture;
  // Check refuses more than MAX_INSTANCES chips; a count past that (or not finite) still gets a bounded search.
  const chips = Number.isFinite(machine.chip.count) ? machine.chip.count : 1;
  const groupLimit = machine.network ? chips : 1;
  const splits: Parallelism[] = [];
  for (let pipeline = 1; pipeline <= Math.min(groupLimit, arch.layers); pipeline += 1) {
    if (!powerOfTwo(pipeline) && arch.layers % pipeline !== 0) continue;
    // Tensor parallelism divides the heads, so no split has more tensor ranks than heads.
    for (let tensor = 1; tensor <= arch.heads && tensor * pipeline <= groupLimit; tensor += 1) {
      if (!tensorSplitValid(arch, tensor)) continue;
      for (let expert = 1; expert <= tensor; expert += 1) {
        if (tensor % expert !== 0) continue;
        if (expert > 1 && (!arch.moe || arch.moe.experts % expert !== 0)) continue;
        const dataReplicas = Math.max(1, Math.floor(chips / (tensor * pipeline)));
        splits.push({
          tensor,
          pipeline,
          expert,
          dataReplicas,
          chipsUsed: tensor * pipeline * dataReplicas,
          automatic: true,
        });
      }
    }
  }
  return splits;
}
