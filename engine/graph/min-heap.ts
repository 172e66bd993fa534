/**
 * A binary min-heap of node indices keyed by a number, for Dijkstra's shortest paths. Ties go to the lower index,
 * so routes are the same whatever order entries arrive in. Entries are never decreased in place: a node pushed
 * again with a lower key simply has a stale entry left behind, which the caller skips when it is popped.
 */
export class MinHeap {
  private readonly keys: number[] = [];
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: number, key: number): void {
    this.keys.push(key);
    this.items.push(item);
    this.up(this.items.length - 1);
  }

  /** The item with the smallest key (and its key), or undefined when empty. */
  pop(): { item: number; key: number } | undefined {
    const count = this.items.length;
    if (count === 0) return undefined;
    const top = { item: this.items[0] as number, key: this.keys[0] as number };
    const lastItem = this.items.pop() as number;
    const lastKey = this.keys.pop() as number;
    if (count > 1) {
      this.items[0] = lastItem;
      this.keys[0] = lastKey;
      this.down(0);
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const keyA = this.keys[a] as number;
    const keyB = this.keys[b] as number;
    return keyA < keyB || (keyA === keyB && (this.items[a] as number) < (this.items[b] as number));
  }

  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b] as number, this.keys[a] as number];
    [this.items[a], this.items[b]] = [this.items[b] as number, this.items[a] as number];
  }

  private up(index: number): void {
    let at = index;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(at, parent)) return;
      this.swap(at, parent);
      at = parent;
    }
  }

  private down(index: number): void {
    const count = this.items.length;
    let at = index;
    for (;;) {
      const left = at * 2 + 1;
      const right = left + 1;
      let smallest = at;
      if (left < count && this.before(left, smallest)) smallest = left;
      if (right < count && this.before(right, smallest)) smallest = right;
      if (smallest === at) return;
      this.swap(at, smallest);
      at = smallest;
    }
  }
}
