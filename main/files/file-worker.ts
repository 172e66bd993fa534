/**
 * Entry point of the file worker thread: imports and exports run here, so a file that makes a parser or a
 * writer slow costs only this thread (the runner stops it after its time limit), never the app's event loop.
 */
import { parentPort } from 'node:worker_threads';
import { serveFileJobs } from './file-jobs';

if (!parentPort) throw new Error('file-worker must run in a worker thread');
serveFileJobs(parentPort);
