// dependency-cruiser (`npm run deps`, part of `npm run check`): no import cycle anywhere in the tree — .svelte
// files and type-only imports included — and main/'s layers (layers.js) on resolved paths, which also covers
// dynamic import() and re-exports. See ARCHITECTURE.md#layering.
import {
  describeLayer,
  describeTests,
  forbiddenFor,
  forbiddenForTests,
  layeringLink,
  mainLayers,
  testingFolder,
} from './layers.js';

const testFiles = '(\\.test\\.ts|/test-support\\.ts)$';
const folders = (names) => `^main/(${names.join('|')})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: `Modules import each other (directly or round a loop): move what both need into a module below both (see ${layeringLink}).`,
      from: {},
      to: { circular: true },
    },
    {
      name: 'main-folder-without-layer',
      severity: 'error',
      comment: `Every folder of main/ is a layer: add it to layers.js and ${layeringLink}.`,
      from: { path: '^main/[^/]+/', pathNot: folders([...Object.keys(mainLayers), testingFolder]) },
      to: {},
    },
    ...Object.keys(mainLayers).flatMap((folder) => [
      {
        name: `layer-${folder}`,
        severity: 'error',
        comment: `${describeLayer(folder)}, never test code (see ${layeringLink}).`,
        from: { path: `^main/${folder}/`, pathNot: testFiles },
        to: { path: [folders(forbiddenFor(folder)), testFiles] },
      },
      {
        name: `layer-${folder}-tests`,
        severity: 'error',
        comment: `${describeTests} (see ${layeringLink}).`,
        from: { path: `^main/${folder}/.*${testFiles}` },
        to: { path: folders(forbiddenForTests(folder)) },
      },
    ]),
    {
      name: `layer-${testingFolder}`,
      severity: 'error',
      comment: `${describeTests} (see ${layeringLink}).`,
      from: { path: `^main/${testingFolder}/` },
      to: { path: folders(forbiddenForTests(testingFolder)) },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(out|dist|test-results|playwright-report|bench-results)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    // Type-only imports are dependencies too: a cycle "just for types" still ties two modules together.
    tsPreCompilationDeps: true,
    cache: { folder: 'node_modules/.cache/dependency-cruiser', strategy: 'content' },
  },
};
