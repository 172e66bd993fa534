import { describe, expect, it } from 'vitest';
import { findNamespacedText, maxXmlDepth, maxXmlNamespaceDeclarations } from './xml';

const ns = 'https://example.org/tessera';
const other = 'https://example.org/other';

describe('findNamespacedText namespace scopes', () => {
  it('follows a prefix rebound in a nested element and restores it when that element closes', () => {
    // Inside <g>, prefix t means another namespace: its <t:design> is not the one wanted. After </g>, t is
    // back to the wanted namespace, so the second <t:design> is found.
    const xml =
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:t="${ns}">` +
      `<g xmlns:t="${other}"><t:design>inner</t:design></g>` +
      `<t:design>outer</t:design></svg>`;
    expect(findNamespacedText(xml, 'svg', ns, 'design')).toEqual({ ok: true, text: 'outer' });
  });

  it('drops a prefix declared by a closed element, self-closing ones included', () => {
    // The prefix u is declared only on <a/> and on <b>; outside them it is unbound, so <u:design> is not found.
    const xml = `<svg><a xmlns:u="${ns}"/><b xmlns:u="${ns}"></b><u:design>x</u:design></svg>`;
    const result = findNamespacedText(xml, 'svg', ns, 'design');
    expect(result).toEqual({ ok: false, message: `no <design> element in the ${ns} namespace` });
  });

  it('rebinds the default namespace per scope', () => {
    const xml = `<svg xmlns="${other}"><g xmlns="${ns}"><design>yes</design></g><design>no</design></svg>`;
    expect(findNamespacedText(xml, 'svg', ns, 'design')).toEqual({ ok: true, text: 'yes' });
    const outside = `<svg xmlns="${other}"><g xmlns="${ns}"></g><design>no</design></svg>`;
    expect(findNamespacedText(outside, 'svg', ns, 'design').ok).toBe(false);
  });

  it('reads a design nested exactly as deep as allowed', () => {
    const depth = maxXmlDepth - 1; // <svg> plus these <g> make maxXmlDepth open elements
    const xml = `<svg xmlns:t="${ns}">${'<g>'.repeat(depth - 1)}<t:design>deep</t:design>${'</g>'.repeat(depth - 1)}</svg>`;
    expect(findNamespacedText(xml, 'svg', ns, 'design')).toEqual({ ok: true, text: 'deep' });
  });
});

describe('findNamespacedText bounds (the namespace bomb of issue 15)', () => {
  it('refuses elements nested deeper than the limit, with a message', () => {
    const xml = `<svg xmlns:t="${ns}">${'<g>'.repeat(maxXmlDepth)}<t:design>x</t:design>${'</g>'.repeat(maxXmlDepth)}</svg>`;
    const result = findNamespacedText(xml, 'svg', ns, 'design');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(`nested more than ${maxXmlDepth} deep`);
  });

  it('refuses a file declaring more namespaces than the limit, with a message', () => {
    // The bomb's shape: thousands of declarations on the root, then deep nesting (kept shallow here).
    const declarations = Array.from(
      { length: maxXmlNamespaceDeclarations + 1 },
      (_, i) => ` xmlns:p${i}="${ns}${i}"`,
    );
    const xml = `<svg${declarations.join('')}>${'<g>'.repeat(10)}${'</g>'.repeat(10)}</svg>`;
    const result = findNamespacedText(xml, 'svg', ns, 'design');
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.message).toContain(`more than ${maxXmlNamespaceDeclarations} XML namespaces`);
  });

  it('counts declarations across elements, not per element', () => {
    const half = Math.ceil((maxXmlNamespaceDeclarations + 1) / 2);
    const declare = (from: number): string =>
      Array.from({ length: half }, (_, i) => ` xmlns:p${from + i}="${ns}"`).join('');
    const xml = `<svg${declare(0)}><g${declare(half)}></g></svg>`;
    const result = findNamespacedText(xml, 'svg', ns, 'design');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('XML namespaces');
  });
});
