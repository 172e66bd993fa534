import { describe, expect, it } from 'vitest';
import { formatQuantity, maxQuantityLength, parseQuantity } from './units';

describe('formatQuantity shows numbers the way datasheets print them', () => {
  it.each([
    [3.35e12, 'bytesPerSecond', '3.35 TB/s'],
    [900e9, 'bytesPerSecond', '900 GB/s'],
    [80 * 2 ** 30, 'bytes', '80 GiB'],
    [2 * 2 ** 20, 'bytes', '2 MiB'],
    [1.98e9, 'hertz', '1.98 GHz'],
    [700, 'watts', '700 W'],
    [0.42, 'joulesPerToken', '420 mJ/token'],
    [3.9e-12, 'joulesPerBit', '3.9 pJ/bit'],
    [5e-6, 'seconds', '5 µs'],
    [814e-6, 'squareMetres', '814 mm²'],
    [132, 'count', '132'],
  ] as const)('%d %s → %s', (value, unit, text) => {
    expect(formatQuantity(value, unit)).toBe(text);
  });

  it('never prints NaN or Infinity', () => {
    expect(formatQuantity(Number.NaN, 'watts')).toBe('—');
    expect(formatQuantity(Number.POSITIVE_INFINITY, 'bytes')).toBe('—');
  });
});

describe('parseQuantity reads what a person types', () => {
  it.each([
    ['3.35 TB/s', 'bytesPerSecond', 3.35e12],
    ['900GB/s', 'bytesPerSecond', 900e9],
    ['80 GiB', 'bytes', 80 * 2 ** 30],
    ['80 GB', 'bytes', 80e9],
    ['2 MiB', 'bytes', 2 * 2 ** 20],
    ['1.98 GHz', 'hertz', 1.98e9],
    ['700 W', 'watts', 700],
    ['5 us', 'seconds', 5e-6],
    ['5 µs', 'seconds', 5e-6],
    ['3.9 pJ/bit', 'joulesPerBit', 3.9e-12],
    ['85 %', 'ratio', 0.85],
    ['2.5e12', 'bytesPerSecond', 2.5e12],
    ['1,024', 'count', 1024],
  ] as const)('"%s" in %s → %d', (text, unit, value) => {
    const parsed = parseQuantity(text, unit);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value).toBeCloseTo(value, 6);
  });

  it('round-trips every shown value', () => {
    for (const [value, unit] of [
      [3.35e12, 'bytesPerSecond'],
      [80 * 2 ** 30, 'bytes'],
      [1.98e9, 'hertz'],
      [3.9e-12, 'joulesPerBit'],
    ] as const) {
      const parsed = parseQuantity(formatQuantity(value, unit, 6), unit);
      expect(parsed.ok && parsed.value / value).toBeCloseTo(1, 5);
    }
  });

  it('explains a wrong unit and a non-number', () => {
    expect(parseQuantity('3 GHz', 'bytesPerSecond')).toEqual({
      ok: false,
      message: expect.stringContaining('"GHz" is not a unit of bandwidth') as string,
    });
    expect(parseQuantity('fast', 'hertz')).toEqual({
      ok: false,
      message: expect.stringContaining('"fast" is not a number') as string,
    });
  });
});

describe('parseQuantity bounds what it reads (issue 15 item 3)', () => {
  it('refuses text longer than any quantity with a message, before matching it', () => {
    // 60,000 spaces between a number and a letter: the pattern's lazy suffix backtracks over every space.
    const text = `1${' '.repeat(60_000)}x`;
    expect(parseQuantity(text, 'bytesPerSecond')).toEqual({
      ok: false,
      message: `the text is ${text.length} characters long; a quantity is at most ${maxQuantityLength} (e.g. "3.35 TB/s", "900 GB/s")`,
    });
  });

  it('still reads a quantity padded with spaces up to the limit', () => {
    const padding = ' '.repeat((maxQuantityLength - '4 TB/s'.length) / 2);
    expect(parseQuantity(`${padding}4 TB/s${padding}`, 'bytesPerSecond')).toEqual({ ok: true, value: 4e12 });
  });
});
