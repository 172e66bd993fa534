/**
 * A file worker for tests of the time and memory limits: it runs the product's jobs, except that importing a
 * file named `endless.*` never ends and importing `greedy.*` allocates memory until the heap limit stops it.
 * Only tests start it (`sourceFileWorker(options, misbehavingFileWorker)`); the product never can.
 */
import { parentPort } from 'node:worker_threads';
import { fileJobHandlers, serveFileJobs } from '../files/file-jobs';

if (!parentPort) throw new Error('misbehaving-file-worker must run in a worker thread');

const kept: unknown[] = [];

serveFileJobs(parentPort, {
  ...fileJobHandlers,
  importFile: (input, options) => {
    if (input.fileName.startsWith('endless.')) for (;;) kept.length = 0;
    if (input.fileName.startsWith('greedy.'))
      for (;;) kept.push(new Array<number>(1_000_000).fill(kept.length));
    return fileJobHandlers.importFile(input, options);
  },
});
