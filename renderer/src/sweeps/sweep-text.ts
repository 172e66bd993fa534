/**
 * The sweep definition as text (the YAML tab). A private stand-in for `engine/sweep/read.ts` (branch i17-core:
 * `readSweepSpec`, `writeSweepSpec`) until it lands: the same contract — YAML or JSON in, the validated document or
 * every problem with its path and line out.
 */
import { LineCounter, isNode, parseDocument, stringify } from 'yaml';
import { formatPath, type Parsed } from '../../../engine/schema/common';
import { sweepSpecSchema, type SweepSpec } from '../../../engine/sweep/spec';

export function readSweepSpec(text: string): Parsed<SweepSpec> {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (document.errors.length > 0)
    return {
      ok: false,
      problems: document.errors.map((error) => {
        const at = lines.linePos(error.pos[0]);
        return {
          path: '(syntax)',
          message: error.message.split('\n')[0] ?? error.message,
          line: at.line,
          column: at.col,
        };
      }),
    };
  const parsed = sweepSpecSchema.safeParse(document.toJS());
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => {
      // The deepest node of the path that exists in the text places the problem.
      let node: unknown = undefined;
      for (let depth = issue.path.length; depth >= 0 && !isNode(node); depth--)
        node = document.getIn(issue.path.slice(0, depth) as (string | number)[], true);
      const offset = isNode(node) && node.range ? node.range[0] : 0;
      const at = lines.linePos(offset);
      return { path: formatPath(issue.path), message: issue.message, line: at.line, column: at.col };
    }),
  };
}

export function writeSweepSpec(spec: SweepSpec): string {
  return stringify(spec, { lineWidth: 0 });
}
