/**
 * The engine's pipeline, one stage per file in `stages/`, each a pure function from named values to a new one:
 *
 *   check    design, workload → problems; the model, formats and runtime the workload names   (CheckedWorkload)
 *   resolve  design → the hardware as cost models see it                                       (Machine)
 *   plan     machine, workload → primary unit, parallel split, batch per replica               (Plan)
 *            (automatic parallelism: every candidate split through the stages below, ranked — stages/search.ts)
 *   lower    model, plan → the operators of a prefill and a decode step on one chip            (OperatorGraph)
 *   map      machine, plan → where weights, KV cache and activations live                      (Placement)
 *   cost     operators on the machine → time and energy of each, on its unit                   (CostedGraph)
 *   power    costed phases → clock, voltage, time and energy under the DVFS policy and cap     (PoweredGraph)
 *   report   everything → what a user reads                                                    (Report)
 *
 * One call, pure and deterministic: the same input gives the same report, byte for byte. Modelling problems come
 * back as diagnostics; the engine never throws on a user's design and never returns NaN, Infinity or a negative
 * time.
 */
import type { CatalogIndex } from './catalog';
import { reportRanges } from './figures/bands';
import { withAreaAndCost } from './stages/area';
import type { Diagnostic } from './diagnostics';
import { hasErrors } from './diagnostics';
import { emptyMachine, type Machine } from './machine';
import type { EvaluationResult, Report } from './report';
import type { DesignDocument } from './schema/design';
import type { ModelConfig } from './schema/model';
import type { Workload } from './schema/workload';
import type { Parallelism } from './models/parallelism';
import { checkDesign, checkWorkload, type CheckedWorkload } from './stages/check';
import { compressionSection, withCounterfactual, withoutBlock } from './stages/compression';
import { cost } from './stages/cost';
import { lower } from './stages/lower';
import { map } from './stages/map';
import { plan } from './stages/plan';
import { power } from './stages/power';
import { dvfsReport } from './stages/dvfs-report';
import { report } from './stages/report';
import { placeAcrossGroups, type GroupEvaluation } from './stages/hetero';
import { withPlacedHeadline } from './stages/hetero-headline';
import { residualStreamBytes } from './models/formats';
import { computeChipGroups, resolve } from './stages/resolve';
import { evaluateReconfigurable, reconfigurableFabric } from './stages/reconfiguration';
import { searchPlans, withPlanSearch } from './stages/search';
import {
  layerWeightBytes,
  layersPerChip,
  memoryHierarchyReport,
  memoryRoutes,
  pinDiagnostics,
  withStreaming,
} from './stages/hierarchy';

export interface EvaluationInput {
  design: DesignDocument;
  workload: Workload;
  /** A model not in the catalog (an imported config.json); otherwise `workload.model` is looked up. */
  model?: ModelConfig;
}

export interface EvaluationOptions {
  /**
   * `full` (default) reports every operator and block and explains the bottleneck; `summary` leaves those lists
   * empty and the sentences blank — what a sweep needs, at a fraction of the cost. `figures` is the sweep's fast
   * path: a summary without the sections no sweep figure reads (`ranges`, `dvfs`), so `readSweepFigures` gives the
   * same numbers as at full detail; a design whose headline figures come from a section the summary leaves out (an
   * FPGA with configurations, several chip groups) is evaluated at full detail instead.
   */
  detail?: 'full' | 'summary' | 'figures';
}

/** Whether a detail leaves out the lists, sentences and detail-only sections (`summary` and `figures`). */
function brief(options: EvaluationOptions): boolean {
  return options.detail === 'summary' || options.detail === 'figures';
}

/** Dispatch: an automatic workload goes to the plan search, a manual one through the stages once. */
export function evaluate(
  input: EvaluationInput,
  catalog: CatalogIndex,
  options: EvaluationOptions = {},
): EvaluationResult {
  const { design } = input;
  const fabric = reconfigurableFabric(design, catalog);
  if (options.detail === 'figures' && (fabric || chipKindGroups(design) >= 2))
    return evaluate(input, catalog, { detail: 'full' });
  const result = fabric
    ? evaluateReconfigurable(
        input,
        fabric,
        { detail: options.detail === 'summary' ? 'summary' : 'full' },
        (variant, detail) => evaluate({ ...input, design: variant }, catalog, { detail }),
      )
    : evaluateDesign(input, catalog, options);
  if (!result.ok) return result;
  // The figures' bands: no sweep figure reads them.
  if (options.detail !== 'figures') result.report.ranges = reportRanges(result.report, design, catalog);
  // Each compression unit's counterfactual: the design without it, evaluated the same way (summary detail).
  const compression = result.report.compression;
  for (const unit of compression?.units ?? []) {
    const without = evaluate({ ...input, design: withoutBlock(design, unit.blockId) }, catalog, {
      detail: 'summary',
    });
    if (compression)
      withCounterfactual(compression, result.report, unit.blockId, without.ok ? without.report : undefined);
  }
  // Area and cost of the design as drawn (its machine is cached), after every section that moves a figure.
  Object.assign(
    result.report,
    withAreaAndCost(design, catalog, designStages(design, catalog).machine, result.report),
  );
  if (allPhysical(result.report)) return result;
  const unphysical = unphysicalFigure(result.report) ?? 'a figure is not a finite, non-negative number';
  return {
    ok: false,
    diagnostics: [
      ...result.report.diagnostics,
      {
        severity: 'error',
        code: 'result-out-of-range',
        message: `The simulation overflows: ${unphysical}. Some parameter is far outside what hardware has (a rate, clock or bandwidth near zero, or a size, energy or count near the largest number a computer holds); bring the extreme values back to a physical range.`,
      },
    ],
  };
}

