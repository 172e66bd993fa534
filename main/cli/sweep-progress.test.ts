/**
 * `tessera sweep --progress`: count, rate and ETA on stderr, at most one line a second; `\r` only on a terminal.
 * The clock is the test's, so nothing here depends on how fast the machine is.
 */
import { describe, expect, it } from 'vitest';
import { createProgress, durationText, progressLine } from './sweep-progress';

function recorder(): {
  lines: string[];
  streams: { stdout: (text: string) => void; stderr: (text: string) => void };
} {
  const lines: string[] = [];
  return { lines, streams: { stdout: () => undefined, stderr: (text) => lines.push(text) } };
}

describe('sweep progress', () => {
  it('says the count, the rate and the time left', () => {
    // 2,500 of 10,000 points in 5 s: 500 points/s, 7,500 left → 15 s.
    expect(progressLine({ evaluated: 2500, feasible: 2000, failed: 3 }, 10_000, 5)).toBe(
      '2,500 / 10,000 points (25.0 %) · 500 points/s · ETA 15 s · 2,000 feasible · 3 failed',
    );
    expect(durationText(185)).toBe('3 min 05 s');
    expect(durationText(2 * 3600 + 600)).toBe('2 h 10 min');
  });

  it('prints at most one line a second, each on its own line when stderr is not a terminal', () => {
    let clock = 0;
    const { lines, streams } = recorder();
    const progress = createProgress(1000, streams, { isTty: false, now: () => clock });
    for (let evaluated = 100; evaluated < 1000; evaluated += 100) {
      clock += 400;
      progress.update({ evaluated, feasible: evaluated, failed: 0 });
    }
    progress.finish({ evaluated: 1000, feasible: 1000, failed: 0 });
    // Updates at 0.4 s, 0.8 s, … 3.6 s: shown at 0.4, 1.6 (≥ 1 s after 0.4), 2.8; then the final line.
    expect(lines).toHaveLength(4);
    expect(lines.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    expect(lines.at(-1)).toContain('1,000 / 1,000 points (100.0 %)');
  });

  it('rewrites one line with \\r on a terminal and ends it when done', () => {
    let clock = 0;
    const { lines, streams } = recorder();
    const progress = createProgress(10, streams, { isTty: true, now: () => clock });
    clock = 1500;
    progress.update({ evaluated: 5, feasible: 5, failed: 0 });
    progress.finish({ evaluated: 10, feasible: 10, failed: 0 });
    expect(lines[0]?.startsWith('\r')).toBe(true);
    expect(lines.at(-1)).toBe('\n');
  });
});
