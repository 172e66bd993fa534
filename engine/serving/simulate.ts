/**
 * The serving simulator: a request stream replayed through an iteration-level (continuous-batching) scheduler
 * with a paged KV cache, every scheduler step costed by a `StepCostModel`. Pure and deterministic.
 *
 * The scheduler follows Orca (Yu et al., OSDI 2022: iteration-level scheduling), vLLM (Kwon et al., SOSP 2023:
 * PagedAttention, block tables, preemption by recompute or swap, `max_num_seqs`, `max_num_batched_tokens`) and
 * Sarathi-Serve (Agrawal et al., OSDI 2024: chunked prefill in a token budget beside the running decodes);
 * disaggregated prefill and decode follow DistServe (Zhong et al., OSDI 2024) and Splitwise (Patel et al., ISCA
 * 2024). docs/engine.md, "Serving", states every rule and approximation.
 */
import { goodput, latencyStats, SeriesRecorder } from './metrics';
import { isClosedLoop } from './traffic';
import type {
  ServingFigures,
  ServingRun,
  SimulationInput,
  StepBatch,
  StepCostModel,
  StepCostOut,
  TimelineStep,
} from './types';

/** Thrown by `advance`/`simulate` when `progress` returns false. */
export class ServingCancelled extends Error {
  constructor() {
    super('the serving simulation was cancelled');
    this.name = 'ServingCancelled';
  }
}

/** Steps between two calls of `progress`. */
const PROGRESS_STEPS = 4096;
const DEFAULT_RECORD = { seriesPoints: 200, timelineSteps: 200 };

// A request's phase.
const PENDING = 0; // not arrived yet (or arrived, not yet pulled into a queue)
const WAITING = 1; // queued for (re)prefill
const PREFILL = 2; // admitted, prompt (or a chunk of it) running
const DECODE = 3; // generating
const SWAPPED = 4; // preempted, blocks in host memory
const TRANSFER = 5; // disaggregated: KV on its way to the decode side
const READY = 6; // disaggregated: on the decode side, waiting for KV room
const DONE = 7;
const DROPPED = 8; // can never fit in the KV cache

/** A queue of request ids with both ends open (a ring buffer; each request sits in one queue at most once). */
class Deque {
  private readonly items: Int32Array;
  private head = 0;
  size = 0;
  constructor(capacity: number) {
    this.items = new Int32Array(Math.max(1, capacity));
  }
  front(): number {
    return this.items[this.head] as number;
  }
  pushBack(id: number): void {
    this.items[(this.head + this.size) % this.items.length] = id;
    this.size += 1;
  }
  pushFront(id: number): void {
    this.head = (this.head - 1 + this.items.length) % this.items.length;
    this.items[this.head] = id;
    this.size += 1;
  }
  popFront(): number {
    const id = this.items[this.head] as number;
    this.head = (this.head + 1) % this.items.length;
    this.size -= 1;
    return id;
  }
}

/**
 * A min-heap of request ids by arrival time, ties by id (closed-loop arrivals are made as requests complete;
 * requests sent at the same instant queue in the order they were made).
 */
class ArrivalHeap {
  private readonly ids: Int32Array;
  size = 0;
  constructor(
    capacity: number,
    private readonly key: Float64Array,
  ) {
    this.ids = new Int32Array(Math.max(1, capacity));
  }
  private before(a: number, b: number): boolean {
    const ka = this.key[a] as number;
    const kb = this.key[b] as number;
    return ka < kb || (ka === kb && a < b);
  }
  topKey(): number {
    return this.size > 0 ? (this.key[this.ids[0] as number] as number) : Infinity;
  }
  push(id: number): void {
    let at = this.size;
    this.size += 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const other = this.ids[parent] as number;
      if (!this.before(id, other)) break;
      this.ids[at] = other;
      at = parent;
    }
    this.ids[at] = id;
  }
  pop(): number {
    const top = this.ids[0] as number;
    this.size -= 1;
    if (this.size > 0) {
      const last = this.ids[this.size] as number;
      let at = 0;
      for (;;) {
        let child = 2 * at + 1;
        if (child >= this.size) break;
        const right = child + 1;
        if (right < this.size && this.before(this.ids[right] as number, this.ids[child] as number))
          child = right;
        if (!this.before(this.ids[child] as number, last)) break;
        this.ids[at] = this.ids[child] as number;
        at = child;
      }
      this.ids[at] = last;
    }
    return top;
  }
}

/**
 * A min-heap of (tick, request, epoch) events: a decoding request's completion or its next KV block boundary,
 * keyed by the side's decode-step counter. An entry whose epoch is no longer the request's (it was preempted
 * since) is stale and skipped.
 */
class TickHeap {
  private keys: Float64Array;
  private ids: Int32Array;
  private epochs: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(4, capacity));
    this.ids = new Int32Array(Math.max(4, capacity));
    this.epochs = new Int32Array(Math.max(4, capacity));
  }
  topKey(): number {
    return this.size > 0 ? (this.keys[0] as number) : Infinity;
  }
  topId(): number {
    return this.ids[0] as number;
  }
  topEpoch(): number {
    return this.epochs[0] as number;
  }
  push(key: number, id: number, epoch: number): void {
    if (this.size === this.keys.length) {
      const grow = <T extends Float64Array | Int32Array>(old: T, next: T): T => {
        next.set(old);
        return next;
      };
      this.keys = grow(this.keys, new Float64Array(this.size * 2));
      this.ids = grow(this.ids, new Int32Array(this.size * 2));
      this.epochs = grow(this.epochs, new Int32Array(this.size * 2));
    }
    let at = this.size;
    this.size += 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if ((this.keys[parent] as number) <= key) break;
      this.keys[at] = this.keys[parent] as number;
      this.ids[at] = this.ids[parent] as number;
      this.epochs[at] = this.epochs[parent] as number;
      at = parent;
    }
    this.keys[at] = key;
    this.ids[at] = id;
    this.epochs[at] = epoch;
  }
  pop(): void {
    this.size -= 1;
    if (this.size === 0) return;
    const key = this.keys[this.size] as number;
    const id = this.ids[this.size] as number;
    const epoch = this.epochs[this.size] as number;
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && (this.keys[child + 1] as number) < (this.keys[child] as number))
        child += 1;
      if ((this.keys[child] as number) >= key) break;
      this.keys[at] = this.keys[child] as number;
      this.ids[at] = this.ids[child] as number;
      this.epochs[at] = this.epochs[child] as number;
      at = child;
    }
    this.keys[at] = key;
    this.ids[at] = id;
    this.epochs[at] = epoch;
  }
}

