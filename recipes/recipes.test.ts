/**
 * The cluster recipes without a cluster: the Kubernetes manifests validate against Kubernetes' own schema (the
 * OpenAPI definitions `kubernetes-models` is generated from), and every script — the pods' shell commands, the
 * Slurm batch scripts and submit.sh — is run for real with `node` and `sbatch` replaced by stand-ins that record
 * their arguments, so the test sees the exact command line each shard runs. e2e/slurm.spec.ts runs the Slurm recipe
 * on a real single-node cluster.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1';
import { PersistentVolumeClaim } from 'kubernetes-models/v1';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../main/cli/commands';

const here = import.meta.dirname;
type Manifest = Record<string, unknown> & { apiVersion?: unknown; kind?: unknown };

const manifests = (file: string): Manifest[] =>
  parseAllDocuments(readFileSync(join(here, 'kubernetes', file), 'utf8')).map((document) => {
    expect(document.errors, `${file}: YAML errors`).toEqual([]);
    return document.toJS() as Manifest;
  });

/** Kubernetes' schema check of one object by its apiVersion and kind; throws with the schema's messages. */
function validate(manifest: Manifest): void {
  const type = `${String(manifest.apiVersion)}/${String(manifest.kind)}`;
  if (type === 'batch/v1/Job') new Job(manifest as ConstructorParameters<typeof Job>[0]).validate();
  else if (type === 'v1/PersistentVolumeClaim')
    new PersistentVolumeClaim(manifest as ConstructorParameters<typeof PersistentVolumeClaim>[0]).validate();
  else throw new Error(`no schema for ${type} in this test: add its kubernetes-models class`);
}

/** The parts of a Job's single container the test checks, read defensively. */
interface JobShape {
  spec: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    template: {
      spec: {
        restartPolicy?: string;
        containers: {
          command?: string[];
          args?: string[];
          env?: { name: string; value?: string }[];
          volumeMounts?: { name: string; mountPath: string }[];
        }[];
        volumes?: {
          name: string;
          persistentVolumeClaim?: { claimName: string };
          configMap?: { name: string };
        }[];
      };
    };
  };
}
const jobNamed = (all: Manifest[], name: string): JobShape => {
  const job = all.find(
    (manifest) => manifest.kind === 'Job' && (manifest.metadata as { name?: string }).name === name,
  );
  if (job === undefined) throw new Error(`no Job named ${name}`);
  return job as unknown as JobShape;
};
const containerOf = (job: JobShape) => {
  const [container, ...others] = job.spec.template.spec.containers;
  expect(others).toHaveLength(0);
  if (container === undefined) throw new Error('the Job has no container');
  return container;
};
const envOf = (job: JobShape, name: string): string | undefined =>
  containerOf(job).env?.find((variable) => variable.name === name)?.value;

let folder = '';
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'tessera-recipes-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

/**
 * A folder with stand-ins for `node` (records its arguments, one per line, to node-args and succeeds) and `sbatch`
 * (records each call's arguments and prints the next job id, the first in `--parsable`'s "id;cluster" form).
 */
