/**
 * How a model is split over chips: tensor parallelism (each layer's matrices split over `tensor` chips), pipeline
 * parallelism (the layers split into `pipeline` stages), expert parallelism (MoE experts spread over `expert`
 * chips of the tensor group), and data-parallel replicas of that arrangement on the chips left over.
 */
import type { ModelArchitecture } from '../schema/model';

export interface Parallelism {
  tensor: number;
  pipeline: number;
  expert: number;
  /** Copies of the model serving different requests. */
  dataReplicas: number;
  /** Chips holding a replica (tensor × pipeline × dataReplicas). */
  chipsUsed: number;
  /** Chosen by the automatic plan search (`engine/stages/search.ts`) rather than given. */
  automatic: boolean;
}

/** Whether `tensor` can split the model's heads (query heads must divide; KV heads divide or are replicated). */
export function tensorSplitValid(arch: ModelArchitecture, tensor: number): boolean {
  if (arch.heads % tensor !== 0) return false;
  return arch.kvHeads % tensor === 0 || tensor % arch.kvHeads === 0;
}
