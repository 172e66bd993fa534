/**
 * The preload: exposes one object, `window.tessera`, built from the API's method list. Every method is an
 * `ipcRenderer.invoke` on the channel derived from its name; every event an `ipcRenderer.on` with an
 * unsubscribe function. No npm dependencies (a sandboxed preload cannot load them), no raw ipcRenderer.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventChannel, listEvents, listMethods, methodChannel } from '../contract/methods';

const api: Record<string, Record<string, unknown>> = {};

for (const [domain, method] of listMethods()) {
  const channel = methodChannel(domain, method);
  (api[domain] ??= {})[method] = (...args: unknown[]) => ipcRenderer.invoke(channel, ...args);
}

for (const [domain, event] of listEvents()) {
  const channel = eventChannel(domain, event);
  (api[domain] ??= {})[event] = (listener: (payload: unknown) => void) => {
    if (typeof listener !== 'function') throw new TypeError(`${domain}.${event} needs a listener function`);
    const handler = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  };
}

contextBridge.exposeInMainWorld('tessera', api);
