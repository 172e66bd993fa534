/** The store's one error type: a failure the user can understand, with the API error code it maps to. */
import type { ErrorCode } from '../contract/api';

/** A failure the user can understand, with the API error code it maps to. */
export class StoreError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
