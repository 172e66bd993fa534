/**
 * What the review functions answer: threads as a person reads them, and what a merge brought in. The stored and
 * shared shapes (comments, thread states, the bundle) are the zod schemas of `engine/schema/review.ts`.
 */
import type { ReviewAnchor, ReviewComment, ReviewContent, ThreadState } from '../schema/review';

/**
 * Where a thread's anchor stands in a state of the design: `current` (the element is there and unchanged since
 * the comment), `changed` (there, but its type, name, parameters or members differ), `gone` (removed). A point,
 * a figure and the whole design are always `current`.
 */
export type AnchorStatus = 'current' | 'changed' | 'gone';

/** One thread: its root comment, its replies oldest first, its state and where its anchor stands. */
export interface ReviewThread {
  /** The root comment's id. */
  id: string;
  designId: string;
  anchor: ReviewAnchor;
  /** "block “HBM3”", "figure TPOT", "point (120, 80)", "the design". */
  anchorLabel: string;
  anchorStatus: AnchorStatus;
  root: ReviewComment;
  replies: ReviewComment[];
  status: ThreadState['status'];
  /** The state record that decided `status`; absent while a thread was never resolved or reopened. */
  state?: ThreadState;
  /** Every author in the thread, in order of first comment. */
  authors: string[];
  /** ISO time of the latest comment or state change. */
  lastActivity: string;
}

/** Which threads a Comments panel shows. */
export interface ThreadFilter {
  status?: 'open' | 'resolved' | 'all';
  author?: string;
}

/** What merging `incoming` into `base` brought in, and the union itself. */
export interface ReviewMerge {
  merged: ReviewContent;
  /** Threads new to `base`. */
  newThreads: ReviewComment[];
  /** Replies new to `base` (on old or new threads). */
  newReplies: ReviewComment[];
  /** Thread states of `incoming` that won over `base`'s (resolved or reopened there later). */
  stateChanges: ThreadState[];
  /** Comments `incoming` had that `base` already held. */
  unchanged: number;
  /** Replies whose thread is in neither side (kept out, counted): a damaged or cut copy. */
  orphans: number;
  /** "3 new threads, 5 replies and 2 resolved from Ana and Ben; 12 comments were already here." */
  sentence: string;
}
