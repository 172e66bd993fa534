/**
 * Maximum flow (Dinic's algorithm) on a small directed graph with real-valued capacities. The resolve stage
 * uses it to find how many bytes per second a group of compute blocks can pull from a memory level: the
 * narrowest link bounds a path, parallel paths add, and a link shared by several consumers divides its
 * bandwidth — all three fall out of max-flow / min-cut.
 */

/**
 * Residual capacity below this (bytes per second) counts as saturated: floating-point subtraction leaves crumbs
 * that would otherwise send Dinic's search round forever. Far below any bandwidth a block states (≥ 1 MB/s).
 */
const SATURATED = 1e-9;

interface Edge {
  to: number;
  capacity: number;
  reverse: number;
}

export class FlowNetwork {
  private readonly edges: Edge[][] = [];

  constructor(readonly size: number) {
    for (let node = 0; node < size; node += 1) this.edges.push([]);
  }

  /** Adds a directed edge; capacity may be `Infinity` (no limit). */
  addEdge(from: number, to: number, capacity: number): void {
    const forward = this.edges[from];
    const backward = this.edges[to];
    if (!forward || !backward) throw new RangeError(`edge ${from} → ${to} outside the network`);
    forward.push({ to, capacity, reverse: backward.length });
    backward.push({ to: from, capacity: 0, reverse: forward.length - 1 });
  }

  /** The maximum flow from `source` to `sink`. Mutates the residual capacities (use a network once). */
  maxFlow(source: number, sink: number): number {
    let total = 0;
    const level = new Int32Array(this.size);
    const next = new Int32Array(this.size);
    const queue = new Int32Array(this.size);
    for (;;) {
      level.fill(-1);
      level[source] = 0;
      let head = 0;
      let tail = 0;
      queue[tail++] = source;
      while (head < tail) {
        const node = queue[head++] as number;
        for (const edge of this.edges[node] ?? []) {
          if (edge.capacity > SATURATED && level[edge.to] === -1) {
            level[edge.to] = (level[node] as number) + 1;
            queue[tail++] = edge.to;
          }
        }
      }
      if (level[sink] === -1) return total;
      next.fill(0);
      for (;;) {
        const pushed = this.push(source, sink, Infinity, level, next);
        if (pushed <= SATURATED) break;
        if (!Number.isFinite(pushed)) return Infinity;
        total += pushed;
      }
    }
  }

  private push(node: number, sink: number, limit: number, level: Int32Array, next: Int32Array): number {
    if (node === sink) return limit;
    const edges = this.edges[node] ?? [];
    for (; (next[node] as number) < edges.length; next[node] = (next[node] as number) + 1) {
      const edge = edges[next[node] as number] as Edge;
      if (edge.capacity <= SATURATED || level[edge.to] !== (level[node] as number) + 1) continue;
      const pushed = this.push(edge.to, sink, Math.min(limit, edge.capacity), level, next);
      if (pushed > SATURATED) {
        edge.capacity -= pushed;
        const back = this.edges[edge.to]?.[edge.reverse];
        if (back) back.capacity += pushed;
        return pushed;
      }
    }
    return 0;
  }
}
