import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import example from '../../docs/examples/sweep-dgx-hbm.yaml?raw';
import schema from '../../docs/sweep.schema.json';
import { createPointSource } from './points';
import { readSweepSpec } from './read';

describe('docs/examples/sweep-dgx-hbm.yaml', () => {
  it('reads as a grid of 6 HBM bandwidths by 9 batches, the batch fastest', () => {
    const result = readSweepSpec(example);
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    const source = createPointSource(result.value);
    expect(source.total).toBe(6 * 9);
    expect(source.at(0)).toEqual(['2 TB/s', 1]);
    expect(source.at(8)).toEqual(['2 TB/s', 256]);
    expect(source.at(9)).toEqual(['2.5 TB/s', 1]);
    expect(source.at(53)).toEqual(['4.8 TB/s', 256]);
  });

  it('is valid under docs/sweep.schema.json, which refuses a misspelt key', () => {
    const validate = new Ajv2020({ allErrors: true }).compile(schema);
    const document = parse(example) as Record<string, unknown>;
    expect(validate(document) ? [] : validate.errors).toEqual([]);
    expect(validate({ ...document, stratgy: { kind: 'grid' } })).toBe(false);
  });
});
