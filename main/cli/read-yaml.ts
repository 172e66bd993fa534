/**
 * A YAML or JSON document's value for the commands that read one (a workload, a sweep), with the line of any
 * path in it for messages. Its own module, loaded on demand: the YAML library is a large share of start-up.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { UsageError } from '../app/command-line';

/** The 1-based line of the YAML node at `path`, when the path leads to one. */
function lineOf(root: YamlNode | null, path: readonly PropertyKey[], lines: LineCounter): number | undefined {
  let node: unknown = root;
  let found: YamlNode | undefined = root ?? undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === segment);
      node = pair?.value;
    } else if (isSeq(node) && typeof segment === 'number') node = node.items[segment];
    else break;
    if (node === undefined || node === null) break;
    found = node as YamlNode;
  }
  const offset = found?.range?.[0];
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

/** Text of a YAML or JSON document → its value, or problems with their lines (YAML is a superset of JSON). */
export function readYamlValue(
  text: string,
  what: string,
): { value: unknown; lineOf: (path: readonly PropertyKey[]) => number | undefined } {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const first = document.errors
      .slice(0, 5)
      .map((error) => `line ${error.linePos?.[0].line ?? '?'}: ${error.message.split('\n')[0] ?? ''}`);
    throw new UsageError(`${what} is not valid YAML or JSON:\n${first.join('\n')}`);
  }
  return {
    value: document.toJS({ maxAliasCount: 100 }) as unknown,
    lineOf: (path) => lineOf(document.contents, path, lines),
  };
}
