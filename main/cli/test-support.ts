/** Runs the command line in-process, as the CLI's tests do: the exit code and everything written to each stream. */
import { runCli } from './commands';

export async function tessera(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
  });
  return { code, out, err };
}
