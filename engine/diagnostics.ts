/**
 * Diagnostics: every modelling problem the engine finds, in words, with the block, link or group it concerns.
 * The engine reports problems as diagnostics; it never throws on a user's design.
 */

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  /** A stable code for tests and filters, e.g. `unknown-block-type`. */
  code: string;
  /** One sentence a person can act on. */
  message: string;
  blockId?: string;
  linkId?: string;
  groupId?: string;
  /** Where in the design document, e.g. `blocks[3].params.rows`. */
  path?: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.severity === 'error');
}
