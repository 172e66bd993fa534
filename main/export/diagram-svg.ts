/**
 * The design as a picture: a self-contained SVG of the canvas (blocks at their positions with their key
 * figures, links, group frames, notes), optionally with a report's figures on the blocks, and by default
 * with the design document embedded in `<metadata>` so the picture can be opened again as a design.
 */
import type { CatalogIndex } from '../../engine/catalog';
import { formatPercent } from '../../engine/figures';
import type { Report } from '../../engine/report';
import type { Block, DesignDocument, Group, Link } from '../../engine/schema/design';
import type { Workload } from '../../engine/schema/workload';
import { formatQuantity } from '../../engine/units';
import { blockSummary, categoryColours, typeOf, unknownTypeColour } from './format';
import { escapeXml, escapeXmlContent, findNamespacedText } from './xml';

/** The XML namespace of the embedded design element. */
export const TESSERA_NAMESPACE = 'https://tessera.dev/ns';

/** Width of a block on the canvas, in px (the canvas draws blocks at about this size). */
export const BLOCK_WIDTH = 200;
/** Height of a block on the canvas, in px. */
export const BLOCK_HEIGHT = 70;

const MARGIN = 24;
const TITLE_HEIGHT = 34;
/** The footer: one line per phase and one for the workload, so it never runs past a narrow drawing. */
const FOOTER_LINE_HEIGHT = 15;
const FOOTER_HEIGHT = 3 * FOOTER_LINE_HEIGHT + 10;
const FRAME_PADDING = 14;
const FRAME_LABEL_HEIGHT = 22;
const NOTE_WIDTH = 180;
const NOTE_LINE_HEIGHT = 14;
const NOTE_MAX_LINES = 8;
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';

/** Options of `designToSvg`. */
export interface DesignSvgOptions {
  /** A report of this design: each block shows its decode utilization and power, and the footer the headline. */
  report?: Report;
  /** Embed the design document in `<metadata>` so `readSpecFromSvg` can read it back (default true). */
  embedSpec?: boolean;
  /** The design's workload, embedded with it (the document's `workload` key) so that it opens again with it. */
  workload?: Workload;
}

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