function standIns(): { path: string; nodeArgs: () => string[]; sbatchCalls: () => string[][] } {
  const bin = join(folder, 'bin');
  spawnSync('mkdir', ['-p', bin]);
  const nodeArgs = join(folder, 'node-args');
  const sbatchCalls = join(folder, 'sbatch-calls');
  writeFileSync(join(bin, 'node'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${nodeArgs}'\n`);
  writeFileSync(
    join(bin, 'sbatch'),
    `#!/bin/sh
printf '%s\\n' "$@" >> '${sbatchCalls}'
echo '--' >> '${sbatchCalls}'
calls=$(grep -c '^--$' '${sbatchCalls}')
if [ "$calls" = 1 ]; then echo '4101;cluster'; else echo "$((4100 + calls))"; fi
`,
  );
  chmodSync(join(bin, 'node'), 0o755);
  chmodSync(join(bin, 'sbatch'), 0o755);
  return {
    path: `${bin}:${process.env.PATH ?? ''}`,
    nodeArgs: () => readFileSync(nodeArgs, 'utf8').split('\n').slice(0, -1),
    sbatchCalls: () =>
      readFileSync(sbatchCalls, 'utf8')
        .split('\n--\n')
        .filter((call) => call.trim() !== '')
        .map((call) => call.split('\n').filter((line) => line !== '')),
  };
}

/** Runs `script` with `shell` (sh or bash) in `env`, with the stand-ins first on PATH. */
function runScript(shell: string, args: string[], env: Record<string, string>, path: string) {
  return spawnSync(shell, args, { encoding: 'utf8', env: { PATH: path, ...env } });
}

/** What `tessera sweep` is given for shard `shard` of `count` (the binding command line, docs/cluster.md). */
const shardCommand = (cli: string, spec: string, out: string, shard: number, count: number): string[] => [
  cli,
  'sweep',
  '--spec',
  spec,
  '--out',
  out,
  '--shard',
  `${shard}/${count}`,
];

/** The variables Slurm sets in task `task` of an array 1-`count`. */
const arrayEnv = (task: number, count: number): Record<string, string> => ({
  SLURM_ARRAY_TASK_ID: String(task),
  SLURM_ARRAY_TASK_COUNT: String(count),
  SLURM_ARRAY_TASK_MIN: '1',
  SLURM_ARRAY_TASK_MAX: String(count),
});

describe('the Kubernetes Indexed Job', () => {
  const sweep = manifests('sweep-job.yaml');
  const merge = manifests('merge-job.yaml');

  it('validates against the Kubernetes schema, every object of both files', () => {
    expect(sweep.map((manifest) => manifest.kind)).toEqual(['PersistentVolumeClaim', 'Job']);
    expect(merge.map((manifest) => manifest.kind)).toEqual(['Job']);
    for (const manifest of [...sweep, ...merge]) expect(() => validate(manifest)).not.toThrow();
  });

  it('is refused by the same check when a field breaks the schema (the check is live)', () => {
    const job = structuredClone(sweep[1]) as unknown as JobShape;
    job.spec.completionMode = 'Interleaved';
    expect(() => validate(job as unknown as Manifest)).toThrow(/completionMode/);
    (job.spec as { completions?: unknown }).completions = '8';
    expect(() => validate(job as unknown as Manifest)).toThrow(/completions/);
  });

  it('runs one shard per index, N = completions, on the shared volume both Jobs mount', () => {
    const job = jobNamed(sweep, 'tessera-sweep');
    expect(job.spec.completionMode).toBe('Indexed');
    const count = job.spec.completions ?? 0;
    expect(count).toBeGreaterThan(1);
    expect(envOf(job, 'SHARDS')).toBe(String(count));
    expect(envOf(jobNamed(merge, 'tessera-sweep-merge'), 'SHARDS')).toBe(String(count));
    expect(job.spec.parallelism).toBeLessThanOrEqual(count);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const claim = (sweep[0]?.metadata as { name?: string }).name;
    for (const each of [job, jobNamed(merge, 'tessera-sweep-merge')]) {
      const results = each.spec.template.spec.volumes?.find((volume) => volume.name === 'results');
      expect(results?.persistentVolumeClaim?.claimName).toBe(claim);
      expect(containerOf(each).volumeMounts).toContainEqual(
        expect.objectContaining({ name: 'results', mountPath: '/results' }),
      );
    }
    expect(containerOf(job).volumeMounts).toContainEqual(
      expect.objectContaining({ name: 'spec', mountPath: '/spec' }),
    );
  });

  it('maps index k to shard k+1 of N: each shard exactly once, with the CLI command line', () => {
    const job = jobNamed(sweep, 'tessera-sweep');
    const container = containerOf(job);
    expect(container.command).toEqual(['/bin/sh', '-c']);
    const script = container.args?.[0] ?? '';
    const count = job.spec.completions ?? 0;
    const { path, nodeArgs } = standIns();
    const shards: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const ran = runScript(
        'sh',
        ['-c', script],
        { JOB_COMPLETION_INDEX: String(index), SHARDS: String(count) },
        path,
      );
      expect(ran.status, ran.stderr).toBe(0);
      const args = nodeArgs();
      expect(args).toEqual(
        shardCommand(
          '/opt/tessera/out/main/cli.js',
          '/spec/sweep.yaml',
          `/results/part-${index + 1}.jsonl`,
          index + 1,
          count,
        ),
      );
      shards.push(args.at(-1) ?? '');
    }
    expect(new Set(shards).size).toBe(count);
    expect(shards.sort()).toEqual(
      Array.from({ length: count }, (_, index) => `${index + 1}/${count}`).sort(),
    );
  });

  it('merges all N parts, and refuses when one is missing', () => {
    const job = jobNamed(merge, 'tessera-sweep-merge');
    const count = Number(envOf(job, 'SHARDS'));
    // The script's /results, moved into the test's folder.
    const script = (containerOf(job).args?.[0] ?? '').replaceAll('/results/', `${folder}/`);
    const { path, nodeArgs } = standIns();
    for (let shard = 1; shard <= count; shard += 1) writeFileSync(join(folder, `part-${shard}.jsonl`), '');
    const ran = runScript('sh', ['-c', script], { SHARDS: String(count) }, path);
    expect(ran.status, ran.stderr).toBe(0);
    expect(nodeArgs()).toEqual([
      '/opt/tessera/out/main/cli.js',
      'sweep',
      'merge',
      ...Array.from({ length: count }, (_, index) => join(folder, `part-${index + 1}.jsonl`)),
      '--out',
      join(folder, 'all.csv'),
    ]);
    rmSync(join(folder, 'part-3.jsonl'));
    const refused = runScript('sh', ['-c', script], { SHARDS: String(count) }, path);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(`part-3.jsonl is missing: shard 3/${count}`);
  });
});

describe('the Slurm recipe', () => {
  const slurm = join(here, 'slurm');

  it('runs shard I/N in array task I, writing part-I.jsonl', () => {
    const { path, nodeArgs } = standIns();
    const out = join(folder, 'parts');
    for (const task of [1, 2, 5]) {
      const env = {
        SPEC: '/shared/sweep.yaml',
        OUT: out,
        TESSERA_CLI: '/shared/cli.js',
        ...arrayEnv(task, 5),
      };
      const ran = runScript('bash', [join(slurm, 'sweep.sbatch')], env, path);
      expect(ran.status, ran.stderr).toBe(0);
      expect(nodeArgs()).toEqual(
        shardCommand('/shared/cli.js', '/shared/sweep.yaml', `${out}/part-${task}.jsonl`, task, 5),
      );
    }
    const env = {
      SPEC: '/s.yaml',
      OUT: out,
      TESSERA_CLI: '/cli.js',
      DESIGN: 'preset:nvidia-dgx-h100',
      ...arrayEnv(2, 3),
    };
    runScript('bash', [join(slurm, 'sweep.sbatch')], env, path);
    expect(nodeArgs().slice(-2)).toEqual(['--design', 'preset:nvidia-dgx-h100']);
  });

  it('refuses an array that is not 1-N, which would leave shards out', () => {
    const { path } = standIns();
    const env = {
      SPEC: '/s.yaml',
      OUT: folder,
      TESSERA_CLI: '/cli.js',
      // --array=0-3: four tasks, but no shard 4/4.
      ...arrayEnv(0, 4),
      SLURM_ARRAY_TASK_MIN: '0',
      SLURM_ARRAY_TASK_MAX: '3',
    };
    const ran = runScript('bash', [join(slurm, 'sweep.sbatch')], env, path);
    expect(ran.status).toBe(2);
    expect(ran.stderr).toContain('submit the array as 1-N');
  });

  it('reruns only some shards when SHARDS gives N, and refuses a task outside 1..N', () => {
    const { path, nodeArgs } = standIns();
    // sbatch --array=3,5 with SHARDS=8: two tasks, shards 3/8 and 5/8.
    const env = {
      SPEC: '/s.yaml',
      OUT: folder,
      TESSERA_CLI: '/cli.js',
      SHARDS: '8',
      ...arrayEnv(5, 2),
      SLURM_ARRAY_TASK_MIN: '3',
      SLURM_ARRAY_TASK_MAX: '5',
    };
    const ran = runScript('bash', [join(slurm, 'sweep.sbatch')], env, path);
    expect(ran.status, ran.stderr).toBe(0);
    expect(nodeArgs()).toEqual(shardCommand('/cli.js', '/s.yaml', `${folder}/part-5.jsonl`, 5, 8));
    const refused = runScript(
      'bash',
      [join(slurm, 'sweep.sbatch')],
      { ...env, SLURM_ARRAY_TASK_ID: '9' },
      path,
    );
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('task 9 is not a shard of 1..8');
  });

  it('merges the N parts into RESULT, and refuses when one is missing', () => {
    const { path, nodeArgs } = standIns();
    for (const shard of [1, 2, 3]) writeFileSync(join(folder, `part-${shard}.jsonl`), '');
    const env = {
      OUT: folder,
      SHARDS: '3',
      TESSERA_CLI: '/cli.js',
      RESULT: 'all.parquet',
      PARETO: '1',
      SPEC: '/shared/sweep.yaml',
    };
    const ran = runScript('bash', [join(slurm, 'merge.sbatch')], env, path);
    expect(ran.status, ran.stderr).toBe(0);
    const parts = [1, 2, 3].map((shard) => join(folder, `part-${shard}.jsonl`));
    expect(nodeArgs()).toEqual([
      '/cli.js',
      'sweep',
      'merge',
      ...parts,
      '--out',
      join(folder, 'all.parquet'),
      '--pareto',
      '--spec',
      '/shared/sweep.yaml',
    ]);
    const refused = runScript('bash', [join(slurm, 'merge.sbatch')], { ...env, SHARDS: '4' }, path);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('part-4.jsonl is missing: shard 4/4');
  });

  it('submit.sh submits the array 1-N, then the merge after it succeeds, and prints both ids', () => {
    const { path, sbatchCalls } = standIns();
    const spec = join(folder, 'sweep.yaml');
    const cli = join(folder, 'cli.js');
    writeFileSync(spec, 'format: tessera.sweep\n');
    writeFileSync(cli, '');
    const args = [join(slurm, 'submit.sh'), '--spec', spec, '--shards', '6', '--out', join(folder, 'out')];
    const ran = runScript('bash', [...args, '--cli', cli, '--', '--partition=batch'], { HOME: folder }, path);
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^sweep array job: 4101 \(6 shards/m);
    expect(ran.stdout).toMatch(/^merge job: 4102 /m);
    const [array, merge, ...more] = sbatchCalls();
    expect(more).toHaveLength(0);
    expect(array).toContain('--array=1-6');
    expect(array).toContain('--partition=batch');
    expect(array?.at(-1)).toBe(join(slurm, 'sweep.sbatch'));
    expect(merge).toContain('--dependency=afterok:4101');
    expect(merge).toContain('--partition=batch');
    expect(merge?.at(-1)).toBe(join(slurm, 'merge.sbatch'));
  });

  it('submit.sh refuses a shard count that is not a whole number ≥ 1, submitting nothing', () => {
    const { path, sbatchCalls } = standIns();
    writeFileSync(join(folder, 'sweep.yaml'), '');
    for (const shards of ['0', '-2', 'three']) {
      const args = [
        '--spec',
        join(folder, 'sweep.yaml'),
        '--shards',
        shards,
        '--out',
        folder,
        '--cli',
        join(folder, 'sweep.yaml'),
      ];
      const ran = runScript('bash', [join(slurm, 'submit.sh'), ...args], {}, path);
      expect(ran.status).toBe(2);
      expect(ran.stderr).toContain('--shards must be a whole number');
    }
    expect(() => sbatchCalls()).toThrow();
  });
});

describe('the recipes on the real CLI', () => {
  // 8 batches × 2 prompt lengths on the DGX H100 preset: 16 points, so each of 8 Kubernetes shards gets two.
  const spec = `format: tessera.sweep
version: 1
name: Recipes
design: preset:nvidia-dgx-h100
workload:
  model: llama-3-8b
parameters:
  - path: workload.batch
    values: [1, 2, 4, 8, 16, 32, 64, 128]
  - path: workload.inputTokens
    values: [512, 2048]
`;

  /** Runs `tessera <args>` in this process; throws with its output unless it exits 0. */
  async function tessera(args: string[]): Promise<void> {
    let output = '';
    const append = (text: string): void => {
      output += text;
    };
    const code = await runCli(args, { stdout: append, stderr: append });
    if (code !== 0) throw new Error(`tessera ${args.join(' ')} exited ${code}:\n${output}`);
  }

  /** The unsharded run's bytes, the reference every merge must equal. */
  async function unsharded(specFile: string): Promise<Buffer> {
    const local = join(folder, 'local.csv');
    await tessera(['sweep', '--spec', specFile, '--out', local]);
    return readFileSync(local);
  }

  it("the Indexed Job: each pod's command line shards the sweep, and the merge Job's gives the unsharded bytes", async () => {
    const specFile = join(folder, 'sweep.yaml');
    writeFileSync(specFile, spec);
    spawnSync('mkdir', ['-p', join(folder, 'results')]);
    const onDisk = (script: string): string =>
      script.replaceAll('/spec/sweep.yaml', specFile).replaceAll('/results/', `${join(folder, 'results')}/`);
    const sweepJob = jobNamed(manifests('sweep-job.yaml'), 'tessera-sweep');
    const mergeJob = jobNamed(manifests('merge-job.yaml'), 'tessera-sweep-merge');
    const count = sweepJob.spec.completions ?? 0;
    const { path, nodeArgs } = standIns();
    // Pods finish in any order; run them backwards.
    for (let index = count - 1; index >= 0; index -= 1) {
      const env = { JOB_COMPLETION_INDEX: String(index), SHARDS: String(count) };
      expect(runScript('sh', ['-c', onDisk(containerOf(sweepJob).args?.[0] ?? '')], env, path).status).toBe(
        0,
      );
      await tessera(nodeArgs().slice(1));
    }
    const merged = runScript(
      'sh',
      ['-c', onDisk(containerOf(mergeJob).args?.[0] ?? '')],
      { SHARDS: String(count) },
      path,
    );
    expect(merged.status, merged.stderr).toBe(0);
    await tessera(nodeArgs().slice(1));
    const expected = await unsharded(specFile);
    expect(expected.toString('utf8').trimEnd().split('\n')).toHaveLength(1 + 16);
    expect(readFileSync(join(folder, 'results', 'all.csv')).equals(expected)).toBe(true);
  });

  it('the Slurm scripts: array tasks 1-3 and the merge give the unsharded bytes, and --pareto the front', async () => {
    const specFile = join(folder, 'sweep.yaml');
    writeFileSync(specFile, spec);
    const out = join(folder, 'parts');
    const { path, nodeArgs } = standIns();
    for (const task of [3, 1, 2]) {
      const env = { SPEC: specFile, OUT: out, TESSERA_CLI: '/cli.js', ...arrayEnv(task, 3) };
      expect(runScript('bash', [join(here, 'slurm', 'sweep.sbatch')], env, path).status).toBe(0);
      await tessera(nodeArgs().slice(1));
    }
    const env = { OUT: out, SHARDS: '3', TESSERA_CLI: '/cli.js', SPEC: specFile };
    expect(runScript('bash', [join(here, 'slurm', 'merge.sbatch')], env, path).status).toBe(0);
    await tessera(nodeArgs().slice(1));
    expect(readFileSync(join(out, 'all.csv')).equals(await unsharded(specFile))).toBe(true);

    expect(
      runScript(
        'bash',
        [join(here, 'slurm', 'merge.sbatch')],
        { ...env, PARETO: '1', RESULT: 'front.csv' },
        path,
      ).status,
    ).toBe(0);
    await tessera(nodeArgs().slice(1));
    await tessera(['sweep', '--spec', specFile, '--out', join(folder, 'front.csv'), '--pareto']);
    expect(readFileSync(join(out, 'front.csv')).equals(readFileSync(join(folder, 'front.csv')))).toBe(true);
  });
});
