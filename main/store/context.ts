/**
 * What every part of the store works on: the project's connection and the store's settings (how history is
 * kept, and the clock). The parts run only inside `ProjectStore`'s queue, so they never interleave.
 */
import type { Connection } from './sqlite';

/** Saves within this long of an automatic version's start are folded into it (10 minutes). */
export const DEFAULT_AUTO_VERSION_INTERVAL_MS = 10 * 60 * 1000;
/** Automatic versions kept per design; the oldest beyond this are pruned (named versions never are). */
export const DEFAULT_AUTO_VERSION_LIMIT = 100;

/** How the store keeps history, and its clock (tests pass their own). */
export interface ProjectStoreOptions {
  /** Saves within this many milliseconds of an automatic version's start update it in place. Default 10 minutes. */
  autoVersionIntervalMs?: number;
  /** Automatic versions kept per design; older ones are pruned. Default 100. */
  autoVersionLimit?: number;
  /** The time now; every timestamp the store writes and the 30-day purge of deleted designs use it. */
  now?: () => Date;
  /**
   * How long a write waits for another program's lock before it fails with `busy`, in milliseconds. Default
   * 5000 (set with the connection's other settings in `project-file.ts`).
   */
  busyTimeoutMs?: number;
}

export type StoreSettings = Required<Omit<ProjectStoreOptions, 'busyTimeoutMs'>>;

export interface StoreContext {
  readonly connection: Connection;
  readonly settings: StoreSettings;
}

export function settingsOf(options: ProjectStoreOptions): StoreSettings {
  return {
    autoVersionIntervalMs: options.autoVersionIntervalMs ?? DEFAULT_AUTO_VERSION_INTERVAL_MS,
    autoVersionLimit: Math.max(1, Math.floor(options.autoVersionLimit ?? DEFAULT_AUTO_VERSION_LIMIT)),
    now: options.now ?? (() => new Date()),
  };
}

/** The time now as the store writes it (ISO 8601). */
export function timestamp(context: StoreContext): string {
  return context.settings.now().toISOString();
}
