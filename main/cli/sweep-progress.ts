/**
 * `tessera sweep --progress`: the count, the rate and the time left, on stderr, at most one line a second. On a
 * terminal the line rewrites itself (`\r`); in a log (a Slurm job's output file) each update is its own line.
 */
import type { Streams } from '../app/command-line';

export interface ProgressCounts {
  evaluated: number;
  failed: number;
  feasible: number;
}

const count = (value: number): string => Math.round(value).toLocaleString('en-US');

/** A duration in words: "42 s", "3 min 05 s", "2 h 10 min". */
export function durationText(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')} min`;
}

/** The progress line for `counts` of `total` points after `elapsedSeconds`. */
export function progressLine(counts: ProgressCounts, total: number, elapsedSeconds: number): string {
  const rate = elapsedSeconds > 0 ? counts.evaluated / elapsedSeconds : 0;
  const left = total - counts.evaluated;
  const eta = rate > 0 ? durationText(left / rate) : '—';
  const percent = total > 0 ? ((counts.evaluated / total) * 100).toFixed(1) : '100.0';
  return `${count(counts.evaluated)} / ${count(total)} points (${percent} %) · ${count(rate)} points/s · ETA ${eta} · ${count(counts.feasible)} feasible · ${count(counts.failed)} failed`;
}

export function createProgress(
  total: number,
  streams: Streams,
  options: { isTty: boolean; now?: (() => number) | undefined },
): { update(counts: ProgressCounts): void; finish(counts: ProgressCounts): void } {
  const now = options.now ?? (() => performance.now());
  const start = now();
  let last = Number.NEGATIVE_INFINITY;
  const show = (counts: ProgressCounts) => {
    const text = progressLine(counts, total, (now() - start) / 1000);
    streams.stderr(options.isTty ? `\r${text}\u001b[K` : `${text}\n`);
  };
  return {
    update(counts) {
      const at = now();
      // The last line is finish's.
      if (at - last < 1000 || counts.evaluated >= total) return;
      last = at;
      show(counts);
    },
    finish(counts) {
      show(counts);
      if (options.isTty) streams.stderr('\n');
    },
  };
}
