/**
 * A throwaway single-node Slurm cluster for the cluster recipe's e2e test: Debian's `slurm-wlm` and `munge`
 * (installed when missing), one munged, slurmctld and slurmd started from a generated `slurm.conf` in a temp
 * folder, on free ports, and stopped again by their pid files. Nothing outside the temp folder is changed besides
 * the apt install: the munge key, socket, state, spool and logs all live in it, so a system munged or Slurm on the
 * same machine is left alone. The traps found while bringing it up are in docs/cluster.md.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const daemons = ['munged', 'slurmctld', 'slurmd'] as const;
const tools = [...daemons, 'mungekey', 'sbatch', 'squeue', 'sinfo', 'scontrol', 'scancel'];
const searchPath = `${process.env.PATH ?? ''}:/usr/sbin:/sbin:/usr/bin`;

/** How commands get root: directly, through passwordless sudo, or not at all (then the test skips, saying why). */
export function rootAccess(): { prefix: string[] } | { reason: string } {
  if (process.platform !== 'linux')
    return { reason: `Slurm's daemons run on Linux; this is ${process.platform}` };
  if (process.getuid?.() === 0) return { prefix: [] };
  const sudo = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
  // sudo keeps the environment (SLURM_CONF) but resets PATH to its secure_path, which may lack node: set it again.
  if (sudo.status === 0) return { prefix: ['sudo', '-n', '--preserve-env', 'env', `PATH=${searchPath}`] };
  return {
    reason:
      'starting slurmctld and slurmd needs root, and this user is not root and has no passwordless sudo',
  };
}

function which(tool: string): string | undefined {
  for (const folder of searchPath.split(':'))
    if (folder !== '' && existsSync(join(folder, tool))) return join(folder, tool);
  return undefined;
}

/** The Slurm and munge tools missing from this machine. */
export const missingTools = (): string[] => tools.filter((tool) => which(tool) === undefined);

/** Installs Debian's `slurm-wlm` and `munge` without questions; throws with apt's output when that fails. */
export function installSlurm(prefix: string[]): void {
  if (which('apt-get') === undefined)
    throw new Error(`Slurm is missing (${missingTools().join(', ')}) and there is no apt-get to install it`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['apt-get', 'update', '-qq'],
    ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'slurm-wlm', 'munge'],
  ])
    check(run(prefix, args, { env }), args.join(' '));
  const still = missingTools();
  if (still.length > 0)
    throw new Error(`apt-get installed slurm-wlm and munge, but ${still.join(', ')} are missing`);
}

interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

function run(prefix: string[], args: string[], options: RunOptions = {}): SpawnSyncReturns<string> {
  const [command, ...rest] = [...prefix, ...args];
  return spawnSync(command ?? '', rest, {
    encoding: 'utf8',
    env: { ...(options.env ?? process.env), PATH: searchPath },
    cwd: options.cwd,
    timeout: options.timeoutMs ?? 600_000,
  });
}

function check(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0)
    throw new Error(
      `${what} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}):\n${result.stdout}${result.stderr}`,
    );
  return result.stdout;
}

/** A TCP port nothing listens on now, on any address (slurmctld and slurmd bind every address). */
async function freePort(taken: number[]): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '0.0.0.0', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    if (port > 0 && !taken.includes(port)) return port;
  }
}

/** A running single-node cluster: run Slurm's client commands through `slurm`, stop it with `stop`. */
export interface SlurmCluster {
  folder: string;
  /** The environment that points Slurm's commands at this cluster (SLURM_CONF). */
  env: NodeJS.ProcessEnv;
  /** Runs a Slurm client command (or any command) against this cluster; returns its result. */
  slurm(args: string[], options?: { cwd?: string; timeoutMs?: number }): SpawnSyncReturns<string>;
  /** The daemons' logs, for a failure message. */
  logs(): string;
  /** The process ids of the daemons this cluster started, from their pid files. */
  pids(): number[];
  /** Cancels the given jobs, stops the daemons this cluster started (by their pid files), removes the folder. */
  stop(jobIds?: string[]): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts munged, slurmctld and slurmd from a generated config in a new temp folder and waits until the node is
 * idle. On any failure it stops what it started, removes the folder and throws with the daemons' logs.
 */
export async function startCluster(prefix: string[]): Promise<SlurmCluster> {
  const folder = mkdtempSync(join(tmpdir(), 'tessera-slurm-'));
  // munged refuses a socket in a folder that not everyone may search (it checks every folder on the path).
  chmodSync(folder, 0o755);
  const paths = {
    munge: join(folder, 'munge'),
    run: join(folder, 'run'),
    state: join(folder, 'state'),
    spool: join(folder, 'spool'),
    log: join(folder, 'log'),
  };
  mkdirSync(paths.munge, { mode: 0o700 });
  for (const path of [paths.run, paths.state, paths.spool, paths.log]) mkdirSync(path, { mode: 0o755 });
  const socket = join(paths.run, 'munge.socket');
  const conf = join(folder, 'slurm.conf');
  const env = { ...process.env, SLURM_CONF: conf };
  const pidFile = (daemon: (typeof daemons)[number]): string => join(paths.run, `${daemon}.pid`);

  const logs = (): string =>
    [join(paths.munge, 'munged.log'), join(paths.log, 'slurmctld.log'), join(paths.log, 'slurmd.log')]
      .filter((file) => existsSync(file))
      .map(
        (file) => `--- ${file} (last lines)\n${readFileSync(file, 'utf8').split('\n').slice(-25).join('\n')}`,
      )
      .join('\n');

  const pids = (): number[] =>
    daemons
      .map((daemon) => pidFile(daemon))
      .filter((file) => existsSync(file))
      .map((file) => Number(readFileSync(file, 'utf8').trim()))
      .filter((pid) => Number.isInteger(pid) && pid > 1);

  const stop = async (jobIds: string[] = []): Promise<void> => {
    if (jobIds.length > 0 && existsSync(pidFile('slurmctld')))
      run(prefix, ['scancel', ...jobIds], { env, timeoutMs: 10_000 });
    // slurmd first (it may still be ending a job step), then the controller, then munge, which both use.
    for (const daemon of ['slurmd', 'slurmctld', 'munged'] as const) {
      const file = pidFile(daemon);
      if (!existsSync(file)) continue;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 1) continue;
      const alive = (): boolean => run(prefix, ['kill', '-0', String(pid)]).status === 0;
      run(prefix, ['kill', '-TERM', String(pid)]);
      for (let waited = 0; waited < 10_000 && alive(); waited += 200) await sleep(200);
      if (alive()) run(prefix, ['kill', '-KILL', String(pid)]);
    }
    const removed = run(prefix, ['rm', '-rf', folder]);
    if (removed.status !== 0) rmSync(folder, { recursive: true, force: true });
  };

