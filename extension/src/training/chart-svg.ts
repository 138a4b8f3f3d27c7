import { svgEl } from '../dag/svg';
import { MetricChart, SeriesPoint } from './chart-model';

const WIDTH = 280;
const HEIGHT = 160;
const PAD = { left: 44, right: 10, top: 10, bottom: 24 };

/** A line chart of one metric by epoch: train solid, validation dashed (colours from the theme CSS). */
export function renderMetricChart(chart: MetricChart, labels: { train: string; val: string; epoch: string }): SVGSVGElement {
  const svg = svgEl('svg', {
    class: 'fb-Chart',
    width: WIDTH,
    height: HEIGHT,
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    'data-metric': chart.metric
  });
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const [x0, x1] = chart.xDomain;
  const [y0, y1] = chart.yDomain;
  const sx = (epoch: number) => PAD.left + ((epoch - x0) / (x1 - x0 || 1)) * plotW;
  const sy = (value: number) => PAD.top + plotH - ((value - y0) / (y1 - y0 || 1)) * plotH;

  svg.appendChild(svgEl('rect', { class: 'fb-Chart-frame', x: PAD.left, y: PAD.top, width: plotW, height: plotH }));
  svg.appendChild(svgEl('text', { class: 'fb-Chart-tick', x: PAD.left - 4, y: PAD.top + 8, 'text-anchor': 'end' }, tick(y1)));
  svg.appendChild(svgEl('text', { class: 'fb-Chart-tick', x: PAD.left - 4, y: PAD.top + plotH, 'text-anchor': 'end' }, tick(y0)));
  svg.appendChild(svgEl('text', { class: 'fb-Chart-tick', x: PAD.left, y: HEIGHT - 8 }, String(x0)));
  svg.appendChild(svgEl('text', { class: 'fb-Chart-tick', x: PAD.left + plotW, y: HEIGHT - 8, 'text-anchor': 'end' }, String(x1)));
  svg.appendChild(svgEl('text', { class: 'fb-Chart-axis', x: PAD.left + plotW / 2, y: HEIGHT - 8, 'text-anchor': 'middle' }, labels.epoch));

  const line = (points: SeriesPoint[], cls: string, name: string) => {
    if (points.length === 0) {
      return;
    }
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.epoch).toFixed(1)},${sy(p.value).toFixed(1)}`).join(' ');
    const path = svgEl('path', { class: `fb-Chart-line ${cls}`, d, 'data-series': name, 'data-points': points.length });
    svg.appendChild(path);
    const last = points[points.length - 1];
    svg.appendChild(svgEl('circle', { class: `fb-Chart-dot ${cls}`, cx: sx(last.epoch).toFixed(1), cy: sy(last.value).toFixed(1), r: 2.5 }));
  };
  line(chart.train, 'fb-mod-train', 'train');
  line(chart.val, 'fb-mod-val', 'val');
  return svg;
}

function tick(value: number): string {
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 0.01 || abs >= 10000)) {
    return value.toExponential(1);
  }
  return value.toFixed(abs >= 100 ? 0 : abs >= 1 ? 2 : 3);
}
