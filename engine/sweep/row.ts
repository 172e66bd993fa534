/**
 * One evaluated point of a sweep, as every consumer sees it: the CLI's CSV/JSONL/Parquet rows, the project's
 * sweep table, the app's table and charts, the merge of shards.
 */
import type { SweepFigureId } from './figures';
import type { SweepValue } from './spec';

export interface SweepRow {
  /** The point's position in the sweep (grid order, or draw order for sampling; generation × population + i for NSGA-II). */
  index: number;
  /** The swept values, by parameter path, as applied (numbers in SI units). */
  values: Record<string, SweepValue>;
  /** False when the point could not be evaluated (its design is invalid, the model cannot be placed). */
  ok: boolean;
  /** Why not, when `ok` is false. */
  error?: string;
  /** Every figure of `sweepFigureIds`; absent when `ok` is false. */
  figures?: Record<SweepFigureId, number>;
  /** Evaluated and within every constraint. */
  feasible: boolean;
  /** The constraints the point breaks, as sentences ("TPOT 61.2 ms > 50 ms"). */
  violations?: string[];
}
