/**
 * Entry point of one engine worker thread. Receives the catalog once (as workerData), then answers job
 * messages from the pool. An exception inside a job becomes an error reply; only a real crash ends the thread.
 *
 * The worker keeps the last few designs it was given (`HELD_DESIGNS`, in the same order as the pool's mirror of
 * them), so a job can bring only its design's key, or a delta of a held design.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Catalog } from '../../engine/catalog';
import { applyDesignDelta } from '../../engine/design-delta';
import type { DesignDocument } from '../../engine/schema/design';
import { heldAfter, type JobMessage, type JobReply } from './engine-pool';
import { createJobRunner, warmUp } from './engine-jobs';

const port = parentPort;
if (!port) throw new Error('engine-worker must run in a worker thread');
const { catalog } = workerData as { catalog: Catalog };
const runJob = createJobRunner(catalog);
// Before the first message is read: a job that arrives meanwhile waits a few milliseconds, and then runs warm.
warmUp(runJob, catalog);

let heldKeys: string[] = [];
const held = new Map<string, DesignDocument>();

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

port.on('message', (message: JobMessage) => {
  let reply: JobReply;
  try {
    const payload = message.design
      ? { ...(message.payload as object), design: designOf(message.design) }
      : message.payload;
    const result = runJob(message.kind, payload);
    reply = result.ok
      ? { jobId: message.jobId, ok: true, value: result.value }
      : { jobId: message.jobId, ok: false, error: result.error };
  } catch (error) {
    reply = {
      jobId: message.jobId,
      ok: false,
      error: { code: 'internal', message: `The engine failed: ${(error as Error).message}` },
    };
  }
  port.postMessage(reply);
});
