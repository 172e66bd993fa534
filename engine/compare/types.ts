/**
 * Comparing two designs (or two versions of one, or two sweep points): what differs in their documents and
 * workloads, how every headline figure moved, the per-block power and per-operator time side by side, and one
 * paragraph that says why the figures moved. `compareDesigns` (`compare.ts`) builds it; the app's Compare view,
 * the review bundle's HTML report and `tessera review` read it.
 */
import type { Diagnostic } from '../diagnostics';
import type { Report } from '../report';
import type { DesignDocument } from '../schema/design';
import type { Workload } from '../schema/workload';
import type { Unit } from '../units';

/** One side: what it is called, its document and workload, and its evaluation (absent: it did not evaluate). */
export interface CompareInput {
  /** "Version 12 Nov 14:02", "Current design", "Sweep point 41". */
  label: string;
  document: DesignDocument;
  workload: Workload;
  report?: Report;
  /** Why there is no report (the diagnostics that stopped the evaluation). */
  diagnostics?: Diagnostic[];
}

export type ChangeKind = 'added' | 'removed' | 'changed';

/** One row of the parameter table: an element added or removed, or one value changed. */
export interface ParameterChange {
  category: 'design' | 'block' | 'link' | 'group' | 'workload';
  change: ChangeKind;
  /** The element's id (blocks, links, groups). */
  id?: string;
  /** The element's name ("HBM3", "Tile → SRAM", "SMs"), or the workload field's. */
  element: string;
  /** The parameter's label ("bandwidth", "count", "batch"); absent for an added or removed element. */
  parameter?: string;
  /** Values as a person reads them, with units ("3.35 TB/s"); "default" for a block type's default. */
  before?: string;
  after?: string;
}

/** The ids the canvases mark: outlined (changed), marked as new or as gone. */
export interface ChangedElements {
  added: string[];
  removed: string[];
  changed: string[];
}

export type Verdict = 'better' | 'worse' | 'same' | 'not comparable';

/** One headline figure on both sides. */
export interface FigureDelta {
  /** Stable id (`ttftSeconds`, `tpotSeconds`, `decode.tokensPerSecond`, `decode.energyJoulesPerToken`, …). */
  id: string;
  label: string;
  unit: Unit;
  before: number | null;
  after: number | null;
  /** after − before; null when either side is missing. */
  delta: number | null;
  /** 100 × delta / before; null when before is 0 or missing. */
  percent: number | null;
  /** Which direction is better for this figure. */
  better: 'higher' | 'lower';
  /** Changes within ±0.5 % are `same`. */
  verdict: Verdict;
}

/** One pair of bars (a block's decode power, an operator's time). */
export interface PairedValue {
  key: string;
  label: string;
  unit: Unit;
  /** 0 when the side does not have it. */
  before: number;
  after: number;
}

export interface DesignComparison {
  before: CompareInput;
  after: CompareInput;
  changes: ParameterChange[];
  elements: ChangedElements;
  figures: FigureDelta[];
  /** Decode power per block (watts, whole system), largest first. */
  blockPower: PairedValue[];
  /** Time per operator (seconds), largest first. */
  operators: { prefill: PairedValue[]; decode: PairedValue[] };
  /**
   * One paragraph: the figures that moved most and the changes that explain them, e.g. "TPOT −31 %: HBM
   * bandwidth 3.35 TB/s → 4.8 TB/s on a decode that is 84 % HBM-bound." "No changes" when nothing differs.
   */
  explanation: string;
}
