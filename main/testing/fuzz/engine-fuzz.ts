/**
 * Engine fuzzing: designs built structurally from the real library's block types (parameters in and out of their
 * ranges, links between real and made-up ports, nested and cyclic groups, counts up to the largest allowed), or a
 * real preset with some of it changed, run with a generated workload (any catalog model or an unknown one, any
 * batch, lengths, formats, sparsity, parallelism, unit policy and runtime) through `evaluate`, in-process.
 *
 * The property: `evaluate` never throws, and its result is either a report whose every number is finite and whose
 * times, energies, powers and rates are not negative, or a refusal that carries an error diagnostic saying why.
 */
import fc from 'fast-check';
import type { CatalogIndex } from '../../../engine/catalog';
import { evaluate } from '../../../engine/evaluate';
import type { EvaluationResult } from '../../../engine/report';
import type { BlockType, ParamSpec } from '../../../engine/schema/block-type';
import type { Block, DesignDocument, Group } from '../../../engine/schema/design';
import type { MemoryPolicy, Workload } from '../../../engine/schema/workload';
import { MAX_GROUP_COUNT } from '../../../engine/schema/design';
import { fuzzSummary, type FuzzSummary } from './outcome';

export interface EngineCase {
  design: DesignDocument;
  workload: Workload;
  detail: 'full' | 'summary';
}

/** A number for a parameter: within its range, or (when messy) sometimes at or past its ends, or absurd. */
function numberValue(spec: Extract<ParamSpec, { kind: 'number' }>, messy: boolean): fc.Arbitrary<number> {
  const inRange = spec.integer
    ? fc.integer({ min: Math.ceil(spec.min), max: Math.floor(Math.min(spec.max, Number.MAX_SAFE_INTEGER)) })
    : fc.double({ min: spec.min, max: spec.max, noNaN: true, noDefaultInfinity: true });
  const ends = fc.constantFrom(spec.min, spec.max);
  if (!messy) return fc.oneof({ weight: 8, arbitrary: inRange }, { weight: 1, arbitrary: ends });
  return fc.oneof(
    { weight: 8, arbitrary: inRange },
    { weight: 1, arbitrary: fc.constantFrom(spec.min, spec.max, 0, -1, 1e-300, 1e300, -1e300, 0.5) },
    { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  );
}

function paramValue(spec: ParamSpec, messy: boolean): fc.Arbitrary<Block['params'][string]> {
  if (spec.kind === 'number') return numberValue(spec, messy);
  const options = fc.constantFrom(
    ...(spec.kind === 'enum' ? spec.options.map((option) => option.value) : ['']),
  );
  if (spec.kind === 'enum')
    return messy
      ? fc.oneof({ weight: 8, arbitrary: options }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) })
      : options;
  const cell = (column: (typeof spec.columns)[number]): fc.Arbitrary<number | string> =>
    column.kind === 'text'
      ? fc.string({ minLength: 1, maxLength: 8 })
      : fc.double({ min: column.min ?? 0, max: column.max ?? 1e12, noNaN: true, noDefaultInfinity: true });
  const cleanRow = fc.record(Object.fromEntries(spec.columns.map((column) => [column.key, cell(column)])));
  const messyRow = fc.dictionary(
    fc.constantFrom(...spec.columns.map((column) => column.key), 'extra'),
    fc.oneof(
      fc.double({ min: -1, max: 1e10, noNaN: true }),
      fc.constantFrom(0, -1, 1e300, 0.9, 1.2),
      fc.string({ maxLength: 8 }),
    ),
  );
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(spec.default) },
    {
      weight: 3,
      arbitrary: fc.array(messy ? fc.oneof(cleanRow, messyRow) : cleanRow, {
        minLength: messy ? 0 : (spec.minRows ?? 0),
        maxLength: 5,
      }),
    },
  );
}

