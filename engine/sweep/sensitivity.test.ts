import { describe, expect, it } from 'vitest';
import { sensitivityVariants } from './sensitivity';
import { specOf } from './testing';

describe('sensitivityVariants', () => {
  const spec = specOf({
    parameters: [
      { path: 'hbm.bandwidthBytesPerSecond', label: 'HBM bandwidth', values: ['2 TB/s', '3.35 TB/s'] },
      { path: 'chip.clockHertz', range: { from: 1e9, to: 2e9, steps: 3, scale: 'linear' } },
      { path: 'workload.batch', range: { from: 1, to: 64, steps: 7, scale: 'log', integer: true } },
      { path: 'workload.model', values: ['llama-3-8b', 'llama-3-70b', 'llama-3-405b'] },
    ],
  });

  it('moves each parameter 10 % each way, holding the others', () => {
    const base = ['3.35 TB/s', 1.5e9, 32, 'llama-3-70b'];
    const variants = sensitivityVariants(spec, base);
    expect(variants.map(({ label, low, high }) => [label, low, high])).toEqual([
      [
        'HBM bandwidth',
        `${Number((3.35 * 0.9).toPrecision(12))} TB/s`,
        `${Number((3.35 * 1.1).toPrecision(12))} TB/s`,
      ],
      ['chip.clockHertz', 1.5e9 * 0.9, 1.5e9 * 1.1],
      // 32 × 0.9 = 28.8 and 32 × 1.1 = 35.2, rounded.
      ['workload.batch', 29, 35],
      ['workload.model', 'llama-3-8b', 'llama-3-405b'],
    ]);
    expect(variants[1]?.lowValues).toEqual(['3.35 TB/s', 1.5e9 * 0.9, 32, 'llama-3-70b']);
    expect(variants[3]?.highValues).toEqual(['3.35 TB/s', 1.5e9, 32, 'llama-3-405b']);
  });

  it('moves a small whole number by one, never to zero, and stops at the ends of a list', () => {
    const variants = sensitivityVariants(spec, ['2 TB/s', 1e9, 1, 'llama-3-405b']);
    expect(variants[2]).toMatchObject({ base: 1, low: 1, high: 2 });
    expect(variants[3]).toMatchObject({ low: 'llama-3-70b', high: 'llama-3-405b' });
    expect(sensitivityVariants(spec, ['2 TB/s', 1e9, 4, 'llama-3-8b'])[2]).toMatchObject({ low: 3, high: 5 });
  });
});
