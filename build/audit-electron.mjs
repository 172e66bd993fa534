#!/usr/bin/env node
// `npm run audit:electron`: Doyensec's Electronegativity over the Electron shell's sources (main/electron/, not
// its tests) and the renderer's page (renderer/index.html, its CSP). Every finding above LOW must be in
// build/electron-audit-allowlist.json with the reason it is safe; a new one (or one more of a kind) fails, and so
// does an allowlist entry that no longer matches (it would hide the next finding). Prints the counts.
//
// Offline: the check that asks the network for Electron's releases (AvailableSecurityFixesGlobalCheck) is left
// out — npm keeps Electron current — and the tool's attempt to download translations is answered at once.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const runnerPath = require.resolve('@doyensec/electronegativity/dist/runner.js');
const offline = () => Promise.reject(new Error('offline'));
const gotPath = createRequire(runnerPath).resolve('got');
require(gotPath);
require.cache[gotPath].exports = Object.assign(offline, { head: offline });
const run = require(runnerPath);

const electronVersion = JSON.parse(
  readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
).version;
const allowlist = JSON.parse(
  readFileSync(join(root, 'build/electron-audit-allowlist.json'), 'utf8'),
).findings;

// The sources to audit, copied to a folder of their own (the tool scans a whole folder).
const scanned = mkdtempSync(join(tmpdir(), 'tessera-electron-audit-'));
const sources = [
  ...readdirSync(join(root, 'main/electron'))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .map((name) => `main/electron/${name}`),
  'renderer/index.html',
];
for (const source of sources) {
  mkdirSync(join(scanned, dirname(source)), { recursive: true });
  copyFileSync(join(root, source), join(scanned, source));
}

const silence = console.log;
console.log = () => undefined; // the tool's own notes (translations)
let result;
try {
  result = await run({
    input: scanned,
    electronVersionOverride: electronVersion,
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    customScan: [],
    parserPlugins: [],
  });
} finally {
  console.log = silence;
  rmSync(scanned, { recursive: true, force: true });
}

const severityRank = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };
const keyOf = (finding) => `${finding.check} ${finding.file} ${finding.sample}`;
const findings = result.issues.map((issue) => ({
  check: issue.id,
  severity: issue.severity.name,
  file: issue.file === 'N/A' ? 'N/A' : relative(scanned, issue.file),
  line: issue.location.line,
  sample: (issue.sample ?? '').trim().split('\n')[0].slice(0, 120),
}));
const serious = findings.filter((finding) => severityRank[finding.severity] > severityRank.LOW);

const allowed = new Map(allowlist.map((entry) => [keyOf(entry), { ...entry, seen: 0 }]));
const unexplained = [];
for (const finding of serious) {
  const entry = allowed.get(keyOf(finding));
  if (entry && entry.seen < entry.count) entry.seen++;
  else unexplained.push(finding);
}
const stale = [...allowed.values()].filter((entry) => entry.seen !== entry.count);

for (const error of result.errors)
  console.log(`audit:electron: could not parse ${relative(scanned, error.file)}: ${error.message}`);
for (const finding of unexplained)
  console.log(
    `audit:electron: NEW ${finding.severity} ${finding.check} at ${finding.file}:${finding.line} (${finding.sample}) — fix it, or add it to build/electron-audit-allowlist.json with the reason it is safe`,
  );
for (const entry of stale)
  console.log(
    `audit:electron: allowlist entry ${entry.check} at ${entry.file} (${entry.sample}) expects ${entry.count}, found ${entry.seen}: update build/electron-audit-allowlist.json`,
  );
console.log(
  `audit:electron: ${result.globalChecks + result.atomicChecks} checks over ${sources.length} files, ${findings.length} findings (${findings.length - serious.length} low or informational), ${serious.length - unexplained.length} above low explained in the allowlist, ${unexplained.length} unexplained, ${stale.length} stale allowlist entries, ${result.errors.length} parse errors`,
);
process.exit(unexplained.length > 0 || stale.length > 0 || result.errors.length > 0 ? 1 : 0);