type Role = 'both' | 'prefill' | 'decode';

/**
 * One set of chips running steps: the whole design, or the prefill or decode side of a disaggregated one.
 *
 * Decoding requests are not touched step by step: every step that decodes runs all of them (fcfs and the decode
 * side always; prefill-first either all or none), so the side counts its decode steps (`decodeTick`) and a
 * request's tokens are those it had when it joined plus the ticks since. Its completion and its next KV block
 * boundary are events in two heaps keyed by tick.
 */
class Side {
  clock: number;
  totalBlocks: number;
  usedBlocks = 0;
  heldTokens = 0;
  readonly waiting: Deque;
  readonly swapped: Deque;
  /** Requests in flight in admission order; an entry is live while the request's `slot` points at it. */
  flight: Int32Array;
  flightLength = 0;
  flightCount = 0;
  /** Requests prefilling, in admission order (a prompt's later chunks go first). */
  readonly prefilling: Int32Array;
  prefillingCount = 0;
  decodeTick = 0;
  decoders = 0;
  /** Σ over decoders of prompt + tokens generated. */
  decodeContext = 0;
  readonly completions: TickHeap;
  readonly boundaries: TickHeap;
  // Time integrals (request-seconds, block-seconds) and counters.
  queueArea = 0;
  flightArea = 0;
  systemArea = 0;
  blockArea = 0;
  emptySlotArea = 0;
  busySeconds = 0;
  joules = 0;
  steps = 0;
  peakBlocks = 0;
  maxQueue = 0;
  maxFlight = 0;

  constructor(
    readonly role: Role,
    public cost: StepCostModel,
    requests: number,
    maxBatch: number,
    blockTokens: number,
    start: number,
  ) {
    this.clock = start;
    this.totalBlocks = Math.floor(cost.kvCapacityTokens / blockTokens);
    this.waiting = new Deque(requests);
    this.swapped = new Deque(requests);
    const inFlight = Math.max(1, Math.min(maxBatch, requests)) + 1;
    this.flight = new Int32Array(2 * inFlight);
    this.prefilling = new Int32Array(inFlight);
    this.completions = new TickHeap(2 * inFlight);
    this.boundaries = new TickHeap(2 * inFlight);
  }
}

/**
 * A steppable serving simulation: `advance(t)` runs steps until the clock reaches t (a step started before t
 * finishes, so the clock may pass t by at most one step), so several models can run in lock-step (dynamic
 * sharing) with their cost models swapped (`setCost`) and their chips stalled (`stall`) between advances.
 */
export class ServingSimulator {
  private readonly requests: number;
  private readonly arrival: Float64Array;
  private readonly input: Int32Array;
  private readonly output: Int32Array;
  private readonly target: Int32Array;
  private readonly prefilled: Int32Array;
  /** Tokens generated; while decoding, those it had at `joinTick` (see `generatedOf`). */
  private readonly generated: Int32Array;
  private readonly joinTick: Float64Array;
  private readonly epoch: Int32Array;
  private readonly slot: Int32Array;
  private readonly blocks: Int32Array;
  private readonly phase: Uint8Array;
  private readonly firstStart: Float64Array;
  private readonly firstToken: Float64Array;
  private readonly finishTime: Float64Array;
  private readonly readyTime: Float64Array;
  // Arrivals: an open stream in order (a cursor), or a closed loop's heap.
  private readonly closed: { users: number; thinkSeconds: number } | undefined;
  private cursor = 0;
  private nextId = 0;
  private readonly heap: ArrivalHeap | undefined;
  // Sides: `main` runs decodes (and prompts unless disaggregated); `prefill` only when disaggregated.
  private readonly main: Side;
  private readonly prefill: Side | undefined;
  private readonly transfers: Deque;
  private linkFree = 0;
  private readonly blockTokens: number;
  private readonly maxBatch: number;
  private readonly maxTokens: number;
  private readonly chunked: boolean;
  private readonly prefillFirst: boolean;
  private readonly swap: boolean;
  private readonly startTime: number;
  private completedCount = 0;
  private droppedCount = 0;
  private lastCompletion: number;
  private preemptions = 0;
  private movedBytes = 0;
  private stepsSinceProgress = 0;
  private readonly warnings: string[] = [];
  private readonly series: SeriesRecorder;
  private readonly timeline: TimelineStep[] = [];
  private readonly timelineLimit: number;
  // Scratch for one step: the prompt chunks it runs, whether its decoders run, time spent swapping.
  private readonly chunkIds: Int32Array;
  private readonly chunkTokens: Int32Array;
  private chunkCount = 0;
  private decodesRun = false;
  /** Scratch: the decoders whose event is due, in admission order. */
  private due = new Int32Array(64);
  private dueKey = new Float64Array(64);
  private swapSeconds = 0;
  private readonly batch: StepBatch = {
    prefillTokens: 0,
    prefillRequests: 0,
    prefillContextTokens: 0,
    decodeRequests: 0,
    decodeContextTokens: 0,
  };
  private readonly out: StepCostOut = { seconds: 0, joules: 0 };

