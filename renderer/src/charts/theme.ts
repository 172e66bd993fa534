/**
 * The charts' colours for the app's light and dark themes. The values follow `styles/app.css` (text, muted
 * text, borders, block-category colours) so a chart reads as part of the page; the background stays
 * transparent and the surface behind the chart shows through.
 */
import type { Bound } from '../../../engine/report';
import type { BlockReport } from '../../../engine/report';

export type ChartTheme = 'light' | 'dark';

export interface ChartPalette {
  /** Axis labels, legend and labels. */
  text: string;
  /** Axis names and secondary labels. */
  textMuted: string;
  /** Split lines inside the plot. */
  gridLine: string;
  /** Axis lines and ticks. */
  axisLine: string;
  tooltipBackground: string;
  tooltipBorder: string;
  /** What a chart shows as not applicable: batch sizes that do not fit, the "other" bar. */
  inactive: string;
  /** Roof lines and capacity markers: drawn over the data, so they take the strongest colour. */
  reference: string;
  /** One colour per resource an operator can be bound by. */
  bounds: Record<Bound, string>;
  /** One colour per block category (the palette's category colours). */
  categories: Record<BlockReport['category'], string>;
  phases: { prefill: string; decode: string };
  /** Memory contents: weights, KV cache, activations. */
  tensors: { weights: string; kv: string; activations: string };
  /** Batch sweep: tokens per second and time per output token. */
  throughput: string;
  latency: string;
}

/** The app's font stack (`--font` in app.css); ECharts draws text itself and cannot read the CSS variable. */
export const chartFontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif";
export const chartFontSize = 12;

// Category colours are the palette's (`--cat-*`); a bound shares the colour of the block category that
// causes it, so "memory-bound" is green on every chart.
const light: ChartPalette = {
  text: '#17202c',
  textMuted: '#5a6472',
  gridLine: '#e3e7ec',
  axisLine: '#b9c1cc',
  tooltipBackground: '#ffffff',
  tooltipBorder: '#d6dbe2',
  inactive: '#b4bcc7',
  reference: '#c9352b',
  bounds: { compute: '#3b82f6', memory: '#16a34a', communication: '#9333ea', overhead: '#e2a400' },
  categories: { compute: '#3b82f6', memory: '#16a34a', interconnect: '#9333ea', other: '#64748b' },
  phases: { prefill: '#ea580c', decode: '#2f6fdf' },
  tensors: { weights: '#2f6fdf', kv: '#16a34a', activations: '#e2a400' },
  throughput: '#2f6fdf',
  latency: '#ea580c',
};

const dark: ChartPalette = {
  text: '#e6e9ee',
  textMuted: '#98a2b0',
  gridLine: '#2a313c',
  axisLine: '#44505f',
  tooltipBackground: '#222833',
  tooltipBorder: '#2e3642',
  inactive: '#4f5a69',
  reference: '#f0645a',
  bounds: { compute: '#5b93f5', memory: '#34c26b', communication: '#b26cf0', overhead: '#f0b92e' },
  categories: { compute: '#5b93f5', memory: '#34c26b', interconnect: '#b26cf0', other: '#8a97a8' },
  phases: { prefill: '#f5844a', decode: '#5b93f5' },
  tensors: { weights: '#5b93f5', kv: '#34c26b', activations: '#f0b92e' },
  throughput: '#5b93f5',
  latency: '#f5844a',
};

export function chartPalette(theme: ChartTheme): ChartPalette {
  return theme === 'dark' ? dark : light;
}
