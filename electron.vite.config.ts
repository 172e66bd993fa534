/**
 * Builds the three parts of the app with explicit entries (the top-level main/ and renderer/ layout needs them):
 * - main: the Electron main process, the test host, the CLI and the engine worker process (its own file, through
 *   `?modulePath` in `create-engine-process.ts`), all runnable by plain Node 20;
 *   the CLI (`out/main/cli.js`, the package's `bin`) is made executable after each build;
 * - preload: CommonJS (a sandboxed preload cannot be ESM), no npm dependencies;
 * - renderer: the Svelte app.
 */
import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import { executableOutput } from './main/cli/executable-output';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    plugins: [executableOutput()],
    build: {
      target: 'node20.19',
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          index: resolve(root, 'main/electron/index.ts'),
          host: resolve(root, 'main/host/index.ts'),
          cli: resolve(root, 'main/cli/index.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rolldownOptions: {
        input: { index: resolve(root, 'main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [svelte({ configFile: resolve(root, 'svelte.config.js') })],
    build: {
      outDir: resolve(root, 'out/renderer'),
      target: 'chrome140',
      rolldownOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
});
