/**
 * The messages between the renderer and the spec-text worker, in a module of their own so that neither side
 * imports the other for its types.
 */
import type { DesignDocument } from '../../../engine/schema/design';
import type { Workload } from '../../../engine/schema/workload';
import type { DesignTextFormat, ParsedDesignText } from '../../../engine/spec/spec-text';

export type SpecRequest =
  | { id: number; kind: 'write'; design: DesignDocument; workload?: Workload; format: DesignTextFormat }
  | { id: number; kind: 'read'; text: string; format: DesignTextFormat };

export type SpecResponse =
  | { id: number; ok: true; kind: 'text'; text: string }
  | { id: number; ok: true; kind: 'parsed'; parsed: ParsedDesignText }
  | { id: number; ok: false; message: string };
