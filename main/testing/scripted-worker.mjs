// A worker for testing the pool itself: it answers `echo`, answers `slow` after busy-waiting, and misbehaves
// on request (`crash` throws outside any job handler, `exit` ends the thread, `hang` never answers). `shape`
// answers with the form the job's design arrived in (whole, a delta, or only its key) and this thread's id.
import { parentPort, threadId } from 'node:worker_threads';

parentPort.on('message', ({ jobId, kind, payload, design }) => {
  switch (kind) {
    case 'shape':
      parentPort.postMessage({
        jobId,
        ok: true,
        value: {
          key: design?.key,
          form: design === undefined ? 'none' : design.design ? 'whole' : design.delta ? 'delta' : 'key',
          base: design?.base,
          thread: threadId,
        },
      });
      break;
    case 'echo':
      parentPort.postMessage({ jobId, ok: true, value: payload });
      break;
    case 'slow': {
      const until = Date.now() + payload.milliseconds;
      while (Date.now() < until);
      parentPort.postMessage({ jobId, ok: true, value: payload.value });
      break;
    }
    case 'crash':
      setTimeout(() => {
        throw new Error('scripted crash');
      });
      break;
    case 'exit':
      process.exit(3);
      break;
    case 'hang':
      break;
    default:
      parentPort.postMessage({
        jobId,
        ok: false,
        error: { code: 'invalid-payload', message: `unknown job ${kind}` },
      });
  }
});
