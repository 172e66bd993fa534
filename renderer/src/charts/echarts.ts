/**
 * The ECharts runtime the charts use, registered once: only the chart types, components and the SVG renderer
 * the option builders in `options.ts` need, so the bundle carries a fraction of the library. SVG rather than
 * canvas: text stays crisp at any zoom, and the app's CSP needs neither eval nor inline scripts for it.
 */
import { BarChart, CustomChart, HeatmapChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  ParallelComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
} from 'echarts/components';
import { init, use, type ECharts } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

use([
  BarChart,
  LineChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  SVGRenderer,
  // The sweep view's heat map (with its colour scale) and parallel coordinates.
  HeatmapChart,
  ParallelChart,
  ParallelComponent,
  VisualMapContinuousComponent,
  // The Serving tab: the batch timeline's steps (custom rectangles) and the SLO, knee and max-rate lines.
  CustomChart,
  MarkLineComponent,
]);

/** A chart drawn with SVG in `container`; the caller disposes of it. */
export function createChart(container: HTMLElement): ECharts {
  return init(container, null, { renderer: 'svg' });
}

export type { ECharts };
