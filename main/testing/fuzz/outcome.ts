/** What one fuzz job found, and how a failure reads: shared by the engine, API and import fuzzers. */

export interface FuzzSummary {
  name: string;
  cases: number;
  failures: number;
  maxMilliseconds: number;
  /** The shrunk counterexample and what was wrong with it. */
  counterexample?: string;
}

/** The shrunk counterexample, its error and the seed to replay it, with huge values abbreviated. */
export function describeFailure(details: {
  counterexample: unknown;
  errorInstance: unknown;
  seed: number;
  counterexamplePath: string | null;
}): string {
  let text: string;
  try {
    text = JSON.stringify(details.counterexample, (_key, value: unknown) =>
      typeof value === 'string' && value.length > 200
        ? `${value.slice(0, 60)}…(${value.length} characters)`
        : value,
    );
  } catch {
    text = '(too deeply nested to print)';
  }
  const shown = text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
  const error =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return `${shown}\n${error}\n(seed ${details.seed}, path ${details.counterexamplePath ?? ''})`;
}

/** A job's summary from fast-check's run details. */
export function fuzzSummary(
  name: string,
  cases: number,
  maxMilliseconds: number,
  details: { failed: boolean } & Parameters<typeof describeFailure>[0],
): FuzzSummary {
  return {
    name,
    cases,
    failures: details.failed ? 1 : 0,
    maxMilliseconds,
    ...(details.failed ? { counterexample: describeFailure(details) } : {}),
  };
}
