/**
 * The CLI's commands as a function of (arguments, output streams) → exit code, so tests run it in-process.
 * This dispatcher loads each command's module when that command runs (`import()`), so a command loads only
 * what it needs: `simulate` never loads the project store (sqlite3), the file worker or the export writers.
 * The command modules import what they share from `main/app/command-line.ts` and `./usage`, never this file.
 */
import type { FileJobRunner } from '../files';
import type { SweepOptions } from './sweep';
import { UsageError, type Streams } from '../app/command-line';
import { commands, commandUsage, usage } from './usage';

export { commandUsage };

const asksForHelp = (args: readonly string[]): boolean => args.includes('--help') || args.includes('-h');

export interface CliOptions {
  /**
   * Where `import` and `export` parse and write: a runner the caller keeps (tests share one across commands).
   * Default: a runner on the bundled file worker (`main/files/create-file-worker.ts`), stopped after the command.
   */
  fileJobs?: FileJobRunner;
  /** How `sweep` evaluates its points (tests); default in this process. */
  sweep?: SweepOptions;
}

/** Runs `body` with the caller's file runner, else with a new one on the bundled worker, closed afterwards. */
async function withFileJobs<T>(options: CliOptions, body: (files: FileJobRunner) => Promise<T>): Promise<T> {
  if (options.fileJobs) return await body(options.fileJobs);
  const { createFileWorker } = await import('../files/create-file-worker');
  // The worker starts with the first job, so `--help` and usage errors never start one.
  const { FileJobRunner } = await import('../files');
  const files = new FileJobRunner({ createWorker: createFileWorker });
  try {
    return await body(files);
  } finally {
    await files.close();
  }
}

export async function runCli(argv: string[], streams: Streams, options: CliOptions = {}): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command !== undefined && commands.includes(command) && asksForHelp(rest)) {
      streams.stdout(commandUsage(command));
      return 0;
    }
    if (command === 'help' && rest[0] !== undefined && commands.includes(rest[0])) {
      streams.stdout(commandUsage(rest[0]));
      return 0;
    }
    switch (command) {
      case 'new': {
        const { runNew } = await import('./new-project');
        return await runNew(rest, streams);
      }
      case 'presets':
      case 'models':
      case 'formats': {
        const { runList } = await import('./library-commands');
        return await runList(command, rest, streams);
      }
      case 'simulate': {
        const { runSimulate } = await import('./simulate');
        return await runSimulate(rest, streams);
      }
      case 'sweep': {
        if (rest[0] === 'merge') {
          const { runSweepMerge } = await import('./sweep-merge');
          return await runSweepMerge(rest.slice(1), streams);
        }
        const { runSweep } = await import('./sweep');
        return await runSweep(rest, streams, options.sweep);
      }
      case 'serve': {
        const { runServe } = await import('./serve');
        return await runServe(rest, streams);
      }
      case 'import-model': {
        const { runImportModel } = await import('./library-commands');
        return await runImportModel(rest, streams);
      }
      case 'export': {
        const { runExport } = await import('./export');
        return await withFileJobs(options, (files) => runExport(rest, streams, files));
      }
      case 'import': {
        const { runImport } = await import('./import');
        return await withFileJobs(options, (files) => runImport(rest, streams, files));
      }
      case 'validate': {
        const { runValidation } = await import('../lab/validate');
        return await runValidation(rest, streams);
      }
      case 'bench': {
        const { runBench } = await import('../lab/bench');
        return await runBench(rest, streams);
      }
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        streams.stdout(usage);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"\n\n${usage}`);
    }
  } catch (error) {
    // A file job stopped for time or memory is the file's doing (a malformed file), like invalid input.
    if (error instanceof UsageError || (await isUsersFault(error))) {
      streams.stderr(`tessera: ${(error as Error).message}\n`);
      return 2;
    }
    streams.stderr(`tessera: unexpected failure: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

/**
 * A project-store failure or a file job stopped for time or memory: the file's doing (a malformed file), like
 * invalid input. Their modules are loaded here only on a failure, so a command that never loads them stays light.
 */
async function isUsersFault(error: unknown): Promise<boolean> {
  if (!(error instanceof Error)) return false;
  if (error.name === 'StoreError') {
    const { StoreError } = await import('../store/store-error');
    return error instanceof StoreError;
  }
  if (error.name === 'FileJobError') {
    const { FileJobError } = await import('../files/file-job-runner');
    return error instanceof FileJobError;
  }
  return false;
}
