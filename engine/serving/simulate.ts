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

/** A min-heap of request ids by arrival time (closed-loop arrivals are made as requests complete). */
class ArrivalHeap {
  private readonly ids: Int32Array;
  size = 0;
  constructor(
    capacity: number,
    private readonly key: Float64Array,
  ) {
    this.ids = new Int32Array(Math.max(1, capacity));
  }
  topKey(): number {
    return this.size > 0 ? (this.key[this.ids[0] as number] as number) : Infinity;
  }
  push(id: number): void {
    let at = this.size;
    this.size += 1;
    const value = this.key[id] as number;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const other = this.ids[parent] as number;
      if ((this.key[other] as number) <= value) break;
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
      const value = this.key[last] as number;
      let at = 0;
      for (;;) {
        let child = 2 * at + 1;
        if (child >= this.size) break;
        const right = child + 1;
        if (
          right < this.size &&
          (this.key[this.ids[right] as number] as number) < (this.key[this.ids[child] as number] as number)
        )
          child = right;
        if ((this.key[this.ids[child] as number] as number) >= value) break;
        this.ids[at] = this.ids[child] as number;
        at = child;
      }
      this.ids[at] = last;
    }
    return top;
  }
}

type Role = 'both' | 'prefill' | 'decode';

/** One set of chips running steps: the whole design, or the prefill or decode side of a disaggregated one. */
class Side {
  clock: number;
  totalBlocks: number;
  usedBlocks = 0;
  heldTokens = 0;
  readonly waiting: Deque;
  readonly swapped: Deque;
  readonly flight: Int32Array;
  flightCount = 0;
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
    this.flight = new Int32Array(Math.max(1, Math.min(maxBatch, requests)) + 1);
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
  private readonly generated: Int32Array;
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
  private stalledSeconds = 0;
  private stepsSinceProgress = 0;
  private readonly warnings: string[] = [];
  private readonly series: SeriesRecorder;
  private readonly timeline: TimelineStep[] = [];
  private readonly timelineLimit: number;
  // Scratch for one step.
  private readonly stepIds: Int32Array;
  private readonly stepChunk: Int32Array;
  private stepCount = 0;
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
    this.input = stream.input;
    this.output = stream.output;
    this.arrival = new Float64Array(count);
    this.target = new Int32Array(count);
    this.prefilled = new Int32Array(count);
    this.generated = new Int32Array(count);
    this.blocks = new Int32Array(count);
    this.phase = new Uint8Array(count);
    this.firstStart = new Float64Array(count).fill(NaN);
    this.firstToken = new Float64Array(count).fill(NaN);
    this.finishTime = new Float64Array(count).fill(NaN);
    this.readyTime = new Float64Array(count);
    for (let id = 0; id < count; id += 1) {
      this.input[id] = Math.max(1, this.input[id] as number);
      this.output[id] = Math.max(1, this.output[id] as number);
      this.target[id] = this.input[id] as number;
    }
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
      for (let id = 0; id < first; id += 1) {
        this.arrival[id] = 0;
        this.heap.push(id);
      }
      this.nextId = first;
    } else {
      this.arrival.set(stream.arrivals);
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
    const capacity = this.maxBatch + 1;
    this.stepIds = new Int32Array(capacity + 1);
    this.stepChunk = new Int32Array(capacity + 1);
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
    this.stalledSeconds += seconds;
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

  /** Tokens a request holds in the KV cache: its prompt so far while prefilling, else prompt + generated. */
  private held(id: number): number {
    return this.phase[id] === PREFILL
      ? (this.prefilled[id] as number)
      : (this.input[id] as number) + (this.generated[id] as number);
  }

  private release(side: Side, id: number): void {
    side.usedBlocks -= this.blocks[id] as number;
    side.heldTokens -= this.held(id);
    this.blocks[id] = 0;
  }

  /** Evicts the newest request in flight (vLLM's policy: the last admitted goes first). */
  private preemptNewest(side: Side): number {
    const index = side.flightCount - 1;
    const id = side.flight[index] as number;
    this.preemptions += 1;
    const tokens = this.held(id);
    const wasDecoding = this.phase[id] === DECODE;
    this.release(side, id);
    side.flightCount -= 1;
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

  private complete(side: Side, id: number): void {
    this.release(side, id);
    this.phase[id] = DONE;
    this.finishTime[id] = side.clock;
    this.completedCount += 1;
    if (side.clock > this.lastCompletion) this.lastCompletion = side.clock;
    this.finishNext(side.clock);
  }

  private addToStep(id: number, chunk: number): void {
    this.stepIds[this.stepCount] = id;
    this.stepChunk[this.stepCount] = chunk;
    this.stepCount += 1;
  }

  /** Puts waiting prompts (and partial ones) into the step within `budget` tokens; returns the tokens used. */
  private schedulePrompts(side: Side, budget: number): void {
    const batch = this.batch;
    let left = budget;
    for (let index = 0; index < side.flightCount && left > 0; index += 1) {
      const id = side.flight[index] as number;
      if (this.phase[id] !== PREFILL) continue;
      const remaining = (this.target[id] as number) - (this.prefilled[id] as number);
      const chunk = this.chunked ? Math.min(remaining, left) : remaining;
      batch.prefillTokens += chunk;
      batch.prefillRequests += 1;
      batch.prefillContextTokens += this.prefilled[id] as number;
      this.addToStep(id, chunk);
      left -= chunk;
    }
    while (side.waiting.size > 0 && side.flightCount < this.maxBatch && left > 0) {
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
      side.flight[side.flightCount] = id;
      side.flightCount += 1;
      batch.prefillTokens += chunk;
      batch.prefillRequests += 1;
      this.addToStep(id, chunk);
      left -= chunk;
      if (!this.chunked && prompt > budget) break;
    }
  }

  /** Adds every decoding request to the step, taking a block for its next token (preempting when none is free). */
  private scheduleDecodes(side: Side): void {
    const batch = this.batch;
    for (let index = 0; index < side.flightCount; index += 1) {
      const id = side.flight[index] as number;
      if (this.phase[id] !== DECODE) continue;
      const tokens = (this.input[id] as number) + (this.generated[id] as number);
      const need = this.blocksFor(tokens + 1);
      let evicted = false;
      while ((this.blocks[id] as number) < need) {
        if (side.usedBlocks < side.totalBlocks) {
          this.blocks[id] = (this.blocks[id] as number) + 1;
          side.usedBlocks += 1;
          continue;
        }
        if (side.flightCount === 1) {
          // Alone and still out of room: it can never finish on this cache.
          this.release(side, id);
          side.flightCount = 0;
          this.drop(side, id);
          evicted = true;
          break;
        }
        if (this.preemptNewest(side) === id) {
          evicted = true;
          break;
        }
      }
      if (evicted) break;
      batch.decodeRequests += 1;
      batch.decodeContextTokens += tokens;
      this.addToStep(id, 0);
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
      this.phase[id] = DECODE;
      side.flight[side.flightCount] = id;
      side.flightCount += 1;
    }
  }

  /** Disaggregated decode side: requests whose KV has landed join when blocks and batch room allow. */
  private admitReady(side: Side): void {
    while (side.waiting.size > 0 && side.flightCount < this.maxBatch) {
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
      this.phase[id] = DECODE;
      side.flight[side.flightCount] = id;
      side.flightCount += 1;
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
    this.stepCount = 0;
    this.swapSeconds = 0;
    // A smaller cache (setCost) evicts the newest requests until what is held fits.
    while (side.usedBlocks > side.totalBlocks && side.flightCount > 0) this.preemptNewest(side);
    if (side.role === 'prefill') this.schedulePrompts(side, this.maxTokens);
    else {
      this.swapIn(side);
      if (side.role === 'decode') {
        this.admitReady(side);
        this.scheduleDecodes(side);
      } else if (this.prefillFirst) {
        this.schedulePrompts(side, this.maxTokens);
        if (batch.prefillTokens === 0) this.scheduleDecodes(side);
      } else {
        this.scheduleDecodes(side);
        this.schedulePrompts(side, this.maxTokens - batch.decodeRequests);
      }
    }
    if (this.stepCount === 0 && this.swapSeconds === 0) return false;
    const queued = side.waiting.size + side.swapped.size;
    if (queued > side.maxQueue) side.maxQueue = queued;
    if (side.flightCount > side.maxFlight) side.maxFlight = side.flightCount;
    if (side.usedBlocks > side.peakBlocks) side.peakBlocks = side.usedBlocks;
    if (
      batch.prefillTokens === 0 &&
      this.swapSeconds === 0 &&
      side.role !== 'prefill' &&
      batch.decodeRequests === side.flightCount &&
      batch.decodeRequests > 0
    ) {
      this.runDecodeStretch(side, until);
      return true;
    }
    this.runOne(side);
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

  /** Runs the composed step and applies it: prompt chunks advance, decodes generate, finished requests leave. */
  private runOne(side: Side): void {
    const start = side.clock;
    let seconds = this.stepCount > 0 ? this.costOf(side) : 0;
    const joules = this.stepCount > 0 ? this.out.joules : 0;
    seconds += this.swapSeconds;
    this.integrate(side, seconds);
    side.joules += joules;
    this.record(side, start, seconds);
    side.clock = start + seconds;
    let leaving = 0;
    for (let index = 0; index < this.stepCount; index += 1) {
      const id = this.stepIds[index] as number;
      const chunk = this.stepChunk[index] as number;
      if (chunk > 0) {
        this.prefilled[id] = (this.prefilled[id] as number) + chunk;
        side.heldTokens += chunk;
        if (this.prefilled[id] !== this.target[id]) continue;
        // The prompt is done: its (next) token comes out at the end of this step.
        this.generated[id] = (this.generated[id] as number) + 1;
        side.heldTokens += 1;
        this.phase[id] = DECODE;
        if (side.role === 'prefill') {
          this.startTransfer(side, id);
          leaving += 1;
          continue;
        }
        if (Number.isNaN(this.firstToken[id])) this.firstToken[id] = side.clock;
      } else {
        this.generated[id] = (this.generated[id] as number) + 1;
        side.heldTokens += 1;
      }
      if (this.generated[id] >= (this.output[id] as number)) {
        this.complete(side, id);
        leaving += 1;
      }
    }
    if (leaving > 0) this.compactFlight(side);
    this.tick();
  }

  /** Drops requests that left (done, dropped, sent to the decode side) from the flight list, keeping order. */
  private compactFlight(side: Side): void {
    let kept = 0;
    for (let index = 0; index < side.flightCount; index += 1) {
      const id = side.flight[index] as number;
      const phase = this.phase[id];
      if (phase === PREFILL || phase === DECODE) {
        if (side.role === 'prefill' && phase === DECODE) continue;
        side.flight[kept] = id;
        kept += 1;
      }
    }
    side.flightCount = kept;
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
   * Decode-only steps with unchanged membership, advanced without recomposing: until the first request finishes,
   * an arrival could be admitted (only when nothing waits: a waiting head that did not fit stays blocked until a
   * completion), or `until`. Each step is still costed (the context grows by one token per request per step);
   * the KV blocks the stretch needs are taken at its start when they are free (else one step at a time, so
   * preemption happens exactly), and the block-time integral uses the mean of the start and end block counts.
   */
  private runDecodeStretch(side: Side, until: number): void {
    const n = side.flightCount;
    let longest = Infinity;
    for (let index = 0; index < n; index += 1) {
      const id = side.flight[index] as number;
      const left = (this.output[id] as number) - (this.generated[id] as number);
      if (left < longest) longest = left;
    }
    let steps = Math.max(1, longest);
    if (steps > 1) {
      let extra = 0;
      for (let index = 0; index < n; index += 1) {
        const id = side.flight[index] as number;
        const tokens = (this.input[id] as number) + (this.generated[id] as number);
        extra += Math.max(0, this.blocksFor(tokens + steps) - (this.blocks[id] as number));
      }
      if (extra > side.totalBlocks - side.usedBlocks) steps = 1;
    }
    if (steps === 1) {
      this.runOne(side);
      return;
    }
    const arrivalMatters = side.waiting.size === 0 && side.swapped.size === 0;
    const nextArrival = arrivalMatters ? this.nextEvent(side) : Infinity;
    const stopAt = Math.min(until, nextArrival);
    const startContext = this.batch.decodeContextTokens;
    const startBlocks = side.usedBlocks;
    const startHeld = side.heldTokens;
    const queued = side.waiting.size + side.swapped.size;
    let done = 0;
    let time = side.clock;
    let total = 0;
    let heldArea = 0;
    while (done < steps) {
      this.batch.decodeContextTokens = startContext + done * n;
      const seconds = this.costOf(side);
      side.joules += this.out.joules;
      this.record(side, time, seconds);
      heldArea += (startHeld + done * n) * seconds;
      time += seconds;
      total += seconds;
      done += 1;
      side.steps += 1;
      this.tick();
      if (time >= stopAt) break;
    }
    side.clock = time;
    let blocksAfter = side.usedBlocks;
    for (let index = 0; index < n; index += 1) {
      const id = side.flight[index] as number;
      const generated = (this.generated[id] as number) + done;
      this.generated[id] = generated;
      const need = this.blocksFor((this.input[id] as number) + generated);
      if (need > (this.blocks[id] as number)) {
        blocksAfter += need - (this.blocks[id] as number);
        this.blocks[id] = need;
      }
    }
    side.usedBlocks = blocksAfter;
    side.heldTokens += done * n;
    if (blocksAfter > side.peakBlocks) side.peakBlocks = blocksAfter;
    side.queueArea += queued * total;
    side.flightArea += n * total;
    side.systemArea += (queued + n) * total;
    const meanBlocks = (startBlocks + blocksAfter) / 2;
    side.blockArea += meanBlocks * total;
    side.emptySlotArea += meanBlocks * this.blockTokens * total - heldArea;
    side.busySeconds += total;
    if (done === steps) {
      let leaving = 0;
      for (let index = 0; index < n; index += 1) {
        const id = side.flight[index] as number;
        if ((this.generated[id] as number) >= (this.output[id] as number)) {
          this.complete(side, id);
          leaving += 1;
        }
      }
      if (leaving > 0) this.compactFlight(side);
    }
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
