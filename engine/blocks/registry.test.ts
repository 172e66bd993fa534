import { describe, expect, it } from 'vitest';
import type { BlockType } from '../schema/block-type';
import { checkDesign } from '../stages/check';
import { resolve } from '../stages/resolve';
import { testBlockTypes, testCatalog, testDesign } from '../testing/fixtures';
import { blockModel, costModelIds } from './registry';

const models = costModelIds.map((id) => {
  const model = blockModel(id);
  if (!model) throw new Error(`the registry lists ${id} but does not serve it`);
  return model;
});

describe('registry: the cost models', () => {
  it('serves every id it lists, under that id, once', () => {
    expect(models.map((model) => model.id)).toEqual(costModelIds);
    expect(new Set(costModelIds).size).toBe(costModelIds.length);
  });

  it('has a one-line summary for every model', () => {
    for (const model of models) {
      expect(model.summary.trim().length, model.id).toBeGreaterThan(10);
      expect(model.summary, model.id).not.toContain('\n');
    }
  });

  it('serves every cost model the test fixtures name', () => {
    for (const type of testBlockTypes) expect(blockModel(type.costModel), type.id).toBeDefined();
  });

  it('serves nothing under an id it does not list', () => {
    expect(blockModel('warp-drive')).toBeUndefined();
  });

  it('has each model implement what its flags promise', () => {
    for (const model of models) {
      // A model that hosts a workload computes; power management is neither data path nor storage.
      if (model.hostsWorkload) expect('compute' in model, model.id).toBe(true);
      if (model.power === 'domain') expect('domain' in model, model.id).toBe(true);
      if (model.power === 'cap') expect('capWatts' in model, model.id).toBe(true);
      if (model.power)
        expect(['compute' in model, 'memory' in model, model.crossable], model.id).toEqual([
          false,
          false,
          false,
        ]);
      // Bytes between chips cross a chip fabric on their way.
      if (model.chipFabric) expect(model.crossable, model.id).toBe(true);
    }
  });
});

describe('registry: the only way the engine reads a block type’s cost model', () => {
  const withType = (type: BlockType) => testCatalog({ blockTypes: [...testBlockTypes, type] });
  const arrayType = testBlockTypes.find((type) => type.id === 'test.array') as BlockType;

  it('a block type whose cost model the registry lacks is an `unknown-cost-model` error, naming the block', () => {
    const catalog = withType({ ...arrayType, id: 'test.warp', costModel: 'warp-drive' });
    const diagnostics = checkDesign(testDesign({ engine: { type: 'test.warp' } }, []), catalog);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'unknown-cost-model',
        blockId: 'engine',
        message: expect.stringContaining('"warp-drive"') as string,
      }),
    ]);
  });

  it('resolve reads a block by its cost model, not by its category or type id', () => {
    // Filed under memory, named like a memory, but served by the matrix-array model: it computes.
    const catalog = withType({ ...arrayType, id: 'memory.odd', category: 'memory' });
    const { chip } = resolve(
      testDesign({ odd: { type: 'memory.odd' }, dram: { type: 'test.dram' } }, [['odd', 'dram']]),
      catalog,
    );
    expect(chip.units.map((unit) => [unit.id, unit.costModel, unit.macsPerCycle.bf16])).toEqual([
      ['odd', 'matrix-array', 128 * 128],
    ]);
    expect(chip.levels.map((level) => level.id)).toEqual(['dram']);
  });

  it('resolve leaves out a block whose cost model the registry lacks, rather than guessing', () => {
    const catalog = withType({ ...arrayType, id: 'test.warp', costModel: 'warp-drive' });
    const { chip } = resolve(
      testDesign(
        { tile: { type: 'test.array' }, engine: { type: 'test.warp' }, dram: { type: 'test.dram' } },
        [
          ['tile', 'dram'],
          ['engine', 'dram'],
        ],
      ),
      catalog,
    );
    expect(chip.units.map((unit) => unit.id)).toEqual(['tile']);
    expect(Object.keys(chip.blockStaticWatts)).not.toContain('engine');
  });
});
