import { describe, expect, it } from 'vitest';
import { escapeHtml } from './escape';
import {
  axisTick,
  formatCount,
  formatFlopCount,
  formatFlops,
  formatIntensity,
  formatPercent,
} from './format';

describe('figure formatting', () => {
  it('reads FLOP/s, FLOP and FLOP per byte the way a roofline is read', () => {
    expect(formatFlops(989.43e12)).toBe('989 TFLOP/s');
    expect(formatFlops(0)).toBe('0 FLOP/s');
    expect(formatFlopCount(10.7e9)).toBe('10.7 GFLOP');
    expect(formatIntensity(347.2)).toBe('347 FLOP/B');
  });

  it('gives percentages two significant figures and a space before the sign', () => {
    expect(formatPercent(0.44)).toBe('44 %');
    expect(formatPercent(0.0022)).toBe('0.22 %');
    expect(formatPercent(0)).toBe('0 %');
    expect(formatPercent(1)).toBe('100 %');
  });

  it('separates thousands in counts, and writes the zero tick of an axis without a unit', () => {
    expect(formatCount(13087)).toBe('13,087');
    expect(axisTick('watts')(0)).toBe('0');
    expect(axisTick('watts')(700)).toBe('700 W');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters markup gives meaning to', () => {
    expect(escapeHtml(`<script>alert("x" & 'y')</script>`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;',
    );
  });

  it('drops the characters XML cannot carry, and keeps tabs, line breaks and paired surrogates', () => {
    expect(escapeHtml('a\u0000b\u001Fc\uFFFEd\uD800e')).toBe('abcde');
    expect(escapeHtml('tab\there\nline 🙂')).toBe('tab\there\nline 🙂');
  });
});
