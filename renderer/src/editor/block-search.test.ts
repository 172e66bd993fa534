import { describe, expect, it } from 'vitest';
import type { BlockType } from '../../../engine/schema/block-type';
import { searchBlockTypes } from './block-search';

const type = (id: string, name: string, description: string): { type: BlockType } => ({
  type: { id, name, description, category: id.split('.')[0] ?? 'other' } as BlockType,
});
// In catalog order, as the palette lists them: the fabrication block comes first and its description says "HBM".
const candidates = [
  type(
    'cost.fabrication',
    'Fabrication & cost',
    'Die cost; HBM, package and board complete the cost per chip.',
  ),
  type('memory.sram', 'SRAM scratchpad', 'On-chip SRAM.'),
  type('memory.hbm', 'HBM', 'High-bandwidth memory stacks.'),
  type('memory.cxl', 'CXL memory expander', 'DDR5 behind a CXL link, like an HBM-less pool.'),
];

describe('the quick-add search', () => {
  it('puts the type named by the query before types that only mention it', () => {
    expect(searchBlockTypes(candidates, 'hbm').map(({ type }) => type.id)).toEqual([
      'memory.hbm',
      'cost.fabrication',
      'memory.cxl',
    ]);
  });

  it('ranks a name that starts with the first word before one that only holds it', () => {
    expect(searchBlockTypes(candidates, 'memory').map(({ type }) => type.id)).toEqual([
      'memory.sram',
      'memory.hbm',
      'memory.cxl',
    ]);
    expect(searchBlockTypes(candidates, 'cxl mem').map(({ type }) => type.id)).toEqual(['memory.cxl']);
  });

  it('keeps every candidate, in order, for an empty query, and none for a word nothing holds', () => {
    expect(searchBlockTypes(candidates, '  ')).toEqual(candidates);
    expect(searchBlockTypes(candidates, 'photonic')).toEqual([]);
  });
});
