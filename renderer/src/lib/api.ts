/**
 * The renderer's only way to the backend: `window.tessera`, defined by the Electron preload or the test
 * host's script. Results are unwrapped into values or an `ApiFailure` carrying the readable message.
 */
import type { ApiError, Result, TesseraApi } from '../../../main/contract/api';

declare global {
  interface Window {
    tessera: TesseraApi;
  }
}

export class ApiFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'ApiFailure';
  }
}

export function api(): TesseraApi {
  const tessera = window.tessera as TesseraApi | undefined;
  if (!tessera)
    throw new Error(
      'window.tessera is missing: open Tessera through the app or `npm run web`, not as a plain file.',
    );
  return tessera;
}

/** Awaits an API call and returns its value, or throws an `ApiFailure` with the backend's message. */
export async function call<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new ApiFailure(result.error);
  return result.value;
}

/** The message of anything thrown, for showing to a person. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
