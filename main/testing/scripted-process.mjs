// An engine worker process for testing the pool itself: it answers `echo`, answers `slow` after busy-waiting, and
// misbehaves on request (`crash` throws outside any job handler, `exit` ends the process, `hang` never answers).
// `shape` answers with the form the job's design arrived in (whole, a delta, or only its key) and this process's
// id, and the form its session arrived in (whole or only its key). `progress` sends `payload.steps` progress
// messages, busy-waiting `payload.milliseconds` before each, then answers `payload.value`. The first message brings the catalog, which it ignores and answers that it is ready.
let started = false;

process.on('message', ({ jobId, kind, payload, design, session }) => {
  if (!started) {
    started = true;
    process.send({ ready: true });
    return;
  }
  switch (kind) {
    case 'shape':
      process.send({
        jobId,
        ok: true,
        value: {
          key: design?.key,
          form: design === undefined ? 'none' : design.design ? 'whole' : design.delta ? 'delta' : 'key',
          base: design?.base,
          thread: process.pid,
          session: session === undefined ? 'none' : 'data' in session ? 'whole' : 'key',
        },
      });
      break;
    case 'echo':
      process.send({ jobId, ok: true, value: payload });
      break;
    case 'slow': {
      const until = Date.now() + payload.milliseconds;
      while (Date.now() < until);
      process.send({ jobId, ok: true, value: payload.value });
      break;
    }
    case 'progress': {
      for (let step = 1; step <= payload.steps; step += 1) {
        const until = Date.now() + payload.milliseconds;
        while (Date.now() < until);
        process.send({ jobId, progress: step / payload.steps });
      }
      process.send({ jobId, ok: true, value: payload.value });
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
      process.send({ jobId, ok: false, error: { code: 'invalid-payload', message: `unknown job ${kind}` } });
  }
});
