/**
 * Entry point of one engine worker thread. Receives the catalog once (as workerData), then answers job
 * messages from the pool. An exception inside a job becomes an error reply; only a real crash ends the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Catalog } from '../../engine/catalog';
import type { JobMessage, JobReply } from './engine-pool';
import { createJobRunner } from './engine-jobs';

const port = parentPort;
if (!port) throw new Error('engine-worker must run in a worker thread');
const runJob = createJobRunner((workerData as { catalog: Catalog }).catalog);

port.on('message', (message: JobMessage) => {
  let reply: JobReply;
  try {
    const result = runJob(message.kind, message.payload);
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
