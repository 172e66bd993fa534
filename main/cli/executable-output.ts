/**
 * A build plugin (Vite/Rolldown `writeBundle` hook) that gives every written chunk starting with a shebang
 * (`#!/usr/bin/env node`, the CLI's `out/main/cli.js`) its run bits, as `chmod +x` would: a rebuild writes
 * the file anew with mode 0644, and `npx tessera` then fails with "Permission denied".
 */
import { chmod, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The part of a bundle entry this plugin reads: a chunk has `code`, an asset has `source`. */
interface OutputEntry {
  type: 'chunk' | 'asset';
  fileName: string;
  code?: string;
}

export interface ExecutableOutputPlugin {
  name: string;
  writeBundle(options: { dir?: string | undefined }, bundle: Record<string, OutputEntry>): Promise<void>;
}

export function executableOutput(): ExecutableOutputPlugin {
  return {
    name: 'tessera-executable-output',
    async writeBundle(options, bundle) {
      if (options.dir === undefined) return;
      for (const entry of Object.values(bundle)) {
        if (entry.type !== 'chunk' || entry.code?.startsWith('#!') !== true) continue;
        const path = join(options.dir, entry.fileName);
        const { mode } = await stat(path);
        // Run bits wherever there are read bits: 0644 → 0755, 0600 → 0700.
        await chmod(path, mode | ((mode & 0o444) >> 2));
      }
    },
  };
}
