/**
 * Starts one engine worker process under Node (the test host, the CLI, tests) with `child_process.fork`: its own
 * V8, so a fatal error in it (out of memory, an invalid size, a failed CHECK) ends only it. Messages go as V8's
 * structured clone (`serialization: 'advanced'`), as between threads, so results arrive exactly as computed.
 */
import { fork } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Catalog } from '../../engine/catalog';
import { engineExecArgv, exitReason, FatalOutput } from './engine-exit';
import type { EngineProcess, EngineReady, EngineStart, JobProgress, JobReply } from './engine-pool';

export interface ForkOptions {
  /** The entry file: the bundled `engine-process.js`, or its TypeScript source with `execArgv` loading tsx. */
  entry: string;
  /** Flags before the heap limit (tests pass tsx's loader). */
  execArgv?: string[];
  /** The heap limit in megabytes (default `ENGINE_HEAP_MEGABYTES`). */
  heapMegabytes?: number;
  /** The process's environment (default this process's). */
  env?: NodeJS.ProcessEnv;
  /** Whether to pass the process's stderr on to this one's (default true; tests of faults turn it off). */
  echoStderr?: boolean;
}

export function forkEngineProcess(catalog: Catalog, options: ForkOptions): EngineProcess {
  const child = fork(options.entry, [], {
    execArgv: [...(options.execArgv ?? []), ...engineExecArgv(options.heapMegabytes)],
    env: options.env ?? process.env,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  const output = new FatalOutput();
  child.stderr?.on('data', (chunk: Buffer) => {
    output.add(chunk);
    if (options.echoStderr !== false) process.stderr.write(chunk);
  });
  let listeners: Parameters<EngineProcess['listen']>[0] | undefined;
  let ended = false;
  // Jobs sent and not answered yet; the start counts as one until the worker says it is ready.
  let pending = 1;
  // An idle worker does not keep this process alive (a CLI command ends when its work is done); one starting or
  // with a job does, or jobs waiting for it would be lost when nothing else is left to do.
  const hold = (busy: boolean): void => {
    for (const handle of [child, child.channel, child.stderr as Socket | null]) {
      if (busy) handle?.ref();
      else handle?.unref();
    }
  };
  const end = (reason: string): void => {
    if (ended) return;
    ended = true;
    hold(false);
    listeners?.exit(reason);
  };
  child.on('message', (reply: JobReply | JobProgress | EngineReady) => {
    // A progress message is not an answer: the job still runs.
    if (!('progress' in reply)) {
      pending = Math.max(0, pending - 1);
      if (pending === 0) hold(false);
    }
    if (!ended) listeners?.reply(reply);
  });
  // 'close' comes after stderr has been read to its end, so the fatal error it printed is known.
  child.on('close', (code, signal) => end(exitReason(output.line, code, signal)));
  // Without a pid the process never started (and 'close' may not come); otherwise this is a message that could
  // not be sent to a process that is ending, and 'close' follows.
  child.on('error', (error) => {
    if (child.pid === undefined) end(`it could not start: ${error.message}`);
  });
  child.send({ catalog } satisfies EngineStart);
  return {
    send(message) {
      pending += 1;
      hold(true);
      child.send(message);
    },
    listen(next) {
      listeners = next;
    },
    kill() {
      ended = true;
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      // Held until it has ended: whoever awaits this must not see this process end first.
      hold(true);
      return new Promise((resolve) => {
        child.once('exit', () => {
          hold(false);
          resolve();
        });
        child.kill('SIGKILL');
      });
    },
  };
}
