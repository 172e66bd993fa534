#!/usr/bin/env node
/**
 * `tessera`, the command line: the same library, engine and project store as the app, without a window.
 *
 *   tessera new <file.tessera> [--preset ID]
 *   tessera presets | models | formats [--json]
 *   tessera simulate --design <file.json | preset:ID> --model <ID | config.json> [options] [--json]
 *   tessera import-model <config.json> --id <id> [--name <name>] [--out <file.json>] [--project <file.tessera>]
 *   tessera export --project <file.tessera> --design <name | id> --format <format> --out <file | folder> [--force]
 *   tessera import --project <file.tessera> <file> [--name <name>] [--model-id <id>]
 *   tessera validate [--out <file>] [--json]
 *   tessera bench [--json]
 *   tessera --help, tessera <command> --help
 *
 * Exit code 0 with a result; 1 when `simulate` reports an error (the model does not fit: the report is still
 * printed) or on an unexpected failure; 2 with a readable message for bad arguments, unknown ids or invalid input.
 */
import module from 'node:module';
import { runCli } from './commands';

// Node 22.1+ keeps the compiled code of the CLI's modules on disk, so the next start does not compile them again
// (part of the start-up budget, docs/performance.md); older versions have no such cache and skip this.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
