/**
 * Stage 3 of the engine, **plan**: how the workload is laid over the machine — the unit placement follows (the
 * fastest at the weights' arithmetic), the parallel split (tensor × pipeline × expert, manual or automatic) with
 * data-parallel replicas on the chips left over, the batch each replica runs and the micro-batches of a decode
 * step.
 */
import type { Diagnostic } from '../diagnostics';
import { storageBytes, type Machine } from '../machine';
import { footprint, type Footprint } from '../models/footprint';
import { tensorSplitValid, type Parallelism } from '../models/parallelism';
import type { ModelArchitecture } from '../schema/model';
import type { Workload } from '../schema/workload';
import type { CheckedWorkload } from './check';
import { storageOf, type Storage } from './storage';

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

/** Chooses the split, or returns undefined (with an error diagnostic) when the workload cannot run. */
export function plan(
  machine: Machine,
  checked: CheckedWorkload,
  workload: Workload,
  diagnostics: Diagnostic[],
): Plan | undefined {
  const { chip } = machine;
  const primaryUnit = primaryUnitOf(machine, checked, diagnostics);
  if (primaryUnit === undefined) return undefined;
  const arch = checked.model.architecture;
  const totalContext = workload.inputTokens + workload.outputTokens;
  const storage = storageOf(machine, primaryUnit, workload, checked.runtime);
  const perReplica = (split: Parallelism): number =>
    Math.ceil(workload.batch / Math.max(1, Math.min(split.dataReplicas, workload.batch)));
  const needsFor = (split: Parallelism): Footprint =>
    footprint(
      arch,
      checked.formats,
      split,
      perReplica(split),
      totalContext,
      perReplica(split) * workload.inputTokens,
      storage,
    );
  const room = storageBytes(chip, primaryUnit);
  const parallelism =
    workload.parallelism.mode === 'manual'
      ? manualPlan(arch, chip.count, workload.parallelism, diagnostics)
      : automaticPlan(arch, chip.count, (tensor, pipeline) => {
          const needs = needsFor({
            tensor,
            pipeline,
            expert: 1,
            dataReplicas: Math.max(1, Math.floor(chip.count / (tensor * pipeline))),
            chipsUsed: 0,
            automatic: true,
          });
          return needs.weights + needs.kv + needs.activations <= room;
        });
  if (!parallelism) return undefined;
  if (parallelism.tensor * parallelism.pipeline > 1 && !machine.network) {
    diagnostics.push({
      severity: 'error',
      code: 'no-chip-network',
      message: `Splitting the model over ${parallelism.tensor * parallelism.pipeline} chips needs a link between them; add a chip-to-chip link or switch outside the chip group.`,
      groupId: chip.id,
    });
    return undefined;
  }
  const batchPerReplica = perReplica(parallelism);
  const microbatches = Math.max(1, Math.min(batchPerReplica, parallelism.pipeline));
  return {
    parallelism,
    primaryUnit,
    batchPerReplica,
    totalContext,
    decodeContext: workload.decodeContext ?? workload.inputTokens + Math.floor(workload.outputTokens / 2),
    microbatches,
    decodeSequences: Math.ceil(batchPerReplica / microbatches),
    needs: needsFor(parallelism),
    storage,
  };
}

/** The fastest unit at the weights' arithmetic; none can do it → an error naming the formats. */
function primaryUnitOf(
  machine: Machine,
  checked: CheckedWorkload,
  diagnostics: Diagnostic[],
): number | undefined {
  const units = machine.chip.units;
  const weightClass = checked.formats.weightClass;
  const peak = (index: number): number => {
    const unit = units[index];
    return unit ? unit.macsPerCycle[weightClass] * unit.instances * unit.clockHertz : 0;
  };
  let best: number | undefined;
  units.forEach((unit, index) => {
    if (unit.macsPerCycle[weightClass] > 0 && (best === undefined || peak(index) > peak(best))) best = index;
  });
  if (best === undefined)
    diagnostics.push({
      severity: 'error',
      code: 'unsupported-format',
      message: `No compute unit does ${weightClass.toUpperCase()} arithmetic, which ${checked.weightsFormat.name} weights with ${checked.activationFormat.name} activations need. Pick other formats or a unit that supports them.`,
      blockId: units[0]?.id,
    });
  return best;
}

const powersOfTwo = (limit: number): number[] => {
  const values: number[] = [];
  for (let value = 1; value <= limit; value *= 2) values.push(value);
  return values;
};

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

/**
 * The automatic split: the smallest tensor × pipeline group that holds the model and its KV cache (tensor
 * first, up to the chips available, then pipeline), replicated over the remaining chips. `fits` answers, for a
 * split, whether one chip can hold its share.
 */
export function automaticPlan(
  arch: ModelArchitecture,
  chips: number,
  fits: (tensor: number, pipeline: number) => boolean,
): Parallelism {
  const candidates: { tensor: number; pipeline: number }[] = [];
  for (const pipeline of powersOfTwo(Math.min(chips, arch.layers))) {
    for (const tensor of powersOfTwo(chips)) {
      if (tensor * pipeline <= chips && tensorSplitValid(arch, tensor)) candidates.push({ tensor, pipeline });
    }
  }
  candidates.sort((a, b) => a.tensor * a.pipeline - b.tensor * b.pipeline || a.pipeline - b.pipeline);
  const chosen = candidates.find((candidate) => fits(candidate.tensor, candidate.pipeline)) ??
    candidates.at(-1) ?? { tensor: 1, pipeline: 1 };
  const modelParallel = chosen.tensor * chosen.pipeline;
  const dataReplicas = Math.max(1, Math.floor(chips / modelParallel));
  return { ...chosen, expert: 1, dataReplicas, chipsUsed: modelParallel * dataReplicas, automatic: true };
}
