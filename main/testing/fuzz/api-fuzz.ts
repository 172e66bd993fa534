/**
 * API fuzzing: generated calls through `dispatch` on a backend with a real project file — unknown domains and
 * methods (prototype keys included), arguments that are not arrays, and for every method a valid request with one
 * thing changed: a field of the wrong type, missing or added (`__proto__`, `constructor`), a huge string, deep
 * nesting, a number out of range.
 *
 * The property: `dispatch` never throws; every result is `{ ok: true }` or a typed error with a code and a message;
 * and a call that fails leaves the project file and its write-ahead log as they were.
 */
import { stat } from 'node:fs/promises';
import fc from 'fast-check';
import { defaultWorkload } from '../../../engine/schema/workload';
import { emptyDesign } from '../../../engine/schema/design';
import type { ErrorCode, Result } from '../../contract/api';
import { apiMethods } from '../../contract/methods';
import { dispatch, type Backend } from '../../app/dispatch';
import { fuzzSummary, type FuzzSummary } from './outcome';

type Json = unknown;

/** Every code of `ErrorCode`, so an error with another code fails (the compiler checks the list is complete). */
const codeList = {
  'invalid-payload': true,
  'not-found': true,
  'no-project': true,
  'not-sqlite': true,
  'not-tessera': true,
  damaged: true,
  'newer-version': true,
  exists: true,
  conflict: true,
  unavailable: true,
  cancelled: true,
  'worker-failed': true,
  'unknown-base': true,
  busy: true,
  unauthorized: true,
  'read-only': true,
  io: true,
  internal: true,
} satisfies Record<ErrorCode, true>;
const errorCodes = new Set<string>(Object.keys(codeList));

const design = {
  ...emptyDesign('fuzz'),
  blocks: [
    { id: 'c', type: 'compute.systolic', name: 'Tile', params: { rows: 64 }, position: { x: 0, y: 0 } },
    { id: 'm', type: 'memory.hbm', name: 'HBM', params: {}, position: { x: 200, y: 0 } },
  ],
  links: [{ id: 'l', from: { block: 'c', port: 'mem' }, to: { block: 'm', port: 'port' }, params: {} }],
  groups: [{ id: 'g', name: 'Chip', kind: 'chip', count: 1, blocks: ['c', 'm'] }],
};
const workload = { ...defaultWorkload('gpt-2'), inputTokens: 16, outputTokens: 4 };

/**
 * One request per method, valid in shape (ids may name nothing). Paths that could open or create a project are
 * relative, so they are refused: a fuzzer must not scatter project files.
 */
function templates(designId: string): Record<string, Record<string, Json[]>> {
  return {
    app: {
      info: [],
      getSettings: [],
      setSettings: [{ theme: 'dark', authorName: 'Fuzz' }],
      chooseProjectFile: [{ mode: 'open' }],
    },
    projects: {
      current: [],
      open: [{ path: 'relative.tessera' }],
      create: [{ path: 'relative.tessera' }],
      recent: [],
      saveAs: [{ path: 'relative.tessera' }],
    },
    designs: {
      list: [],
      get: [{ id: designId }],
      create: [{ name: 'Fuzzed', document: design, workload }],
      save: [{ id: designId, document: design, workload, baseRevision: 0 }],
      rename: [{ id: designId, name: 'Renamed' }],
      duplicate: [{ id: designId, name: 'Copy' }],
      delete: [{ id: 'no-such-design' }],
      restore: [{ id: 'no-such-design' }],
      versions: [{ id: designId }],
      checkpoint: [{ id: designId, name: 'Checkpoint' }],
      version: [{ versionId: 'no-such-version' }],
    },
    library: {
      catalog: [],
      importModel: [
        { config: { model_type: 'llama', hidden_size: 64 }, id: 'fuzz-model', name: 'Fuzz model' },
      ],
      modules: [],
      saveModule: [{ name: 'Module', fragment: { blocks: [], links: [], groups: [] } }],
      deleteModule: [{ id: 'no-such-module' }],
    },
    simulation: {
      check: [{ design }],
      run: [{ design, workload }],
      sweep: [{ design, workload, variants: [{ workload: { batch: 2 } }] }],
    },
    files: {
      formats: [],
      export: [{ id: designId, format: 'yaml' }],
      import: [{ fileName: 'x.json', content: Buffer.from('{}').toString('base64') }],
    },
  };
}

const hostileKeys = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'then',
];

/** A value of any JSON type, a hostile key among its object keys, sometimes huge or deep. */
const anyValue: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    fc.constantFrom(-1, 0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 0.5),
    fc.string({ maxLength: 20 }),
    fc.constantFrom(...hostileKeys, '', '../../etc/passwd', '/tmp/x.tessera', 'C:\\x.tessera', '\u0000'),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...hostileKeys), fc.string({ maxLength: 6 })), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;

function deepNest(depth: number, leaf: Json, asArray: boolean): Json {
  let value = leaf;
  for (let level = 0; level < depth; level++) value = asArray ? [value] : { a: value };
  return value;
}

/** A prototype-polluting object: `__proto__` as an own key, as JSON.parse makes it. */
function pollutingObject(inner: Json): Json {
  const object = JSON.parse(
    '{"__proto__": null, "constructor": {"prototype": {"polluted": true}}}',
  ) as object;
  Object.defineProperty(object, '__proto__', {
    value: inner,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return object;
}

type Mutation =
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: Json }
  | { kind: 'huge-string'; at: number; length: number }
  | { kind: 'deep'; at: number; depth: number; asArray: boolean }
  | { kind: 'pollute'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: anyValue }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.nat(),
    key: fc.oneof(fc.constantFrom(...hostileKeys, 'extra'), fc.string({ maxLength: 8 })),
    value: anyValue,
  }),
  fc.record({
    kind: fc.constant('huge-string' as const),
    at: fc.nat(),
    length: fc.constantFrom(1_000, 1_000, 1_000, 100_000, 100_000, 2_000_000),
  }),
  fc.record({
    kind: fc.constant('deep' as const),
    at: fc.nat(),
    depth: fc.constantFrom(50, 50, 1_000, 1_000, 20_000),
    asArray: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('pollute' as const), at: fc.nat() }),
);

