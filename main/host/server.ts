/**
 * The test host's HTTP server: serves the built renderer with one extra script, `/tessera-host.js`, that
 * defines `window.tessera` from the API's method list. Methods POST to `/api/<domain>/<method>` and go through
 * the same `dispatch` (payload validation) as IPC in the app; events arrive over Server-Sent Events from
 * `/api/events`. Requests addressed to another host or from another origin are refused.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Catalog } from '../../engine/catalog';
import { dispatch } from '../app/dispatch';
import { listEvents, listMethods } from '../contract/methods';
import type { MenuCommand, Result } from '../contract/api';
import type { FileWorkerFactory } from '../files';
import { startRuntime } from '../app/runtime';
import { contentSecurityPolicy } from '../services/security';

const MAX_BODY_BYTES = 64 * 1024 * 1024;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/** The browser half of the API: `window.tessera` built from the same method list as the preload. */
export function browserApiScript(): string {
  const methods = JSON.stringify(listMethods());
  const events = JSON.stringify(listEvents());
  return `(() => {
  'use strict';
  const api = {};
  const listeners = new Map();
  let source;
  const connect = () => {
    if (source) return;
    source = new EventSource('/api/events');
    source.onmessage = (message) => {
      const { name, payload } = JSON.parse(message.data);
      for (const listener of listeners.get(name) ?? []) listener(payload);
    };
  };
  for (const [domain, method] of ${methods}) {
    (api[domain] ??= {})[method] = async (...args) => {
      try {
        const response = await fetch('/api/' + domain + '/' + method, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(args),
        });
        return await response.json();
      } catch (error) {
        return { ok: false, error: { code: 'unavailable', message: 'The Tessera host is not reachable (' + error.message + ').' } };
      }
    };
  }
  for (const [domain, event] of ${events}) {
    const name = domain + '.' + event;
    (api[domain] ??= {})[event] = (listener) => {
      if (typeof listener !== 'function') throw new TypeError(name + ' needs a listener function');
      connect();
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name).add(listener);
      return () => listeners.get(name).delete(listener);
    };
  }
  Object.defineProperty(window, 'tessera', { value: Object.freeze(api), writable: false, configurable: false });
})();
`;
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, {
    'content-type': type,
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  response.end(body);
}

function sendResult(response: ServerResponse, status: number, result: Result<unknown>): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(result));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES)
      throw new Error(`the request is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface HostOptions {
  port: number;
  project: string | undefined;
  userData: string | undefined;
  rendererDir: string;
  libraryRoot: string;
  /** Enables `/__test/…` routes that let end-to-end tests play the role of the native menu. */
  testHooks: boolean;
  createWorker: (catalog: Catalog) => Worker;
  createFileWorker: FileWorkerFactory;
  poolSize?: number;
}

export async function startHost(options: HostOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const runtime = await startRuntime({
    libraryRoot: options.libraryRoot,
    settingsFile: options.userData === undefined ? undefined : join(options.userData, 'settings.json'),
    info: {
      name: 'Tessera',
      version: process.env.npm_package_version ?? '0.1.0',
      shell: 'browser',
      platform: process.platform,
    },
    createWorker: options.createWorker,
    createFileWorker: options.createFileWorker,
    warmFileWorker: true,
    poolSize: options.poolSize,
  });
  for (const problem of runtime.libraryProblems) console.warn(`library: ${problem}`);
  if (options.project !== undefined) {
    const opened = await runtime.openProject(resolve(options.project), { createIfMissing: true });
    if (!opened.ok) console.warn(`project: ${opened.error.message}`);
  }

  const rendererRoot = resolve(options.rendererDir);
  let indexHtml: string | undefined;
  const loadIndex = async (): Promise<string> => {
    indexHtml ??= (await readFile(join(rendererRoot, 'index.html'), 'utf8')).replace(
      '<head>',
      '<head>\n    <script src="/tessera-host.js"></script>',
    );
    return indexHtml;
  };
  const streams = new Set<ServerResponse>();
  const unsubscribe = runtime.hub.subscribe((name, payload) => {
    const data = `data: ${JSON.stringify({ name, payload })}\n\n`;
    for (const stream of streams) stream.write(data);
  });

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent)
        sendResult(response, 500, {
          ok: false,
          error: { code: 'internal', message: `The host failed: ${(error as Error).message}` },
        });
      else response.end();
    });
  });

  let origin = '';
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', origin);
    // Refuse pages of other sites (and DNS rebinding): the API answers only requests addressed to this host.
    if (request.headers.host !== new URL(origin).host)
      return send(response, 403, 'text/plain', 'forbidden host');
    if (url.pathname.startsWith('/api/')) {
      if (url.pathname === '/api/events' && request.method === 'GET') {
        response.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        response.write(': connected\n\n');
        streams.add(response);
        request.on('close', () => streams.delete(response));
        return;
      }
      const requestOrigin = request.headers.origin;
      if (requestOrigin !== undefined && requestOrigin !== origin) {
        return sendResult(response, 403, {
          ok: false,
          error: { code: 'invalid-payload', message: 'Requests from other origins are refused.' },
        });
      }
      if (
        request.method !== 'POST' ||
        !(request.headers['content-type'] ?? '').startsWith('application/json')
      ) {
        return sendResult(response, 405, {
          ok: false,
          error: { code: 'invalid-payload', message: 'API calls are POST requests with a JSON body.' },
        });
      }
      const [, , domain, method, ...rest] = url.pathname.split('/');
      if (rest.length > 0)
        return sendResult(response, 404, {
          ok: false,
          error: { code: 'invalid-payload', message: `Unknown API path ${url.pathname}.` },
        });
      let args: unknown;
      try {
        args = JSON.parse(await readBody(request));
      } catch (error) {
        return sendResult(response, 400, {
          ok: false,
          error: {
            code: 'invalid-payload',
            message: `The request body is not valid JSON: ${(error as Error).message}`,
          },
        });
      }
      return sendResult(response, 200, await dispatch(runtime.backend, domain, method, args));
    }
    if (options.testHooks && url.pathname === '/__test/menu' && request.method === 'POST') {
      runtime.hub.emit('app.onMenuCommand', (await readBody(request)) as MenuCommand);
      return send(response, 204, 'text/plain', '');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return send(response, 405, 'text/plain', 'method not allowed');
    if (url.pathname === '/tessera-host.js')
      return send(response, 200, contentTypes['.js'] ?? 'text/javascript', browserApiScript());
    if (url.pathname === '/' || url.pathname === '/index.html')
      return send(response, 200, contentTypes['.html'] ?? 'text/html', await loadIndex());
    const file = normalize(join(rendererRoot, decodeURIComponent(url.pathname)));
    if (!file.startsWith(rendererRoot + sep)) return send(response, 403, 'text/plain', 'forbidden');
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return send(response, 404, 'text/plain', 'not found');
    return send(
      response,
      200,
      contentTypes[extname(file)] ?? 'application/octet-stream',
      await readFile(file),
    );
  };

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolveListen());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    close: async () => {
      unsubscribe();
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      await runtime.close();
    },
  };
}
