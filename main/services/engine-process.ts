/**
 * Entry point of one engine worker process: started by `child_process.fork` under Node (`fork-engine-process.ts`)
 * or by Electron's `utilityProcess.fork` in the app (`main/electron/engine-process.ts`). It finds the channel to
 * its parent and serves jobs (`engine-serve.ts`).
 *
 * Test faults: with `TESSERA_ENGINE_TEST_FAULTS=1` in its environment (which the product never sets), the jobs
 * `test:v8-abort` (V8's own abort, the path of "Fatal JavaScript invalid size error" and of failed CHECKs) and
 * `test:exhaust-memory` (allocating past the heap limit) end this process the way a runaway design would.
 */
import { setFlagsFromString } from 'node:v8';
import { serveJobs, type ParentChannel } from './engine-serve';

/** Electron's end of a utility process's channel (`process.parentPort`; not in Node's types). */
interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function parentChannel(): ParentChannel {
  const electronPort = (process as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort)
    return {
      send: (reply) => electronPort.postMessage(reply),
      onMessage: (listener) => electronPort.on('message', (event) => listener(event.data)),
    };
  const send = process.send?.bind(process);
  if (!send) throw new Error('engine-process must be started by the engine pool (it has no channel to it)');
  return {
    send: (reply) => void send(reply),
    onMessage: (listener) => process.on('message', listener),
  };
}

function withTestFaults(channel: ParentChannel): ParentChannel {
  if (process.env.TESSERA_ENGINE_TEST_FAULTS !== '1') return channel;
  return {
    send: (reply) => channel.send(reply),
    onMessage: (listener) =>
      channel.onMessage((message) => {
        const kind = (message as { kind?: unknown }).kind;
        if (kind === 'test:v8-abort') {
          setFlagsFromString('--allow-natives-syntax');
          // A V8 runtime call, only reachable as source text: the same fatal path as an invalid size.
          // eslint-disable-next-line @typescript-eslint/no-implied-eval
          (new Function('%AbortJS("an engine test fault")') as () => void)();
        }
        if (kind === 'test:exhaust-memory') {
          const hoard: number[][] = [];
          for (;;) hoard.push(Array.from({ length: 100_000 }, (_, index) => index + hoard.length));
        }
        listener(message);
      }),
  };
}

serveJobs(withTestFaults(parentChannel()));
