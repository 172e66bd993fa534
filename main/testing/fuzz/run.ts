/**
 * `npm run fuzz`: the engine, the API and the importers, each over 100,000 generated cases (or `--cases N`), from
 * a fixed seed (or `--seed N`) so that a run can be replayed. Jobs of at most 10,000 cases go to one worker thread
 * per core. Prints one line per kind — cases, failures, the slowest case — and every counterexample; exits 1 on
 * any failure, and on a job that runs longer than its bound (a hang).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FuzzSummary } from './outcome';
import type { FuzzJob, FuzzKind } from './jobs';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a whole number ≥ 1`);
  return value;
}

const cases = option('--cases', 100_000);
const seed = option('--seed', 20_261_203);
const kinds: FuzzKind[] = ['engine', 'import', 'api'];
const only = process.argv.indexOf('--only');
const chosen = only >= 0 ? kinds.filter((kind) => kind === process.argv[only + 1]) : kinds;
/** Engine and import jobs are split so both cores stay busy; the API job keeps one project (sequential by nature). */
const chunk = { engine: 10_000, import: 10_000, api: 50_000 } as const;
/** A job still running after this is a hang: no case takes more than a few seconds. */
const jobBoundMilliseconds = 10 * 60 * 1000;

const jobs: FuzzJob[] = chosen.flatMap((kind) =>
  Array.from({ length: Math.ceil(cases / chunk[kind]) }, (_, index) => ({
    kind,
    runs: Math.min(chunk[kind], cases - index * chunk[kind]),
    seed: seed + index,
  })),
);
// The API's jobs first: each is one long sequence, the others fill the cores around them.
jobs.sort((a, b) => Number(b.kind === 'api') - Number(a.kind === 'api'));

const totals = new Map<FuzzKind, { cases: number; failures: number; max: number; examples: string[] }>();
for (const kind of chosen) totals.set(kind, { cases: 0, failures: 0, max: 0, examples: [] });

function record(job: FuzzJob, summary: FuzzSummary): void {
  const total = totals.get(job.kind);
  if (!total) return;
  total.cases += summary.cases;
  total.failures += summary.failures;
  total.max = Math.max(total.max, summary.maxMilliseconds);
  if (summary.counterexample) total.examples.push(`seed ${job.seed}: ${summary.counterexample}`);
}

const started = performance.now();
const workers = Math.max(1, Math.min(availableParallelism(), jobs.length));
let next = 0;

async function drain(): Promise<void> {
  while (next < jobs.length) {
    const job = jobs[next++] as FuzzJob;
    const worker = new Worker(join(import.meta.dirname, '../tsx-worker.mjs'), {
      workerData: { entry: join(import.meta.dirname, 'worker.ts') },
    });
    const outcome = await new Promise<{ ok: true; summary: FuzzSummary } | { ok: false; error: string }>(
      (resolve) => {
        const timer = setTimeout(() => {
          resolve({ ok: false, error: `no answer after ${jobBoundMilliseconds / 1000} s: a case hangs` });
        }, jobBoundMilliseconds);
        worker.once(
          'message',
          (message: { ok: true; summary: FuzzSummary } | { ok: false; error: string }) => {
            clearTimeout(timer);
            resolve(message);
          },
        );
        worker.once('error', (error) => {
          clearTimeout(timer);
          resolve({ ok: false, error: error.stack ?? String(error) });
        });
        worker.postMessage(job);
      },
    );
    await worker.terminate();
    if (outcome.ok) record(job, outcome.summary);
    else
      record(job, {
        name: job.kind,
        cases: 0,
        failures: 1,
        maxMilliseconds: 0,
        counterexample: outcome.error,
      });
  }
}

await Promise.all(Array.from({ length: workers }, () => drain()));

let failed = false;
for (const [kind, total] of totals) {
  console.log(
    `fuzz ${kind}: ${total.cases} cases, ${total.failures} failures, max ${total.max.toFixed(0)} ms per case`,
  );
  for (const example of total.examples) console.log(`  counterexample (${kind}, ${example})`);
  if (total.failures > 0) failed = true;
}
console.log(
  `fuzz: seed ${seed}, ${workers} worker threads, ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
process.exit(failed ? 1 : 0);