/** The stages for a design as drawn: check, resolve, then the plan search or the workload's split. */
function evaluateDesign(
  input: EvaluationInput,
  catalog: CatalogIndex,
  options: EvaluationOptions,
): EvaluationResult {
  const { design, workload } = input;
  const { machine, structural } = designStages(design, catalog);
  const diagnostics: Diagnostic[] = [...structural, ...machine.diagnostics];
  const checked = checkWorkload(workload, catalog, input.model, diagnostics);
  if (!checked) return { ok: false, diagnostics };
  const context: StageInput = { design, workload, machine, checked, catalog };
  const result =
    workload.parallelism.mode === 'auto'
      ? evaluateAutomatic(context, diagnostics, options)
      : evaluateStages(context, diagnostics, options);
  if (result.ok && !brief(options)) withPlacement(context, catalog, result.report);
  return result;
}

/**
 * Whether every number in a report is finite and non-negative: the fast walk every evaluation takes (no paths
 * built, no entry arrays), so the check costs little beside the stages; `unphysicalFigure` names the culprit.
 */
function allPhysical(value: unknown): boolean {
  if (typeof value === 'number') return value >= 0 && value <= Number.MAX_VALUE;
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!allPhysical(item)) return false;
    return true;
  }
  for (const key in value) if (!allPhysical((value as Record<string, unknown>)[key])) return false;
  return true;
}

/**
 * The first figure of a report that is not a finite, non-negative number (`prefill.seconds is Infinity`), or
 * `undefined`. The stages keep every figure finite for parameters within their ranges, but ranges are wide: a rate
 * of 1e-320 passes its check (> 0) and still makes a time overflow to Infinity. Such a report is refused, not shown.
 */