/** Some parameters of a block type set (the rest take their defaults). */
function paramsOf(type: BlockType | undefined, messy: boolean): fc.Arbitrary<Block['params']> {
  const params: Record<string, fc.Arbitrary<Block['params'][string]>> = {};
  for (const spec of type?.params ?? []) params[spec.key] = paramValue(spec, messy);
  return fc
    .record(params, { requiredKeys: [] })
    .map((chosen) =>
      Object.fromEntries(
        Object.entries(chosen).filter(
          (entry): entry is [string, Block['params'][string]] => entry[1] !== undefined,
        ),
      ),
    );
}

/** A block of a real type (or, when messy, rarely an unknown one) with some of its parameters set. */
function blockOf(types: readonly BlockType[], id: string, messy: boolean): fc.Arbitrary<Block> {
  const type = messy
    ? fc.oneof(
        { weight: 20, arbitrary: fc.constantFrom(...types) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      )
    : fc.constantFrom(...types);
  return type.chain((chosen) =>
    paramsOf(chosen, messy).map((params) => ({
      id,
      type: chosen?.id ?? 'compute.unknown',
      name: id,
      params,
      position: { x: 0, y: 0 },
    })),
  );
}

const counts = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 8 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 4096 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: MAX_GROUP_COUNT }) },
  { weight: 1, arbitrary: fc.constantFrom(MAX_GROUP_COUNT, 1000, 65_536) },
);

const linkParams = fc.record(
  {
    bandwidthBytesPerSecond: fc.oneof(
      fc.double({ min: 1e-3, max: 1e15, noNaN: true }),
      fc.constantFrom(1e-300, 1e300),
    ),
    latencySeconds: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1e300)),
    energyJoulesPerBit: fc.oneof(fc.double({ min: 0, max: 1e-9, noNaN: true }), fc.constantFrom(0, 1e300)),
  },
  { requiredKeys: [] },
);

/**
 * A design from scratch: a compute block linked to a memory block, more blocks of library types, links between
 * their ports, and groups over them. A messy design also links made-up blocks and ports, groups missing members
 * and groups in cycles; a tidy one only has nesting a person could draw.
 */
function structuralDesign(catalog: CatalogIndex, messy: boolean): fc.Arbitrary<DesignDocument> {
  const types = catalog.catalog.blockTypes;
  const ofCategory = (category: string) => types.filter((type) => type.category === category);
  const core = fc.tuple(
    blockOf(ofCategory('compute'), 'c0', messy),
    blockOf(ofCategory('memory'), 'm0', messy),
  );
  return fc
    .record({ core, extra: fc.integer({ min: 0, max: 7 }) })
    .chain(({ core: [compute, memory], extra }) => {
      const ids = Array.from({ length: extra }, (_, index) => `b${index}`);
      const others = extra === 0 ? fc.constant([]) : fc.tuple(...ids.map((id) => blockOf(types, id, messy)));
      return others.chain((more) => {
        const made = [compute, memory, ...more];
        const portsOf = (block: Block) =>
          catalog.blockTypes.get(block.type)?.ports.map((port) => port.id) ?? [];
        const endpoint = fc
          .constantFrom(...made.filter((block) => portsOf(block).length > 0 || messy))
          .chain((block) => {
            const ports = portsOf(block);
            const port = ports.length > 0 ? fc.constantFrom(...ports) : fc.constant('port');
            return messy
              ? fc.record({
                  block: fc.oneof(
                    { weight: 12, arbitrary: fc.constant(block.id) },
                    { weight: 1, arbitrary: fc.constant('ghost') },
                  ),
                  port: fc.oneof(
                    { weight: 12, arbitrary: port },
                    { weight: 1, arbitrary: fc.constant('nope') },
                  ),
                })
              : fc.record({ block: fc.constant(block.id), port });
          });
        const computeLinks = made
          .filter((block) => block.id !== 'c0' && catalog.blockTypes.get(block.type)?.category === 'compute')
          .map((block) => ({
            id: `l-${block.id}`,
            from: { block: block.id, port: 'mem' },
            to: { block: 'm0', port: 'port' },
            params: {},
          }));
        const drawnLinks = fc
          .array(fc.record({ from: endpoint, to: endpoint, params: linkParams }), {
            maxLength: messy ? 10 : 4,
          })
          .map((drawn) => (messy ? drawn : drawn.filter((link) => link.from.block !== link.to.block)));
        const links = drawnLinks.map((drawn) => [
          { id: 'l-core', from: { block: 'c0', port: 'mem' }, to: { block: 'm0', port: 'port' }, params: {} },
          ...computeLinks,
          ...drawn.map((link, index) => ({ id: `l${index}`, ...link })),
        ]);
        const groups = messy ? messyGroups(made) : tidyGroups(made);
        return fc.record({ links, groups }).map(({ links, groups }): DesignDocument => ({
          format: 'tessera.design',
          version: 1,
          name: 'fuzz',
          blocks: made,
          links,
          groups,
        }));
      });
    });
}