function union(rects: readonly Rect[]): Rect | undefined {
  if (rects.length === 0) return undefined;
  const left = Math.min(...rects.map((rect) => rect.x));
  const top = Math.min(...rects.map((rect) => rect.y));
  const right = Math.max(...rects.map((rect) => rect.x + rect.width));
  const bottom = Math.max(...rects.map((rect) => rect.y + rect.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** Coordinates are written with at most two decimals: enough for a drawing, and stable text. */
function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Shortens text to `max` characters (code points), marking the cut with an ellipsis. */
function truncate(text: string, max: number): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`;
}

function blockRect(block: Block): Rect {
  return { x: block.position.x, y: block.position.y, width: BLOCK_WIDTH, height: BLOCK_HEIGHT };
}

/**
 * The frame of every group that has members: the union of its blocks and child groups' frames, padded, with
 * room for the label on top. Cycles in the group tree (an invalid document) are cut rather than followed.
 */
function groupFrames(design: DesignDocument): Map<string, Rect> {
  const groups = new Map(design.groups.map((group) => [group.id, group]));
  const blocks = new Map(design.blocks.map((block) => [block.id, block]));
  const frames = new Map<string, Rect>();
  const visiting = new Set<string>();
  const frameOf = (group: Group): Rect | undefined => {
    const known = frames.get(group.id);
    if (known) return known;
    if (visiting.has(group.id)) return undefined;
    visiting.add(group.id);
    const members: Rect[] = [];
    for (const id of group.blocks) {
      const block = blocks.get(id);
      if (block) members.push(blockRect(block));
    }
    for (const id of group.groups ?? []) {
      const child = groups.get(id);
      const frame = child ? frameOf(child) : undefined;
      if (frame) members.push(frame);
    }
    visiting.delete(group.id);
    const inner = union(members);
    if (!inner) return undefined;
    const frame = {
      x: inner.x - FRAME_PADDING,
      y: inner.y - FRAME_PADDING - FRAME_LABEL_HEIGHT,
      width: inner.width + 2 * FRAME_PADDING,
      height: inner.height + 2 * FRAME_PADDING + FRAME_LABEL_HEIGHT,
    };
    frames.set(group.id, frame);
    return frame;
  };
  for (const group of design.groups) frameOf(group);
  return frames;
}

/** Splits a note into lines of at most `width` characters, at most NOTE_MAX_LINES of them. */
function noteLines(text: string, width = 30): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((part) => part !== '')) {
      if (line === '') line = truncate(word, width);
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        lines.push(line);
        line = truncate(word, width);
      }
    }
    lines.push(line);
  }
  if (lines.length > NOTE_MAX_LINES) return [...lines.slice(0, NOTE_MAX_LINES - 1), '…'];
  return lines;
}

function noteRect(note: NonNullable<DesignDocument['notes']>[number]): Rect {
  const lines = noteLines(note.text);
  return {
    x: note.position.x,
    y: note.position.y,
    width: NOTE_WIDTH,
    height: 12 + lines.length * NOTE_LINE_HEIGHT,
  };
}

function drawGroup(group: Group, frame: Rect): string {
  const label = `${group.name}${group.count > 1 ? ` ×${formatQuantity(group.count, 'count')}` : ''}`;
  const stroke = group.kind === 'chip' ? '#334155' : '#64748b';
  return [
    `<g data-group-id="${escapeXml(group.id)}">`,
    `<rect x="${n(frame.x)}" y="${n(frame.y)}" width="${n(frame.width)}" height="${n(frame.height)}" rx="10" fill="none" stroke="${stroke}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
    `<text x="${n(frame.x + 10)}" y="${n(frame.y + 16)}" font-size="12" font-weight="600" fill="${stroke}">${escapeXml(truncate(label, 48))}<tspan font-weight="400" fill="#94a3b8"> · ${escapeXml(group.kind)}</tspan></text>`,
    '</g>',
  ].join('');
}

function linkLabel(link: Link): string {
  const parts: string[] = [];
  if (link.params.bandwidthBytesPerSecond !== undefined)
    parts.push(formatQuantity(link.params.bandwidthBytesPerSecond, 'bytesPerSecond'));
  if (link.params.latencySeconds !== undefined)
    parts.push(formatQuantity(link.params.latencySeconds, 'seconds'));
  return parts.join(' · ');
}

function drawLink(link: Link, blocks: ReadonlyMap<string, Block>): string {
  const from = blocks.get(link.from.block);
  const to = blocks.get(link.to.block);
  if (!from || !to) return '';
  const x1 = from.position.x + BLOCK_WIDTH / 2;
  const y1 = from.position.y + BLOCK_HEIGHT / 2;
  const x2 = to.position.x + BLOCK_WIDTH / 2;
  const y2 = to.position.y + BLOCK_HEIGHT / 2;
  const label = linkLabel(link);
  return [
    `<g data-link-id="${escapeXml(link.id)}">`,
    `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="#94a3b8" stroke-width="2"/>`,
    label === ''
      ? ''
      : `<text x="${n((x1 + x2) / 2)}" y="${n((y1 + y2) / 2 - 4)}" font-size="10" text-anchor="middle" fill="#475569" stroke="#ffffff" stroke-width="3" paint-order="stroke">${escapeXml(label)}</text>`,
    '</g>',
  ].join('');
}

function drawBlock(block: Block, catalog: CatalogIndex, report: Report | undefined): string {
  const type = typeOf(block, catalog);
  const colour = type ? categoryColours[type.category] : unknownTypeColour;
  const { x, y } = block.position;
  const w = BLOCK_WIDTH;
  const h = BLOCK_HEIGHT;
  const r = 8;
  const stripe = 6;
  const typeName = type?.name ?? `unknown type ${block.type}`;
  const figures = blockSummary(block, type);
  const usage = report?.decode.blocks.find((entry) => entry.blockId === block.id);
  const bounding = report !== undefined && report.decode.boundLevelId === block.id;
  // The card is the stripe colour under a white body whose left edge is square: the stripe keeps the card's
  // rounded left corners without a clip path (ids would collide when several diagrams share an HTML page).
  const body = `M${n(x + stripe)} ${n(y)}H${n(x + w - r)}A${r} ${r} 0 0 1 ${n(x + w)} ${n(y + r)}V${n(y + h - r)}A${r} ${r} 0 0 1 ${n(x + w - r)} ${n(y + h)}H${n(x + stripe)}Z`;
  const lines = [
    `<g data-block-id="${escapeXml(block.id)}">`,
    `<title>${escapeXml(`${block.name} — ${typeName}`)}</title>`,
    `<rect x="${n(x)}" y="${n(y)}" width="${w}" height="${h}" rx="${r}" fill="${colour}"/>`,
    `<path d="${body}" fill="#ffffff"/>`,
    `<rect x="${n(x)}" y="${n(y)}" width="${w}" height="${h}" rx="${r}" fill="none" stroke="${bounding ? '#dc2626' : '#cbd5e1'}" stroke-width="${bounding ? 2.5 : 1}"/>`,
    `<text x="${n(x + 16)}" y="${n(y + 18)}" font-size="13" font-weight="600" fill="#0f172a">${escapeXml(truncate(block.name, 24))}</text>`,
    `<text x="${n(x + 16)}" y="${n(y + 33)}" font-size="11" fill="${type ? '#64748b' : '#b91c1c'}">${escapeXml(truncate(typeName, 31))}</text>`,
  ];
  if (figures !== '')
    lines.push(
      `<text x="${n(x + 16)}" y="${n(y + 48)}" font-size="11" fill="#334155">${escapeXml(truncate(figures, 31))}</text>`,
    );
  if (usage)
    lines.push(
      `<text x="${n(x + 16)}" y="${n(y + 62)}" font-size="10" fill="${bounding ? '#dc2626' : '#0369a1'}">${escapeXml(
        `decode: ${formatPercent(usage.utilization)} busy · ${formatQuantity(usage.averagePowerWatts, 'watts')}`,
      )}</text>`,
    );
  lines.push('</g>');
  return lines.join('');
}

function drawNote(note: NonNullable<DesignDocument['notes']>[number]): string {
  const rect = noteRect(note);
  const lines = noteLines(note.text);
  return [
    `<g data-note-id="${escapeXml(note.id)}">`,
    `<rect x="${n(rect.x)}" y="${n(rect.y)}" width="${n(rect.width)}" height="${n(rect.height)}" rx="4" fill="#fef9c3" stroke="#eab308"/>`,
    `<text x="${n(rect.x + 8)}" y="${n(rect.y + 4)}" font-size="11" fill="#713f12">`,
    ...lines.map((line) => `<tspan x="${n(rect.x + 8)}" dy="${NOTE_LINE_HEIGHT}">${escapeXml(line)}</tspan>`),
    '</text></g>',
  ].join('');
}

function footerLines(report: Report): string[] {
  return [
    `prefill ${formatQuantity(report.prefill.seconds, 'seconds')} (TTFT), ${report.prefill.bound}-bound`,
    `decode ${formatQuantity(report.decode.secondsPerStep, 'seconds')} per step, ${formatQuantity(report.decode.tokensPerSecond, 'tokensPerSecond')}, ${report.decode.bound}-bound`,
    `${report.model.name}, batch ${formatQuantity(report.workload.batch, 'count')}`,
  ];
}

/**
 * The JSON of a design as XML element content. `JSON.stringify` already escapes control characters and lone
 * surrogates; U+FFFE and U+FFFF are valid JSON but not XML, so they are written as JSON escapes too.
 */
function designAsXmlContent(design: DesignDocument, workload: Workload | undefined): string {
  const json = JSON.stringify(workload === undefined ? design : { ...design, workload }).replace(
    /[\uFFFE\uFFFF]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16)}`,
  );
  return escapeXmlContent(json);
}

/**
 * Draws a design as a self-contained SVG (no external fonts, images or styles): each block a rounded card at
 * its canvas position with its name, block type and key figures and a stripe in its category colour; links as
 * lines between block centres (labelled with their own limits); groups as dashed frames "name ×count"; notes.
 * With `report`, each block adds its decode utilization and power, the level that bounds decode is outlined in
 * red, and a footer gives the headline. With `embedSpec` (default), the design document is embedded as
 * `<metadata><tessera:design xmlns:tessera="https://tessera.dev/ns">JSON</tessera:design></metadata>`, with
 * `workload` as its `workload` key when given.
 */
export function designToSvg(
  design: DesignDocument,
  catalog: CatalogIndex,
  options: DesignSvgOptions = {},
): string {
  const embedSpec = options.embedSpec ?? true;
  const report = options.report;
  const frames = groupFrames(design);
  const notes = design.notes ?? [];
  const content =
    union([...design.blocks.map(blockRect), ...frames.values(), ...notes.map(noteRect)]) ??
    ({ x: 0, y: 0, width: 2 * BLOCK_WIDTH, height: BLOCK_HEIGHT } satisfies Rect);
  const footer = report ? FOOTER_HEIGHT : 0;
  const left = content.x - MARGIN;
  const top = content.y - MARGIN - TITLE_HEIGHT;
  const width = Math.max(content.width + 2 * MARGIN, 360);
  const height = content.height + 2 * MARGIN + TITLE_HEIGHT + footer;
  const blocks = new Map(design.blocks.map((block) => [block.id, block]));

  // Outer groups first, so a nested frame is drawn on top of the one around it.
  const depth = (group: Group): number => {
    let levels = 0;
    let current: Group | undefined = group;
    const seen = new Set<string>();
    while (current && !seen.has(current.id)) {
      seen.add(current.id);
      const id: string = current.id;
      current = design.groups.find((candidate) => candidate.groups?.includes(id));
      if (current) levels += 1;
    }
    return levels;
  };
  const orderedGroups = [...design.groups].sort((a, b) => depth(a) - depth(b));

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="${n(left)} ${n(top)} ${n(width)} ${n(height)}" role="img" aria-label="${escapeXml(`Design: ${design.name}`)}">`,
    `<title>${escapeXml(design.name)}</title>`,
  ];
  if (embedSpec)
    parts.push(
      `<metadata><tessera:design xmlns:tessera="${TESSERA_NAMESPACE}">${designAsXmlContent(design, options.workload)}</tessera:design></metadata>`,
    );
  parts.push(
    `<g font-family="${escapeXml(FONT)}">`,
    `<rect x="${n(left)}" y="${n(top)}" width="${n(width)}" height="${n(height)}" fill="#ffffff"/>`,
    `<text x="${n(left + MARGIN)}" y="${n(top + MARGIN + 4)}" font-size="16" font-weight="700" fill="#0f172a">${escapeXml(truncate(design.name, 90))}</text>`,
  );
  for (const group of orderedGroups) {
    const frame = frames.get(group.id);
    if (frame) parts.push(drawGroup(group, frame));
  }
  for (const link of design.links) parts.push(drawLink(link, blocks));
  for (const block of design.blocks) parts.push(drawBlock(block, catalog, report));
  for (const note of notes) parts.push(drawNote(note));
  if (design.blocks.length === 0)
    parts.push(
      `<text x="${n(content.x + content.width / 2)}" y="${n(content.y + content.height / 2)}" font-size="13" text-anchor="middle" fill="#94a3b8">This design has no blocks yet.</text>`,
    );
  if (report)
    parts.push(
      `<text x="${n(left + MARGIN)}" y="${n(top + height - FOOTER_HEIGHT)}" font-size="11" fill="#334155">${footerLines(
        report,
      )
        .map(
          (line) =>
            `<tspan x="${n(left + MARGIN)}" dy="${FOOTER_LINE_HEIGHT}">${escapeXml(truncate(line, 60))}</tspan>`,
        )
        .join('')}</text>`,
    );
  parts.push('</g></svg>');
  return parts.join('\n');
}

/** What `readSpecFromSvg` found: the embedded design (not yet validated) or why there is none. */
export type SvgSpecResult = { ok: true; design: unknown } | { ok: false; message: string };

/**
 * Reads the design document embedded by `designToSvg` from an SVG file's text. The value is parsed JSON,
 * not yet validated: pass it to `readDesign` (engine/design-io.ts). Never throws; a file that is not an SVG,
 * has no design, or holds damaged JSON is answered with a message.
 */
export function readSpecFromSvg(svg: string): SvgSpecResult {
  if (typeof svg !== 'string') return { ok: false, message: 'The SVG must be given as text.' };
  const found = findNamespacedText(svg.replace(/^\uFEFF/, ''), 'svg', TESSERA_NAMESPACE, 'design');
  if (!found.ok) {
    const message = found.message.startsWith('no <')
      ? 'This SVG has no Tessera design embedded (it was not exported from Tessera, or without the design).'
      : `This is not a readable SVG: ${found.message}.`;
    return { ok: false, message };
  }
  try {
    return { ok: true, design: JSON.parse(found.text) as unknown };
  } catch (error) {
    return {
      ok: false,
      message: `The design embedded in this SVG is damaged (not valid JSON: ${(error as Error).message}).`,
    };
  }
}
