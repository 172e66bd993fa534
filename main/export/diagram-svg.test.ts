import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyDesign, type DesignDocument } from '../../engine/schema/design';
import { formatQuantity } from '../../engine/units';
import { designToSvg, readSpecFromSvg } from './diagram-svg';
import { categoryColours } from './format';
import { scenarios, xmlProblems } from './test-support';

const { catalog, h100, dgx } = await scenarios();

describe('designToSvg', () => {
  it.each([h100, dgx])(
    'draws $name as well-formed XML that carries the design back',
    ({ design, report }) => {
      const svg = designToSvg(design, catalog, { report });
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(xmlProblems(svg)).toEqual([]);
      const read = readSpecFromSvg(svg);
      expect(read).toEqual({ ok: true, design });
      for (const block of design.blocks) expect(svg).toContain(`data-block-id="${block.id}"`);
      expect(svg).toContain(categoryColours.compute);
      expect(svg).toContain(categoryColours.memory);
      expect(svg).toContain(categoryColours.power);
    },
  );

  it('shows key figures in human units, group frames with counts, and links', () => {
    const svg = designToSvg(dgx.design, catalog, { report: dgx.report });
    // HBM3's figures come from its block type's defaults (80 GiB, 3.35 TB/s).
    expect(svg).toContain(
      `${formatQuantity(85899345920, 'bytes')} · ${formatQuantity(3.35e12, 'bytesPerSecond')}`,
    );
    expect(svg).toContain('H100 SXM ×8');
    expect(svg).toContain('SMs ×132');
    expect(svg).toContain('stroke-dasharray');
    expect(svg.match(/<line /g)?.length).toBe(dgx.design.links.length);
    // The report adds decode utilization and power, and names the headline in the footer.
    expect(svg).toContain('decode: ');
    expect(svg).toContain(formatQuantity(dgx.report.decode.tokensPerSecond, 'tokensPerSecond'));
    // One footer line per phase and one for the workload, so none runs past the drawing's edge.
    const footer =
      /<text[^>]*>((?:<tspan[^>]*>[^<]*<\/tspan>)+)<\/text>\s*<\/g><\/svg>$/.exec(svg)?.[1] ?? '';
    const lines = [...footer.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((match) => match[1] ?? '');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^prefill .* \(TTFT\)/);
    expect(lines[1]).toMatch(/^decode .* per step/);
    expect(lines[2]).toContain(`batch ${dgx.report.workload.batch}`);
  });

  it('leaves the design out when asked, and then reading says so', () => {
    const svg = designToSvg(h100.design, catalog, { embedSpec: false });
    expect(svg).not.toContain('<metadata>');
    expect(xmlProblems(svg)).toEqual([]);
    const read = readSpecFromSvg(svg);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.message).toMatch(/no Tessera design/);
  });

  it('escapes hostile names and keeps characters XML cannot carry in the embedded JSON', () => {
    const hostile = '<script>alert(1)</script> & "quotes" \'apos\' ]]> \u0001 \uFFFF 𝄞';
    const design: DesignDocument = {
      ...h100.design,
      name: hostile,
      blocks: h100.design.blocks.map((block, index) => (index === 0 ? { ...block, name: hostile } : block)),
      groups: h100.design.groups.map((group) => ({ ...group, name: hostile })),
      notes: [
        {
          id: 'note',
          text: `${hostile}\nsecond line with a rather long sentence in it`,
          position: { x: 700, y: 300 },
        },
      ],
    };
    const svg = designToSvg(design, catalog);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;');
    expect(readSpecFromSvg(svg)).toEqual({ ok: true, design });
  });

  it('draws an empty design', () => {
    const design = emptyDesign('Nothing yet');
    const svg = designToSvg(design, catalog);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('no blocks yet');
    expect(readSpecFromSvg(svg)).toEqual({ ok: true, design });
  });

  it('draws a design whose blocks, links and groups point at nothing', () => {
    const design: DesignDocument = {
      ...emptyDesign('Broken'),
      blocks: [{ id: 'a', type: 'compute.unknown', name: 'A', params: { x: 1 }, position: { x: 0, y: 0 } }],
      links: [{ id: 'l', from: { block: 'a', port: 'p' }, to: { block: 'missing', port: 'p' }, params: {} }],
      groups: [
        { id: 'g1', name: 'G1', kind: 'chip', count: 2, blocks: ['a'], groups: ['g2'] },
        { id: 'g2', name: 'G2', kind: 'cluster', count: 3, blocks: ['missing'], groups: ['g1'] },
      ],
    };
    const svg = designToSvg(design, catalog);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('unknown type compute.unknown');
  });
});

