/**
 * What the export tests share: the real library, the real engine run on two presets (an H100 with Llama 3 8B,
 * a DGX H100 with Llama 3 70B over tensor parallelism 8), and an XML well-formedness check written
 * independently of `xml.ts` (Node has no DOMParser).
 */
import { join } from 'node:path';
import { indexCatalog, type CatalogIndex } from '../../engine/catalog';
import { evaluate } from '../../engine/evaluate';
import type { Report } from '../../engine/report';
import type { DesignDocument } from '../../engine/schema/design';
import { defaultWorkload, type Workload } from '../../engine/schema/workload';
import { loadLibrary } from '../services/library-loader';

/** One engine run: a design, a workload and the report the real engine gave. */
export interface Scenario {
  name: string;
  design: DesignDocument;
  workload: Workload;
  report: Report;
}

let catalogPromise: Promise<CatalogIndex> | undefined;

/** The library's catalog, loaded once per test file. */
export function loadCatalog(): Promise<CatalogIndex> {
  catalogPromise ??= loadLibrary(join(import.meta.dirname, '../../library')).then(({ catalog, problems }) => {
    if (problems.length > 0) throw new Error(`library problems: ${JSON.stringify(problems)}`);
    return indexCatalog(catalog);
  });
  return catalogPromise;
}

/** Runs the engine; fails the test with the diagnostics when the engine refuses. */
export function run(
  catalog: CatalogIndex,
  name: string,
  design: DesignDocument,
  workload: Workload,
): Scenario {
  const result = evaluate({ design, workload }, catalog);
  if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.diagnostics)}`);
  return { name, design, workload, report: result.report };
}

/** The design of a library preset. */
export function presetDesign(catalog: CatalogIndex, id: string): DesignDocument {
  const preset = catalog.presets.get(id);
  if (!preset) throw new Error(`no preset ${id}`);
  return preset.design;
}

/** The two scenarios every format is tested on. */
export async function scenarios(): Promise<{ catalog: CatalogIndex; h100: Scenario; dgx: Scenario }> {
  const catalog = await loadCatalog();
  const h100 = run(
    catalog,
    'H100 + Llama 3 8B',
    presetDesign(catalog, 'nvidia-h100-sxm'),
    defaultWorkload('llama-3-8b'),
  );
  const dgx = run(catalog, 'DGX H100 + Llama 3 70B TP8', presetDesign(catalog, 'nvidia-dgx-h100'), {
    ...defaultWorkload('llama-3-70b'),
    parallelism: { mode: 'manual', tensor: 8, pipeline: 1, expert: 1 },
  });
  return { catalog, h100, dgx };
}

/** A copy of a design with hostile text in its names, the kind a shared file could carry. */
export function withHostileNames(design: DesignDocument, blockId: string, name: string): DesignDocument {
  return {
    ...design,
    blocks: design.blocks.map((block) => (block.id === blockId ? { ...block, name } : block)),
  };
}

const nameStart = /[A-Za-z_:\u00C0-\uFFFF]/;
const reference = /^&(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/;

/** Checks character data: no raw `<`, every `&` starts a reference, no `]]>`. */
function checkText(text: string, where: number, problems: string[]): void {
  if (text.includes('<')) problems.push(`raw "<" in text at ${where}`);
  if (text.includes(']]>')) problems.push(`"]]>" in text at ${where}`);
  for (let index = text.indexOf('&'); index >= 0; index = text.indexOf('&', index + 1))
    if (!reference.test(text.slice(index, index + 12))) problems.push(`bare "&" at ${where + index}`);
  // eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(text))
    problems.push(`a character XML forbids at ${where}`);
}

/**
 * The well-formedness problems of an XML document (empty when well-formed): balanced and properly nested
 * tags, one root, quoted and unique attributes, valid references, closed comments/CDATA/PIs, and every
 * namespace prefix declared.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const stack: { name: string; prefixes: Set<string> }[] = [];
  let roots = 0;
  let index = 0;
  while (index < xml.length && problems.length === 0) {
    const open = xml.indexOf('<', index);
    const text = xml.slice(index, open < 0 ? xml.length : open);
    if (stack.length === 0 && text.trim() !== '') problems.push(`text outside the root at ${index}`);
    checkText(text, index, problems);
    if (open < 0) break;
    const closeOf = (marker: string, from: number): number => {
      const end = xml.indexOf(marker, from);
      if (end < 0) problems.push(`unclosed construct at ${open}`);
      return end < 0 ? xml.length : end + marker.length;
    };
    if (xml.startsWith('<!--', open)) {
      const end = closeOf('-->', open + 4);
      if (xml.slice(open + 4, end - 3).includes('--')) problems.push(`"--" inside a comment at ${open}`);
      index = end;
    } else if (xml.startsWith('<![CDATA[', open)) {
      if (stack.length === 0) problems.push(`CDATA outside the root at ${open}`);
      index = closeOf(']]>', open + 9);
    } else if (xml.startsWith('<?', open)) {
      index = closeOf('?>', open + 2);
    } else if (xml.startsWith('<!DOCTYPE', open)) {
      index = closeOf('>', open);
    } else if (xml.startsWith('</', open)) {
      const match = /^<\/([^\s>]+)\s*>/.exec(xml.slice(open, open + 300));
      const top = stack.pop();
      if (!match || match[1] !== top?.name)
        problems.push(`mismatched end tag at ${open}: ${match?.[1]} vs ${top?.name}`);
      index = open + (match?.[0].length ?? 2);
    } else {
      const nameMatch = /^<([^\s/>]+)/.exec(xml.slice(open, open + 300));
      const name = nameMatch?.[1] ?? '';
      if (!nameMatch || !nameStart.test(name.charAt(0))) {
        problems.push(`bad start tag at ${open}`);
        break;
      }
      let position = open + nameMatch[0].length;
      const attributes = new Map<string, string>();
      let selfClosing: boolean;
      for (;;) {
        const rest = xml.slice(position, position + 2000);
        const end = /^\s*(\/?)>/.exec(rest);
        if (end) {
          selfClosing = end[1] === '/';
          position += end[0].length;
          break;
        }
        const attribute = /^\s+([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/.exec(rest);
        if (!attribute) {
          problems.push(`bad attribute syntax in <${name}> at ${position}`);
          return problems;
        }
        const attributeName = attribute[1] ?? '';
        const value = attribute[3] ?? attribute[4] ?? '';
        if (attributes.has(attributeName))
          problems.push(`duplicate attribute ${attributeName} at ${position}`);
        attributes.set(attributeName, value);
        checkText(value, position, problems);
        position += attribute[0].length;
      }
      if (stack.length === 0) roots += 1;
      const prefixes = new Set(stack.at(-1)?.prefixes ?? ['xml']);
      for (const attributeName of attributes.keys())
        if (attributeName.startsWith('xmlns:')) prefixes.add(attributeName.slice(6));
      const used = [name, ...[...attributes.keys()].filter((key) => !key.startsWith('xmlns'))];
      for (const qualified of used) {
        const colon = qualified.indexOf(':');
        if (colon > 0 && !prefixes.has(qualified.slice(0, colon)))
          problems.push(`undeclared prefix in ${qualified} at ${open}`);
      }
      if (!selfClosing) stack.push({ name, prefixes });
      index = position;
    }
  }
  if (stack.length > 0) problems.push(`unclosed elements: ${stack.map((entry) => entry.name).join(' > ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
