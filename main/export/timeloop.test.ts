import { describe, expect, it } from 'vitest';
import { parseDocument, YAMLMap, type CollectionTag } from 'yaml';
import { emptyDesign } from '../../engine/schema/design';
import { designToTimeloopYaml } from './timeloop';
import { presetDesign, scenarios, type Scenario } from './test-support';

const { catalog, h100, dgx } = await scenarios();

/** The v0.4 node tags, known to the parser so it neither warns nor drops them. */
const timeloopTags: CollectionTag[] = ['!Container', '!Component'].map((tag) => ({
  tag,
  collection: 'map',
  nodeClass: YAMLMap,
  identify: () => false,
}));

interface TimeloopNode {
  name: string;
  class?: string;
  spatial?: { meshX: number; meshY?: number };
  attributes?: Record<string, number | string>;
}

function parse(text: string): { nodes: TimeloopNode[]; tags: string[] } {
  const document = parseDocument(text, { customTags: timeloopTags });
  expect(document.errors).toEqual([]);
  expect(document.warnings).toEqual([]);
  const value = document.toJS() as { architecture: { version: number; nodes: TimeloopNode[] } };
  expect(value.architecture.version).toBe(0.4);
  const tags = [...text.matchAll(/^\s*- (!\w+)$/gm)].map((match) => match[1] ?? '');
  return { nodes: value.architecture.nodes, tags };
}

/** The name rule of the export: Timeloop identifiers. */
function identifier(name: string): string {
  const base = name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[A-Za-z]/.test(base) ? base : `n_${base}`;
}

describe('designToTimeloopYaml', () => {
  it.each([h100, dgx])(
    'lists every memory level of $name with its class and size',
    ({ design, report }: Scenario) => {
      const text = designToTimeloopYaml(design, catalog);
      expect(text.startsWith('# Timeloop/Accelergy architecture (v0.4')).toBe(true);
      const { nodes, tags } = parse(text);
      expect(tags).toHaveLength(nodes.length);
      for (const level of report.memory.levels) {
        const node = nodes.find((candidate) => candidate.name === identifier(level.name));
        expect(node, level.name).toBeDefined();
        expect(['DRAM', 'SRAM', 'regfile']).toContain(node?.class);
        const depth = Number(node?.attributes?.depth);
        const width = Number(node?.attributes?.width);
        expect(node?.attributes?.datawidth).toBe(16);
        // depth × width is the capacity in bits, less than one row short; host DRAM is the whole system's.
        const host = design.blocks.find((block) => block.id === level.levelId && block.type === 'host.cpu');
        const bits = (host ? Number(host.params.dramCapacityBytes) : level.capacityBytes) * 8;
        expect(depth * width).toBeLessThanOrEqual(bits);
        expect((depth + 1) * width).toBeGreaterThan(bits);
      }
      expect(nodes.find((node) => node.name === 'HBM3')?.class).toBe('DRAM');
      expect(nodes.find((node) => node.name === 'L2_cache')?.class).toBe('SRAM');
      // The SMs fan out 132 ways, each with a 2,048-MAC array of fpmacs.
      const sm = nodes.find((node) => node.name === 'SM');
      expect((sm?.spatial?.meshX ?? 0) * (sm?.spatial?.meshY ?? 1)).toBe(132);
      const array = nodes.find((node) => node.name === 'SM_mac_array');
      expect((array?.spatial?.meshX ?? 0) * (array?.spatial?.meshY ?? 1)).toBe(2048);
      expect(nodes.at(-1)).toMatchObject({ name: 'SM_mac', class: 'fpmac' });
      const names = nodes.map((node) => node.name);
      expect(new Set(names).size).toBe(names.length);
    },
  );

  it('fans the DGX out over 8 chips and says what does not map', () => {
    const text = designToTimeloopYaml(dgx.design, catalog);
    const { nodes } = parse(text);
    expect(nodes.find((node) => node.name === 'H100_SXM')?.spatial).toEqual({ meshX: 8 });
    const header = text.slice(0, text.indexOf('architecture:'));
    expect(header).toContain('Does NOT map');
    for (const name of ['NVLink 4', 'NVSwitch ×4', 'PCIe Gen5 x16', 'GPU clock domain', '700 W cap', 'Xeon'])
      expect(header).toContain(name);
  });

  it('maps an array unit by its rows and columns and lists the other units as not mapped', () => {
    const text = designToTimeloopYaml(presetDesign(catalog, 'template-edge-soc'), catalog);
    const { nodes } = parse(text);
    expect(nodes.find((node) => node.name === 'NPU_mac_array')?.spatial).toEqual({ meshX: 32, meshY: 32 });
    expect(text).toContain('compute unit CPU cluster');
  });

  it('gives an empty hierarchy for a design with structural errors, naming them', () => {
    const design = {
      ...emptyDesign('Broken'),
      blocks: [{ id: 'x', type: 'memory.nothing', name: 'X', params: {}, position: { x: 0, y: 0 } }],
    };
    const text = designToTimeloopYaml(design, catalog);
    const { nodes } = parse(text);
    expect(nodes).toEqual([]);
    expect(text).toContain('structural errors');
  });
});
