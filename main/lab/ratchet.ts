/**
 * The accuracy ratchet: `npm run validate` fails when an overall median |error| (performance or power) is worse
 * than the figure recorded in the README's validation block by more than the tolerance (2 points). An
 * improvement is locked in by `npm run validate -- --update-readme`, which rewrites the block. Pure: text in,
 * verdict out.
 */
import type { MetricKind } from './validation/mapping';

/** Percentage points an overall median may worsen before validate fails. */
export const RATCHET_TOLERANCE_POINTS = 2;

export const README_START = '<!-- validation:start -->';
export const README_END = '<!-- validation:end -->';

/** Overall median |error| per metric kind, in percent. */
export type OverallMedians = Partial<Record<MetricKind, number>>;

/**
 * The overall medians recorded in the README: the `| all | performance | … |` and `| all | power | … |` rows of
 * the table between the validation markers (fourth column, "23.5 %"). Kinds without a row are absent.
 */
export function recordedMedians(readme: string): OverallMedians {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) return {};
  const recorded: OverallMedians = {};
  for (const line of readme.slice(start, end).split('\n')) {
    const cells = line
      .split('|')
      .map((cell) => cell.trim())
      .filter((_, index, all) => index > 0 && index < all.length - 1);
    if (cells[0] !== 'all') continue;
    const kind = cells[1];
    const median = /^(-?\d+(?:\.\d+)?)\s*%$/.exec(cells[3] ?? '');
    if ((kind === 'performance' || kind === 'power') && median) recorded[kind] = Number(median[1]);
  }
  return recorded;
}

export interface RatchetVerdict {
  ok: boolean;
  /** One line per kind: held, improved (with how to lock it in), worsened, or not recorded. */
  lines: string[];
}

/**
 * Compares the run's overall medians with the recorded ones. A kind the run measured but the README does not
 * record fails with a message naming the fix; so does a median worse by more than `tolerance` points.
 */
export function ratchet(
  recorded: OverallMedians,
  current: OverallMedians,
  tolerance = RATCHET_TOLERANCE_POINTS,
): RatchetVerdict {
  const lines: string[] = [];
  let ok = true;
  for (const kind of ['performance', 'power'] as const) {
    const now = current[kind];
    if (now === undefined) continue;
    const before = recorded[kind];
    if (before === undefined) {
      ok = false;
      lines.push(
        `ratchet: the README records no overall ${kind} median between ${README_START} and ${README_END}; run \`npm run validate -- --update-readme\` to record ${now.toFixed(1)} %`,
      );
      continue;
    }
    const change = now - before;
    // Compared at the README's precision (one decimal), so a recorded 23.5 % and a run of 23.46 % agree.
    const worse = Math.round(change * 10) / 10;
    if (worse > tolerance) {
      ok = false;
      lines.push(
        `ratchet: overall ${kind} median |error| worsened from ${before.toFixed(1)} % (README) to ${now.toFixed(1)} %, ${worse.toFixed(1)} points (more than ${tolerance} allowed)`,
      );
    } else if (worse < 0) {
      lines.push(
        `ratchet: overall ${kind} median |error| ${now.toFixed(1)} %, better than the README's ${before.toFixed(1)} %; \`npm run validate -- --update-readme\` locks it in`,
      );
    } else {
      lines.push(
        `ratchet: overall ${kind} median |error| ${now.toFixed(1)} % (README ${before.toFixed(1)} %, within ${tolerance} points)`,
      );
    }
  }
  return { ok, lines };
}
