/**
 * Escaping text typed by people (block, design and model names, citations) before it goes into markup: the
 * app's chart tooltips (HTML), the exported HTML report and the SVG and XML exports.
 */

/** Characters XML 1.0 forbids anywhere (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
const invalidXmlCharacters =
  // eslint-disable-next-line no-control-regex -- matching the control characters XML forbids is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Escapes text for HTML or XML content and attribute values (`&`, `<`, `>`, `"`, `'`), and drops the
 * characters XML cannot carry at all (HTML treats most of them as errors too), so any name makes a
 * well-formed HTML, SVG or XML file.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(invalidXmlCharacters, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
