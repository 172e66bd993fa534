/**
 * Unit tests, one project per environment: the engine and main run under plain Node, the renderer's pure
 * modules in a DOM (happy-dom). Tests live next to their code as *.test.ts.
 */
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'engine',
          include: ['engine/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          // The real library, for the engine tests that need whole presets (engine/testing/library.ts).
          globalSetup: ['main/testing/library-setup.ts'],
        },
      },
      { test: { name: 'main', include: ['main/**/*.test.ts'], environment: 'node', testTimeout: 30_000 } },
      {
        test: {
          name: 'recipes',
          include: ['recipes/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        plugins: [svelte({ configFile: './svelte.config.js' })],
        // Components are compiled for the browser; resolve Svelte's client build (not its server build) too.
        resolve: { conditions: ['browser'] },
        test: { name: 'renderer', include: ['renderer/**/*.test.ts'], environment: 'happy-dom' },
      },
    ],
  },
});
