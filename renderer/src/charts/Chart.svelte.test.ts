// A .svelte.test.ts file so the test can hold the props in $state and change them as a parent would.
import { getInstanceByDom } from 'echarts/core';
import { flushSync, mount, unmount } from 'svelte';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import BatchSweepChart from './BatchSweepChart.svelte';
import Chart from './Chart.svelte';
import MemoryOccupancyChart from './MemoryOccupancyChart.svelte';
import OperatorTimeChart from './OperatorTimeChart.svelte';
import { batchSweepOption } from './options';
import PowerByBlockChart from './PowerByBlockChart.svelte';
import RooflineChart from './RooflineChart.svelte';
import { chartPalette } from './theme';
import { simulateTestReport } from './test-report';

const report = simulateTestReport();
const mounted: Record<string, unknown>[] = [];

// happy-dom does no layout: every element's clientWidth and clientHeight are 0, which ECharts reports as a
// mistake. For these tests an element's client size is its computed width and height, and the drawing gets a
// width from a style rule.
const layout = [
  ['clientWidth', 'width'],
  ['clientHeight', 'height'],
] as const;
const original = layout.map(([property]) => Object.getOwnPropertyDescriptor(HTMLElement.prototype, property));

beforeAll(() => {
  for (const [property, dimension] of layout)
    Object.defineProperty(HTMLElement.prototype, property, {
      configurable: true,
      get(this: HTMLElement): number {
        return Number.parseFloat(getComputedStyle(this)[dimension]) || 0;
      },
    });
  const style = document.createElement('style');
  style.textContent = '.drawing { width: 640px; }';
  document.head.append(style);
});

afterAll(() => {
  layout.forEach(([property], index) => {
    const descriptor = original[index];
    if (descriptor) Object.defineProperty(HTMLElement.prototype, property, descriptor);
    else Reflect.deleteProperty(HTMLElement.prototype, property);
  });
});

afterEach(() => {
  for (const component of mounted.splice(0)) void unmount(component);
  document.body.replaceChildren();
});

/** Mounts a component into a fresh element of the page, to be unmounted after the test. */
function place(render: (target: HTMLElement) => Record<string, unknown>): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(render(target));
  flushSync();
  return target;
}

/** The figure's accessible name and description, resolved the way assistive technology does: by id. */
function accessible(target: HTMLElement): { figure: HTMLElement; name: string; description: string } {
  const figure = target.querySelector('figure');
  if (!figure) throw new Error('no figure');
  const text = (ids: string | null): string =>
    (ids ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ')
      .trim();
  return {
    figure,
    name: text(figure.getAttribute('aria-labelledby')),
    description: text(figure.getAttribute('aria-describedby')),
  };
}

function drawingOf(target: HTMLElement): HTMLElement {
  const drawing = target.querySelector<HTMLElement>('figure > div');
  if (!drawing) throw new Error('no drawing');
  return drawing;
}

const sweep = [
  { batch: 1, tokensPerSecond: 100, tpotSeconds: 0.01, fits: true },
  { batch: 64, tokensPerSecond: 4000, tpotSeconds: 0.016, fits: false },
];

describe('Chart', () => {
  it('is a figure named by its title, described by its summary, with the drawing hidden', () => {
    const target = place((element) =>
      mount(Chart, {
        target: element,
        props: {
          option: batchSweepOption(sweep, 'light'),
          title: 'Throughput by batch',
          summary: 'Throughput rises with the batch.',
        },
      }),
    );
    const { figure, name, description } = accessible(target);
    expect(name).toBe('Throughput by batch');
    expect(description).toBe('Throughput rises with the batch.');
    expect(figure.querySelector('figcaption')?.textContent).toContain('Throughput by batch');
    const drawing = drawingOf(target);
    expect(drawing.getAttribute('aria-hidden')).toBe('true');
    expect(drawing.style.height).toBe('240px');
  });

  it('draws with SVG, replaces the option when it changes, and disposes of the chart when removed', () => {
    const props = $state({
      option: batchSweepOption(sweep, 'light'),
      title: 'Throughput by batch',
      summary: 'Throughput rises with the batch.',
      height: 200,
    });
    const target = document.createElement('div');
    document.body.append(target);
    const component = mount(Chart, { target, props });
    flushSync();
    const drawing = drawingOf(target);
    expect(drawing.style.height).toBe('200px');
    expect(drawing.querySelector('svg')).not.toBeNull();
    expect(drawing.querySelector('canvas')).toBeNull();
    expect(getInstanceByDom(drawing)).toBeDefined();
    expect(drawing.innerHTML).toContain(chartPalette('light').text);

    props.option = batchSweepOption(sweep, 'dark');
    flushSync();
    expect(drawing.innerHTML).toContain(chartPalette('dark').text);
    expect(drawing.innerHTML).not.toContain(`fill="${chartPalette('light').text}"`);

    void unmount(component);
    expect(getInstanceByDom(drawing)).toBeUndefined();
  });
});

describe('the chart components', () => {
  it('name every chart and describe it in a sentence', () => {
    const charts = [
      place((target) =>
        mount(OperatorTimeChart, { target, props: { report, phase: 'decode', theme: 'light' } }),
      ),
      place((target) => mount(RooflineChart, { target, props: { report, theme: 'dark' } })),
      place((target) =>
        mount(PowerByBlockChart, { target, props: { report, phase: 'prefill', theme: 'light' } }),
      ),
      place((target) => mount(MemoryOccupancyChart, { target, props: { report, theme: 'light' } })),
      place((target) => mount(BatchSweepChart, { target, props: { points: sweep, theme: 'light' } })),
    ];
    const names = charts.map((target) => accessible(target).name);
    expect(names).toEqual([
      'Time by operator, one decode step',
      'Roofline: operators against the compute and memory roofs',
      'Average power by block, prefill',
      'Memory per chip by level',
      'Throughput and time per output token by batch size',
    ]);
    for (const target of charts) {
      expect(accessible(target).description).toMatch(/^[A-Z].*\.$/);
      expect(drawingOf(target).querySelector('svg')).not.toBeNull();
    }
  });

  it('labels the roofs on the drawing', () => {
    const svg = drawingOf(
      place((target) => mount(RooflineChart, { target, props: { report, theme: 'light' } })),
    ).innerHTML;
    expect(svg).toContain('BF16 peak');
    expect(svg).toContain('1 TB/s (dram)');
  });
});
