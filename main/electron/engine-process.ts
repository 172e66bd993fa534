/**
 * Starts one engine worker process in the app with Electron's `utilityProcess` (the Node child process of an
 * Electron app, sandboxed from the window): the same bundled entry the test host forks. Only this shell may
 * import Electron, so it hands this factory to the runtime. A fatal error in the process (its `error` event, and
 * what V8 printed to stderr) ends only it; the pool answers that job with the reason and starts another.
 */
import { utilityProcess } from 'electron';
import type { Catalog } from '../../engine/catalog';
import { enginePath } from '../services/create-engine-process';
import { engineExecArgv, exitReason, FatalOutput } from '../services/engine-exit';
import type {
  EngineProcess,
  EngineReady,
  EngineStart,
  JobMessage,
  JobProgress,
  JobReply,
} from '../services/engine-pool';

export function createUtilityEngineProcess(catalog: Catalog): EngineProcess {
  const child = utilityProcess.fork(enginePath, [], {
    execArgv: engineExecArgv(),
    stdio: ['ignore', 'inherit', 'pipe'],
    serviceName: 'Tessera engine',
  });
  const output = new FatalOutput();
  let stderrEnded = child.stderr === null;
  child.stderr?.on('data', (chunk: Buffer) => {
    output.add(chunk);
    process.stderr.write(chunk);
  });
  child.stderr?.on('end', () => {
    stderrEnded = true;
  });
  let fatal: string | undefined;
  child.on('error', (type, location) => {
    fatal = `${type} at ${location}`;
  });
  let listeners: Parameters<EngineProcess['listen']>[0] | undefined;
  let ended = false;
  child.on('message', (reply: JobReply | JobProgress | EngineReady) => {
    if (!ended) listeners?.reply(reply);
  });
  child.on('exit', (code) => {
    if (ended) return;
    ended = true;
    // stderr may still hold the last words: read it to its end first (or give up after a second).
    const report = (): void => listeners?.exit(exitReason(output.line ?? fatal, code, null));
    if (!child.stderr || stderrEnded) report();
    else {
      const timer = setTimeout(report, 1_000);
      child.stderr.once('end', () => {
        clearTimeout(timer);
        report();
      });
    }
  });
  // Messages wait until the process has started.
  let started = false;
  const waiting: unknown[] = [{ catalog } satisfies EngineStart];
  child.once('spawn', () => {
    started = true;
    for (const message of waiting.splice(0)) child.postMessage(message);
  });
  return {
    send(message: JobMessage) {
      if (started) child.postMessage(message);
      else waiting.push(message);
    },
    listen(next) {
      listeners = next;
    },
    kill() {
      ended = true;
      if (child.pid === undefined && started) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        if (!child.kill()) resolve();
      });
    },
  };
}
