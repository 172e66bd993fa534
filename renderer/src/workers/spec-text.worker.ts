/**
 * Writes and reads the design's text spec off the UI thread: the YAML library reads a few hundred kilobytes a
 * second, so a large design's text would otherwise freeze the window while it is parsed.
 */
import type { DesignDocument } from '../../../engine/schema/design';
import type { Workload } from '../../../engine/schema/workload';
import {
  designToJson,
  designToYaml,
  parseDesignText,
  type DesignTextFormat,
} from '../../../engine/spec/spec-text';
import type { SpecRequest, SpecResponse } from './spec-text-messages';

function handle(request: SpecRequest): SpecResponse {
  try {
    if (request.kind === 'write') {
      const write: (design: DesignDocument, workload?: Workload) => string =
        request.format === 'yaml' ? designToYaml : designToJson;
      return { id: request.id, ok: true, kind: 'text', text: write(request.design, request.workload) };
    }
    return {
      id: request.id,
      ok: true,
      kind: 'parsed',
      parsed: parseDesignText(request.text, request.format satisfies DesignTextFormat),
    };
  } catch (error) {
    return { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

self.onmessage = (event: MessageEvent<SpecRequest>) => {
  self.postMessage(handle(event.data));
};
