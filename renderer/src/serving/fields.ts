/**
 * The Workload panel's serving fields as pure edits: each takes the serving scenario and what was typed (in the
 * field's display unit: ms, req/s, %), and returns the next scenario or the message to show beside the field.
 * A value is checked by the schema itself (`engine/schema/serving.ts`, so the panel and a file say the same
 * thing) and by the rules the schema cannot state alone (a uniform range's ends in order, the shares of the
 * hardware the models are given adding up to at most the whole).
 */
import {
  defaultServing,
  servingSchema,
  type LengthDistribution,
  type Partition,
  type Serving,
  type Slo,
  type Tenant,
  type Traffic,
} from '../../../engine/schema/serving';

export type ServingEdit = { ok: true; serving: Serving } | { ok: false; message: string };

/** A path into the serving scenario: object keys and array indices. */
export type FieldPath = readonly (string | number)[];

/** What a typed number is multiplied by to reach the schema's SI value (ms → s, % → share). */
export const scales = { unit: 1, milliseconds: 1e-3, percent: 1e-2 } as const;
export type Scale = keyof typeof scales;

/** The value at `path`, or undefined. */
export function valueAt(serving: Serving, path: FieldPath): unknown {
  let value: unknown = serving;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/** A copy of `target` with `value` at `path` (undefined removes the key); objects on the way are copied. */
function setAt(target: unknown, path: FieldPath, value: unknown): unknown {
  const [key, ...rest] = path;
  if (key === undefined) return value;
  if (Array.isArray(target)) {
    const copy: unknown[] = [...(target as unknown[])];
    copy[Number(key)] = setAt(copy[Number(key)], rest, value);
    return copy;
  }
  const copy = { ...((target ?? {}) as Record<string, unknown>) };
  const next = setAt(copy[key], rest, value);
  if (next === undefined) delete copy[key];
  else copy[key] = next;
  return copy;
}

/** The scenario with `value` at `path`, checked; the message names what is wrong with that field. */
export function setField(serving: Serving, path: FieldPath, value: unknown): ServingEdit {
  return check(setAt(serving, path, value) as Serving, path);
}

/**
 * A number typed in a field: empty clears an optional value (`optional`), otherwise it must read as a number;
 * it is scaled to the schema's unit and checked. "12 ms" and "12" read the same in a field labelled in ms.
 */
export function setNumber(
  serving: Serving,
  path: FieldPath,
  text: string,
  options: { scale?: Scale; optional?: boolean } = {},
): ServingEdit {
  const trimmed = text.trim().replace(/\s*(ms|req\/s|%|s|tokens?)$/i, '');
  if (trimmed === '') {
    if (options.optional) return setField(serving, path, undefined);
    return { ok: false, message: 'enter a number' };
  }
  const typed = Number(trimmed.replaceAll(',', ''));
  if (!Number.isFinite(typed)) return { ok: false, message: `"${text.trim()}" is not a number` };
  const scale = scales[options.scale ?? 'unit'];
  // 0.1 × 1e-3 is 1.0000000000000002e-4 in binary; round to what was typed, scaled.
  const value = options.scale === undefined ? typed : Number((typed * scale).toPrecision(12));
  const edit = setField(serving, path, value);
  if (edit.ok || options.scale === undefined) return edit;
  // The schema speaks in seconds and shares; the field in ms or %: say it in the field's unit.
  return { ok: false, message: inDisplayUnit(edit.message, options.scale) };
}

/** The schema's bounds ("must be at most 0.5") in the field's unit; other messages are left as they are. */
function inDisplayUnit(message: string, scale: Scale): string {
  if (!/^must be (at least|at most|greater than) -?\d/.test(message)) return message;
  return message.replace(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g, (number) =>
    String(Number((Number(number) / scales[scale]).toPrecision(12))),
  );
}

/** The first problem of a scenario, preferring the one at `path`; ok with the scenario when there is none. */
export function check(serving: Serving, path: FieldPath = []): ServingEdit {
  const parsed = servingSchema.safeParse(serving);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const at = issues.find((issue) => startsWith(issue.path, path)) ?? issues[0];
    return { ok: false, message: at?.message ?? 'not a valid serving scenario' };
  }
  const problem = ruleProblems(serving).find((rule) => startsWith(rule.path, path));
  if (problem) return { ok: false, message: problem.message };
  return { ok: true, serving };
}

