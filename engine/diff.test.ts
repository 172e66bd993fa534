import { describe, expect, it } from 'vitest';
import { changeParts, describeChange, unitOfKey, type DesignState } from './diff';
import type { DesignDocument, Group } from './schema/design';
import { DEFAULT_MODEL_ID, defaultWorkload, type Workload } from './schema/workload';
import { testDesign } from './testing/fixtures';

const toy = defaultWorkload('toy');

/** Gives the blocks of a test design readable names (testDesign names each block by its id). */
function named(document: DesignDocument, names: Record<string, string>): DesignDocument {
  return {
    ...document,
    blocks: document.blocks.map((block) => ({ ...block, name: names[block.id] ?? block.name })),
  };
}

function state(document: DesignDocument, workload: Workload | null = toy): DesignState {
  return { document, workload };
}

const smsGroup = (count: number): Group => ({
  id: 'sms',
  name: 'SMs',
  kind: 'cluster',
  count,
  blocks: ['sm'],
});

/** An H100-like chip in miniature: an SM ×132, HBM3 at 3.35 TB/s, one link. */
function baseline(): DesignDocument {
  return named(
    testDesign(
      {
        sm: { type: 'test.sm', params: { clockHertz: 1.98e9 } },
        hbm: { type: 'test.dram', params: { bandwidthBytesPerSecond: 3.35e12 } },
      },
      [['sm', 'hbm']],
      [smsGroup(132)],
    ),
    { sm: 'SM', hbm: 'HBM3' },
  );
}

