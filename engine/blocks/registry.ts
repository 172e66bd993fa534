/**
 * The cost-model registry: every `costModel` a block type may name, each served by one module. To add a kind of
 * block: write its module (implementing `BlockModel`), list it here, and add its block type to `library/blocks/`.
 */
import type { BlockModel } from './block-model';
import { cpu } from './cpu';
import { dvfsDomain } from './dvfs-domain';
import { fabric } from './fabric';
import { fabrication } from './fabrication';
import { fpga } from './fpga';
import { host } from './host';
import { kvCompression } from './kv-compression';
import { matrixArray } from './matrix-array';
import { memory } from './memory';
import { pim } from './pim';
import { powerCap } from './power-cap';
import { sparsity } from './sparsity';
import { tensorCluster } from './tensor-cluster';
import { vector } from './vector';
import { weightDecompression } from './weight-decompression';

const models: readonly BlockModel[] = [
  matrixArray,
  tensorCluster,
  vector,
  cpu,
  fpga,
  host,
  memory,
  fabric,
  weightDecompression,
  kvCompression,
  sparsity,
  dvfsDomain,
  powerCap,
  pim,
  fabrication,
];

const byId: ReadonlyMap<string, BlockModel> = new Map(models.map((model) => [model.id, model]));

/** The ids block types may name as their `costModel`, in registry order. */
export const costModelIds: readonly string[] = models.map((model) => model.id);

/** The module serving a cost model, or `undefined` when no module has that id. */
export function blockModel(id: string): BlockModel | undefined {
  return byId.get(id);
}