  constructor(private readonly inputs: SimulationInput) {
    const { stream, scheduler, cost } = inputs;
    const closed = isClosedLoop(stream);
    const count = closed ? stream.requests : stream.arrivals.length;
    this.requests = count;
    this.input = new Int32Array(count);
    this.output = new Int32Array(count);
    for (let id = 0; id < count; id += 1) {
      this.input[id] = Math.max(1, stream.input[id] ?? 1);
      this.output[id] = Math.max(1, stream.output[id] ?? 1);
    }
    this.arrival = new Float64Array(count);
    this.target = this.input.slice();
    this.prefilled = new Int32Array(count);
    this.generated = new Int32Array(count);
    this.joinTick = new Float64Array(count);
    this.epoch = new Int32Array(count);
    this.slot = new Int32Array(count).fill(-1);
    this.blocks = new Int32Array(count);
    this.phase = new Uint8Array(count);
    this.firstStart = new Float64Array(count).fill(NaN);
    this.firstToken = new Float64Array(count).fill(NaN);
    this.finishTime = new Float64Array(count).fill(NaN);
    this.readyTime = new Float64Array(count);
    this.blockTokens = Math.max(1, scheduler.kvBlockTokens);
    this.maxBatch = Math.max(1, scheduler.maxBatch);
    this.maxTokens = Math.max(1, scheduler.maxTokensPerStep);
    this.chunked = scheduler.chunkedPrefill;
    this.prefillFirst = scheduler.policy === 'prefill-first';
    this.swap = scheduler.preemption === 'swap' && cost.swapBytesPerSecond !== undefined;
    if (scheduler.preemption === 'swap' && cost.swapBytesPerSecond === undefined)
      this.warnings.push(
        'swap preemption asked, but the design has no host path: preempted requests recompute',
      );
    if (closed) {
      this.closed = { users: stream.users, thinkSeconds: stream.thinkSeconds };
      this.heap = new ArrivalHeap(count, this.arrival);
      const first = Math.min(stream.users, count);
      for (let id = 0; id < first; id += 1) this.heap.push(id);
      this.nextId = first;
    } else {
      this.arrival.set(stream.arrivals.subarray(0, count));
    }
    this.startTime = count > 0 ? (closed ? 0 : (this.arrival[0] as number)) : 0;
    this.lastCompletion = this.startTime;
    const disaggregated = scheduler.disaggregated;
    this.main = new Side(
      disaggregated ? 'decode' : 'both',
      cost,
      count,
      this.maxBatch,
      this.blockTokens,
      this.startTime,
    );
    this.prefill = disaggregated
      ? new Side('prefill', disaggregated.prefill, count, this.maxBatch, this.blockTokens, this.startTime)
      : undefined;
    this.transfers = new Deque(disaggregated ? count : 1);
    const capacity = Math.max(1, Math.min(this.maxBatch, count)) + 1;
    this.chunkIds = new Int32Array(capacity);
    this.chunkTokens = new Int32Array(capacity);
    const record = inputs.record ?? DEFAULT_RECORD;
    this.timelineLimit = Math.max(0, record.timelineSteps);
    const span = closed || count === 0 ? 0 : (this.arrival[count - 1] as number) - this.startTime;
    this.series = new SeriesRecorder(
      Math.max(0, record.seriesPoints),
      span > 0 ? span / Math.max(1, record.seriesPoints) : 1e-3,
      this.startTime,
    );
  }

  /** Every request has completed (or been dropped as too large for the KV cache). */
  get done(): boolean {
    return this.completedCount + this.droppedCount >= this.requests;
  }

  /** The simulated time: the earliest clock of the chips. */
  get now(): number {
    return this.prefill ? Math.min(this.prefill.clock, this.main.clock) : this.main.clock;
  }

  /** Replaces the (decode side's) cost model from the next step on; the KV cache resizes with it. */
  setCost(cost: StepCostModel): void {
    this.main.cost = cost;
    this.main.totalBlocks = Math.floor(cost.kvCapacityTokens / this.blockTokens);
  }

  /** The chips do nothing for `seconds` (a reallocation): every clock moves on. */
  stall(seconds: number): void {
    if (!(seconds > 0)) return;
    this.main.clock += seconds;
    if (this.prefill) this.prefill.clock += seconds;
  }

  /** What the model asks of its partition now: requests waiting, requests in flight, tokens in the KV cache. */
  demand(): { waiting: number; running: number; kvTokens: number } {
    const prefill = this.prefill;
    return {
      waiting:
        this.main.waiting.size +
        this.main.swapped.size +
        this.transfers.size +
        (prefill ? prefill.waiting.size : 0),
      running: this.main.flightCount + (prefill ? prefill.flightCount : 0),
      kvTokens: this.main.heldTokens,
    };
  }

  /** Runs steps until the clock reaches `untilSeconds` or every request is done. */
  advance(untilSeconds: number): void {
    const prefill = this.prefill;
    // A side with nothing to run and no event of its own ahead is parked until the other side runs a step
    // (which may send it work: a KV transfer, a recomputed prompt, a closed loop's next request).
    let mainParked = false;
    let prefillParked = false;
    while (!this.done) {
      let side = this.main;
      if (prefill) {
        if (mainParked && prefillParked) break;
        if (mainParked || (!prefillParked && prefill.clock <= this.main.clock)) side = prefill;
      }
      if (side.clock >= untilSeconds) break;
      if (this.runStep(side, untilSeconds)) {
        if (side === this.main) prefillParked = false;
        else mainParked = false;
        continue;
      }
      const next = this.nextEvent(side);
      if (next === Infinity) {
        if (!prefill) break; // nothing will ever happen again
        if (side === this.main) mainParked = true;
        else prefillParked = true;
        continue;
      }
      side.clock = Math.min(untilSeconds, Math.max(side.clock, next));
    }
  }

  /** The time of the side's next outside event: an arrival (prompts) or a KV transfer landing (decode side). */
  private nextEvent(side: Side): number {
    if (side.role === 'decode')
      return this.transfers.size > 0 ? (this.readyTime[this.transfers.front()] as number) : Infinity;
    if (this.heap) return this.heap.topKey();
    return this.cursor < this.requests ? (this.arrival[this.cursor] as number) : Infinity;
  }

