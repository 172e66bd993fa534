// Parameters as quantities with units in the design text: read as the Inspector and the CLI read them
// (`parseQuantity`), written so that they read back as exactly the same SI values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DesignDocument } from '../schema/design';
import { quantityText } from './quantities';
import { designToJson, designToYaml, parseDesignText } from './spec-text';

const design: DesignDocument = {
  format: 'tessera.design',
  version: 1,
  name: 'Units',
  blocks: [
    {
      id: 'hbm',
      type: 'memory.hbm',
      name: 'HBM3',
      params: { bandwidthBytesPerSecond: 3.35e12, capacityBytes: 80 * 2 ** 30, channels: 16 },
      position: { x: 0, y: 0 },
    },
  ],
  links: [],
  groups: [],
};

function yaml(params: string[]): string {
  return [
    'format: tessera.design',
    'version: 1',
    'name: Units',
    'blocks:',
    '  hbm:',
    '    type: memory.hbm',
    '    name: HBM3',
    '    params:',
    ...params.map((line) => `      ${line}`),
    '    position: { x: 0, y: 0 }',
    'links: []',
    'groups: {}',
  ].join('\n');
}

describe('quantities in the design text', () => {
  it('writes numbers in the unit their key names, counts bare', () => {
    const lines = designToYaml(design).split('\n');
    expect(lines).toContain('      bandwidthBytesPerSecond: 3.35 TB/s');
    expect(lines).toContain('      capacityBytes: 80 GiB');
    expect(lines).toContain('      channels: 16');
  });

  it('reads "4 TB/s" and "80 GiB" as the Inspector does, in YAML and in JSON', () => {
    const read = parseDesignText(yaml(['bandwidthBytesPerSecond: 4 TB/s', 'capacityBytes: 80 GiB']), 'yaml');
    expect(read.ok && read.design.blocks[0]?.params).toEqual({
      bandwidthBytesPerSecond: 4e12,
      capacityBytes: 80 * 2 ** 30,
    });
    const json = designToJson(design).replace('3350000000000', '"4 TB/s"');
    const fromJson = parseDesignText(json, 'json');
    expect(fromJson.ok && fromJson.design.blocks[0]?.params.bandwidthBytesPerSecond).toBe(4e12);
  });

  it('round-trips exactly: what is written reads back as the same document', () => {
    expect(parseDesignText(designToYaml(design), 'yaml')).toStrictEqual({ ok: true, design });
  });

  it('says which parameter is not a quantity of its unit, on its line', () => {
    const text = yaml(['bandwidthBytesPerSecond: 4 TB', 'capacityBytes: 80 GiB']);
    const read = parseDesignText(text, 'yaml');
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.problems).toHaveLength(1);
    expect(read.problems[0]).toMatchObject({
      line: text.split('\n').findIndex((line) => line.includes('4 TB')) + 1,
      path: 'blocks.hbm.params.bandwidthBytesPerSecond',
    });
    expect(read.problems[0]?.message).toContain('"TB" is not a unit of bandwidth');
  });

  it('writes any value so that it reads back as exactly the same double', () => {
    const keys = [
      'bandwidthBytesPerSecond',
      'capacityBytes',
      'clockHertz',
      'capWatts',
      'latencySeconds',
      'energyJoulesPerBit',
      'energyJoulesPerMacBf16',
      'voltageVolts',
      'areaSquareMetres',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...keys),
        fc.oneof(
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.integer({ min: 0, max: 2 ** 40 }),
          fc.double({ min: 1e-15, max: 1e15, noNaN: true }),
        ),
        (key, value) => {
          const written = designToYaml({
            ...design,
            blocks: [{ ...design.blocks[0]!, params: { [key]: value } }],
          });
          const read = parseDesignText(written, 'yaml');
          expect(read.ok && read.design.blocks[0]?.params[key]).toBe(value);
        },
      ),
      { numRuns: 500 },
    );
    expect(quantityText('latencySeconds', 1.2e-7)).toBe('120 ns');
    expect(quantityText('rows', 128)).toBe(128);
  });
});
