import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ratchet, RATCHET_TOLERANCE_POINTS, README_END, README_START, recordedMedians } from './ratchet';

const readme = (rows: string[]): string =>
  [
    '# Tessera',
    '',
    README_START,
    '| source group | metric | comparisons | median \\|error\\| | p90 \\|error\\| | median error (bias) |',
    '| --- | --- | --- | --- | --- | --- |',
    '| F1. TensorRT-LLM | performance | 31 | 9.2 % | 154.1 % | +9.2 % |',
    ...rows,
    README_END,
    '',
  ].join('\n');

const recorded = readme([
  '| all | performance | 982 | 23.5 % | 88.2 % | +12.5 % |',
  '| all | power | 46 | 8.7 % | 20.8 % | +0.3 % |',
]);

describe('recordedMedians', () => {
  test('reads the overall rows of the validation block, not a group row', () => {
    expect(recordedMedians(recorded)).toEqual({ performance: 23.5, power: 8.7 });
  });

  test('reads nothing outside the markers', () => {
    const outside = `| all | performance | 982 | 23.5 % | 88.2 % | +12.5 % |\n${readme([])}`;
    expect(recordedMedians(outside)).toEqual({});
  });

  test("reads the repository's own README", () => {
    const text = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const medians = recordedMedians(text);
    expect(medians.performance).toBeGreaterThan(0);
    expect(medians.power).toBeGreaterThan(0);
  });
});

describe('ratchet', () => {
  const before = recordedMedians(recorded);

  test('the tolerance is two points', () => {
    expect(RATCHET_TOLERANCE_POINTS).toBe(2);
  });

  test('a performance median worse by 2.1 points fails and says by how much', () => {
    const verdict = ratchet(before, { performance: 23.5 + 2.1, power: 8.7 });
    expect(verdict.ok).toBe(false);
    expect(verdict.lines.join('\n')).toMatch(
      /performance median \|error\| worsened from 23\.5 % .* to 25\.6 %, 2\.1 points/,
    );
  });

  test('a power median worse by 2.1 points fails', () => {
    expect(ratchet(before, { performance: 23.5, power: 8.7 + 2.1 }).ok).toBe(false);
  });

  test('worse by 1.9 points passes', () => {
    const verdict = ratchet(before, { performance: 23.5 + 1.9, power: 8.7 + 1.9 });
    expect(verdict.ok).toBe(true);
    expect(verdict.lines).toHaveLength(2);
  });

  test('an improvement passes and says how to lock it in', () => {
    const verdict = ratchet(before, { performance: 12, power: 8 });
    expect(verdict.ok).toBe(true);
    expect(verdict.lines.join('\n')).toContain('--update-readme');
  });

  test('missing README figures fail with a message naming the markers and the fix', () => {
    const verdict = ratchet(recordedMedians('# Tessera\n'), { performance: 23.5, power: 8.7 });
    expect(verdict.ok).toBe(false);
    expect(verdict.lines).toHaveLength(2);
    for (const line of verdict.lines) {
      expect(line).toContain('records no overall');
      expect(line).toContain(README_START);
      expect(line).toContain('npm run validate -- --update-readme');
    }
  });

  test('a kind the run did not measure is not judged', () => {
    const verdict = ratchet({ performance: 23.5 }, { performance: 23.5 });
    expect(verdict).toEqual({ ok: true, lines: [expect.stringContaining('performance')] });
  });
});
