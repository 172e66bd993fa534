/**
 * Issue 15 item 1: group counts that multiply past any real machine (up to Infinity) are refused by check with a
 * message naming the group, and nothing in the engine loops over a count.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate';
import { designSchema, MAX_GROUP_COUNT, MAX_INSTANCES, type Group } from './schema/design';
import { checkDesign } from './stages/check';
import { candidateSplits } from './stages/plan';
import { checkWorkload } from './stages/check';
import { resolve } from './stages/resolve';
import { defaultWorkload } from './schema/workload';
import { testCatalog, testDesign, toyArchitecture } from './testing/fixtures';

const catalog = testCatalog();

/** One chip (a tile and a DRAM, linked out through a switch) inside `depth` nested clusters of `count`. */
function nested(depth: number, count: number, chipCount = 1) {
  const groups: Group[] = [
    { id: 'chip', name: 'Chip', kind: 'chip', count: chipCount, blocks: ['tile', 'dram', 'link'] },
  ];
  for (let level = 1; level <= depth; level += 1)
    groups.push({
      id: `c${level}`,
      name: `Cluster ${level}`,
      kind: 'cluster',
      count,
      blocks: level === 1 ? ['switch'] : [],
      groups: [level === 1 ? 'chip' : `c${level - 1}`],
    });
  return testDesign(
    {
      tile: { type: 'test.array' },
      dram: { type: 'test.dram' },
      link: { type: 'test.link' },
      switch: { type: 'test.fabric' },
    },
    [
      ['tile', 'dram'],
      ['tile', 'link'],
      ['link', 'switch'],
    ],
    groups,
  );
}

describe('group counts', () => {
  it('the schema refuses a count above the largest one', () => {
    const design = nested(1, MAX_GROUP_COUNT + 1);
    const parsed = designSchema.safeParse(design);
    expect(parsed.success).toBe(false);
    expect(designSchema.safeParse(nested(1, MAX_GROUP_COUNT)).success).toBe(true);
    // The file: 2^53 − 1, the largest whole number a double holds exactly.
    expect(designSchema.safeParse(nested(20, Number.MAX_SAFE_INTEGER)).success).toBe(false);
  });

  it('check names the group whose nested counts multiply past the bound', () => {
    // 20 clusters of 1,000 around one chip, each count allowed on its own. Counted from the outermost cluster
    // (c20) inwards the product is 1e3, 1e6, 1e9, then 1e12 > MAX_INSTANCES = 1e9 at c17: the one error, there.
    const design = nested(20, 1000);
    expect(designSchema.safeParse(design).success).toBe(true);
    const errors = checkDesign(design, catalog).filter(
      (diagnostic) => diagnostic.code === 'group-count-product',
    );
    expect(errors.map((error) => error.groupId)).toEqual(['c17']);
    expect(errors[0]?.severity).toBe('error');
    expect(errors[0]?.message).toContain('"Cluster 17"');
    // At the bound exactly: 1000^3 = 1e9 is allowed.
    expect(1000 ** 3).toBe(MAX_INSTANCES);
    expect(checkDesign(nested(3, 1000), catalog).filter((d) => d.code === 'group-count-product')).toEqual([]);
  });

  it('a design whose counts multiply to Infinity evaluates to diagnostics, not a hang or a crash', () => {
    // Past the schema (a caller that skips it): 20 clusters of 2^53 − 1 multiply to Infinity in doubles.
    const design = nested(20, Number.MAX_SAFE_INTEGER);
    const result = evaluate({ design, workload: defaultWorkload('toy') }, catalog);
    if (result.ok) throw new Error('a design of Infinity chips evaluated');
    expect(result.diagnostics.some((diagnostic) => diagnostic.code === 'group-count-product')).toBe(true);
  });

  it('the split search loops over the model, never over the chip count', () => {
    // 2^52 chips linked by a switch (a machine check would refuse, built here past it): the candidate splits
    // are bounded by the toy model's heads and layers, not by the chips.
    const machine = resolve(nested(2, 2 ** 26), catalog);
    expect(machine.chip.count).toBe(2 ** 52);
    const checked = checkWorkload(defaultWorkload('toy'), catalog, undefined, []);
    if (!checked) throw new Error('toy workload did not check');
    const splits = candidateSplits(machine, checked);
    expect(splits.length).toBeGreaterThan(0);
    for (const split of splits) {
      expect(toyArchitecture.heads % split.tensor).toBe(0);
      expect(split.pipeline).toBeLessThanOrEqual(toyArchitecture.layers);
    }
  });
});