/** Up to three groups: each block in at most one, each group inside at most one earlier group. */
function tidyGroups(blocks: readonly Block[]): fc.Arbitrary<Group[]> {
  return fc.integer({ min: 0, max: 3 }).chain((count) => {
    if (count === 0) return fc.constant([]);
    return fc
      .record({
        homes: fc.tuple(...blocks.map(() => fc.integer({ min: -1, max: count - 1 }))),
        parents: fc.tuple(
          ...Array.from({ length: count }, (_, index) => fc.integer({ min: -1, max: index - 1 })),
        ),
        kinds: fc.tuple(
          ...Array.from({ length: count }, () =>
            fc.constantFrom('chip' as const, 'cluster' as const, 'module' as const),
          ),
        ),
        sizes: fc.tuple(...Array.from({ length: count }, () => counts)),
      })
      .map(({ homes, parents, kinds, sizes }) =>
        Array.from({ length: count }, (_, index) => {
          const children = parents.flatMap((parent, child) => (parent === index ? [`g${child}`] : []));
          return {
            id: `g${index}`,
            name: `g${index}`,
            kind: kinds[index] ?? 'chip',
            count: sizes[index] ?? 1,
            blocks: blocks.filter((_, at) => homes[at] === index).map((block) => block.id),
            ...(children.length > 0 ? { groups: children } : {}),
          };
        }),
      );
  });
}

/** Up to three groups with any members, made-up ones included, nested in any way, cycles included. */
function messyGroups(blocks: readonly Block[]): fc.Arbitrary<Group[]> {
  const groupIds = ['g0', 'g1', 'g2'];
  const group = (id: string): fc.Arbitrary<Group> =>
    fc.record(
      {
        id: fc.constant(id),
        name: fc.constant(id),
        kind: fc.constantFrom('chip' as const, 'cluster' as const, 'module' as const),
        count: counts,
        blocks: fc.subarray([...blocks.map((block) => block.id), 'ghost']),
        groups: fc.subarray(groupIds),
      },
      { requiredKeys: ['id', 'name', 'kind', 'count', 'blocks'] },
    );
  return fc
    .integer({ min: 0, max: 3 })
    .chain((count) => (count === 0 ? fc.constant([]) : fc.tuple(...groupIds.slice(0, count).map(group))));
}

/** A real preset with some parameters changed, some links or blocks dropped and group counts changed. */
function mutatedPreset(catalog: CatalogIndex, messy: boolean): fc.Arbitrary<DesignDocument> {
  const presets = catalog.catalog.presets;
  return fc.constantFrom(...presets).chain((preset) => {
    const design = preset.design;
    const blockChanges = design.blocks.map((block) => paramsOf(catalog.blockTypes.get(block.type), messy));
    return fc
      .record({
        changes: fc.tuple(...blockChanges),
        dropBlocks: messy
          ? fc.subarray(
              design.blocks.map((block) => block.id),
              { maxLength: 2 },
            )
          : fc.constant([]),
        dropLinks: fc.subarray(
          design.links.map((link) => link.id),
          { maxLength: 2 },
        ),
        counts: fc.tuple(...design.groups.map(() => fc.option(counts, { freq: 3 }))),
      })
      .map(({ changes, dropBlocks, dropLinks, counts: newCounts }): DesignDocument => {
        const dropped = new Set(dropBlocks);
        return {
          ...design,
          blocks: design.blocks
            .filter((block) => !dropped.has(block.id))
            .map((block, index) => ({ ...block, params: { ...block.params, ...changes[index] } })),
          links: design.links.filter((link) => !dropLinks.includes(link.id)),
          groups: design.groups.map((group, index) => ({ ...group, count: newCounts[index] ?? group.count })),
        };
      });
  });
}