function startsWith(path: readonly PropertyKey[], prefix: FieldPath): boolean {
  return prefix.every((key, index) => String(path[index]) === String(key));
}

/** The rules beyond the schema, each with the path of the field it is about. */
export function ruleProblems(serving: Serving): { path: FieldPath; message: string }[] {
  const problems: { path: FieldPath; message: string }[] = [];
  const lengths = (distribution: LengthDistribution | undefined, path: FieldPath): void => {
    if (distribution?.kind === 'uniform' && distribution.min > distribution.max)
      problems.push({ path: [...path, 'min'], message: 'must be at most the largest length' });
    if (distribution?.kind === 'trace' && serving.traffic.kind !== 'trace')
      problems.push({ path, message: 'lengths from a trace need trace traffic' });
  };
  lengths(serving.input, ['input']);
  lengths(serving.output, ['output']);
  const tenants = serving.tenants ?? [];
  const shares = tenants.map((tenant) => tenant.partition).filter((p) => p?.kind === 'share');
  for (const key of ['compute', 'memory'] as const) {
    const total = shares.reduce((sum, share) => sum + share[key], 0);
    if (total > 1 + 1e-9) {
      const index = tenants.findLastIndex((tenant) => tenant.partition?.kind === 'share');
      problems.push({
        path: ['tenants', index, 'partition', key],
        message: `the models' shares of ${key} add up to ${Math.round(total * 100)} %, more than the whole`,
      });
    }
  }
  const ids = new Set<string>();
  tenants.forEach((tenant, index) => {
    if (ids.has(tenant.id))
      problems.push({ path: ['tenants', index, 'id'], message: `"${tenant.id}" names two models` });
    ids.add(tenant.id);
  });
  return problems;
}

/** The traffic kinds the panel offers, with their labels. */
export const trafficKinds = [
  ['poisson', 'Poisson arrivals at a rate'],
  ['gamma', 'Bursty arrivals (gamma)'],
  ['closed', 'Closed loop: users with think time'],
  ['trace', 'Replay a trace'],
] as const;

/**
 * Traffic of another kind, carrying over what it can: the rate between Poisson and gamma, a burstiness of CV 2
 * (twice as variable as Poisson) by default, 16 users thinking 1 s between requests. A trace is read from a file,
 * never made up here.
 */
export function switchTraffic(traffic: Traffic, kind: 'poisson' | 'gamma' | 'closed'): Traffic {
  const rate = traffic.kind === 'poisson' || traffic.kind === 'gamma' ? traffic.ratePerSecond : 1;
  if (kind === 'poisson') return { kind, ratePerSecond: rate };
  if (kind === 'gamma') return { kind, ratePerSecond: rate, cv: 2 };
  return { kind, users: 16, thinkSeconds: 1 };
}

/** The length distributions the panel offers: `workload` is "left out", the workload's own input/output tokens. */
export const lengthKinds = [
  ['workload', 'As the workload'],
  ['fixed', 'Fixed'],
  ['uniform', 'Uniform between two lengths'],
  ['lognormal', 'Lognormal (mean, CV)'],
  ['trace', 'From the trace'],
] as const;
export type LengthKind = (typeof lengthKinds)[number][0];

/** A distribution of another kind around `tokens` (the workload's length): ±50 % uniform, lognormal CV 1. */
export function switchLengths(kind: LengthKind, tokens: number): LengthDistribution | undefined {
  switch (kind) {
    case 'workload':
      return undefined;
    case 'fixed':
      return { kind, tokens };
    case 'uniform':
      return { kind, min: Math.max(1, Math.round(tokens / 2)), max: Math.max(1, Math.round(tokens * 1.5)) };
    case 'lognormal':
      return { kind, mean: tokens, cv: 1 };
    case 'trace':
      return { kind };
  }
}

/** The SLO the fields edit: the scenario's, or the default's when it has none yet. */
export function sloOf(serving: Serving): Slo {
  return serving.slo ?? defaultServing().slo ?? { attainment: 0.99 };
}

