/**
 * NSGA-II (Deb, Pratap, Agarwal & Meyarivan, "A fast and elitist multiobjective genetic algorithm: NSGA-II",
 * IEEE Transactions on Evolutionary Computation 6(2), 2002) over a sweep's parameters, for spaces too big to
 * enumerate. Ask/tell: `ask()` gives a generation's points to evaluate (anywhere: the worker pool, shards),
 * `tell(rows)` hands back their rows; the next `ask()` breeds the next generation from the best of parents and
 * children. Seeded: the same spec and the same rows give the same points, on every machine.
 *
 * One gene per axis (linked parameters share one). A list of values (or a choice) is a categorical gene: an
 * index, crossed uniformly and mutated by a random reset. Anything else is a continuous gene: a fraction in
 * [0, 1] of the parameter's quantile function (so a log range is searched in log space), crossed by simulated
 * binary crossover and mutated polynomially (Deb & Agrawal 1995; Deb & Goyal 1996; distribution indices
 * 15 and 20, the usual defaults). Parents are picked by binary tournament on rank, then crowding distance. Constraints are
 * handled by constrained domination (section VI of the paper): a feasible point beats an infeasible one, and of
 * two infeasible points the one breaking the constraints less wins.
 */
import { axesOf, valueAtFraction, type SweepAxis } from './axes';
import { constraintViolation, objectivesOf } from './judge';
import { compareVectors, crowdingDistances, dominatesVector, nondominatedSort } from './pareto';
import type { SweepPointValues } from './points';
import { createRandom, type Random } from './random';
import type { SweepRow } from './row';
import type { SweepSpec, SweepValue } from './spec';

/** The distribution index of simulated binary crossover (larger keeps children nearer their parents). */
const crossoverEta = 15;
/** The distribution index of polynomial mutation. */
const mutationEta = 20;
/** Fractions are kept this far inside (0, 1) when turned into values, where a normal's quantile is infinite. */
const edge = 1e-9;

/** An NSGA-II search over a sweep: ask for a generation's points, tell their rows, until `ask` has no more. */
export interface Nsga2 {
  /** Points in all: population × generations. */
  total: number;
  /**
   * The next generation's points (indices generation × population + i), or undefined when every generation has
   * been asked. Throws while the previous generation still has points without rows.
   */
  ask(): SweepPointValues[] | undefined;
  /** Rows of the asked generation, in any order and in any number of calls; rows of other points are ignored. */
  tell(rows: readonly SweepRow[]): void;
  /** Whether every generation has been asked and told. */
  readonly finished: boolean;
  /** The current parents (after the last complete generation), best first: the final population once finished. */
  population(): SweepRow[];
}

interface Individual {
  genes: Float64Array;
  index: number;
  row?: SweepRow;
  /** Minimised objectives (zeros when the point has none). */
  objectives: number[];
  violation: number;
  rank: number;
  crowding: number;
}

interface Gene {
  axis: SweepAxis;
  /** The number of categories of a categorical gene; 0 for a continuous one. */
  categories: number;
}

