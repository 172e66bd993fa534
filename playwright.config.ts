/**
 * End-to-end tests: the real renderer against the real backend. The `browser` project drives Debian's
 * Chromium against the test host (started by `webServer`); the `electron` project runs the same specs in
 * the Electron app and is enabled by `e2e/run.mjs` only when an Electron binary exists.
 */
import { defineConfig } from '@playwright/test';
import type { TesseraOptions } from './e2e/fixtures';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = Number(process.env.TESSERA_E2E_PORT ?? 4517);
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const withElectron = process.env.TESSERA_E2E_ELECTRON === '1';
// The test host's token (main/host/access.ts), random for each run. Set in the environment, so the host started
// below and the workers (which load this file again, inheriting the runner's environment) share it; the
// fixtures open `/?token=…`.
process.env.TESSERA_HOST_TOKEN ||= randomBytes(32).toString('base64url');
const token = process.env.TESSERA_HOST_TOKEN;

export default defineConfig<TesseraOptions>({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: true,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1440, height: 900 },
  },
  projects: [
    {
      name: 'browser',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: chromium,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
    ...(withElectron ? [{ name: 'electron', use: { shell: 'electron' as const } }] : []),
  ],
  webServer: {
    command: `node out/main/host.js --port ${port} --project ${join(tmpdir(), `tessera-e2e-${process.pid}.tessera`)} --test-hooks`,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    env: { TESSERA_HOST_TOKEN: token },
    reuseExistingServer: false,
    stdout: 'pipe',
    timeout: 30_000,
  },
});
