/**
 * What one engine worker process does with the messages from its pool: the first brings the catalog, every later
 * one a job, answered with a `JobReply`. An exception inside a job becomes an error reply; only a fatal error
 * ends the process. Kept apart from the entry (`engine-process.ts`), which only finds the channel to its parent.
 *
 * The worker keeps the last few designs it was given (`HELD_DESIGNS`, in the same order as the pool's mirror of
 * them), so a job can bring only its design's key, or a delta of a held design.
 */
import { applyDesignDelta } from '../../engine/design-delta';
import type { DesignDocument } from '../../engine/schema/design';
import {
  heldAfter,
  HELD_SESSIONS,
  type EngineReady,
  type EngineStart,
  type JobMessage,
  type JobProgress,
  type JobReply,
} from './engine-pool';
import { createJobRunner, warmUp } from './engine-jobs';

/** How a worker process talks to its pool: Node's IPC channel, or Electron's `process.parentPort`. */
export interface ParentChannel {
  send(reply: JobReply | JobProgress | EngineReady): void;
  onMessage(listener: (message: unknown) => void): void;
}

export function serveJobs(channel: ParentChannel): void {
  let runJob: ReturnType<typeof createJobRunner> | undefined;
  let heldKeys: string[] = [];
  const held = new Map<string, DesignDocument>();
  let sessionKeys: string[] = [];
  const sessions = new Map<string, unknown>();

  /** The job's session data from what the message brings and what this worker holds. */
  function sessionOf(sent: NonNullable<JobMessage['session']>): unknown {
    const data = 'data' in sent ? sent.data : sessions.get(sent.key);
    if (data === undefined) throw new Error(`the session "${sent.key}" is not held`);
    sessionKeys = heldAfter(sessionKeys, sent.key, HELD_SESSIONS);
    sessions.set(sent.key, data);
    for (const key of sessions.keys()) if (!sessionKeys.includes(key)) sessions.delete(key);
    return data;
  }

  /** The job's design from what the message brings and what this worker holds. */
  function designOf(sent: NonNullable<JobMessage['design']>): DesignDocument {
    let design: DesignDocument | undefined;
    if (sent.design) design = sent.design;
    else if (sent.base !== undefined && sent.delta) {
      const base = held.get(sent.base);
      if (!base) throw new Error(`the design "${sent.base}" that a delta applies to is not held`);
      const applied = applyDesignDelta(base, sent.delta);
      if (!applied.ok) throw new Error(`a design delta did not apply: ${applied.message}`);
      design = applied.design;
    } else design = held.get(sent.key);
    if (!design) throw new Error(`the design "${sent.key}" is not held`);
    heldKeys = heldAfter(heldKeys, sent.key);
    held.set(sent.key, design);
    for (const key of held.keys()) if (!heldKeys.includes(key)) held.delete(key);
    return design;
  }

  channel.onMessage((received) => {
    if (runJob === undefined) {
      const { catalog } = received as EngineStart;
      runJob = createJobRunner(catalog);
      // Before the pool sends the first job, so that it runs warm.
      warmUp(runJob, catalog);
      channel.send({ ready: true });
      return;
    }
    const message = received as JobMessage;
    let reply: JobReply;
    try {
      let payload = message.design
        ? { ...(message.payload as object), design: designOf(message.design) }
        : message.payload;
      if (message.session) payload = { ...(payload as object), session: sessionOf(message.session) };
      const jobId = message.jobId;
      const result = runJob(message.kind, payload, {
        progress: (progress) => channel.send({ jobId, progress }),
      });
      reply = result.ok
        ? { jobId: message.jobId, ok: true, value: result.value }
        : { jobId: message.jobId, ok: false, error: result.error };
    } catch (error) {
      // A failed job may have left the held designs and sessions half updated: the pool forgets them too.
      heldKeys = [];
      held.clear();
      sessionKeys = [];
      sessions.clear();
      reply = {
        jobId: message.jobId,
        ok: false,
        error: { code: 'internal', message: `The engine failed: ${(error as Error).message}` },
      };
    }
    channel.send(reply);
  });
}