function workloadOf(catalog: CatalogIndex, design: DesignDocument, messy: boolean): fc.Arbitrary<Workload> {
  const models = catalog.catalog.models.map((model) => model.id);
  const formats = catalog.catalog.formats.map((format) => format.id);
  const runtimes = catalog.catalog.runtimes.map((runtime) => runtime.id);
  const computable = catalog.catalog.formats
    .filter((format) => format.computeClass !== null)
    .map((format) => format.id);
  const pick = <T>(tidy: fc.Arbitrary<T>, odd: fc.Arbitrary<T>): fc.Arbitrary<T> =>
    messy ? fc.oneof({ weight: 8, arbitrary: tidy }, { weight: 1, arbitrary: odd }) : tidy;
  const format = pick(fc.constantFrom(...formats), fc.constant('fp3'));
  const computeFormat = pick(fc.constantFrom(...computable), fc.constantFrom(...formats, 'fp3'));
  const length = fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 1, max: 8192 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 10_000_000 }) },
  );
  const split = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 8 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 1_000_000 }) },
  );
  return fc.record(
    {
      format: fc.constant('tessera.workload' as const),
      version: fc.constant(1 as const),
      model: pick(fc.constantFrom(...models), fc.constant('no-such-model')),
      batch: fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: 1, max: 256 }) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 1_000_000 }) },
      ),
      inputTokens: length,
      outputTokens: length,
      decodeContext: fc.integer({ min: 1, max: 20_000_000 }),
      weights: format,
      activations: computeFormat,
      kv: computeFormat,
      weightSparsity: fc.constantFrom(
        'none' as const,
        '2:4' as const,
        '4:8' as const,
        'unstructured' as const,
      ),
      weightDensity: fc.double({ min: 0.01, max: 1, noNaN: true }),
      parallelism: fc.oneof(
        { weight: 3, arbitrary: fc.constant({ mode: 'auto' as const }) },
        {
          weight: 2,
          arbitrary: fc.record({
            mode: fc.constant('manual' as const),
            tensor: split,
            pipeline: split,
            expert: split,
          }),
        },
      ),
      tpotTargetSeconds: fc.double({ min: 1e-6, max: 3600, noNaN: true }),
      operatingPoint: fc.constantFrom('nominal', 'boost', 'eco', 'missing'),
      unitPolicy: fc.constantFrom('fastest' as const, 'least-energy' as const, 'pinned' as const),
      pinnedUnit: pick(fc.constantFrom(...design.blocks.map((block) => block.id)), fc.constant('ghost')),
      runtime: pick(fc.constantFrom(...runtimes), fc.constant('no-runtime')),
      memoryPolicy: memoryPolicyOf(design),
      placement: placementOf(design),
    },
    {
      requiredKeys: [
        'format',
        'version',
        'model',
        'batch',
        'inputTokens',
        'outputTokens',
        'weights',
        'activations',
        'kv',
        'weightSparsity',
        'parallelism',
        'unitPolicy',
      ],
    },
  );
}

/** A memory policy naming the design's blocks (or one that is not there) as levels, paged or not. */
function memoryPolicyOf(design: DesignDocument): fc.Arbitrary<MemoryPolicy> {
  const level = fc.option(fc.constantFrom(...design.blocks.map((block) => block.id), 'ghost'), {
    nil: undefined,
  });
  const placement = fc
    .record({ placement: fc.constantFrom('auto' as const, 'pin' as const, 'stream' as const), level })
    .map(({ placement, level: id }) => (id === undefined ? { placement } : { placement, level: id }));
  return fc
    .record({
      weights: placement,
      kv: placement,
      kvBlockTokens: fc.option(fc.integer({ min: 1, max: 65_536 }), { nil: undefined }),
      prefetch: fc.boolean(),
    })
    .map((policy) => {
      if (policy.kvBlockTokens === undefined) delete policy.kvBlockTokens;
      return policy;
    });
}

