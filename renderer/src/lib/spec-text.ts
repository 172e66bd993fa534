/**
 * The renderer's side of the spec-text worker: write a design as YAML or JSON, read a text back, each a promise.
 * One worker for the window, started on first use.
 */
import type { DesignDocument } from '../../../engine/schema/design';
import type { Workload } from '../../../engine/schema/workload';
import type { DesignTextFormat, ParsedDesignText } from '../../../engine/spec/spec-text';
import type { SpecRequest, SpecResponse } from '../workers/spec-text-messages';
import SpecTextWorker from '../workers/spec-text.worker?worker';

let worker: Worker | undefined;
let nextId = 1;
const waiting = new Map<number, { resolve: (response: SpecResponse) => void }>();

type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;

function send(request: Unnumbered<SpecRequest>): Promise<SpecResponse> {
  if (!worker) {
    worker = new SpecTextWorker();
    worker.onmessage = (event: MessageEvent<SpecResponse>) => {
      waiting.get(event.data.id)?.resolve(event.data);
      waiting.delete(event.data.id);
    };
    worker.onerror = (event) => {
      // A worker that failed to start or crashed answers everything still waiting with the reason.
      for (const [id, entry] of waiting)
        entry.resolve({ id, ok: false, message: event.message || 'The spec worker stopped.' });
      waiting.clear();
      worker = undefined;
    };
  }
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, { resolve });
    worker?.postMessage({ ...request, id });
  });
}

/** The design (with its workload, when given) as text; throws with the reason if it cannot be written. */
export async function writeSpec(
  design: DesignDocument,
  format: DesignTextFormat,
  workload?: Workload,
): Promise<string> {
  // The editor keeps the document and workload as raw state (plain objects), so they can be posted as they are.
  const response = await send({ kind: 'write', design, format, ...(workload ? { workload } : {}) });
  if (!response.ok) throw new Error(response.message);
  if (response.kind !== 'text') throw new Error('The spec worker answered the wrong request.');
  return response.text;
}

/** Reads a text as a design: the validated document, or its problems with line and column. */
export async function readSpec(text: string, format: DesignTextFormat): Promise<ParsedDesignText> {
  const response = await send({ kind: 'read', text, format });
  if (!response.ok)
    return { ok: false, problems: [{ line: 1, column: 1, path: '(text)', message: response.message }] };
  if (response.kind !== 'parsed') throw new Error('The spec worker answered the wrong request.');
  return response.parsed;
}
