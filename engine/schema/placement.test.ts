import { describe, expect, it } from 'vitest';
import { formatPlacement, parsePlacement, placementSchema, type Placement } from './placement';

describe('placement text', () => {
  it('reads each policy and writes it back', () => {
    const cases: [string, Placement][] = [
      ['fastest', { policy: 'fastest' }],
      ['least-energy', { policy: 'least-energy' }],
      ['by-class:attention=gpu,ffn=pim', { policy: 'by-class', classes: { attention: 'gpu', ffn: 'pim' } }],
      [
        'by-layers:0-39=a,40-79=b,80=c',
        {
          policy: 'by-layers',
          layers: [
            { first: 0, last: 39, group: 'a' },
            { first: 40, last: 79, group: 'b' },
            { first: 80, last: 80, group: 'c' },
          ],
        },
      ],
    ];
    for (const [text, placement] of cases) {
      expect(parsePlacement(text)).toEqual({ ok: true, placement });
      expect(formatPlacement(placement)).toBe(text);
      expect(placementSchema.safeParse(placement).success).toBe(true);
    }
  });

  it('refuses what it cannot read, with a message naming the entry', () => {
    for (const [text, message] of [
      ['quickest', /must be fastest, least-energy/],
      ['by-class:', /needs entries/],
      ['by-class:memory=gpu', /"memory=gpu" must be <class>=<chip group id>/],
      ['by-class:ffn=gpu,ffn=pim', /ffn is named twice/],
      ['by-layers:40-0=a', /"40-0=a" must be <first>-<last>/],
      ['by-layers:0-3=1gpu', /must be <first>-<last>/],
      ['by-layers:0-9999999=a', /must be <first>-<last>/],
    ] as const) {
      const parsed = parsePlacement(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.message).toMatch(message);
    }
  });

  it('bounds what the workload schema accepts', () => {
    expect(
      placementSchema.safeParse({ policy: 'by-layers', layers: [{ first: -1, last: 2, group: 'a' }] })
        .success,
    ).toBe(false);
    expect(placementSchema.safeParse({ policy: 'by-class', classes: { memory: 'a' } }).success).toBe(false);
    const many = Array.from({ length: 65 }, (_, first) => ({ first, last: first, group: 'a' }));
    expect(placementSchema.safeParse({ policy: 'by-layers', layers: many }).success).toBe(false);
  });
});
