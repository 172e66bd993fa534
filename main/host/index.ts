/**
 * The test host: the real renderer and the real backend without Electron, for browsers (Playwright's
 * Chromium, or a person where Electron cannot run). Plain Node, bound to 127.0.0.1 only.
 *
 *   node out/main/host.js --port <n> --project <file.tessera> [--user-data <folder>] [--token <token>]
 *
 * Prints `listening on http://127.0.0.1:<port>/?token=<token>` when ready; exits cleanly on SIGTERM and SIGINT.
 * The token is random at every start unless `TESSERA_HOST_TOKEN` (preferred: other users cannot read a process's
 * environment, while they can read its command line) or `--token` names one. The server itself is `server.ts`
 * beside it; who may use it, `access.ts`.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createFileWorker } from '../files/create-file-worker';
import { createEngineProcess } from '../services/create-engine-process';
import { newToken, tokenProblem } from './access';
import { startHost } from './server';
import { locateLibrary } from '../services/library-loader';

function usage(message: string): never {
  console.error(
    `${message}\nusage: node out/main/host.js --port <n> [--project <file.tessera>] [--user-data <folder>] [--token <token>]`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        project: { type: 'string' },
        'user-data': { type: 'string' },
        'renderer-dir': { type: 'string' },
        library: { type: 'string' },
        'test-hooks': { type: 'boolean', default: false },
        token: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    usage((error as Error).message);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    usage(`--port must be a number from 0 to 65535 (got "${String(values.port)}")`);
  const token =
    (values.token as string | undefined) ?? (process.env.TESSERA_HOST_TOKEN || undefined) ?? newToken();
  const problem = tokenProblem(token);
  if (problem !== undefined) usage(`--token / TESSERA_HOST_TOKEN: ${problem}`);
  const here = import.meta.dirname;
  const host = await startHost({
    port,
    project: values.project as string | undefined,
    userData: values['user-data'] as string | undefined,
    rendererDir: (values['renderer-dir'] as string | undefined) ?? join(here, '../renderer'),
    libraryRoot: (values.library as string | undefined) ?? locateLibrary(here),
    testHooks: values['test-hooks'] === true,
    createEngineProcess,
    token,
    createFileWorker,
  });
  console.log(`listening on ${host.openUrl}`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void host.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
