import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultServing } from '../../engine/schema/serving';
import { DEFAULT_MODEL_ID, defaultWorkload } from '../../engine/schema/workload';
import { libraryRoot, sourceFileWorker, sourceProcess } from '../testing/fake-backend';
import { temporaryFolder } from '../testing/temp';
import { newToken } from './access';
import { browserApiScript, isJsonContentType, startHost } from './server';

const token = newToken();

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
let host: Awaited<ReturnType<typeof startHost>>;

beforeAll(async () => {
  folder = await temporaryFolder();
  await mkdir(folder.file('renderer'));
  await writeFile(
    folder.file('renderer/index.html'),
    '<!doctype html><html><head><title>t</title></head><body></body></html>',
  );
  await writeFile(folder.file('secret.txt'), 'outside the renderer folder');
  host = await startHost({
    port: 0,
    project: folder.file('host.tessera'),
    userData: undefined,
    rendererDir: folder.file('renderer'),
    libraryRoot,
    testHooks: false,
    token,
    createEngineProcess: (catalog) => sourceProcess(catalog),
    createFileWorker: (options) => sourceFileWorker(options),
    poolSize: 1,
  });
});
afterAll(async () => {
  await host.close();
  await folder.remove();
});

/** Sends a raw request (the path as written, not normalised); with the token as a bearer header unless `anonymous`. */
function send(
  path: string,
  options: { method?: string; body?: string; headers?: Record<string, string>; anonymous?: boolean } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const url = new URL(host.url);
  const headers = {
    ...(options.anonymous === true ? {} : { authorization: `Bearer ${token}` }),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body, headers: response.headers }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

const json = { 'content-type': 'application/json' };

describe('the test host', () => {
  it('binds to 127.0.0.1 only', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves the renderer with the API script injected and a strict CSP', async () => {
    const page = await send('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script src="/tessera-host.js"></script>');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
  });

  it('builds window.tessera from the method list', () => {
    const script = browserApiScript();
    expect(script).toContain('"designs","save"');
    expect(script).toContain('"app","onMenuCommand"');
  });

  it('answers API calls through the same validated dispatch as the app', async () => {
    const current = await send('/api/projects/current', { method: 'POST', body: '[]', headers: json });
    expect(JSON.parse(current.body)).toMatchObject({ ok: true, value: { project: { name: 'host' } } });
    const invalid = await send('/api/designs/get', { method: 'POST', body: '[{"id": 7}]', headers: json });
    expect(JSON.parse(invalid.body)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });

  it("sends a serving run's progress over the event stream, in order, ending at 1", async () => {
    const url = new URL(host.url);
    const events: { name: string; payload: { runId: string; done: number } }[] = [];
    const stream = request({
      host: url.hostname,
      port: url.port,
      path: '/api/events',
      headers: { authorization: `Bearer ${token}` },
    });
    const connected = new Promise<void>((resolve) =>
      stream.on('response', (response) => {
        let buffer = '';
        response.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          const blocks = buffer.split('\n\n');
          buffer = blocks.pop() ?? '';
          for (const block of blocks)
            if (block.startsWith('data: ')) events.push(JSON.parse(block.slice('data: '.length)) as never);
        });
        resolve();
      }),
    );
    stream.end();
    await connected;
    try {
      const preset = JSON.parse(
        await readFile(join(libraryRoot, 'presets/nvidia-h100-sxm.json'), 'utf8'),
      ) as {
        design: unknown;
      };
      const workload = {
        ...defaultWorkload(DEFAULT_MODEL_ID),
        serving: { ...defaultServing(), requests: 100 },
      };
      const body = JSON.stringify([{ design: preset.design, workload, runId: 'over-sse' }]);
      const result = await send('/api/serving/run', { method: 'POST', body, headers: json });
      expect(JSON.parse(result.body)).toMatchObject({ ok: true, value: { format: 'tessera.serving' } });
      // The stream may deliver the last event just after the answer.
      for (let wait = 0; wait < 50 && events.at(-1)?.payload.done !== 1; wait += 1)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const done = events
        .filter((event) => event.name === 'serving.onProgress' && event.payload.runId === 'over-sse')
        .map((event) => event.payload.done);
      expect(done.length).toBeGreaterThan(0);
      expect(done.every((value, index) => index === 0 || value >= done[index - 1]!)).toBe(true);
      expect(done.at(-1)).toBe(1);
    } finally {
      stream.destroy();
    }
  });

  it('explains a body that is not JSON', async () => {
    const response = await send('/api/designs/list', { method: 'POST', body: '{not json', headers: json });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('not valid JSON') as string },
    });
  });

  it('refuses API calls from another origin and requests for another host name', async () => {
    const crossSite = await send('/api/designs/list', {
      method: 'POST',
      body: '[]',
      headers: { ...json, origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    const rebound = await send('/api/designs/list', {
      method: 'POST',
      body: '[]',
      headers: { ...json, host: 'evil.example' },
    });
    expect(rebound.status).toBe(403);
  });

  it('never serves files outside the renderer folder', async () => {
    const escaped = await send('/%2e%2e/secret.txt');
    expect(escaped.status).toBeGreaterThanOrEqual(400);
    expect(escaped.body).not.toContain('outside the renderer folder');
  });
});

describe('the test host asks for its token', () => {
  it('prints a URL with the token, which sets an HttpOnly SameSite=Strict cookie and redirects to the clean URL', async () => {
    expect(host.openUrl).toBe(`${host.url}/?token=${token}`);
    const opened = await send(`/?token=${token}`, { anonymous: true });
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe(`${host.url}/`);
    const cookie = String(opened.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await send('/', { anonymous: true, headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('tessera-host.js');
  });

  it('refuses pages and API calls without the token, with a message that says where to find it', async () => {
    const page = await send('/', { anonymous: true });
    expect(page.status).toBe(401);
    expect(page.body).toContain('token it printed');
    const script = await send('/tessera-host.js', { anonymous: true });
    expect(script.status).toBe(401);
    const call = await send('/api/projects/current', {
      method: 'POST',
      body: '[]',
      headers: json,
      anonymous: true,
    });
    expect(call.status).toBe(401);
    expect(JSON.parse(call.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const events = await send('/api/events', { anonymous: true });
    expect(events.status).toBe(401);
  });

  it('refuses a wrong token in the URL, the cookie or a header', async () => {
    const wrong = newToken();
    expect((await send(`/?token=${wrong}`, { anonymous: true })).status).toBe(401);
    const port = new URL(host.url).port;
    for (const headers of <Record<string, string>[]>[
      { cookie: `tessera-token-${port}=${wrong}` },
      { authorization: `Bearer ${wrong}` },
      { 'x-tessera-token': wrong },
      { 'x-tessera-token': token.slice(0, -1) },
    ]) {
      const call = await send('/api/designs/list', {
        method: 'POST',
        body: '[]',
        headers: { ...json, ...headers },
        anonymous: true,
      });
      expect(call.status).toBe(401);
    }
  });

  it('takes the token from the X-Tessera-Token header too', async () => {
    const call = await send('/api/projects/current', {
      method: 'POST',
      body: '[]',
      headers: { ...json, 'x-tessera-token': token },
      anonymous: true,
    });
    expect(call.status).toBe(200);
  });

  it('answers to localhost at its port, but to no other host name or port (DNS rebinding)', async () => {
    const port = new URL(host.url).port;
    const local = await send('/api/projects/current', {
      method: 'POST',
      body: '[]',
      headers: { ...json, host: `localhost:${port}`, origin: `http://localhost:${port}` },
    });
    expect(local.status).toBe(200);
    for (const name of [`127.0.0.1:${Number(port) + 1}`, `attacker.example:${port}`, '127.0.0.1']) {
      const rebound = await send('/', { headers: { host: name } });
      expect(rebound.status).toBe(403);
    }
  });

  it('refuses a token that is too short or has characters outside base64url', async () => {
    await expect(
      startHost({
        port: 0,
        project: undefined,
        userData: undefined,
        rendererDir: folder.file('renderer'),
        libraryRoot,
        testHooks: false,
        token: 'short',
        createEngineProcess: (catalog) => sourceProcess(catalog),
        createFileWorker: (options) => sourceFileWorker(options),
        poolSize: 1,
      }),
    ).rejects.toThrow(/16 to 256 characters/);
  });
});

describe('the test host reads requests strictly', () => {
  it('answers 400 to a malformed %-escape in the path', async () => {
    const response = await send('/assets/%E0%A4%A.js');
    expect(response.status).toBe(400);
    expect(response.body).toContain('malformed');
  });

  it('takes application/json with parameters and in any case, but no other media type', async () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('Application/JSON; charset=utf-8')).toBe(true);
    expect(isJsonContentType(' application/json ;charset=UTF-8')).toBe(true);
    for (const type of ['application/jsonx', 'application/json-seq', 'text/json', 'application/json5', ''])
      expect(isJsonContentType(type)).toBe(false);
    expect(isJsonContentType(undefined)).toBe(false);

    const refused = await send('/api/projects/current', {
      method: 'POST',
      body: '[]',
      headers: { 'content-type': 'application/jsonx' },
    });
    expect(refused.status).toBe(415);
    expect(JSON.parse(refused.body)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    const taken = await send('/api/projects/current', {
      method: 'POST',
      body: '[]',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(taken.status).toBe(200);
  });
});
