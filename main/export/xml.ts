/**
 * Just enough XML for the exports: escaping text for XML, and a small scanner that finds the text of
 * one namespaced element in an SVG file (to read an embedded design back) without a DOM, which Node lacks.
 * The scanner never throws: a file it cannot follow is answered with a message.
 */

/**
 * Escapes text for XML content and attribute values, dropping characters XML cannot carry: the escaping of
 * `escapeHtml` (`engine/figures`), which is written for both.
 */
export { escapeHtml as escapeXml } from '../../engine/figures';

/**
 * Escapes text for XML element content only (`&`, `<`, `>`): shorter than `escapeXml` for long text such as an
 * embedded JSON document. Escaping `>` also keeps a literal `]]>` out of the content, which XML forbids.
 * The text must already be free of characters XML cannot carry.
 */
export function escapeXmlContent(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Either the value or a message a person can act on. */
export type XmlTextResult = { ok: true; text: string } | { ok: false; message: string };

const namedEntities: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

/** Resolves the five predefined entities and character references; undefined when one is unknown. */
function decodeEntities(text: string): string | undefined {
  let failed = false;
  const decoded = text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code = body.startsWith('#x') ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!Number.isFinite(code) || code > 0x10ffff) {
        failed = true;
        return whole;
      }
      return String.fromCodePoint(code);
    }
    const named = namedEntities[body];
    if (named === undefined) failed = true;
    return named ?? whole;
  });
  // A bare "&" that starts no reference is not well-formed XML.
  if (failed || /&(?!(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);)/.test(text)) return undefined;
  return decoded;
}

/**
 * The deepest element nesting the scanner follows. Tessera's own SVG is a handful of levels deep and drawing
 * editors stay in the tens; a file nested deeper is refused rather than followed.
 */
export const maxXmlDepth = 256;

/**
 * The most namespace declarations (`xmlns`, `xmlns:…`) a file may make in all. Editors write about ten; a
 * file with thousands is built to make namespace bookkeeping expensive, and is refused.
 */
export const maxXmlNamespaceDeclarations = 1024;

/**
 * One open element and what its start tag changed in the namespace bindings, so that closing it undoes
 * exactly those changes (the bindings in scope are kept in one map, never copied per element).
 */
interface Scope {
  name: string;
  /** Each prefix this element (re)declared and the binding it hid (undefined when there was none). */
  changes: { prefix: string; previous: string | undefined }[];
}

interface StartTag {
  name: string;
  attributes: Map<string, string>;
  selfClosing: boolean;
  end: number;
}

