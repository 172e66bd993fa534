/**
 * How the model is split over the chips: tensor parallelism (each layer's matrices split over `tensor`
 * chips), pipeline parallelism (the layers split into `pipeline` stages), expert parallelism (MoE experts
 * spread over `expert` chips of the tensor group), and data-parallel replicas of that arrangement on the chips
 * left over.
 */
import type { Diagnostic } from './diagnostics';
import type { ModelArchitecture } from './schema/model';

export interface Parallelism {
  tensor: number;
  pipeline: number;
  expert: number;
  /** Copies of the model serving different requests. */
  dataReplicas: number;
  /** Chips holding a replica (tensor × pipeline × dataReplicas). */
  chipsUsed: number;
  /** Chosen automatically (the smallest split that fits) rather than given. */
  automatic: boolean;
}

const powersOfTwo = (limit: number): number[] => {
  const values: number[] = [];
  for (let value = 1; value <= limit; value *= 2) values.push(value);
  return values;
};

/** Whether `tensor` can split the model's heads (query heads must divide; KV heads divide or are replicated). */
export function tensorSplitValid(arch: ModelArchitecture, tensor: number): boolean {
  if (arch.heads % tensor !== 0) return false;
  return arch.kvHeads % tensor === 0 || tensor % arch.kvHeads === 0;
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
  if (modelParallel > chips) {
    diagnostics.push({
      severity: 'error',
      code: 'parallelism-exceeds-chips',
      message: `Tensor × pipeline parallelism is ${tensor} × ${pipeline} = ${modelParallel}, but the design has ${chips} chip${chips === 1 ? '' : 's'}.`,
    });
    valid = false;
  }
  if (!tensorSplitValid(arch, tensor)) {
    diagnostics.push({
      severity: 'error',
      code: 'tensor-split',
      message: `Tensor parallelism ${tensor} does not divide the model's ${arch.heads} attention heads (${arch.kvHeads} KV heads).`,
    });
    valid = false;
  }
  if (pipeline > arch.layers) {
    diagnostics.push({
      severity: 'error',
      code: 'pipeline-split',
      message: `Pipeline parallelism ${pipeline} exceeds the model's ${arch.layers} layers.`,
    });
    valid = false;
  }
  if (expert > 1) {
    if (!arch.moe)
      diagnostics.push({
        severity: 'warning',
        code: 'expert-split',
        message: `Expert parallelism ${expert} has no effect: the model has no experts.`,
      });
    else if (tensor % expert !== 0 || arch.moe.experts % expert !== 0) {
      diagnostics.push({
        severity: 'error',
        code: 'expert-split',
        message: `Expert parallelism ${expert} must divide tensor parallelism (${tensor}) and the ${arch.moe.experts} experts.`,
      });
      valid = false;
    }
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
 * first, up to the chips available, then pipeline), replicated over the remaining chips. `needsBytes` answers,
 * for a split, how many bytes one chip needs and how many it has.
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
