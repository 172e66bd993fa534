import { describe, expect, it } from 'vitest';
import { MinHeap } from './min-heap';

describe('MinHeap', () => {
  it('pops items in key order, ties by the lower item, whatever order they were pushed in', () => {
    // A deterministic shuffle of 200 (item, key) pairs with many equal keys.
    const entries = Array.from({ length: 200 }, (_, item) => ({ item, key: (item * 37) % 23 }));
    const shuffled = [...entries].sort((a, b) => ((a.item * 7919) % 211) - ((b.item * 7919) % 211));
    const heap = new MinHeap();
    for (const { item, key } of shuffled) heap.push(item, key);
    const popped: { item: number; key: number }[] = [];
    for (let next = heap.pop(); next; next = heap.pop()) popped.push(next);
    const expected = [...entries].sort((a, b) => a.key - b.key || a.item - b.item);
    expect(popped).toEqual(expected);
    expect(heap.size).toBe(0);
  });

  it('returns nothing when empty and keeps working after being emptied', () => {
    const heap = new MinHeap();
    expect(heap.pop()).toBeUndefined();
    heap.push(3, 1.5);
    heap.push(1, 0.5);
    expect(heap.pop()).toEqual({ item: 1, key: 0.5 });
    expect(heap.pop()).toEqual({ item: 3, key: 1.5 });
    expect(heap.pop()).toBeUndefined();
  });
});
