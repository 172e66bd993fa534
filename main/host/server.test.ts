import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryRoot, sourceFileWorker, sourceWorker } from '../testing/fake-backend';
import { temporaryFolder } from '../testing/temp';
import { browserApiScript, startHost } from './server';

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
    createWorker: (catalog) => sourceWorker(catalog),
    createFileWorker: (options) => sourceFileWorker(options),
    poolSize: 1,
  });
});
afterAll(async () => {
  await host.close();
  await folder.remove();
});

function send(
  path: string,
  options: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const url = new URL(path, host.url);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers },
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