  /**
   * Disaggregated: the earliest time the prefill side can send more KV (its clock while it has prompts, else its
   * next arrival), so a decode stretch never runs past a request it should have admitted. Infinity otherwise.
   */
  private prefillHorizon(): number {
    const prefill = this.prefill;
    if (!prefill) return Infinity;
    if (prefill.flightCount > 0 || prefill.waiting.size > 0) return prefill.clock;
    return Math.max(prefill.clock, this.nextEvent(prefill));
  }

  /** Moves requests that have arrived (or whose KV has landed) by the side's clock into its queue. */
  private pull(side: Side): void {
    const now = side.clock;
    if (side.role === 'decode') {
      while (this.transfers.size > 0 && (this.readyTime[this.transfers.front()] as number) <= now) {
        const id = this.transfers.popFront();
        this.phase[id] = READY;
        side.waiting.pushBack(id);
        const late = now - (this.readyTime[id] as number);
        side.queueArea += late;
        side.systemArea += late;
      }
      return;
    }
    if (this.heap) {
      while (this.heap.size > 0 && this.heap.topKey() <= now) this.enqueueArrival(side, this.heap.pop(), now);
    } else {
      while (this.cursor < this.requests && (this.arrival[this.cursor] as number) <= now) {
        this.enqueueArrival(side, this.cursor, now);
        this.cursor += 1;
      }
    }
  }

  private enqueueArrival(side: Side, id: number, now: number): void {
    this.phase[id] = WAITING;
    side.waiting.pushBack(id);
    // Counted in the queue from its arrival, not from the step boundary it is seen at (exact time integrals).
    const late = now - (this.arrival[id] as number);
    side.queueArea += late;
    side.systemArea += late;
  }

  private blocksFor(tokens: number): number {
    return Math.ceil(tokens / this.blockTokens);
  }

  /** Tokens a request has generated (a decoding one: those it joined with plus the decode steps since). */
  private generatedOf(side: Side, id: number): number {
    const base = this.generated[id] as number;
    return this.phase[id] === DECODE ? base + side.decodeTick - (this.joinTick[id] as number) : base;
  }

  /** Tokens a request holds in the KV cache: its prompt so far while prefilling, else prompt + generated. */
  private held(side: Side, id: number): number {
    return this.phase[id] === PREFILL
      ? (this.prefilled[id] as number)
      : (this.input[id] as number) + this.generatedOf(side, id);
  }

  // ---- flight list (admission order; lazy removal) ----

  private enterFlight(side: Side, id: number): void {
    if (side.flightLength === side.flight.length) this.compactFlight(side);
    side.flight[side.flightLength] = id;
    this.slot[id] = side.flightLength;
    side.flightLength += 1;
    side.flightCount += 1;
  }

  private leaveFlight(side: Side, id: number): void {
    const at = this.slot[id] as number;
    this.slot[id] = -1;
    side.flightCount -= 1;
    if (at === side.flightLength - 1) side.flightLength -= 1;
  }

  private compactFlight(side: Side): void {
    let kept = 0;
    for (let index = 0; index < side.flightLength; index += 1) {
      const id = side.flight[index] as number;
      if (this.slot[id] !== index) continue;
      side.flight[kept] = id;
      this.slot[id] = kept;
      kept += 1;
    }
    side.flightLength = kept;
  }

  /** The newest request in flight (vLLM evicts the last admitted first). */
  private newest(side: Side): number {
    while (side.flightLength > 0) {
      const id = side.flight[side.flightLength - 1] as number;
      if (this.slot[id] === side.flightLength - 1) return id;
      side.flightLength -= 1;
    }
    return -1;
  }

  // ---- decoders ----

  /** A request starts decoding on the side with `blocks[id]` blocks: its completion and next boundary are events. */
  private joinDecoders(side: Side, id: number): void {
    const generated = this.generated[id] as number;
    const tokens = (this.input[id] as number) + generated;
    this.phase[id] = DECODE;
    this.joinTick[id] = side.decodeTick;
    const epoch = (this.epoch[id] as number) + 1;
    this.epoch[id] = epoch;
    side.decoders += 1;
    side.decodeContext += tokens;
    side.completions.push(side.decodeTick + (this.output[id] as number) - generated, id, epoch);
    // Before the step that makes token t + 1 it needs ⌈(t + 1) / block⌉ blocks: room runs out after
    // blocks · block − t more steps.
    side.boundaries.push(
      side.decodeTick + (this.blocks[id] as number) * this.blockTokens - tokens,
      id,
      epoch,
    );
  }

  /** A decoder stops decoding (done or preempted): its tokens are fixed and its events become stale. */
  private leaveDecoders(side: Side, id: number): void {
    const generated = this.generatedOf(side, id);
    side.decoders -= 1;
    side.decodeContext -= (this.input[id] as number) + generated;
    this.generated[id] = generated;
    this.epoch[id] = (this.epoch[id] as number) + 1;
  }

  private removePrefilling(side: Side, id: number): void {
    let kept = 0;
    for (let index = 0; index < side.prefillingCount; index += 1) {
      const other = side.prefilling[index] as number;
      if (other === id) continue;
      side.prefilling[kept] = other;
      kept += 1;
    }
    side.prefillingCount = kept;
  }

  /** Evicts the newest request in flight; returns it. */
  private preemptNewest(side: Side): number {
    const id = this.newest(side);
    this.preemptions += 1;
    const tokens = this.held(side, id);
    const wasDecoding = this.phase[id] === DECODE;
    side.usedBlocks -= this.blocks[id] as number;
    side.heldTokens -= tokens;
    this.blocks[id] = 0;
    this.leaveFlight(side, id);
    if (wasDecoding) this.leaveDecoders(side, id);
    else this.removePrefilling(side, id);
    const swapSpeed = side.cost.swapBytesPerSecond;
    if (this.swap && wasDecoding && swapSpeed !== undefined && swapSpeed > 0) {
      const bytes = tokens * side.cost.kvBytesPerToken;
      this.swapSeconds += bytes / swapSpeed;
      this.movedBytes += bytes;
      this.phase[id] = SWAPPED;
      side.swapped.pushFront(id);
      return id;
    }
    // Recompute: the prompt and every token generated so far are prefilled again (vLLM's RECOMPUTE mode).
    this.target[id] = (this.input[id] as number) + (this.generated[id] as number);
    this.prefilled[id] = 0;
    this.phase[id] = WAITING;
    const prefill = this.prefill;
    if (prefill) {
      // Back to the prefill side's queue head; an idle prefill side cannot run it before it was evicted.
      if (prefill.flightCount === 0 && prefill.waiting.size === 0)
        prefill.clock = Math.max(prefill.clock, side.clock);
      prefill.waiting.pushFront(id);
    } else side.waiting.pushFront(id);
    return id;
  }

