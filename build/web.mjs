#!/usr/bin/env node
// `npm run web`: use Tessera in a browser where Electron cannot run. Builds the app when the build is missing
// or older than the sources, then starts the test host on 127.0.0.1 and prints its URL with the access token the
// host made for this start (main/host/access.ts): only a browser that opened that URL can use the host.
//
//   npm run web -- [--port 5180] [--project ~/Tessera/designs.tessera]
//
// TESSERA_HOST_TOKEN in the environment fixes the token (16 to 256 letters, digits, "-" or "_").
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'out/renderer/index.html');

function newestSource(folder) {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const stale =
  !existsSync(built) ||
  ['main', 'renderer', 'engine'].some((folder) => newestSource(join(root, folder)) > statSync(built).mtimeMs);
if (stale) {
  console.log('Building Tessera…');
  const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const args = process.argv.slice(2);
if (!args.includes('--port')) args.push('--port', '5180');
if (!args.includes('--project')) {
  const folder = join(homedir(), 'Tessera');
  mkdirSync(folder, { recursive: true });
  args.push('--project', join(folder, 'designs.tessera'));
}
if (!args.includes('--user-data')) args.push('--user-data', join(homedir(), '.config', 'tessera'));

const host = spawn(process.execPath, [join(root, 'out/main/host.js'), ...args], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
host.stdout.on('data', (chunk) => {
  const text = chunk.toString();
  process.stdout.write(text);
  const url = /listening on (\S+)/.exec(text)?.[1];
  if (url)
    console.log(
      `\nOpen ${url} in Chromium or Chrome (the token in it is new at every start; keep it to yourself). Press Ctrl+C to stop.`,
    );
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => host.kill('SIGTERM'));
host.on('exit', (code) => process.exit(code ?? 0));
