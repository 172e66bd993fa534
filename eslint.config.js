// ESLint flat config: typescript-eslint (type-checked), Svelte, layering rules, prettier last.
// The layering rules enforce the "may import" column of ARCHITECTURE.md#layering — type-only imports included.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import {
  describeLayer,
  describeTests,
  forbiddenFor,
  forbiddenForTests,
  layeringLink,
  mainLayers,
  testFilePatterns,
  testingFolder,
} from './layers.js';
import svelteConfig from './svelte.config.js';

const layering = `see ${layeringLink}`;
const nodeBuiltins = `^(node:.*|${builtinModules.filter((name) => !name.startsWith('_')).join('|')})(/.*)?$`;
const up = (folders) => `^(\\.\\./)+(${folders})(/|$)`;

/**
 * The no-restricted-imports options for a file of main/: no renderer, e2e or UI code, Electron only in
 * main/electron/, test code only in tests, and none of `forbidden` (folders of main/), each refusal naming the
 * layer rule `describe` states.
 */
function mainRestrictions(folder, forbidden, describe, { tests = false } = {}) {
  return {
    paths:
      folder === 'electron'
        ? []
        : [
            {
              name: 'electron',
              message: `Only main/electron/ may import electron; services run under plain Node (${layering}).`,
            },
          ],
    patterns: [
      { regex: up('renderer|e2e'), message: `main/ never imports renderer/ (${layering}).` },
      { regex: '^(svelte|@xyflow)', message: `main/ has no UI code (${layering}).` },
      ...forbidden.map((other) => ({
        regex: up(other),
        message: `${describe}; not main/${other}/ (${layering}).`,
      })),
      ...(tests
        ? []
        : [{ regex: '(^|/)test-support$', message: `Only tests import test support (${layering}).` }]),
    ],
  };
}

const testRules = {
  'no-restricted-syntax': [
    'error',
    {
      selector: "CallExpression[callee.property.name='only']",
      message: '.only is not allowed: it silently skips every other test.',
    },
    {
      selector:
        "CallExpression[callee.property.name=/^(skip|todo|fixme)$/]:not([arguments.1.type='Literal']):not([arguments.1.type='TemplateLiteral'])",
      message: 'A skipped test must say why: test.skip(condition, "reason").',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'bench-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, svelteConfig } },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { ...globals.node } },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    languageOptions: { globals: { ...globals.browser } },
    // State is replaced, never mutated ($state.raw with fresh Sets and arrays), so SvelteSet is not wanted.
    rules: { 'svelte/prefer-svelte-reactivity': 'off' },
  },
  // engine/ is pure: no I/O, no platform, no UI; catalog data is passed in.
  {
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'sqlite3', 'svelte', '@xyflow/svelte', '@xyflow/system'].map((name) => ({
            name,
            message: `engine/ is pure: it may not import ${name} (${layering}).`,
          })),
          patterns: [
            {
              regex: nodeBuiltins,
              message: `engine/ is pure: no Node built-ins; it never reads a file or a clock (${layering}).`,
            },
            {
              regex: up('main|renderer|library|e2e'),
              message: `engine/ imports nothing outside engine/; library data is passed in (${layering}).`,
            },
            { regex: '^svelte/', message: `engine/ is pure: no Svelte (${layering}).` },
          ],
        },
      ],
    },
  },
  // main/ never imports the renderer; only main/electron/ may import Electron. Files in a layer folder get
  // their layer's rule below instead (it repeats these).
  { files: ['main/**/*.ts'], rules: { 'no-restricted-imports': ['error', mainRestrictions('', [], '')] } },
  // main/ in layers: each folder imports only the folders below it (layers.js); tests also reach main/testing/.
  ...Object.keys(mainLayers).flatMap((folder) => [
    {
      files: [`main/${folder}/**/*.ts`],
      ignores: testFilePatterns.map((pattern) => `main/${folder}/${pattern}`),
      rules: {
        'no-restricted-imports': [
          'error',
          mainRestrictions(folder, forbiddenFor(folder), describeLayer(folder)),
        ],
      },
    },
    {
      files: testFilePatterns.map((pattern) => `main/${folder}/${pattern}`),
      rules: {
        'no-restricted-imports': [
          'error',
          mainRestrictions(folder, forbiddenForTests(folder), describeTests, { tests: true }),
        ],
      },
    },
  ]),
  {
    files: [`main/${testingFolder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        mainRestrictions(testingFolder, forbiddenForTests(testingFolder), describeTests, { tests: true }),
      ],
    },
  },
  // main/contract/ is the API's types (plus its method list): it imports types only.
  {
    files: ['main/contract/**/*.ts'],
    rules: {
      '@typescript-eslint/no-import-type-side-effects': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[importKind='value']",
          message: `main/contract/ holds types: use "import type" (${layering}).`,
        },
      ],
    },
  },
  // renderer/ reaches the backend only through window.tessera; it may import types from main/contract/ and pure engine code.
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'sqlite3'].map((name) => ({
            name,
            message: `renderer/ may not import ${name}; use window.tessera (${layering}).`,
          })),
          patterns: [
            { regex: nodeBuiltins, message: `renderer/ may not import Node built-ins (${layering}).` },
            {
              regex: up('library'),
              message: `renderer/ gets library data from window.tessera.library, not from files (${layering}).`,
            },
            { regex: up('e2e'), message: `renderer/ may not import e2e/ (${layering}).` },
            {
              regex: `${up('main')}(?!contract/api$)`,
              message: `renderer/ may import only types from main/contract/api (${layering}).`,
            },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `${up('main')}contract/api$`,
              allowTypeImports: true,
              message: `renderer/ may import only types from main/contract/api (${layering}).`,
            },
          ],
        },
      ],
    },
  },
  // e2e/ tests the app from outside, like a user.
  {
    files: ['e2e/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: up('main|renderer|engine|library'),
              message: `e2e/ drives the app from outside; it imports no app code (${layering}).`,
            },
          ],
        },
      ],
      ...testRules,
    },
  },
  { files: ['**/*.test.ts'], rules: testRules },
  prettier,
);
