/**
 * The Slurm recipe (recipes/slurm/), for real: a single-node Slurm cluster on this machine (installed from Debian
 * when missing), `submit.sh` submits the sweep as a job array of 3 shards and the merge after it, and the merged CSV
 * must equal a local unsharded run of the same sweep byte for byte. Drives no browser; runs once, in the browser
 * project. Needs root (or passwordless sudo) and skips, saying so, without it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { installSlurm, missingTools, rootAccess, startCluster, type SlurmCluster } from './slurm-cluster';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'out/main/cli.js');
const shards = 3;

// 8 batches × 3 prompt lengths = 24 points: small enough to be quick, enough for every shard to get several.
const spec = `format: tessera.sweep
version: 1
name: Slurm e2e
design: preset:nvidia-dgx-h100
workload:
  model: llama-3-8b
parameters:
  - path: workload.batch
    values: [1, 2, 4, 8, 16, 32, 64, 128]
  - path: workload.inputTokens
    values: [512, 1024, 2048]
strategy:
  kind: grid
`;

// Stopped after the test, whatever happened in it: afterEach runs also when the test times out, a finally in the
// test body might not.
let cluster: SlurmCluster | undefined;
const jobIds: string[] = [];
test.afterEach(async () => {
  await cluster?.stop(jobIds);
  cluster = undefined;
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `scontrol show job` of each job as key=value records (an array job gives one record per task). */
function jobRecords(on: SlurmCluster, id: string): Record<string, string>[] {
  const shown = on.slurm(['scontrol', '--oneliner', 'show', 'job', id]);
  if (shown.status !== 0) throw new Error(`scontrol show job ${id} failed: ${shown.stderr}`);
  return shown.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) =>
      Object.fromEntries(line.split(' ').map((field) => field.split('=', 2) as [string, string])),
    );
}

test('the Slurm recipe runs a sweep as a job array and merges it into what one local run gives', async () => {
  test.skip(test.info().project.name !== 'browser', 'drives no app: it runs once, in the browser project');
  const access = rootAccess();
  const refusal = 'reason' in access ? access.reason : undefined;
  test.skip(refusal !== undefined, `${refusal}`);
  if (!('prefix' in access)) return;
  // Installing Slurm (first run on a fresh machine), three array tasks and a merge: generous, not a speed test.
  test.setTimeout(15 * 60_000);
  expect(existsSync(cli), `${cli} is built (npm run build:fast)`).toBe(true);

  if (missingTools().length > 0) installSlurm(access.prefix);
  const started = await startCluster(access.prefix);
  cluster = started;
  const specFile = join(started.folder, 'sweep.yaml');
  writeFileSync(specFile, spec);
  const out = join(started.folder, 'results');

  const submitted = started.slurm(
    [
      'bash',
      join(root, 'recipes/slurm/submit.sh'),
      '--spec',
      specFile,
      '--shards',
      String(shards),
      '--out',
      out,
      '--result',
      'all.csv',
      '--cli',
      cli,
    ],
    { cwd: started.folder },
  );
  expect(submitted.status, `submit.sh: ${submitted.stderr}`).toBe(0);
  const arrayId = /^sweep array job: (\d+)/m.exec(submitted.stdout)?.[1];
  const mergeId = /^merge job: (\d+)/m.exec(submitted.stdout)?.[1];
  expect(arrayId, submitted.stdout).toBeDefined();
  expect(mergeId, submitted.stdout).toBeDefined();
  if (arrayId === undefined || mergeId === undefined) return;
  jobIds.push(arrayId, mergeId);

  // No slurmdbd, so no sacct: wait until squeue lists neither job, then read their ends from scontrol.
  for (let waited = 0; ; waited += 1000) {
    const queued = started.slurm([
      'squeue',
      '--noheader',
      '--jobs',
      `${arrayId},${mergeId}`,
      '--format=%i %T',
    ]);
    if (queued.stdout.trim() === '') break;
    if (waited > 10 * 60_000) throw new Error(`the jobs are still queued after 10 min:\n${queued.stdout}`);
    await sleep(1000);
  }
  const log = (name: string): string =>
    existsSync(join(out, 'logs', name)) ? readFileSync(join(out, 'logs', name), 'utf8') : '(no log)';
  const tasks = jobRecords(started, arrayId);
  expect(tasks.map((task) => Number(task.ArrayTaskId)).sort((a, b) => a - b)).toEqual([1, 2, 3]);
  for (const task of tasks)
    expect(
      [task.JobState, task.ExitCode],
      `array task ${task.ArrayTaskId}: ${log(`sweep-${arrayId}_${task.ArrayTaskId}.out`)}\n${started.logs()}`,
    ).toEqual(['COMPLETED', '0:0']);
  const [merge] = jobRecords(started, mergeId);
  expect([merge?.JobState, merge?.ExitCode], `merge: ${log(`merge-${mergeId}.out`)}`).toEqual([
    'COMPLETED',
    '0:0',
  ]);
  // Each shard wrote its own part.
  for (let shard = 1; shard <= shards; shard += 1)
    expect(existsSync(join(out, `part-${shard}.jsonl`))).toBe(true);

  const local = join(started.folder, 'local.csv');
  const unsharded = spawnSync(process.execPath, [cli, 'sweep', '--spec', specFile, '--out', local], {
    encoding: 'utf8',
  });
  expect(unsharded.status, `the local run: ${unsharded.stderr}`).toBe(0);
  const merged = readFileSync(join(out, 'all.csv'));
  const expected = readFileSync(local);
  // A header and one line per point; then the very bytes.
  expect(expected.toString('utf8').trimEnd().split('\n')).toHaveLength(1 + 24);
  expect(
    merged.equals(expected),
    `merged:\n${merged.toString('utf8')}\nlocal:\n${expected.toString('utf8')}`,
  ).toBe(true);

  const pids = started.pids();
  expect(pids).toHaveLength(3);
  await started.stop();
  for (const pid of pids)
    expect(spawnSync('kill', ['-0', String(pid)]).status, `daemon ${pid} stopped`).not.toBe(0);
  expect(existsSync(started.folder)).toBe(false);
});