  try {
    check(
      run(prefix, ['mungekey', '--create', `--keyfile=${join(paths.munge, 'munge.key')}`, '--bits=1024']),
      'mungekey',
    );
    check(
      run(prefix, [
        'munged',
        `--socket=${socket}`,
        `--key-file=${join(paths.munge, 'munge.key')}`,
        `--pid-file=${pidFile('munged')}`,
        `--log-file=${join(paths.munge, 'munged.log')}`,
        `--seed-file=${join(paths.munge, 'munged.seed')}`,
      ]),
      'munged',
    );

    // slurmd -C prints this machine's node line as slurmd sees it (name, CPUs, sockets, memory): a node
    // configured with more than that is drained, so the config takes it as it is.
    const nodeLine =
      check(run(prefix, ['slurmd', '-C']), 'slurmd -C')
        .split('\n')[0]
        ?.trim() ?? '';
    const nodeName = /^NodeName=(\S+)/.exec(nodeLine)?.[1];
    if (nodeName === undefined) throw new Error(`slurmd -C printed no node line: ${nodeLine}`);
    const controllerPort = await freePort([]);
    const nodePort = await freePort([controllerPort]);
    writeFileSync(
      conf,
      [
        'ClusterName=tessera-e2e',
        `SlurmctldHost=${nodeName}(127.0.0.1)`,
        `SlurmctldPort=${controllerPort}`,
        `SlurmdPort=${nodePort}`,
        'SlurmUser=root',
        'SlurmdUser=root',
        'AuthType=auth/munge',
        'CredType=cred/munge',
        // Every Slurm program (daemons and clients) reads this, so all of them talk to our munged.
        `AuthInfo=socket=${socket}`,
        'MpiDefault=none',
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'JobAcctGatherType=jobacct_gather/none',
        'AccountingStorageType=accounting_storage/none',
        'JobCompType=jobcomp/none',
        'SwitchType=switch/none',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_Core',
        'ReturnToService=2',
        // Finished jobs stay visible to `scontrol show job` for an hour (no slurmdbd, so no sacct).
        'MinJobAge=3600',
        `StateSaveLocation=${paths.state}`,
        `SlurmdSpoolDir=${paths.spool}`,
        `SlurmctldPidFile=${pidFile('slurmctld')}`,
        `SlurmdPidFile=${pidFile('slurmd')}`,
        `SlurmctldLogFile=${join(paths.log, 'slurmctld.log')}`,
        `SlurmdLogFile=${join(paths.log, 'slurmd.log')}`,
        'SlurmctldDebug=info',
        'SlurmdDebug=info',
        `${nodeLine} NodeAddr=127.0.0.1 State=UNKNOWN`,
        `PartitionName=e2e Nodes=${nodeName} Default=YES MaxTime=INFINITE State=UP`,
        '',
      ].join('\n'),
    );

    check(run(prefix, ['slurmctld', '-i'], { env }), 'slurmctld');
    check(run(prefix, ['slurmd'], { env }), 'slurmd');

    let state = '';
    for (let waited = 0; waited < 60_000; waited += 500) {
      state = run(prefix, ['sinfo', '--noheader', '--Node', '--format=%T'], {
        env,
        timeoutMs: 10_000,
      }).stdout.trim();
      if (state === 'idle') break;
      await sleep(500);
    }
    if (state !== 'idle') throw new Error(`the node did not become idle within 60 s (sinfo says "${state}")`);
  } catch (error) {
    const message = `${error instanceof Error ? error.message : String(error)}\n${logs()}`;
    await stop();
    throw new Error(`starting the single-node Slurm cluster failed: ${message}`, { cause: error });
  }

  return {
    folder,
    env,
    slurm: (args, options = {}) => run(prefix, args, { env, ...options }),
    logs,
    pids,
    stop,
  };
}