  private drop(side: Side, id: number): void {
    this.phase[id] = DROPPED;
    this.droppedCount += 1;
    this.finishNext(side.clock);
    if (this.droppedCount === 1)
      this.warnings.push('a request needs more KV cache than the design has: it was dropped');
  }

  /** Closed loop: the user whose request just ended sends the next one after thinking. */
  private finishNext(time: number): void {
    if (!this.closed || !this.heap || this.nextId >= this.requests) return;
    this.arrival[this.nextId] = time + this.closed.thinkSeconds;
    this.heap.push(this.nextId);
    this.nextId += 1;
  }

  private complete(side: Side, id: number, time: number): void {
    side.usedBlocks -= this.blocks[id] as number;
    side.heldTokens -= this.held(side, id);
    this.blocks[id] = 0;
    this.leaveFlight(side, id);
    if (this.phase[id] === DECODE) this.leaveDecoders(side, id);
    this.phase[id] = DONE;
    this.finishTime[id] = time;
    this.completedCount += 1;
    if (time > this.lastCompletion) this.lastCompletion = time;
    this.finishNext(time);
  }

  // ---- composing a step ----

  private addChunk(id: number, tokens: number): void {
    this.chunkIds[this.chunkCount] = id;
    this.chunkTokens[this.chunkCount] = tokens;
    this.chunkCount += 1;
    this.batch.prefillTokens += tokens;
    this.batch.prefillRequests += 1;
  }

  /** Puts prompts into the step within `budget` tokens: first the later chunks of admitted ones, then new ones. */
  private schedulePrompts(side: Side, budget: number): void {
    const batch = this.batch;
    let left = budget;
    for (let index = 0; index < side.prefillingCount && left > 0; index += 1) {
      const id = side.prefilling[index] as number;
      const remaining = (this.target[id] as number) - (this.prefilled[id] as number);
      const chunk = this.chunked ? Math.min(remaining, left) : remaining;
      batch.prefillContextTokens += this.prefilled[id] as number;
      this.addChunk(id, chunk);
      left -= chunk;
    }
    // New prompts wait while swapped requests do: those come back first (vLLM schedules no prefill then).
    while (side.waiting.size > 0 && side.swapped.size === 0 && side.flightCount < this.maxBatch && left > 0) {
      const id = side.waiting.front();
      const prompt = this.target[id] as number;
      const need = this.blocksFor(prompt + 1);
      if (need > side.totalBlocks) {
        side.waiting.popFront();
        this.drop(side, id);
        continue;
      }
      if (side.totalBlocks - side.usedBlocks < need) break; // FCFS: the head waits, and so does everyone behind it
      let chunk = prompt;
      if (this.chunked) chunk = Math.min(prompt, left);
      else if (prompt > left && batch.prefillTokens > 0) break; // a whole prompt over the budget runs alone
      side.waiting.popFront();
      this.blocks[id] = need;
      side.usedBlocks += need;
      this.phase[id] = PREFILL;
      this.prefilled[id] = 0;
      if (Number.isNaN(this.firstStart[id])) this.firstStart[id] = side.clock;
      this.enterFlight(side, id);
      side.prefilling[side.prefillingCount] = id;
      side.prefillingCount += 1;
      this.addChunk(id, chunk);
      left -= chunk;
      if (!this.chunked && prompt > budget) break;
    }
  }

  /**
   * Gives every decoder the block its next token needs (the boundary events due now), preempting the newest
   * request while none is free; then every remaining decoder runs in the step.
   */
  private growDecoders(side: Side): void {
    // vLLM walks the running requests oldest first, so the due ones take free blocks in admission order.
    const due = this.dueInAdmissionOrder(side, side.boundaries, side.decodeTick);
    const boundaries = side.boundaries;
    for (let index = 0; index < due; index += 1) {
      const id = this.due[index] as number;
      const epoch = this.epoch[id] as number;
      // Preempted meanwhile (evicted as the newest while an older request needed a block): nothing to take.
      while (this.phase[id] === DECODE && this.epoch[id] === epoch) {
        if (side.usedBlocks < side.totalBlocks) {
          this.blocks[id] = (this.blocks[id] as number) + 1;
          side.usedBlocks += 1;
          boundaries.push((this.dueKey[index] as number) + this.blockTokens, id, epoch);
          break;
        }
        if (side.flightCount === 1) {
          // Alone and still out of room: it can never finish on this cache.
          side.usedBlocks -= this.blocks[id] as number;
          side.heldTokens -= this.held(side, id);
          this.blocks[id] = 0;
          this.leaveFlight(side, id);
          this.leaveDecoders(side, id);
          this.drop(side, id);
          break;
        }
        this.preemptNewest(side); // maybe this very request
      }
    }
  }

  /** Brings swapped requests back while blocks and batch room allow (before new prompts, as vLLM does). */
  private swapIn(side: Side): void {
    const speed = side.cost.swapBytesPerSecond ?? Infinity;
    while (side.swapped.size > 0 && side.flightCount < this.maxBatch) {
      const id = side.swapped.front();
      const tokens = (this.input[id] as number) + (this.generated[id] as number);
      const need = this.blocksFor(tokens + 1);
      if (need > side.totalBlocks) {
        side.swapped.popFront();
        this.drop(side, id);
        continue;
      }
      if (side.totalBlocks - side.usedBlocks < need) break;
      side.swapped.popFront();
      this.blocks[id] = need;
      side.usedBlocks += need;
      side.heldTokens += tokens;
      const bytes = tokens * side.cost.kvBytesPerToken;
      this.swapSeconds += bytes / speed;
      this.movedBytes += bytes;
      this.enterFlight(side, id);
      this.joinDecoders(side, id);
    }
  }