describe('describeChange', () => {
  it('says "No changes" for equal states, whatever the order of their keys', () => {
    const document = baseline();
    // The same content with its keys written in reverse order.
    const reordered = Object.fromEntries(Object.entries(document).reverse()) as DesignDocument;
    expect(Object.keys(reordered)).not.toEqual(Object.keys(document));
    expect(describeChange(state(document), state(reordered))).toBe('No changes');
    expect(describeChange(state(document, null), state(document, null))).toBe('No changes');
    expect(changeParts(state(document), state(document))).toEqual([]);
  });

  it('names added and removed blocks and links, changed parameters with units, groups and workload', () => {
    const before = baseline();
    const after = named(
      testDesign(
        {
          sm: { type: 'test.sm', params: { clockHertz: 1.5e9 } },
          hbm: { type: 'test.dram', params: { bandwidthBytesPerSecond: 1.68e12 } },
          hbm2: { type: 'test.dram' },
          sram: { type: 'test.sram' },
        },
        [],
        [smsGroup(66)],
      ),
      { sm: 'SM', hbm: 'HBM3', hbm2: 'HBM3 stack 2', sram: 'SRAM' },
    );
    // clockHertz 1.98e9 Hz and 1.5e9 Hz in GHz; 3.35e12 and 1.68e12 B/s in TB/s (decimal prefixes for rates).
    // The parameters are listed block by block in the new document's order: SM, then HBM3.
    expect(
      describeChange(
        state(before, { ...toy, batch: 1 }),
        state(after, { ...toy, model: 'toy-moe', batch: 8 }),
      ),
    ).toBe(
      'Added 2 blocks (HBM3 stack 2, SRAM); removed 1 link (SM → HBM3); ' +
        '2 parameters changed (SM clock 1.98 GHz → 1.5 GHz, HBM3 bandwidth 3.35 TB/s → 1.68 TB/s); ' +
        'groups: SMs count 132 → 66; workload: model toy → toy-moe, batch 1 → 8',
    );
  });

  it('shows at most three examples per category, then how many more', () => {
    const before = testDesign({ a: { type: 'test.array' } }, []);
    const after = testDesign(
      {
        a: { type: 'test.array' },
        b: { type: 'test.sram' },
        c: { type: 'test.sram' },
        d: { type: 'test.sram' },
        e: { type: 'test.sram' },
        f: { type: 'test.sram' },
      },
      [],
    );
    expect(describeChange(state(before), state(after))).toBe('Added 5 blocks (b, c, d and 2 more)');
    expect(
      describeChange(
        state(before),
        state(before, { ...toy, batch: 2, inputTokens: 1024, outputTokens: 256, kv: 'fp8' }),
      ),
    ).toBe('Workload: batch 1 → 2, input tokens 512 → 1024, output tokens 128 → 256 and 1 more');
  });

  it('shows each parameter in the unit its key names, and plain numbers and options otherwise', () => {
    const memory = (params: Record<string, number | string>): DesignDocument =>
      testDesign({ m: { type: 'test.dram', params } }, []);
    const change = (key: string, from: number | string | undefined, to: number | string): string =>
      describeChange(state(memory(from === undefined ? {} : { [key]: from })), state(memory({ [key]: to })));
    // Bytes use binary prefixes: 80 × 2^30 B = 80 GiB.
    expect(change('capacityBytes', 80 * 2 ** 30, 96 * 2 ** 30)).toBe(
      '1 parameter changed (m capacity 80 GiB → 96 GiB)',
    );
    expect(change('staticPowerWatts', 30, 35)).toBe('1 parameter changed (m static power 30 W → 35 W)');
    // 1e-7 s = 100 ns.
    expect(change('latencySeconds', 1e-7, 2e-7)).toBe('1 parameter changed (m latency 100 ns → 200 ns)');
    expect(change('energyJoulesPerBit', 3.9e-12, 4e-12)).toBe(
      '1 parameter changed (m energy 3.9 pJ/bit → 4 pJ/bit)',
    );
    expect(change('achievableBandwidthFraction', 0.8, 0.85)).toBe(
      '1 parameter changed (m achievable bandwidth fraction 0.8 → 0.85)',
    );
    expect(change('usage', 'storage', 'cache')).toBe('1 parameter changed (m usage storage → cache)');
    // A parameter missing from `params` holds the block type's default.
    expect(change('bandwidthBytesPerSecond', undefined, 1e12)).toBe(
      '1 parameter changed (m bandwidth default → 1 TB/s)',
    );
    // Three significant figures would show 3.35 TB/s twice; one more digit tells them apart.
    expect(change('bandwidthBytesPerSecond', 3.35e12, 3.351e12)).toBe(
      '1 parameter changed (m bandwidth 3.35 TB/s → 3.351 TB/s)',
    );
  });

  it('knows the unit of every kind of key the library uses', () => {
    expect(unitOfKey('bandwidthBytesPerSecond')).toBe('bytesPerSecond');
    expect(unitOfKey('dramCapacityBytes')).toBe('bytes');
    expect(unitOfKey('clockHertz')).toBe('hertz');
    expect(unitOfKey('capWatts')).toBe('watts');
    expect(unitOfKey('dispatchOverheadSeconds')).toBe('seconds');
    expect(unitOfKey('dramEnergyJoulesPerBit')).toBe('joulesPerBit');
    expect(unitOfKey('energyJoulesPerMacBf16')).toBe('joulesPerOperation');
    expect(unitOfKey('energyJoulesPerVectorOp')).toBe('joulesPerOperation');
    expect(unitOfKey('voltageVolts')).toBe('volts');
    expect(unitOfKey('areaSquareMetres')).toBe('squareMetres');
    expect(unitOfKey('rows')).toBeUndefined();
    expect(unitOfKey('computeEfficiency')).toBeUndefined();
  });

  it('describes tables by their rows, and link parameters by their ends', () => {
    const points = [
      { name: 'top', clockHertz: 1e9, voltageVolts: 1, memoryBandwidthScale: 1, capWatts: 0 },
      { name: 'low', clockHertz: 0.5e9, voltageVolts: 0.7, memoryBandwidthScale: 1, capWatts: 0 },
    ];
    const withPoints = (rows: typeof points | undefined): DesignDocument =>
      testDesign({ dvfs: { type: 'test.dvfs', params: rows ? { operatingPoints: rows } : {} } }, []);
    expect(describeChange(state(withPoints(undefined)), state(withPoints(points)))).toBe(
      '1 parameter changed (dvfs operating points default → 2 rows)',
    );
    expect(
      describeChange(
        state(withPoints(points)),
        state(withPoints([...points, { ...points[1]!, name: 'min' }])),
      ),
    ).toBe('1 parameter changed (dvfs operating points 2 rows → 3 rows)');
    expect(
      describeChange(
        state(withPoints(points)),
        state(withPoints([points[0]!, { ...points[1]!, voltageVolts: 0.75 }])),
      ),
    ).toBe('1 parameter changed (dvfs operating points edited)');

    const before = baseline();
    const faster = {
      ...before,
      links: before.links.map((link) => ({ ...link, params: { bandwidthBytesPerSecond: 9e11 } })),
    };
    expect(describeChange(state(before), state(faster))).toBe(
      '1 parameter changed (link SM → HBM3 bandwidth default → 900 GB/s)',
    );
  });

  it('names renamed, retyped, moved blocks and reconnected links, and a renamed design', () => {
    const before = baseline();
    const after: DesignDocument = {
      ...before,
      name: 'H100 variant',
      blocks: before.blocks.map((block) =>
        block.id === 'hbm'
          ? { ...block, name: 'HBM3e', type: 'test.sram' }
          : { ...block, position: { x: block.position.x + 40, y: block.position.y } },
      ),
      links: before.links.map((link) => ({ ...link, from: link.to, to: link.from })),
    };
    expect(describeChange(state(before), state(after))).toBe(
      'Renamed the design "test design" → "H100 variant"; renamed 1 block (HBM3 → HBM3e); ' +
        'changed the type of 1 block (HBM3e test.dram → test.sram); moved 1 block (SM); ' +
        'reconnected 1 link (HBM3e → SM)',
    );
  });

  it('describes group changes in one category', () => {
    const before = baseline();
    const after: DesignDocument = {
      ...before,
      groups: [
        { ...smsGroup(132), name: 'Streaming multiprocessors', kind: 'module', blocks: ['sm', 'hbm'] },
        { id: 'chip', name: 'Chip', kind: 'chip', count: 8, blocks: [], groups: ['sms'] },
      ],
    };
    expect(describeChange(state(before), state(after))).toBe(
      'Groups: renamed SMs → Streaming multiprocessors, Streaming multiprocessors kind cluster → module, ' +
        'Streaming multiprocessors blocks 1 → 2 and 1 more',
    );
    expect(describeChange(state(after), state(before))).toBe(
      'Groups: renamed Streaming multiprocessors → SMs, SMs kind module → cluster, SMs blocks 2 → 1 and 1 more',
    );
    expect(changeParts(state({ ...before, groups: [] }), state(before))).toEqual([
      'groups: added SMs (cluster ×132)',
    ]);
    expect(changeParts(state(before), state({ ...before, groups: [] }))).toEqual(['groups: removed SMs']);
  });

  it('describes notes, details and workload changes', () => {
    const before = baseline();
    const after: DesignDocument = {
      ...before,
      meta: { description: 'Halved HBM', tags: ['what-if'] },
      notes: [{ id: 'n1', text: 'Check the L2 size', position: { x: 0, y: 0 } }],
    };
    expect(changeParts(state(before), state(after))).toEqual([
      'notes: 1 added',
      'details edited (description, tags)',
    ]);
    expect(changeParts(state(before), state(before, null))).toEqual(['workload: removed']);
    expect(changeParts(state(before, null), state(before))).toEqual(['workload: set (model toy, batch 1)']);
    // Without a workload a design runs the default one, so saving exactly that default is not a change.
    expect(changeParts(state(before, null), state(before, defaultWorkload(DEFAULT_MODEL_ID)))).toEqual([]);
    expect(
      changeParts(
        state(before),
        state(before, { ...toy, parallelism: { mode: 'manual', tensor: 2, pipeline: 1, expert: 1 } }),
      ),
    ).toEqual(['workload: parallelism auto → tensor 2 × pipeline 1 × expert 1']);
    expect(changeParts(state(before), state(before, { ...toy, decodeContext: 2048 }))).toEqual([
      'workload: decode context default → 2048',
    ]);
  });

  it('describes a first version as everything added', () => {
    const document = named(
      testDesign({ a: { type: 'test.array' }, b: { type: 'test.sram' } }, [['a', 'b']]),
      { a: 'Tile', b: 'SRAM' },
    );
    expect(describeChange(null, state(document))).toBe(
      'Added 2 blocks (Tile, SRAM); added 1 link (Tile → SRAM); workload: set (model toy, batch 1)',
    );
    expect(describeChange(null, state({ ...document, blocks: [], links: [] }, null))).toBe('No changes');
  });

  it('is deterministic and leaves its inputs as they were', () => {
    const before = deepFreeze(state(baseline()));
    const after = deepFreeze(state({ ...baseline(), groups: [smsGroup(66)] }, { ...toy, batch: 4 }));
    const first = describeChange(before, after);
    expect(describeChange(before, after)).toBe(first);
    expect(first).toBe('Groups: SMs count 132 → 66; workload: batch 1 → 4');
  });
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