/** Creates the search for an `nsga2` sweep (its parameters must have passed `sweepSpecProblems`). */
export function createNsga2(spec: SweepSpec): Nsga2 {
  const strategy = spec.strategy;
  if (strategy.kind !== 'nsga2') throw new Error(`createNsga2 needs an nsga2 strategy, not ${strategy.kind}`);
  const size = strategy.population;
  const generations = strategy.generations;
  const objectives = objectivesOf(spec);
  const genes: Gene[] = axesOf(spec).map((axis) => ({ axis, categories: categoriesOf(spec, axis) }));
  const mutationProbability = strategy.mutationProbability ?? 1 / Math.max(1, genes.length);
  const random = createRandom(strategy.seed, 0x4e534741);

  let parents: Individual[] = [];
  let pending: Individual[] = [];
  let pendingByIndex = new Map<number, Individual>();
  let waiting = 0;
  let asked = 0;

  const decode = (individual: Individual): SweepValue[] => {
    const values = new Array<SweepValue>(spec.parameters.length);
    genes.forEach((gene, at) => {
      const position = individual.genes[at] ?? 0;
      for (const parameter of gene.axis.parameters) {
        const definition = spec.parameters[parameter];
        if (definition === undefined) continue;
        const list =
          definition.values ??
          (definition.distribution?.kind === 'choice' ? definition.distribution.values : undefined);
        values[parameter] =
          gene.categories > 0 && list !== undefined
            ? (list[position] ?? Number.NaN)
            : valueAtFraction(definition, Math.min(1 - edge, Math.max(edge, position)));
      }
    });
    return values;
  };

  const individualOf = (geneValues: Float64Array, index: number): Individual => ({
    genes: geneValues,
    index,
    objectives: [],
    violation: Infinity,
    rank: 0,
    crowding: 0,
  });

  /** The first population: each continuous gene stratified over the population (a Latin hypercube), categories at random. */
  const initial = (): Float64Array[] => {
    const population = Array.from({ length: size }, () => new Float64Array(genes.length));
    genes.forEach((gene, at) => {
      const strata = shuffled(size, random);
      population.forEach((geneValues, member) => {
        geneValues[at] =
          gene.categories > 0
            ? random.below(gene.categories)
            : ((strata[member] ?? 0) + random.next()) / size;
      });
    });
    return population;
  };

  const offspring = (): Float64Array[] => {
    const children: Float64Array[] = [];
    while (children.length < size) {
      const first = tournament(parents, random).genes;
      const second = tournament(parents, random).genes;
      const [childA, childB] = crossover(first, second, genes, strategy.crossoverProbability, random);
      for (const child of [childA, childB]) {
        mutate(child, genes, mutationProbability, random);
        if (children.length < size) children.push(child);
      }
    }
    return children;
  };

  const complete = () => {
    for (const individual of pending) {
      const row = individual.row;
      individual.violation =
        row?.ok === true && row.figures !== undefined ? constraintViolation(spec, row.figures) : Infinity;
      individual.objectives = objectives.map((objective) => {
        const value = row?.figures?.[objective.figure] ?? Number.NaN;
        if (!Number.isFinite(value)) return 0;
        return objective.goal === 'max' ? -value : value;
      });
    }
    parents = select([...parents, ...pending], size);
    pending = [];
    pendingByIndex = new Map();
  };

  return {
    total: size * generations,
    ask() {
      if (waiting > 0) {
        throw new Error(`generation ${asked - 1} still has ${waiting} points without rows: tell them first`);
      }
      if (asked >= generations) return undefined;
      const geneValues = asked === 0 ? initial() : offspring();
      pending = geneValues.map((values, member) => individualOf(values, asked * size + member));
      pendingByIndex = new Map(pending.map((individual) => [individual.index, individual]));
      waiting = pending.length;
      asked += 1;
      return pending.map((individual) => ({ index: individual.index, values: decode(individual) }));
    },
    tell(rows) {
      for (const row of rows) {
        const individual = pendingByIndex.get(row.index);
        if (individual === undefined || individual.row !== undefined) continue;
        individual.row = row;
        waiting -= 1;
      }
      if (waiting === 0 && pending.length > 0) complete();
    },
    get finished() {
      return asked >= generations && waiting === 0;
    },
    population() {
      return parents.flatMap((individual) => (individual.row ? [individual.row] : []));
    },
  };
}

/** A gene is categorical when every parameter of its axis picks from a list (linked lists have equal lengths). */
function categoriesOf(spec: SweepSpec, axis: SweepAxis): number {
  let categories = 0;
  for (const parameter of axis.parameters) {
    const definition = spec.parameters[parameter];
    const list =
      definition?.values ??
      (definition?.distribution?.kind === 'choice' ? definition.distribution.values : undefined);
    if (list === undefined) return 0;
    categories = categories === 0 ? list.length : Math.min(categories, list.length);
  }
  return categories;
}

/** Constrained domination (Deb et al. 2002, section VI). */
function constrainedDominates(a: Individual, b: Individual): boolean {
  if (a.violation === 0 && b.violation > 0) return true;
  if (a.violation > 0 || b.violation > 0) return a.violation < b.violation;
  return dominatesVector(a.objectives, b.objectives);
}

/** An order with every individual after those that dominate it: less violation first, then lexicographic objectives. */
function constrainedOrder(a: Individual, b: Individual): number {
  if (a.violation !== b.violation) return a.violation < b.violation ? -1 : 1;
  return compareVectors(a.objectives, b.objectives);
}

/** The best `size` of a combined population: whole fronts in rank order, the last one cut by crowding distance. */
function select(combined: Individual[], size: number): Individual[] {
  const fronts = nondominatedSort(
    combined.length,
    (a, b) => constrainedDominates(combined[a] as Individual, combined[b] as Individual),
    (a, b) => constrainedOrder(combined[a] as Individual, combined[b] as Individual),
  );
  const chosen: Individual[] = [];
  const vectors = combined.map((individual) => individual.objectives);
  fronts.forEach((front, rank) => {
    if (chosen.length >= size) return;
    const distances = crowdingDistances(vectors, front);
    const members = front.map((position, at) => {
      const individual = combined[position] as Individual;
      individual.rank = rank;
      individual.crowding = distances[at] ?? 0;
      return individual;
    });
    if (chosen.length + members.length > size) {
      // Most crowding distance first; the earlier point on a tie, so the cut is deterministic.
      members.sort((first, second) => second.crowding - first.crowding || first.index - second.index);
    }
    chosen.push(...members.slice(0, size - chosen.length));
  });
  return chosen;
}

