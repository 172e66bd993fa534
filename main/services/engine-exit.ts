/**
 * Why an engine worker process ended, in words for the error its job is answered with. Both ways of starting one
 * (`fork-engine-process.ts` under Node, `main/electron/engine-process.ts` in the app) read what the process writes
 * to stderr for the fatal error: V8 prints the reason just before it aborts.
 */

/** The heap limit of an engine worker process, in megabytes: a runaway job ends its own process, not the machine. */
export const ENGINE_HEAP_MEGABYTES = 2048;

/** The flags an engine worker process starts with. */
export const engineExecArgv = (heapMegabytes = ENGINE_HEAP_MEGABYTES): string[] => [
  `--max-old-space-size=${heapMegabytes}`,
];

/**
 * Reads what a process writes to stderr, line by line, and keeps the first line that names a fatal error (V8
 * prints it before its stack dump, which can run to hundreds of lines).
 */
export class FatalOutput {
  private partial = '';
  private found: string | undefined;

  add(chunk: Buffer | string): void {
    if (this.found !== undefined) return;
    const lines = (this.partial + chunk.toString()).split('\n');
    this.partial = (lines.pop() ?? '').slice(-LONGEST_LINE);
    for (const line of lines) {
      this.found = fatalLine(line);
      if (this.found !== undefined) return;
    }
  }

  /** The fatal error the process printed, if any. */
  get line(): string | undefined {
    return this.found ?? fatalLine(this.partial);
  }
}

/** Lines that name a fatal error, in V8's and Node's own words. */
const fatalPattern = /FATAL ERROR: |Fatal JavaScript |Fatal error in |Check failed: |^abort: |^\w*Error: /;

const LONGEST_LINE = 240;

function fatalLine(line: string): string | undefined {
  if (!fatalPattern.test(line)) return undefined;
  const trimmed = line.replace(/^[#\s]+/, '').trim();
  return trimmed.length > LONGEST_LINE ? `${trimmed.slice(0, LONGEST_LINE - 1)}…` : trimmed;
}

/**
 * Why a process ended: the fatal error it printed, if any, and its signal or exit code — e.g. "FATAL ERROR:
 * Reached heap limit Allocation failed - JavaScript heap out of memory, signal SIGABRT".
 */
export function exitReason(printed: string | undefined, code: number | null, signal: string | null): string {
  const how =
    signal !== null ? `signal ${signal}` : code !== null ? `exit code ${code}` : 'it ended unexpectedly';
  return printed === undefined ? how : `${printed}, ${how}`;
}
