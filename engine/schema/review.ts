/**
 * Review comments and the review bundle (`tessera.review`), the file a design travels in to be reviewed offline.
 *
 * A comment is pinned to an anchor: a block, link or group (by id, with a fingerprint of what it was when the
 * comment was written, so the app can say "this block changed since"), a point on the canvas, a result figure, or
 * the design as a whole. A thread is a root comment and its replies (`parentId` names the root). Its state
 * (open or resolved) is a separate record stamped with a time: merging keeps the latest, so merging is
 * order-independent. Comments are never edited or deleted once shared, so every comment id is stable and merging
 * is a union by id.
 */
import { z } from 'zod';
import { boundedText, finite, idSchema } from './common';
import { designSchema } from './design';
import { workloadSchema } from './workload';

export const REVIEW_FORMAT = 'tessera.review';
export const REVIEW_VERSION = 1;
/** The file extension of a review bundle. */
export const REVIEW_EXTENSION = '.tessera-review';

/** How much a review may hold: a bundle beyond these is refused before it is read further. */
export const reviewLimits = {
  /** Bytes of a bundle file. */
  bundleBytes: 64 * 1024 * 1024,
  designs: 50,
  whatIfs: 50,
  comments: 20_000,
  commentText: 10_000,
  author: 200,
} as const;

/** ISO-8601 time as `Date.prototype.toISOString` writes it (UTC, milliseconds). */
export const isoTimeSchema = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
    'must be an ISO-8601 time like 2026-12-04T10:30:00.000Z',
  );

/** A comment's or a thread's id: `c-` and 12 hex digits (random), stable across every copy of the review. */
export const commentIdSchema = z.string().regex(/^c-[0-9a-f]{12}$/, 'must be "c-" and 12 hex digits');

/** What a comment is pinned to. */
export const anchorSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('design') }),
  z.strictObject({
    kind: z.enum(['block', 'link', 'group']),
    id: idSchema,
    /** `fingerprintOf` the element when the comment was written (position excluded): its change is detected. */
    fingerprint: z.string().regex(/^[0-9a-f]{8}$/, 'must be 8 hex digits'),
    /** The element's name then (a removed block is still named). */
    label: boundedText(200),
  }),
  z.strictObject({ kind: z.literal('point'), x: finite(), y: finite() }),
  z.strictObject({
    kind: z.literal('figure'),
    /** A headline figure id of `engine/compare` (`ttftSeconds`, `decode.tokensPerSecond`, …). */
    figure: boundedText(80),
    label: boundedText(200),
  }),
]);
export type ReviewAnchor = z.infer<typeof anchorSchema>;

export const reviewCommentSchema = z.strictObject({
  id: commentIdSchema,
  designId: idSchema,
  /** The thread's root comment; absent on a root. A reply has no anchor of its own. */
  parentId: commentIdSchema.optional(),
  anchor: anchorSchema.optional(),
  author: boundedText(reviewLimits.author),
  createdAt: isoTimeSchema,
  text: boundedText(reviewLimits.commentText).min(1, 'a comment needs some text'),
  /** The design's revision the comment was written on. */
  designRevision: z.number().int().min(0),
});
export type ReviewComment = z.infer<typeof reviewCommentSchema>;

/** A thread's state: the latest record (by `at`, then status, then author) wins a merge. */
export const threadStateSchema = z.strictObject({
  threadId: commentIdSchema,
  designId: idSchema,
  status: z.enum(['open', 'resolved']),
  author: boundedText(reviewLimits.author),
  at: isoTimeSchema,
});
export type ThreadState = z.infer<typeof threadStateSchema>;

/** Comments and thread states: what a project keeps per design and a bundle carries. */
export interface ReviewContent {
  comments: ReviewComment[];
  states: ThreadState[];
}

export const bundleDesignSchema = z.strictObject({
  id: idSchema,
  name: boundedText(200),
  revision: z.number().int().min(0),
  document: designSchema,
  workload: workloadSchema.nullable(),
  /**
   * The last report of this document and workload (the engine's `EvaluationResult`), when there was one. Read
   * defensively (`engine/review/bundle.ts`): it came from another machine.
   */
  report: z.unknown().optional(),
});
export type BundleDesign = z.infer<typeof bundleDesignSchema>;

/** A copy of a reviewed design a reviewer changed to try something ("what if…"): kept apart, never merged over it. */
export const whatIfSchema = z.strictObject({
  id: idSchema,
  name: boundedText(200),
  /** The reviewed design it was copied from. */
  basedOn: idSchema,
  author: boundedText(reviewLimits.author),
  createdAt: isoTimeSchema,
  document: designSchema,
  workload: workloadSchema.nullable(),
});
export type WhatIf = z.infer<typeof whatIfSchema>;

export const reviewBundleSchema = z.strictObject({
  format: z.literal(REVIEW_FORMAT),
  version: z.literal(REVIEW_VERSION),
  /** The review's id, the same in every copy sent around. */
  id: z.string().regex(/^r-[0-9a-f]{12}$/, 'must be "r-" and 12 hex digits'),
  /** The project it was shared from: merging into another project is refused. */
  projectId: z.string().regex(/^p-[0-9a-f]{16}$/, 'must be "p-" and 16 hex digits'),
  projectName: boundedText(200),
  sharedBy: boundedText(reviewLimits.author),
  sharedAt: isoTimeSchema,
  /** When and by whom this copy was last written (the sharer, or a reviewer sending it back). */
  savedBy: boundedText(reviewLimits.author),
  savedAt: isoTimeSchema,
  appVersion: boundedText(40),
  designs: z.array(bundleDesignSchema).min(1, 'a review holds at least one design').max(reviewLimits.designs),
  comments: z.array(reviewCommentSchema).max(reviewLimits.comments),
  states: z.array(threadStateSchema).max(reviewLimits.comments),
  whatIfs: z.array(whatIfSchema).max(reviewLimits.whatIfs),
});
export type ReviewBundle = z.infer<typeof reviewBundleSchema>;