/** A new model beside the others: the workload's model (or the last tenant's), the scenario's traffic and SLO. */
export function newTenant(serving: Serving, model: string): Tenant {
  const taken = new Set((serving.tenants ?? []).map((tenant) => tenant.id));
  let index = (serving.tenants?.length ?? 0) + 1;
  while (taken.has(`model-${index}`)) index += 1;
  return {
    id: `model-${index}`,
    model,
    traffic: serving.traffic.kind === 'trace' ? { kind: 'poisson', ratePerSecond: 1 } : serving.traffic,
    ...(serving.slo ? { slo: serving.slo } : {}),
  };
}

/** Partitions the panel offers: left out (chosen by Tessera), whole chips, a share of each chip. */
export const partitionKinds = [
  ['auto', 'Chosen by Tessera'],
  ['chips', 'Whole chips'],
  ['share', 'A share of each chip'],
] as const;

export function switchPartition(kind: 'auto' | 'chips' | 'share', tenants: number): Partition | undefined {
  if (kind === 'auto') return undefined;
  if (kind === 'chips') return { kind, chips: 1 };
  const share = Number((1 / Math.max(1, tenants)).toFixed(3));
  return { kind, compute: share, memory: share };
}

/**
 * The rates of a latency–rate sweep, typed as a list ("1, 2, 4.5") or a doubling range ("1..64": 1, 2, 4 … 64,
 * with the upper end added when it is not a power-of-two step). At most 64 rates (the API's limit), each > 0.
 */
export function parseRates(text: string): { ok: true; rates: number[] } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, rates: [] };
  const range = /^([\d.e+-]+)\s*(?:\.\.|–|-)\s*([\d.e+-]+)$/i.exec(trimmed);
  let rates: number[];
  if (range) {
    const low = Number(range[1]);
    const high = Number(range[2]);
    if (!(low > 0) || !(high >= low) || !Number.isFinite(high))
      return { ok: false, message: 'a range goes from a rate above zero up to a larger one, e.g. 1..64' };
    rates = [];
    for (let rate = low; rate < high * (1 - 1e-9) && rates.length < 65; rate *= 2) rates.push(rate);
    rates.push(high);
  } else {
    const parts = trimmed.split(/[\s,;]+/).filter(Boolean);
    rates = parts.map(Number);
    const bad = parts.find((_, index) => !((rates[index] ?? 0) > 0) || !Number.isFinite(rates[index]));
    if (bad !== undefined) return { ok: false, message: `"${bad}" is not a rate above zero` };
    rates = [...new Set(rates)].sort((a, b) => a - b);
  }
  if (rates.length > 64) return { ok: false, message: 'a rate sweep has at most 64 rates' };
  if ((rates.at(-1) ?? 0) > 1e6) return { ok: false, message: 'rates must be at most 1,000,000 per second' };
  return { ok: true, rates };
}

/** The lengths beside the traffic at `path` (the scenario's, or a model's): `input` and `output` there. */
function lengthsBeside(path: FieldPath): [FieldPath, FieldPath] {
  const parent = path.slice(0, -1);
  return [
    [...parent, 'input'],
    [...parent, 'output'],
  ];
}

/**
 * Other traffic at `path`; leaving a trace, lengths read from it go back to the workload's (they would have no
 * trace to come from).
 */
export function changeTraffic(serving: Serving, path: FieldPath, traffic: Traffic): ServingEdit {
  let next = setAt(serving, path, traffic) as Serving;
  if (traffic.kind !== 'trace')
    for (const lengths of lengthsBeside(path))
      if ((valueAt(next, lengths) as LengthDistribution | undefined)?.kind === 'trace')
        next = setAt(next, lengths, undefined) as Serving;
  return check(next, path);
}

/**
 * A trace read from a file as the traffic at `path`, its prompt and output lengths from the trace too, and — for
 * the scenario's own traffic — as many requests as it has rows.
 */
export function loadTrace(
  serving: Serving,
  path: FieldPath,
  traffic: Extract<Traffic, { kind: 'trace' }>,
): ServingEdit {
  let next = setAt(serving, path, traffic) as Serving;
  for (const lengths of lengthsBeside(path)) next = setAt(next, lengths, { kind: 'trace' }) as Serving;
  if (path.length === 1) next = { ...next, requests: traffic.arrivalsSeconds.length };
  return check(next, path);
}
