/** Runs the command line in-process, as the CLI's tests do: the exit code and everything written to each stream. */
import { FileJobRunner } from '../files';
import { sourceFileWorker } from '../testing/fake-backend';
import { runCli, type CliOptions } from './commands';

/**
 * One file runner for every command of a test file, as one app process keeps one: the worker (started from
 * the TypeScript source, which takes seconds) starts once and idles between commands without holding the
 * process open.
 */
const fileJobs = new FileJobRunner({ createWorker: (options) => sourceFileWorker(options) });

export async function tessera(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return tesseraWith({ fileJobs }, ...argv);
}

/** `tessera` with the caller's options (a file runner with a shorter time limit). */
export async function tesseraWith(
  options: CliOptions,
  ...argv: string[]
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(
    argv,
    {
      stdout: (text) => {
        out += text;
      },
      stderr: (text) => {
        err += text;
      },
    },
    options,
  );
  return { code, out, err };
}