describe('readSpecFromSvg', () => {
  it('reads the design under another prefix, from CDATA, and after a doctype and comments', () => {
    const svg = designToSvg(h100.design, catalog)
      .replace(/tessera:design/g, 'ns0:design')
      .replace('xmlns:tessera=', 'xmlns:ns0=');
    expect(svg).toContain('<ns0:design xmlns:ns0=');
    expect(readSpecFromSvg(svg)).toEqual({ ok: true, design: h100.design });
    const cdata =
      '<?xml version="1.0"?>\n<!DOCTYPE svg [ <!ENTITY x "y"> ]>\n<!-- made by hand -->' +
      '<svg xmlns="http://www.w3.org/2000/svg"><metadata><t:design xmlns:t="https://tessera.dev/ns">' +
      '<![CDATA[{"a":"]]]]><![CDATA[>","b":"<&>"}]]></t:design></metadata></svg>';
    expect(readSpecFromSvg(cdata)).toEqual({ ok: true, design: { a: ']]>', b: '<&>' } });
  });

  it('ignores an element named design in another namespace', () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg"><metadata><design>{}</design>' +
      '<x:design xmlns:x="https://example.com/other">{}</x:design></metadata></svg>';
    const read = readSpecFromSvg(svg);
    expect(read.ok).toBe(false);
  });

  it.each([
    ['empty text', ''],
    ['plain text', 'hello'],
    ['another XML document', '<html><body/></html>'],
    ['an unclosed tag', '<svg xmlns="http://www.w3.org/2000/svg"><metadata'],
    ['mismatched tags', '<svg><g></svg>'],
    [
      'damaged JSON',
      '<svg xmlns="http://www.w3.org/2000/svg"><tessera:design xmlns:tessera="https://tessera.dev/ns">{"a":</tessera:design></svg>',
    ],
    [
      'an unknown entity',
      '<svg xmlns="http://www.w3.org/2000/svg"><tessera:design xmlns:tessera="https://tessera.dev/ns">&nbsp;{}</tessera:design></svg>',
    ],
  ])('refuses %s with a message', (_label, text) => {
    const read = readSpecFromSvg(text);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.message.length).toBeGreaterThan(10);
  });

  it('refuses every truncation of an exported SVG without throwing', () => {
    const svg = designToSvg(h100.design, catalog);
    const end = svg.indexOf('</tessera:design>');
    for (let length = 0; length < end; length += 97)
      expect(readSpecFromSvg(svg.slice(0, length)).ok).toBe(false);
  });

  it('never throws on arbitrary text', () => {
    // Pieces of XML syntax, so the generated text reaches the scanner's every branch.
    const xmlish = fc
      .array(
        fc.constantFrom(
          '<',
          '>',
          '/',
          '!',
          '--',
          '[',
          ']',
          '<![CDATA[',
          ']]>',
          '<?',
          '?>',
          '<!DOCTYPE',
          'svg',
          ' ',
          '"',
          "'",
          '=',
          '&',
          ';',
          '&#x41;',
          '&amp;',
          'xmlns:t="https://tessera.dev/ns"',
          't:design',
          '{}',
          '\u0000',
        ),
        { maxLength: 60 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), xmlish), (text) => {
        const read = readSpecFromSvg(text);
        expect(typeof read.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
    const svg = designToSvg(h100.design, catalog);
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.nat(), (junk, at) => {
        const position = at % svg.length;
        const read = readSpecFromSvg(svg.slice(0, position) + junk + svg.slice(position));
        expect(typeof read.ok).toBe('boolean');
      }),
      { numRuns: 200 },
    );
  });
});
