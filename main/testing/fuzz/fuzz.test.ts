/**
 * The fuzzers at a small count on every unit run (a different seed each day would make failures hard to replay,
 * so the seeds are fixed); `npm run fuzz` runs 100,000 cases of each in worker threads.
 */
import { describe, expect, it } from 'vitest';
import { runJob } from './jobs';

const runs = Number(process.env.TESSERA_FUZZ_CASES ?? 300);

describe('fuzzing (small counts; npm run fuzz runs 100,000 each)', () => {
  it.each(['engine', 'import', 'api'] as const)('%s: no generated case fails', async (kind) => {
    const summary = await runJob({ kind, runs, seed: 1 });
    expect(summary.counterexample ?? 'none').toBe('none');
    expect(summary).toMatchObject({ cases: runs, failures: 0 });
  });
});
