// The layers of main/ (ARCHITECTURE.md#layering), written once: eslint.config.js turns them into
// no-restricted-imports rules (in the editor, type-only imports included) and .dependency-cruiser.js into rules
// on resolved paths (dynamic imports and re-exports included).

/**
 * Each folder of main/, top to bottom, with the folders of main/ it may import (every folder may import itself
 * and engine/). Shells (electron, host, cli) start the product; only the CLI runs the lab; nothing imports
 * upward.
 */
export const mainLayers = {
  electron: { layer: 'shell layer', mayImport: ['app', 'services', 'store', 'files', 'export', 'contract'] },
  host: { layer: 'shell layer', mayImport: ['app', 'services', 'store', 'files', 'export', 'contract'] },
  cli: {
    layer: 'shell layer',
    mayImport: ['lab', 'app', 'services', 'store', 'files', 'export', 'contract'],
  },
  lab: { layer: 'lab layer', mayImport: ['app', 'services', 'store', 'files', 'export', 'contract'] },
  app: { layer: 'app layer', mayImport: ['services', 'store', 'files', 'export', 'contract'] },
  services: { layer: 'services layer', mayImport: ['contract'] },
  store: { layer: 'store layer', mayImport: ['contract'] },
  files: { layer: 'files layer', mayImport: ['export', 'contract'] },
  export: { layer: 'files layer, below main/files/', mayImport: ['contract'] },
  contract: { layer: 'contract, importable by every layer', mayImport: [] },
};

/** Nothing imports a shell, and only the CLI imports the lab: tests and main/testing/ may not either. */
const shellsAndLab = ['electron', 'host', 'cli', 'lab'];

/** main/testing/: support for tests, which may use any layer below the shells and the lab to build real fixtures. */
export const testingFolder = 'testing';

/** Test code inside a layer folder: its tests and their shared support. */
export const testFilePatterns = ['**/*.test.ts', '**/test-support.ts'];

export const layeringLink = 'ARCHITECTURE.md#layering';

/** The folders of main/ a folder's product code may not import. */
export function forbiddenFor(folder) {
  const allowed = new Set([folder, ...mainLayers[folder].mayImport]);
  return [...Object.keys(mainLayers), testingFolder].filter((other) => !allowed.has(other));
}

/** The folders of main/ a folder's tests (and main/testing/) may not import: the shells and the lab, but their own. */
export function forbiddenForTests(folder) {
  return shellsAndLab.filter((other) => other !== folder);
}

/** "main/app/ (app layer) may import only main/services/, …, main/contract/ and engine/". */
export function describeLayer(folder) {
  const { layer, mayImport } = mainLayers[folder];
  const allowed = mayImport.map((other) => `main/${other}/`);
  return `main/${folder}/ (${layer}) may import only ${[allowed.join(', '), 'engine/'].filter(Boolean).join(' and ')}`;
}

export const describeTests =
  'tests (*.test.ts, test-support.ts) and main/testing/ may import every folder of main/ but the shells and main/lab/ (other than their own)';
