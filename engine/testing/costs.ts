/** An operator cost for tests of the stages after cost: every field zero (no memory level) unless given. */
import type { OperatorCost } from '../stages/cost';

export function costOf(parts: Partial<OperatorCost>): OperatorCost {
  return {
    unitIndex: 0,
    computeSeconds: 0,
    memorySeconds: 0,
    memorySecondsByLevel: [],
    communicationSeconds: 0,
    overheadSeconds: 0,
    latencySeconds: 0,
    memoryLevel: -1,
    bytesByLevel: [],
    bytesByClass: { weights: 0, kv: 0, activations: 0 },
    computeJoules: 0,
    transferJoules: 0,
    macs: 0,
    ...parts,
  };
}
