import { describe, expect, it } from 'vitest';
import { FlowNetwork } from './max-flow';

describe('FlowNetwork', () => {
  it('is bounded by the narrowest edge of a chain', () => {
    const network = new FlowNetwork(4);
    network.addEdge(0, 1, 10);
    network.addEdge(1, 2, 3);
    network.addEdge(2, 3, 7);
    expect(network.maxFlow(0, 3)).toBe(3);
  });

  it('adds parallel paths', () => {
    const network = new FlowNetwork(4);
    network.addEdge(0, 1, 5);
    network.addEdge(1, 3, 5);
    network.addEdge(0, 2, 4);
    network.addEdge(2, 3, 4);
    expect(network.maxFlow(0, 3)).toBe(9);
  });

  it('shares an edge that two sources must cross', () => {
    // Two sources (1, 2) fed by the super source 0 both cross edge 3 → 4.
    const network = new FlowNetwork(5);
    network.addEdge(0, 1, Infinity);
    network.addEdge(0, 2, Infinity);
    network.addEdge(1, 3, 10);
    network.addEdge(2, 3, 10);
    network.addEdge(3, 4, 12);
    expect(network.maxFlow(0, 4)).toBe(12);
  });

  it('finds the classic min cut', () => {
    // CLRS figure 26.1: max flow 23.
    const network = new FlowNetwork(6);
    for (const [from, to, capacity] of [
      [0, 1, 16],
      [0, 2, 13],
      [1, 3, 12],
      [2, 1, 4],
      [2, 4, 14],
      [3, 2, 9],
      [3, 5, 20],
      [4, 3, 7],
      [4, 5, 4],
    ] as const)
      network.addEdge(from, to, capacity);
    expect(network.maxFlow(0, 5)).toBe(23);
  });

  it('reports an unbounded path as Infinity and an unreachable sink as 0', () => {
    const open = new FlowNetwork(2);
    open.addEdge(0, 1, Infinity);
    expect(open.maxFlow(0, 1)).toBe(Infinity);
    expect(new FlowNetwork(2).maxFlow(0, 1)).toBe(0);
  });
});
