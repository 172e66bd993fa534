/**
 * The single entry point for API calls from outside the backend (IPC in the app, HTTP in the test host):
 * checks that the method exists, validates the payload against its schema, calls the backend, and turns any
 * unexpected failure into a readable error result. Tests call it directly.
 */
import { formatPath } from '../../engine/schema/common';
import type { Result, TesseraApi } from '../contract/api';
import { apiMethods } from '../contract/methods';
import { payloadSchemas } from './payloads';

/** The request/response half of the API (events are wired separately). */
export type Backend = {
  [D in keyof TesseraApi]: Omit<TesseraApi[D], `on${string}`>;
};

function own(record: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** Calls `domain.method(...args)` on the backend after validating `args`; never throws. */
export async function dispatch(
  backend: Backend,
  domain: unknown,
  method: unknown,
  args: unknown,
): Promise<Result<unknown>> {
  if (typeof domain !== 'string' || !own(apiMethods, domain)) {
    return {
      ok: false,
      error: { code: 'invalid-payload', message: `Unknown API domain ${JSON.stringify(domain)}.` },
    };
  }
  const methods = apiMethods[domain as keyof TesseraApi];
  if (typeof method !== 'string' || !own(methods, method)) {
    return {
      ok: false,
      error: { code: 'invalid-payload', message: `Unknown API method ${domain}.${JSON.stringify(method)}.` },
    };
  }
  const schemas = payloadSchemas[domain as keyof TesseraApi] as Record<
    string,
    {
      safeParse: (value: unknown) => {
        success: boolean;
        data?: unknown;
        error?: { issues: { path: PropertyKey[]; message: string }[] };
      };
    }
  >;
  const schema = schemas[method];
  if (!schema)
    return { ok: false, error: { code: 'internal', message: `No payload schema for ${domain}.${method}.` } };
  const parsed = schema.safeParse(args);
  if (!parsed.success) {
    const problems = (parsed.error?.issues ?? []).map((issue) => ({
      path: describeArgumentPath(issue.path),
      message: issue.message,
    }));
    return {
      ok: false,
      error: {
        code: 'invalid-payload',
        message: `Invalid request to ${domain}.${method}: ${problems.map((problem) => `${problem.path} ${problem.message}`).join('; ')}`,
        problems,
      },
    };
  }
  const target = (
    backend as unknown as Record<string, Record<string, (...values: unknown[]) => Promise<Result<unknown>>>>
  )[domain];
  const implementation = target?.[method];
  if (!implementation)
    return { ok: false, error: { code: 'internal', message: `${domain}.${method} is not implemented.` } };
  try {
    return await implementation.apply(target, parsed.data as unknown[]);
  } catch (error) {
    return {
      ok: false,
      error: {
        code: 'internal',
        message: `${domain}.${method} failed unexpectedly: ${(error as Error).message ?? String(error)}`,
      },
    };
  }
}

/** `[0, "document", "blocks", 2]` → `request.document.blocks[2]`: the first element of the tuple is the request. */
function describeArgumentPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'arguments';
  const [first, ...rest] = path;
  const head = first === 0 ? 'request' : `argument ${String(first)}`;
  return rest.length === 0 ? head : `${head}.${formatPath(rest)}`;
}
