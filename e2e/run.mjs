#!/usr/bin/env node
// `npm run test:e2e`: builds the app, then runs the Playwright suite. The `browser` project always runs (the
// real renderer in Debian's Chromium against the test host); the `electron` project runs the same specs in the
// real app only when an Electron binary is present, and this script says so when it skips it.
import { spawnSync } from 'node:child_process';
import { electronBinary } from './electron-binary.mjs';

const binary = electronBinary();
if (binary)
  console.log(`e2e: Electron binary found at ${binary}; running the browser and electron projects.`);
else
  console.log(
    'e2e: SKIPPING the electron project: no Electron binary is installed (it cannot be downloaded on this machine). Running the browser project only.',
  );

const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TESSERA_E2E_ELECTRON: binary ? '1' : '0' },
});
process.exit(run.status ?? 1);