  /** Disaggregated decode side: requests whose KV has landed join when blocks and batch room allow. */
  private admitReady(side: Side): void {
    while (side.waiting.size > 0 && side.swapped.size === 0 && side.flightCount < this.maxBatch) {
      const id = side.waiting.front();
      const tokens = (this.input[id] as number) + (this.generated[id] as number);
      const need = this.blocksFor(tokens + 1);
      if (need > side.totalBlocks) {
        side.waiting.popFront();
        this.drop(side, id);
        continue;
      }
      if (side.totalBlocks - side.usedBlocks < need) break;
      side.waiting.popFront();
      this.blocks[id] = need;
      side.usedBlocks += need;
      side.heldTokens += tokens;
      this.enterFlight(side, id);
      this.joinDecoders(side, id);
    }
  }

  /** Composes and runs one step (or a stretch of decode-only steps) on `side`; false when there was nothing to run. */
  private runStep(side: Side, until: number): boolean {
    this.pull(side);
    const batch = this.batch;
    batch.prefillTokens = 0;
    batch.prefillRequests = 0;
    batch.prefillContextTokens = 0;
    batch.decodeRequests = 0;
    batch.decodeContextTokens = 0;
    this.chunkCount = 0;
    this.decodesRun = false;
    this.swapSeconds = 0;
    const preemptedBefore = this.preemptions;
    // A smaller cache (setCost) evicts the newest requests until what is held fits.
    while (side.usedBlocks > side.totalBlocks && side.flightCount > 0) this.preemptNewest(side);
    // vLLM's order: the running requests first (their next blocks, evicting the newest when none is free), then
    // swapped requests back (only if nothing was evicted this step: there is no room), then new prompts.
    if (side.role === 'prefill') this.schedulePrompts(side, this.maxTokens);
    else if (this.prefillFirst && side.role === 'both') {
      this.schedulePrompts(side, this.maxTokens);
      if (this.chunkCount === 0) {
        this.growDecoders(side);
        if (this.preemptions === preemptedBefore) this.swapIn(side);
        this.decodesRun = side.decoders > 0;
      }
    } else {
      this.growDecoders(side);
      if (this.preemptions === preemptedBefore) this.swapIn(side);
      this.decodesRun = side.decoders > 0;
      if (side.role === 'decode') this.admitReady(side);
      else this.schedulePrompts(side, this.maxTokens - side.decoders);
      // Requests admitted on the decode side decode in this very step.
      this.decodesRun = side.decoders > 0;
    }
    if (this.decodesRun) {
      batch.decodeRequests = side.decoders;
      batch.decodeContextTokens = side.decodeContext;
    }
    if (this.chunkCount === 0 && !this.decodesRun && this.swapSeconds === 0) return false;
    const queued = side.waiting.size + side.swapped.size;
    if (queued > side.maxQueue) side.maxQueue = queued;
    if (side.flightCount > side.maxFlight) side.maxFlight = side.flightCount;
    if (side.usedBlocks > side.peakBlocks) side.peakBlocks = side.usedBlocks;
    // A decode-only step after which nothing can join until a decoder finishes (whatever waits did not fit, and
    // nothing was evicted to make room this step): run the stretch of such steps at once.
    if (
      this.chunkCount === 0 &&
      this.swapSeconds === 0 &&
      this.decodesRun &&
      side.prefillingCount === 0 &&
      this.preemptions === preemptedBefore
    )
      this.runDecodeStretch(side, until);
    else this.runOne(side);
    return true;
  }

  private record(side: Side, start: number, seconds: number): void {
    if (this.timeline.length < this.timelineLimit)
      this.timeline.push({
        startSeconds: start,
        seconds,
        prefillTokens: this.batch.prefillTokens,
        decodeRequests: this.batch.decodeRequests,
      });
    if (side === this.main && this.series.due(start))
      this.series.add(
        start,
        side.waiting.size + side.swapped.size + (this.prefill ? this.prefill.waiting.size : 0),
        side.flightCount,
        side.totalBlocks > 0 ? side.usedBlocks / side.totalBlocks : 0,
      );
  }

  private tick(): void {
    this.stepsSinceProgress += 1;
    if (this.stepsSinceProgress >= PROGRESS_STEPS) {
      this.stepsSinceProgress = 0;
      const progress = this.inputs.progress;
      if (progress && !progress(this.requests > 0 ? this.completedCount / this.requests : 1))
        throw new ServingCancelled();
    }
  }

  /** The step's seconds from the cost model (a non-positive or non-finite answer counts as zero); joules in `out`. */
  private costOf(side: Side): number {
    this.out.seconds = 0;
    this.out.joules = 0;
    side.cost.step(this.batch, this.out);
    const seconds = this.out.seconds;
    return seconds > 0 && Number.isFinite(seconds) ? seconds : 0;
  }

  private integrate(side: Side, seconds: number): void {
    const queued = side.waiting.size + side.swapped.size;
    side.queueArea += queued * seconds;
    side.flightArea += side.flightCount * seconds;
    side.systemArea += (queued + side.flightCount) * seconds;
    side.blockArea += side.usedBlocks * seconds;
    side.emptySlotArea += (side.usedBlocks * this.blockTokens - side.heldTokens) * seconds;
    side.busySeconds += seconds;
    side.steps += 1;
  }

  /** Decoders due to finish by the side's tick leave, oldest first. */
  private completeDue(side: Side): void {
    const due = this.dueInAdmissionOrder(side, side.completions, side.decodeTick);
    for (let index = 0; index < due; index += 1) this.complete(side, this.due[index] as number, side.clock);
  }

