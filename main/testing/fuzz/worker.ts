/** A fuzzing worker thread: runs each job it is sent and answers with its summary (or the error that stopped it). */
import { parentPort } from 'node:worker_threads';
import { runJob, type FuzzJob } from './jobs';

const port = parentPort;
if (!port) throw new Error('worker.ts runs in a worker thread');
port.on('message', (job: FuzzJob) => {
  runJob(job).then(
    (summary) => port.postMessage({ ok: true, summary }),
    (error: unknown) => port.postMessage({ ok: false, error: (error as Error).stack ?? String(error) }),
  );
});
