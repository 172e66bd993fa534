/**
 * The CLI's start-up: runs a command of the built CLI (`out/main/cli.js`) 10 times, after one warm-up run that
 * fills the validated-library cache, and prints each command's median wall time. `npm run bench:startup`.
 *
 *   node build/startup-bench.mjs [--runs N]
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const cli = join(import.meta.dirname, '..', 'out', 'main', 'cli.js');
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 10;
const cases = [
  ['--help'],
  ['simulate', '--design', 'preset:nvidia-h100-sxm', '--model', 'llama-3-8b'],
  ['simulate', '--design', 'preset:nvidia-dgx-h100', '--model', 'llama-3-70b', '--tp', '8'],
];

function once(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`tessera ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return seconds;
}

for (const args of cases) {
  once(args);
  const times = Array.from({ length: runs }, () => once(args)).sort((a, b) => a - b);
  const median = (times[Math.floor((runs - 1) / 2)] + times[Math.ceil((runs - 1) / 2)]) / 2;
  console.log(
    `tessera ${args.join(' ')}: median ${(median * 1000).toFixed(0)} ms of ${runs} runs (min ${(times[0] * 1000).toFixed(0)} ms, max ${(times[runs - 1] * 1000).toFixed(0)} ms)`,
  );
}
