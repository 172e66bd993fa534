/**
 * The method list of `TesseraApi`: the preload, the test host's browser script and main's IPC wiring are all
 * built from it, and channel names are derived from it. The mapped types make the compiler reject a list
 * that misses or invents a method.
 */
import type { TesseraApi } from './api';

type IsEvent<Name> = Name extends `on${string}` ? true : false;

/** Request/response methods of each domain (every method except `onX` events). */
type MethodFlags = {
  [D in keyof TesseraApi]: { [M in keyof TesseraApi[D] as IsEvent<M> extends true ? never : M]: true };
};
/** Events of each domain (`onX(listener)` returning an unsubscribe function). */
type EventFlags = {
  [D in keyof TesseraApi]: { [M in keyof TesseraApi[D] as IsEvent<M> extends true ? M : never]: true };
};

export const apiMethods: MethodFlags = {
  app: { info: true, getSettings: true, setSettings: true, chooseProjectFile: true },
  projects: { current: true, open: true, create: true, recent: true, saveAs: true },
  designs: {
    list: true,
    get: true,
    create: true,
    save: true,
    rename: true,
    duplicate: true,
    delete: true,
    restore: true,
    versions: true,
    checkpoint: true,
    version: true,
  },
  library: { catalog: true, importModel: true, modules: true, saveModule: true, deleteModule: true },
  simulation: { check: true, run: true, sweep: true },
  files: { formats: true, export: true, import: true },
  sweeps: {
    list: true,
    get: true,
    start: true,
    pause: true,
    resume: true,
    cancel: true,
    delete: true,
    points: true,
    heatmap: true,
    sensitivity: true,
    openPoint: true,
    export: true,
  },
  serving: { run: true, cancel: true },
  comments: { list: true, add: true, reply: true, setStatus: true },
  review: { export: true, open: true, save: true, whatIf: true, merge: true, report: true },
  compare: { run: true },
};

export const apiEvents: EventFlags = {
  app: { onMenuCommand: true },
  projects: { onChanged: true },
  designs: {},
  library: {},
  simulation: {},
  files: {},
  sweeps: { onProgress: true },
  serving: { onProgress: true },
  comments: {},
  review: {},
  compare: {},
};

/** The IPC channel of a method: `tessera:designs.save`. */
export function methodChannel(domain: string, method: string): string {
  return `tessera:${domain}.${method}`;
}

/** The IPC channel an event is sent on: `tessera-event:app.onMenuCommand`. */
export function eventChannel(domain: string, event: string): string {
  return `tessera-event:${domain}.${event}`;
}

/** `[domain, method]` pairs of every request/response method. */
export function listMethods(): [string, string][] {
  return Object.entries(apiMethods).flatMap(([domain, methods]) =>
    Object.keys(methods).map((method): [string, string] => [domain, method]),
  );
}

/** `[domain, event]` pairs of every event. */
export function listEvents(): [string, string][] {
  return Object.entries(apiEvents).flatMap(([domain, events]) =>
    Object.keys(events).map((event): [string, string] => [domain, event]),
  );
}
