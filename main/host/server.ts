/**
 * The test host's HTTP server: serves the built renderer with one extra script, `/tessera-host.js`, that
 * defines `window.tessera` from the API's method list. Methods POST to `/api/<domain>/<method>` and go through
 * the same `dispatch` (payload validation) as IPC in the app; events arrive over Server-Sent Events from
 * `/api/events`. Requests addressed to another host or from another origin are refused, and every request needs
 * the host's token (`access.ts`).
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Catalog } from '../../engine/catalog';
import { dispatch } from '../app/dispatch';
import { listEvents, listMethods } from '../contract/methods';
import type { MenuCommand, Result } from '../contract/api';
import type { FileWorkerFactory } from '../files';
import { startRuntime } from '../app/runtime';
import { contentSecurityPolicy } from '../services/security';
import { createAccess, tokenProblem } from './access';
import type { EngineProcess } from '../services/engine-pool';

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

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': type,
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(body);
}

function sendResult(
  response: ServerResponse,
  status: number,
  result: Result<unknown>,
  headers: Record<string, string> = {},
): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(result), headers);
}

/**
 * Whether a `Content-Type` header names JSON: the media type `application/json` exactly (any case), with or
 * without parameters (`; charset=utf-8`) — not `application/jsonx` or `application/json-seq`.
 */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const separator = header.indexOf(';');
  const mediaType = (separator < 0 ? header : header.slice(0, separator)).trim().toLowerCase();
  return mediaType === 'application/json';
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
  /** The secret every request must carry (`access.ts`); `newToken()` makes one. */
  token: string;
  createEngineProcess: (catalog: Catalog) => EngineProcess;
  createFileWorker: FileWorkerFactory;
  poolSize?: number;
}

export interface RunningHost {
  /** The host's origin, `http://127.0.0.1:<port>`. */
  url: string;
  /** The URL to open in a browser: the origin with `/?token=…`. */
  openUrl: string;
  close: () => Promise<void>;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const problem = tokenProblem(options.token);
  if (problem !== undefined) throw new Error(`Cannot start the host: ${problem}.`);
  const runtime = await startRuntime({
    libraryRoot: options.libraryRoot,
    settingsFile: options.userData === undefined ? undefined : join(options.userData, 'settings.json'),
    info: {
      name: 'Tessera',
      version: process.env.npm_package_version ?? '0.1.0',
      shell: 'browser',
      platform: process.platform,
    },
    createEngineProcess: options.createEngineProcess,
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
  let access = createAccess(options.token, options.port);
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    // Refuse pages of other sites (and DNS rebinding): the host answers only requests addressed to itself…
    const host = request.headers.host;
    if (!access.allowedHost(host))
      return send(
        response,
        403,
        'text/plain; charset=utf-8',
        `Forbidden: this Tessera host answers only to ${origin}.`,
      );
    // …and sent from its own pages (browsers add Origin to cross-site requests).
    if (!access.allowedOrigin(request.headers.origin))
      return sendResult(response, 403, {
        ok: false,
        error: { code: 'unauthorized', message: 'Requests from other origins are refused.' },
      });
    let url: URL;
    try {
      url = new URL(request.url ?? '/', `http://${host}`);
    } catch {
      return send(response, 400, 'text/plain; charset=utf-8', 'Bad request: the URL cannot be read.');
    }
    const offered = url.searchParams.get('token');
    if (offered !== null && (request.method === 'GET' || request.method === 'HEAD')) {
      if (!access.isToken(offered))
        return send(
          response,
          401,
          'text/plain; charset=utf-8',
          'This token is not the one this Tessera host printed when it started (it makes a new one at every start). Open the URL it printed last.',
        );
      // The token goes into a cookie, and the browser to the same page without it in the address bar.
      url.searchParams.delete('token');
      return send(response, 303, 'text/plain; charset=utf-8', '', {
        'set-cookie': access.cookie(),
        location: `http://${host}${url.pathname}${url.search}`,
      });
    }
    if (!access.authenticated(request)) {
      const message = `This Tessera host needs the token it printed when it started: open the URL it printed (${origin}/?token=…), or send the token in an "Authorization: Bearer" header.`;
      const headers = { 'www-authenticate': 'Bearer realm="Tessera"' };
      return url.pathname.startsWith('/api/')
        ? sendResult(response, 401, { ok: false, error: { code: 'unauthorized', message } }, headers)
        : send(response, 401, 'text/plain; charset=utf-8', message, headers);
    }
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
      if (request.method !== 'POST')
        return sendResult(
          response,
          405,
          {
            ok: false,
            error: { code: 'invalid-payload', message: 'API calls are POST requests with a JSON body.' },
          },
          { allow: 'POST' },
        );
      if (!isJsonContentType(request.headers['content-type']))
        return sendResult(response, 415, {
          ok: false,
          error: {
            code: 'invalid-payload',
            message: `API calls carry a JSON body (Content-Type: application/json), not ${request.headers['content-type'] ?? 'no Content-Type'}.`,
          },
        });
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
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return send(
        response,
        400,
        'text/plain; charset=utf-8',
        `Bad request: the path ${url.pathname} has a malformed %-escape.`,
      );
    }
    const file = normalize(join(rendererRoot, path));
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
  access = createAccess(options.token, port);
  return {
    url: origin,
    openUrl: `${origin}/?token=${options.token}`,
    close: async () => {
      unsubscribe();
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      await runtime.close();
    },
  };
}