/** A placement across the design's groups (and a group it lacks), for designs with several chip groups. */
function placementOf(design: DesignDocument): fc.Arbitrary<NonNullable<Workload['placement']>> {
  const group = fc.constantFrom(...design.groups.map((item) => item.id), 'ghost');
  const layer = fc.nat({ max: 200 });
  return fc.record(
    {
      policy: fc.constantFrom(
        'fastest' as const,
        'least-energy' as const,
        'by-class' as const,
        'by-layers' as const,
      ),
      classes: fc.record(
        { embedding: group, attention: group, ffn: group, head: group },
        { requiredKeys: [] },
      ),
      layers: fc.array(fc.record({ first: layer, last: layer, group }), { maxLength: 4 }),
      overlap: fc.constantFrom('double-buffered' as const, 'serial' as const),
    },
    { requiredKeys: ['policy'] },
  );
}

/** A design (from scratch or a changed preset) with a workload for it and the level of detail asked. */
export function engineCases(catalog: CatalogIndex): fc.Arbitrary<EngineCase> {
  const designs = fc.oneof(
    { weight: 3, arbitrary: structuralDesign(catalog, false) },
    { weight: 1, arbitrary: structuralDesign(catalog, true) },
    { weight: 3, arbitrary: mutatedPreset(catalog, false) },
    { weight: 1, arbitrary: mutatedPreset(catalog, true) },
  );
  return fc.tuple(designs, fc.boolean()).chain(([design, messy]) =>
    fc.record({
      design: fc.constant(design),
      workload: workloadOf(catalog, design, messy),
      detail: fc.constantFrom('full' as const, 'summary' as const),
    }),
  );
}

/** Keys whose numbers may be negative: none yet; positions and signed deltas are not in a report. */
const signedKeys = new Set<string>([]);

/** What is wrong with one evaluation result, or `undefined` when nothing is. */
export function evaluationProblem(result: EvaluationResult): string | undefined {
  if (!result.ok) {
    const error = result.diagnostics.find((diagnostic) => diagnostic.severity === 'error');
    if (!error) return 'refused without an error diagnostic';
    if (error.message.trim().length === 0) return `error diagnostic ${error.code} has no message`;
    return undefined;
  }
  const bad: string[] = [];
  const visit = (value: unknown, path: string, key: string): void => {
    if (bad.length > 0) return;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) bad.push(`${path} is ${value}`);
      else if (value < 0 && !signedKeys.has(key)) bad.push(`${path} is negative (${value})`);
      return;
    }
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${path}[${index}]`, key));
    else if (value !== null && typeof value === 'object')
      for (const [name, item] of Object.entries(value)) visit(item, `${path}.${name}`, name);
  };
  visit(result.report, 'report', '');
  return bad[0];
}

/** A case over this is a hang, not a slow case. */
export const engineCaseBoundMilliseconds = 5_000;

/** Runs `runs` generated cases from `seed`; stops at the first failure and shrinks it. */
export function fuzzEngine(catalog: CatalogIndex, runs: number, seed: number): FuzzSummary {
  let cases = 0;
  let maxMilliseconds = 0;
  const details = fc.check(
    fc.property(engineCases(catalog), ({ design, workload, detail }) => {
      cases++;
      const started = performance.now();
      let result: EvaluationResult;
      try {
        result = evaluate({ design, workload }, catalog, { detail });
      } catch (error) {
        throw new Error(`evaluate threw: ${(error as Error).stack ?? String(error)}`, { cause: error });
      }
      const elapsed = performance.now() - started;
      maxMilliseconds = Math.max(maxMilliseconds, elapsed);
      if (elapsed > engineCaseBoundMilliseconds) throw new Error(`took ${elapsed.toFixed(0)} ms`);
      const problem = evaluationProblem(result);
      if (problem) throw new Error(problem);
    }),
    { numRuns: runs, seed, endOnFailure: false },
  );
  return fuzzSummary('engine', Math.min(cases, runs), maxMilliseconds, details);
}