function unphysicalFigure(value: unknown, path = 'report'): string | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 ? undefined : `${path.replace(/^report\./, '')} is ${value}`;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = unphysicalFigure(item, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = unphysicalFigure(item, `${path}.${key}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The design's groups of kind `chip`: with two or more, the headline may come from the placement across them. */
function chipKindGroups(design: DesignDocument): number {
  let count = 0;
  for (const group of design.groups) if (group.kind === 'chip') count += 1;
  return count;
}

/** What the stages after check and resolve start from. */
interface StageInput {
  design: DesignDocument;
  workload: Workload;
  machine: Machine;
  checked: CheckedWorkload;
  catalog: CatalogIndex;
}

/**
 * The automatic plan: every candidate split evaluated through the stages at summary detail (`stages/search.ts`),
 * the best evaluated again at the detail asked for (unless it was the only candidate, evaluated at that detail
 * at once), its report carrying the search (`plan`).
 */
function evaluateAutomatic(
  context: StageInput,
  diagnostics: Diagnostic[],
  options: EvaluationOptions,
): EvaluationResult {
  const { machine, checked, workload } = context;
  const search = searchPlans(machine, checked, workload, (split, alone) =>
    evaluateStages(context, [...diagnostics], alone ? options : { detail: 'summary' }, split),
  );
  if (!search.ok) return search;
  const best = search.ranked[0];
  if (!best) return { ok: false, diagnostics };
  const result =
    brief(options) || search.alone
      ? { ok: true as const, report: best.report }
      : evaluateStages(context, [...diagnostics], options, best.split);
  if (!result.ok) return result;
  return { ok: true, report: withPlanSearch(result.report, search, checked, machine) };
}

/** The stage sequence for one plan: the workload's manual split, or `split` from the search. */
function evaluateStages(
  context: StageInput,
  diagnostics: Diagnostic[],
  options: EvaluationOptions,
  split?: Parallelism,
): EvaluationResult {
  const { design, workload, machine, checked } = context;
  const planned = plan(machine, checked, workload, diagnostics, split);
  if (!planned) return { ok: false, diagnostics };
  const graph = lower(
    checked.model.architecture,
    checked.formats,
    planned,
    workload,
    checked.runtime?.attention,
  );
  const layers = layersPerChip(checked.model.architecture.layers, planned.parallelism.pipeline);
  const policy = workload.memoryPolicy;
  const routes = memoryRoutes(
    machine.chip,
    planned,
    policy,
    layers,
    diagnostics,
    policy && layerWeightBytes(graph, layers),
  );
  const placement = map(machine, planned, checked.runtime?.kvCache, routes);
  pinDiagnostics(machine.chip, placement, planned, diagnostics);
  const costedAsRead = cost(
    {
      machine,
      graph,
      plan: planned,
      placement,
      workload,
      runtime: checked.runtime,
      weightsFormat: checked.weightsFormat,
    },
    diagnostics,
  );
  const streamed = withStreaming(costedAsRead, machine, planned, placement, layers, policy?.prefetch ?? true);
  const costed = streamed.costed;
  const powered = power(machine, costed, planned, workload, diagnostics, {
    explain: options.detail !== 'figures',
  });
  const result = report(
    {
      design,
      workload,
      checked,
      machine,
      plan: planned,
      placement,
      powered,
      full: !brief(options),
    },
    diagnostics,
  );
  // The DVFS section explains the clocks the power stage chose; it moves no figure a sweep reads.
  const dvfs =
    options.detail === 'figures' ? undefined : dvfsReport(machine, workload, powered, result.diagnostics);
  if (dvfs) result.dvfs = dvfs;
  if (brief(options)) return { ok: true, report: result };
  result.memoryHierarchy = memoryHierarchyReport(machine, planned, placement, streamed, policy);
  const section = compressionSection(
    { ...context, plan: planned, powered, report: result },
    result.diagnostics,
  );
  if (section) result.compression = section;
  return { ok: true, report: result };
}

/**
 * A design with several different chip groups: each evaluated alone (the primary one is `report`), then the
 * operators placed across them (`stages/hetero.ts`); the section and its diagnostics join `report`.
 */
function withPlacement(context: StageInput, catalog: CatalogIndex, report: Report): void {
  const { design, workload, checked } = context;
  const chipGroups = computeChipGroups(design, catalog);
  if (chipGroups.length < 2) return;
  const groups: GroupEvaluation[] = [];
  for (const [index, group] of chipGroups.entries()) {
    if (index === 0) {
      groups.push({ group, report });
      continue;
    }
    const machine = groupMachine(design, catalog, group.id);
    const alone: StageInput = { ...context, machine };
    const run = (stageInput: StageInput) =>
      stageInput.workload.parallelism.mode === 'auto'
        ? evaluateAutomatic(stageInput, [], {})
        : evaluateStages(stageInput, [], {});
    // A manual split made for the primary group may not suit this one: then the plan search chooses its own.
    let evaluated = run(alone);
    if (!evaluated.ok && workload.parallelism.mode === 'manual')
      evaluated = run({ ...alone, workload: { ...workload, parallelism: { mode: 'auto' } } });
    if (evaluated.ok) groups.push({ group, report: evaluated.report });
    else
      report.diagnostics.push({
        severity: 'warning',
        code: 'placement-group-unusable',
        message: `Chip group "${group.name}" cannot run the model's operators on its own (${evaluated.diagnostics.find((item) => item.severity === 'error')?.message ?? 'no plan'}), so no operator is placed on it.`,
        groupId: group.id,
      });
  }
  const section = placeAcrossGroups(
    {
      design,
      catalog,
      workload,
      layers: checked.model.architecture.layers,
      hiddenSize: checked.model.architecture.hiddenSize,
      residualBytes: residualStreamBytes(checked.formats),
      groups,
    },
    report.diagnostics,
  );
  if (!section) return;
  report.heterogeneous = section;
  // The headline figures become the placement's: never the primary group's alone (issue 16 §3).
  withPlacedHeadline(report, section, groups);
}

/** The machine of a design resolved on one chip group, cached like `designStages`. */
const groupMachineCache = new WeakMap<CatalogIndex, WeakMap<DesignDocument, Map<string, Machine>>>();

function groupMachine(design: DesignDocument, catalog: CatalogIndex, groupId: string): Machine {
  let perCatalog = groupMachineCache.get(catalog);
  if (!perCatalog) {
    perCatalog = new WeakMap();
    groupMachineCache.set(catalog, perCatalog);
  }
  let perDesign = perCatalog.get(design);
  if (!perDesign) {
    perDesign = new Map();
    perCatalog.set(design, perDesign);
  }
  let machine = perDesign.get(groupId);
  if (!machine) {
    machine = resolve(design, catalog, { chipGroupId: groupId });
    perDesign.set(groupId, machine);
  }
  return machine;
}

/**
 * The stages that depend on the design alone — check and resolve — cached per catalog and design object: a sweep,
 * or an edit of the workload, re-evaluates one design many times.
 */
const designCache = new WeakMap<
  CatalogIndex,
  WeakMap<DesignDocument, { machine: Machine; structural: Diagnostic[] }>
>();

function designStages(
  design: DesignDocument,
  catalog: CatalogIndex,
): { machine: Machine; structural: Diagnostic[] } {
  let perCatalog = designCache.get(catalog);
  if (!perCatalog) {
    perCatalog = new WeakMap();
    designCache.set(catalog, perCatalog);
  }
  let entry = perCatalog.get(design);
  if (!entry) {
    const structural = checkDesign(design, catalog);
    entry = { machine: hasErrors(structural) ? emptyMachine() : resolve(design, catalog), structural };
    perCatalog.set(design, entry);
  }
  return entry;
}