/** Every place in a value: [parent, key] pairs, the root's parent being a holder object. */
function places(root: { value: Json }): [Record<string, Json> | Json[], string | number][] {
  const found: [Record<string, Json> | Json[], string | number][] = [[root, 'value']];
  // Iterative: a deeply nested value must not overflow the fuzzer's own stack.
  const stack: Json[] = [root.value];
  while (stack.length > 0 && found.length < 10_000) {
    const value = stack.pop();
    if (Array.isArray(value))
      value.forEach((item, index) => {
        found.push([value, index]);
        stack.push(item);
      });
    else if (value !== null && typeof value === 'object')
      for (const [key, item] of Object.entries(value)) {
        found.push([value as Record<string, Json>, key]);
        stack.push(item);
      }
  }
  return found;
}

function applyMutations(args: Json[], mutations: readonly Mutation[]): Json {
  const root = { value: structuredClone(args) as Json };
  for (const change of mutations) {
    const all = places(root);
    const [parent, key] = all[change.at % all.length] ?? [root, 'value'];
    const target = parent as Record<string | number, Json>;
    switch (change.kind) {
      case 'replace':
        target[key] = change.value;
        break;
      case 'delete':
        if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
        else delete target[key];
        break;
      case 'add': {
        const current = target[key];
        if (current !== null && typeof current === 'object' && !Array.isArray(current))
          Object.defineProperty(current, change.key, {
            value: change.value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else target[key] = { [change.key]: change.value };
        break;
      }
      case 'huge-string':
        target[key] = 'x'.repeat(change.length);
        break;
      case 'deep':
        target[key] = deepNest(change.depth, target[key] ?? null, change.asArray);
        break;
      case 'pollute':
        target[key] = pollutingObject(target[key] ?? null);
        break;
    }
  }
  return root.value;
}

export interface ApiCall {
  domain: Json;
  method: Json;
  args: Json;
}

/** A call: mostly a real method with a changed request; sometimes a made-up method or non-array arguments. */
export function apiCalls(designId: string): fc.Arbitrary<ApiCall> {
  const byMethod = templates(designId);
  const pairs = Object.entries(apiMethods).flatMap(([domain, methods]) =>
    Object.keys(methods).map((method) => [domain, method] as const),
  );
  const real = fc
    .record({
      pair: fc.constantFrom(...pairs),
      mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
    })
    .map(({ pair: [domain, method], mutations }) => ({
      domain,
      method,
      args: applyMutations(byMethod[domain]?.[method] ?? [], mutations),
    }));
  const madeUp = fc.record({
    domain: fc.oneof(fc.constantFrom(...Object.keys(apiMethods), ...hostileKeys), anyValue),
    method: fc.oneof(fc.constantFrom(...pairs.map(([, method]) => method), ...hostileKeys), anyValue),
    args: anyValue,
  });
  return fc.oneof({ weight: 6, arbitrary: real }, { weight: 1, arbitrary: madeUp });
}

/** What is wrong with one result, or `undefined`. */
export function resultProblem(result: Result<unknown> | undefined): string | undefined {
  if (result === null || typeof result !== 'object') return `dispatch returned ${String(result)}`;
  if (result.ok === true) return undefined;
  if (result.ok !== false) return 'result has no ok flag';
  const { error } = result;
  if (!errorCodes.has(error.code)) return `unknown error code ${String(error.code)}`;
  if (typeof error.message !== 'string' || error.message.trim() === '') return 'error without a message';
  return undefined;
}

/** Size and modification time of the project file and its write-ahead log: any write changes one of them. */
export async function fileStamp(projectPath: string): Promise<string> {
  const parts = await Promise.all(
    [projectPath, `${projectPath}-wal`].map(async (path) => {
      try {
        const info = await stat(path, { bigint: true });
        return `${info.size}:${info.mtimeNs}`;
      } catch {
        return 'absent';
      }
    }),
  );
  return parts.join('|');
}

/**
 * Runs `runs` generated calls from `seed` against `backend`, whose project is `projectPath`; stops at the first
 * failure and shrinks it.
 */
export async function fuzzApi(
  backend: Backend,
  projectPath: string,
  designId: string,
  runs: number,
  seed: number,
): Promise<FuzzSummary> {
  let cases = 0;
  let maxMilliseconds = 0;
  const details = await fc.check(
    fc.asyncProperty(apiCalls(designId), async ({ domain, method, args }) => {
      cases++;
      const before = await fileStamp(projectPath);
      const started = performance.now();
      let result: Result<unknown>;
      try {
        result = await dispatch(backend, domain, method, args);
      } catch (error) {
        throw new Error(`dispatch threw: ${(error as Error).stack ?? String(error)}`, { cause: error });
      }
      maxMilliseconds = Math.max(maxMilliseconds, performance.now() - started);
      const problem = resultProblem(result);
      if (problem) throw new Error(problem);
      if (!result.ok && (await fileStamp(projectPath)) !== before)
        throw new Error(`the project file changed although the call failed (${result.error.message})`);
      if (Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'))
        throw new Error('Object.prototype was polluted');
    }),
    { numRuns: runs, seed, endOnFailure: false },
  );
  return fuzzSummary('api', Math.min(cases, runs), maxMilliseconds, details);
}