/** Binary tournament: the lower rank wins, then the larger crowding distance, then a coin. */
function tournament(population: readonly Individual[], random: Random): Individual {
  const first = population[random.below(population.length)] as Individual;
  const second = population[random.below(population.length)] as Individual;
  if (first.rank !== second.rank) return first.rank < second.rank ? first : second;
  if (first.crowding !== second.crowding) return first.crowding > second.crowding ? first : second;
  return random.next() < 0.5 ? first : second;
}

function crossover(
  first: Float64Array,
  second: Float64Array,
  genes: readonly Gene[],
  probability: number,
  random: Random,
): [Float64Array, Float64Array] {
  const childA = Float64Array.from(first);
  const childB = Float64Array.from(second);
  if (random.next() >= probability) return [childA, childB];
  genes.forEach((gene, at) => {
    // Each gene crosses with probability one half, as in Deb's reference implementation.
    if (random.next() >= 0.5) return;
    const a = first[at] ?? 0;
    const b = second[at] ?? 0;
    if (gene.categories > 0) {
      childA[at] = b;
      childB[at] = a;
      return;
    }
    const [lowChild, highChild] = simulatedBinaryCrossover(a, b, random);
    const swap = random.next() < 0.5;
    childA[at] = swap ? highChild : lowChild;
    childB[at] = swap ? lowChild : highChild;
  });
  return [childA, childB];
}

/**
 * Simulated binary crossover of two values in [0, 1], bounded (Deb & Agrawal 1995): children spread around the
 * parents as a one-point crossover of binary strings would, with the spread that would cross a bound cut off.
 */
function simulatedBinaryCrossover(a: number, b: number, random: Random): [number, number] {
  const low = Math.min(a, b);
  const high = Math.max(a, b);
  if (high - low < 1e-14) return [low, high];
  const u = random.next();
  const spreadFactor = (beta: number) => {
    const alpha = 2 - Math.pow(beta, -(crossoverEta + 1));
    return u <= 1 / alpha
      ? Math.pow(u * alpha, 1 / (crossoverEta + 1))
      : Math.pow(1 / (2 - u * alpha), 1 / (crossoverEta + 1));
  };
  const lowChild = 0.5 * (low + high - spreadFactor(1 + (2 * low) / (high - low)) * (high - low));
  const highChild = 0.5 * (low + high + spreadFactor(1 + (2 * (1 - high)) / (high - low)) * (high - low));
  return [clamp01(lowChild), clamp01(highChild)];
}

function mutate(
  genes: Float64Array,
  definitions: readonly Gene[],
  probability: number,
  random: Random,
): void {
  definitions.forEach((gene, at) => {
    if (random.next() >= probability) return;
    const value = genes[at] ?? 0;
    if (gene.categories > 0) {
      if (gene.categories < 2) return;
      // A reset to one of the other categories.
      const other = random.below(gene.categories - 1);
      genes[at] = other >= value ? other + 1 : other;
      return;
    }
    genes[at] = polynomialMutation(value, random);
  });
}

/** Polynomial mutation of a value in [0, 1], bounded (Deb & Goyal 1996): small steps likely, up to the bounds. */
function polynomialMutation(value: number, random: Random): number {
  const u = random.next();
  const power = 1 / (mutationEta + 1);
  let step: number;
  if (u < 0.5) {
    const room = Math.pow(1 - value, mutationEta + 1);
    step = Math.pow(2 * u + (1 - 2 * u) * room, power) - 1;
  } else {
    const room = Math.pow(value, mutationEta + 1);
    step = 1 - Math.pow(2 * (1 - u) + 2 * (u - 0.5) * room, power);
  }
  return clamp01(value + step);
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** A seeded random permutation of [0, count) (Fisher–Yates). */
function shuffled(count: number, random: Random): Uint32Array {
  const order = new Uint32Array(count);
  for (let index = 0; index < count; index += 1) order[index] = index;
  for (let index = count - 1; index > 0; index -= 1) {
    const other = random.below(index + 1);
    const held = order[index] as number;
    order[index] = order[other] as number;
    order[other] = held;
  }
  return order;
}