/** Reads a start tag from `<` at `start`; undefined when it is not well-formed. */
function readStartTag(xml: string, start: number): StartTag | undefined {
  let position = start + 1;
  const nameMatch = /^[^\s/>]+/.exec(xml.slice(position, position + 256));
  if (!nameMatch) return undefined;
  const name = nameMatch[0];
  position += name.length;
  const attributes = new Map<string, string>();
  for (;;) {
    while (position < xml.length && /\s/.test(xml.charAt(position))) position += 1;
    const character = xml.charAt(position);
    if (character === '') return undefined;
    if (character === '>') return { name, attributes, selfClosing: false, end: position + 1 };
    if (character === '/') {
      if (xml.charAt(position + 1) !== '>') return undefined;
      return { name, attributes, selfClosing: true, end: position + 2 };
    }
    const attributeMatch = /^([^\s=/>]+)\s*=\s*(["'])/.exec(xml.slice(position, position + 512));
    if (!attributeMatch) return undefined;
    const [matched, attributeName = '', quote = '"'] = attributeMatch;
    const valueStart = position + matched.length;
    const valueEnd = xml.indexOf(quote, valueStart);
    if (valueEnd < 0) return undefined;
    const raw = xml.slice(valueStart, valueEnd);
    if (raw.includes('<')) return undefined;
    const value = decodeEntities(raw);
    if (value === undefined || attributes.has(attributeName)) return undefined;
    attributes.set(attributeName, value);
    position = valueEnd + 1;
  }
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

function prefixOf(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? '' : qualified.slice(0, colon);
}

/** Skips a `<!DOCTYPE …>` declaration, internal subset included; the index after it, or -1. */
function skipDeclaration(xml: string, start: number): number {
  let depth = 0;
  for (let position = start + 2; position < xml.length; position += 1) {
    const character = xml.charAt(position);
    if (character === '[') depth += 1;
    else if (character === ']') depth -= 1;
    else if (character === '>' && depth <= 0) return position + 1;
  }
  return -1;
}

/**
 * Finds the first element named `wanted` in `namespace` (whatever prefix the file gives it) and returns its
 * text, entities resolved and CDATA sections joined. Follows the namespace declarations in scope, so a file
 * re-saved by an editor that renamed the prefix still reads. `root` is the local name the document element
 * must have (e.g. `svg`).
 */
export function findNamespacedText(
  xml: string,
  root: string,
  namespace: string,
  wanted: string,
): XmlTextResult {
  const stack: Scope[] = [];
  /** The bindings in scope at the current element: prefix ('' for the default namespace) → namespace. */
  const namespaces = new Map<string, string>();
  let declarations = 0;
  const undo = (scope: Scope): void => {
    for (let index = scope.changes.length - 1; index >= 0; index -= 1) {
      const { prefix, previous } = scope.changes[index] as Scope['changes'][number];
      if (previous === undefined) namespaces.delete(prefix);
      else namespaces.set(prefix, previous);
    }
  };
  let rootSeen = false;
  let capture: { depth: number; text: string } | undefined;
  let position = 0;
  const damaged = (why: string): XmlTextResult => ({
    ok: false,
    message: `the file is not well-formed XML: ${why}`,
  });
  while (position < xml.length) {
    const open = xml.indexOf('<', position);
    const textEnd = open < 0 ? xml.length : open;
    if (capture) {
      const decoded = decodeEntities(xml.slice(position, textEnd));
      if (decoded === undefined) return damaged('an unknown entity or a bare "&" in the design text');
      capture.text += decoded;
    }
    if (open < 0) break;
    if (xml.startsWith('<!--', open)) {
      const end = xml.indexOf('-->', open + 4);
      if (end < 0) return damaged('a comment is not closed');
      position = end + 3;
    } else if (xml.startsWith('<![CDATA[', open)) {
      const end = xml.indexOf(']]>', open + 9);
      if (end < 0) return damaged('a CDATA section is not closed');
      if (capture) capture.text += xml.slice(open + 9, end);
      position = end + 3;
    } else if (xml.startsWith('<?', open)) {
      const end = xml.indexOf('?>', open + 2);
      if (end < 0) return damaged('a processing instruction is not closed');
      position = end + 2;
    } else if (xml.startsWith('<!', open)) {
      const end = skipDeclaration(xml, open);
      if (end < 0) return damaged('a declaration is not closed');
      position = end;
    } else if (xml.startsWith('</', open)) {
      const end = xml.indexOf('>', open + 2);
      if (end < 0) return damaged('an end tag is not closed');
      const name = xml.slice(open + 2, end).trim();
      const scope = stack.pop();
      if (scope?.name !== name) return damaged(`</${name}> does not close <${scope?.name ?? '(nothing)'}>`);
      undo(scope);
      if (capture && stack.length < capture.depth) return { ok: true, text: capture.text };
      position = end + 1;
    } else {
      const tag = readStartTag(xml, open);
      if (!tag) return damaged('a start tag cannot be read');
      if (capture) return damaged(`an element <${tag.name}> inside the design text`);
      const changes: Scope['changes'] = [];
      for (const [attribute, value] of tag.attributes) {
        const prefix =
          attribute === 'xmlns' ? '' : attribute.startsWith('xmlns:') ? attribute.slice(6) : undefined;
        if (prefix === undefined) continue;
        declarations += 1;
        if (declarations > maxXmlNamespaceDeclarations)
          return {
            ok: false,
            message: `the file declares more than ${maxXmlNamespaceDeclarations} XML namespaces, which no drawing needs`,
          };
        changes.push({ prefix, previous: namespaces.get(prefix) });
        namespaces.set(prefix, value);
      }
      if (!rootSeen) {
        if (localName(tag.name) !== root)
          return { ok: false, message: `the document element is <${tag.name}>, not <${root}>` };
        rootSeen = true;
      }
      const found = namespaces.get(prefixOf(tag.name)) === namespace && localName(tag.name) === wanted;
      if (found && tag.selfClosing) return { ok: true, text: '' };
      const scope = { name: tag.name, changes };
      if (tag.selfClosing) undo(scope);
      else {
        if (stack.length >= maxXmlDepth)
          return {
            ok: false,
            message: `the elements are nested more than ${maxXmlDepth} deep, which no drawing needs`,
          };
        stack.push(scope);
      }
      if (found) capture = { depth: stack.length, text: '' };
      position = tag.end;
    }
  }
  if (!rootSeen) return { ok: false, message: 'the file has no XML element' };
  if (capture) return damaged('the design element is not closed');
  return { ok: false, message: `no <${wanted}> element in the ${namespace} namespace` };
}
