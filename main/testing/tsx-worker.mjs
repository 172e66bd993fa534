// Runs a TypeScript worker entry in a worker thread during tests (tsx's loader hooks must be registered inside
// the thread itself). The entry sees the same workerData.
import { workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
await import(pathToFileURL(workerData.entry).href);