  /**
   * Pops the live events of `heap` keyed at most `tick` into `due` (with their keys in `dueKey`), sorted by the
   * requests' admission order; returns how many. Few are due at once (a boundary comes every `kvBlockTokens`
   * steps per request), so an insertion sort.
   */
  private dueInAdmissionOrder(side: Side, heap: TickHeap, tick: number): number {
    let count = 0;
    while (heap.size > 0 && heap.topKey() <= tick) {
      const id = heap.topId();
      const epoch = heap.topEpoch();
      const key = heap.topKey();
      heap.pop();
      if (this.epoch[id] !== epoch || this.phase[id] !== DECODE) continue;
      if (count === this.due.length) {
        const grown = new Int32Array(count * 2);
        grown.set(this.due);
        this.due = grown;
        const keys = new Float64Array(count * 2);
        keys.set(this.dueKey);
        this.dueKey = keys;
      }
      let at = count;
      const slot = this.slot[id] as number;
      while (at > 0 && (this.slot[this.due[at - 1] as number] as number) > slot) {
        this.due[at] = this.due[at - 1] as number;
        this.dueKey[at] = this.dueKey[at - 1] as number;
        at -= 1;
      }
      this.due[at] = id;
      this.dueKey[at] = key;
      count += 1;
    }
    void side;
    return count;
  }

  /** Runs the composed step and applies it: prompt chunks advance, decoders generate, finished requests leave. */
  private runOne(side: Side): void {
    const start = side.clock;
    let seconds = this.chunkCount > 0 || this.decodesRun ? this.costOf(side) : 0;
    const joules = this.chunkCount > 0 || this.decodesRun ? this.out.joules : 0;
    seconds += this.swapSeconds;
    this.integrate(side, seconds);
    side.joules += joules;
    this.record(side, start, seconds);
    side.clock = start + seconds;
    if (this.decodesRun) {
      side.decodeTick += 1;
      side.decodeContext += side.decoders;
      side.heldTokens += side.decoders;
      this.completeDue(side);
    }
    let finished = 0;
    for (let index = 0; index < this.chunkCount; index += 1) {
      const id = this.chunkIds[index] as number;
      const chunk = this.chunkTokens[index] as number;
      this.prefilled[id] = (this.prefilled[id] as number) + chunk;
      side.heldTokens += chunk;
      if (this.prefilled[id] !== this.target[id]) continue;
      finished += 1;
      // The prompt is done: its (next) token comes out at the end of this step.
      this.generated[id] = (this.generated[id] as number) + 1;
      side.heldTokens += 1;
      this.phase[id] = WAITING; // between phases until placed below
      if (side.role === 'prefill') {
        this.startTransfer(side, id);
        continue;
      }
      if (Number.isNaN(this.firstToken[id])) this.firstToken[id] = side.clock;
      if (this.generated[id] >= (this.output[id] as number)) this.complete(side, id, side.clock);
      else this.joinDecoders(side, id);
    }
    if (finished > 0) {
      let kept = 0;
      for (let index = 0; index < side.prefillingCount; index += 1) {
        const id = side.prefilling[index] as number;
        if (this.phase[id] !== PREFILL) continue;
        side.prefilling[kept] = id;
        kept += 1;
      }
      side.prefillingCount = kept;
    }
    this.tick();
  }

  /**
   * Disaggregated: the prompt's KV leaves the prefill side over the link, one transfer after another (the link is
   * busy for bytes / bandwidth; the latency overlaps the next transfer). The first token reaches the user when the
   * KV lands, so TTFT includes the transfer.
   */
  private startTransfer(side: Side, id: number): void {
    const tokens = (this.input[id] as number) + (this.generated[id] as number);
    side.usedBlocks -= this.blocks[id] as number;
    side.heldTokens -= tokens;
    this.blocks[id] = 0;
    this.leaveFlight(side, id);
    const link = this.inputs.scheduler.disaggregated;
    const bytes = (tokens - 1) * this.main.cost.kvBytesPerToken;
    const begin = Math.max(side.clock, this.linkFree);
    const busy = link && link.transferBytesPerSecond > 0 ? bytes / link.transferBytesPerSecond : 0;
    this.linkFree = begin + busy;
    const ready = begin + busy + (link?.transferLatencySeconds ?? 0);
    this.movedBytes += bytes;
    this.readyTime[id] = ready;
    // In the system while in transit.
    side.systemArea += ready - side.clock;
    if (Number.isNaN(this.firstToken[id])) this.firstToken[id] = ready;
    if ((this.generated[id] as number) >= (this.output[id] as number)) {
      this.phase[id] = DONE;
      this.finishTime[id] = ready;
      this.completedCount += 1;
      if (ready > this.lastCompletion) this.lastCompletion = ready;
      this.finishNext(ready);
      return;
    }
    this.phase[id] = TRANSFER;
    this.transfers.pushBack(id);
  }

