/**
 * Backend → renderer events (`onX(listener)` in the contract). The Electron shell forwards them over IPC, the
 * test host over Server-Sent Events.
 */
import type { MenuCommand, ProjectInfo, ServingProgress, SweepProgress } from '../contract/api';

/** The payload type of each event, by `domain.event`. */
export interface EventPayloads {
  'app.onMenuCommand': MenuCommand;
  'projects.onChanged': ProjectInfo;
  'sweeps.onProgress': SweepProgress;
  'serving.onProgress': ServingProgress;
}

export type EventName = keyof EventPayloads;

export class EventHub {
  private readonly listeners = new Set<(name: EventName, payload: unknown) => void>();

  emit<N extends EventName>(name: N, payload: EventPayloads[N]): void {
    for (const listener of this.listeners) listener(name, payload);
  }

  /** Receives every event; returns the unsubscribe function. */
  subscribe(listener: (name: EventName, payload: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