  /**
   * Decode-only steps with unchanged membership, run without recomposing: until the next decoder finishes, an
   * arrival could be admitted (only when nothing waits: a waiting head that did not fit stays blocked until a
   * completion), or `until`. Each step is still costed, with the context growing by one token per decoder per
   * step. KV block boundaries inside the stretch are taken in bulk when the free blocks cover the most the
   * stretch can need (each decoder one block per `kvBlockTokens` steps); otherwise the stretch stops at the next
   * boundary, so preemption happens at the exact step. The block-time integral of a stretch uses the mean of its
   * start and end block counts (the block count steps up at boundaries in between).
   */
  private runDecodeStretch(side: Side, until: number): void {
    const n = side.decoders;
    const firstDone = side.completions.topKey();
    let steps = Math.max(1, firstDone - side.decodeTick);
    const boundary = side.boundaries.topKey();
    if (boundary - side.decodeTick < steps) {
      const mostNeeded = n * Math.ceil(steps / this.blockTokens);
      if (mostNeeded > side.totalBlocks - side.usedBlocks) steps = Math.max(1, boundary - side.decodeTick);
    }
    if (steps === 1) {
      this.runOne(side);
      return;
    }
    const arrivalMatters = side.waiting.size === 0 && side.swapped.size === 0;
    const stopAt = Math.min(
      until,
      arrivalMatters ? Math.min(this.nextEvent(side), this.prefillHorizon()) : Infinity,
    );
    const startContext = side.decodeContext;
    const startBlocks = side.usedBlocks;
    const startHeld = side.heldTokens;
    const queued = side.waiting.size + side.swapped.size;
    let done = 0;
    let time = side.clock;
    let heldArea = 0;
    while (done < steps) {
      this.batch.decodeContextTokens = startContext + done * n;
      const seconds = this.costOf(side);
      side.joules += this.out.joules;
      this.record(side, time, seconds);
      heldArea += (startHeld + done * n) * seconds;
      time += seconds;
      done += 1;
      side.steps += 1;
      this.tick();
      if (time >= stopAt) break;
    }
    const total = time - side.clock;
    side.clock = time;
    side.decodeTick += done;
    side.decodeContext += done * n;
    side.heldTokens += done * n;
    // The boundaries passed: blocks taken (the free ones covered them).
    const boundaries = side.boundaries;
    while (boundaries.size > 0 && boundaries.topKey() < side.decodeTick) {
      const id = boundaries.topId();
      const epoch = boundaries.topEpoch();
      const key = boundaries.topKey();
      boundaries.pop();
      if (this.epoch[id] !== epoch || this.phase[id] !== DECODE) continue;
      this.blocks[id] = (this.blocks[id] as number) + 1;
      side.usedBlocks += 1;
      boundaries.push(key + this.blockTokens, id, epoch);
    }
    if (side.usedBlocks > side.peakBlocks) side.peakBlocks = side.usedBlocks;
    side.queueArea += queued * total;
    side.flightArea += n * total;
    side.systemArea += (queued + n) * total;
    const meanBlocks = (startBlocks + side.usedBlocks) / 2;
    side.blockArea += meanBlocks * total;
    side.emptySlotArea += meanBlocks * this.blockTokens * total - heldArea;
    side.busySeconds += total;
    this.completeDue(side);
  }

  /** The figures of the run so far (normally called once every request is done). */
  finish(): ServingRun {
    const count = this.requests;
    const duration = Math.max(0, this.lastCompletion - this.startTime);
    const ttft = new Float64Array(count).fill(NaN);
    const tpot = new Float64Array(count).fill(NaN);
    const endToEnd = new Float64Array(count).fill(NaN);
    const wait = new Float64Array(count).fill(NaN);
    let inputTokens = 0;
    let outputTokens = 0;
    let lastArrival = this.startTime;
    for (let id = 0; id < count; id += 1) {
      const arrival = this.arrival[id] as number;
      if (this.phase[id] !== PENDING && arrival > lastArrival) lastArrival = arrival;
      if (this.phase[id] !== DONE) continue;
      const first = this.firstToken[id] as number;
      const end = this.finishTime[id] as number;
      const outputs = this.output[id] as number;
      ttft[id] = first - arrival;
      endToEnd[id] = end - arrival;
      wait[id] = (this.firstStart[id] as number) - arrival;
      if (outputs > 1) tpot[id] = (end - first) / (outputs - 1);
      inputTokens += this.input[id] as number;
      outputTokens += outputs;
    }
    const sides = this.prefill ? [this.prefill, this.main] : [this.main];
    let queueArea = 0;
    let flightArea = 0;
    let systemArea = 0;
    let joules = 0;
    let steps = 0;
    let maxQueue = 0;
    let maxFlight = 0;
    for (const side of sides) {
      queueArea += side.queueArea;
      flightArea += side.flightArea;
      systemArea += side.systemArea;
      // Idle power whenever a side runs no step (stalls included) between the first arrival and the last completion.
      joules += side.joules + side.cost.idleWatts * Math.max(0, duration - side.busySeconds);
      steps += side.steps;
      maxQueue += side.maxQueue;
      maxFlight += side.maxFlight;
    }
    const completed = this.completedCount;
    const per = (value: number) => (duration > 0 ? value / duration : 0);
    const arrivalSpan = lastArrival - this.startTime;
    const main = this.main;
    const figures: ServingFigures = {
      requests: count,
      completed,
      durationSeconds: duration,
      offeredPerSecond: this.closed || !(arrivalSpan > 0) ? per(completed) : count / arrivalSpan,
      requestsPerSecond: per(completed),
      outputTokensPerSecond: per(outputTokens),
      inputTokensPerSecond: per(inputTokens),
      ttft: latencyStats(ttft),
      tpot: latencyStats(tpot),
      endToEnd: latencyStats(endToEnd),
      queueWait: latencyStats(wait),
      queue: { mean: per(queueArea), max: maxQueue },
      batch: { mean: per(flightArea), max: maxFlight },
      inSystemMean: per(systemArea),
      kv: {
        capacityTokens: main.totalBlocks * this.blockTokens,
        blockTokens: this.blockTokens,
        meanUtilization: main.totalBlocks > 0 ? per(main.blockArea) / main.totalBlocks : 0,
        peakUtilization: main.totalBlocks > 0 ? main.peakBlocks / main.totalBlocks : 0,
        fragmentation: main.blockArea > 0 ? main.emptySlotArea / (main.blockArea * this.blockTokens) : 0,
      },
      preemptions: this.preemptions,
      kvMovedBytes: this.movedBytes,
      steps,
      energyJoules: joules,
      energyPerRequestJoules: completed > 0 ? joules / completed : 0,
      averagePowerWatts: per(joules),
    };
    if (this.inputs.slo) figures.goodput = goodput(this.inputs.slo, ttft, tpot, completed, duration);
    return {
      figures,
      series: {
        timeSeconds: [...this.series.time],
        queue: [...this.series.queue],
        running: [...this.series.running],
        kvUtilization: [...this.series.kv],
      },
      timeline: this.timeline,
    };
  }

  /** Notes on the run (swap without a host path, requests too large for the KV cache). */
  get notes(): readonly string[] {
    return this.warnings;
  }
}

/** One serving run: the stream through the scheduler to its last completion. */
export function simulate(input: SimulationInput): ServingRun {
  const simulator = new ServingSimulator(input);
  simulator.advance(Infinity);
  return simulator.finish();
}
