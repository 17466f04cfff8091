/**
 * A small time-series line chart drawn as SVG: no library, no inline styles (colours come from classes in the
 * stylesheet, so the Content-Security-Policy can forbid inline styles). Gaps in the data stay gaps.
 */
import { h, svg } from './dom';

export interface Point {
  t: number;
  v: number;
}

export interface Series {
  label: string;
  /** CSS class giving the line its colour (`series-a`, `series-b`). */
  className: string;
  points: Point[];
}

export interface ChartOptions {
  title: string;
  unit: string;
  series: Series[];
  /** The time span shown, ending at `now`. */
  windowMs: number;
  now: number;
  /** Points further apart than this are not joined. */
  maxGapMs: number;
}

const W = 560;
const H = 190;
const M = { left: 56, right: 14, top: 12, bottom: 26 };

/** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `x`. */
export function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (x <= m * power * (1 + 1e-9)) return m * power;
  return 10 * power;
}

export function formatValue(v: number): string {
  if (v >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (v >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return Number(v.toPrecision(3)).toLocaleString('en-US');
}

/** The chart, with a legend and a text summary for screen readers (`role=img` + label). */
export function lineChart(options: ChartOptions): HTMLElement {
  const { windowMs, now } = options;
  const start = now - windowMs;
  const visible = options.series.map((s) => ({ ...s, points: s.points.filter((p) => p.t >= start && p.t <= now) }));
  const max = niceCeil(Math.max(0, ...visible.flatMap((s) => s.points.map((p) => p.v))));
  const x = (t: number) => M.left + ((t - start) / windowMs) * (W - M.left - M.right);
  const y = (v: number) => H - M.bottom - (v / max) * (H - M.top - M.bottom);

  const grid = [0, 0.5, 1].map((f) => {
    const value = max * f;
    return [
      svg('line', { class: 'grid', x1: M.left, x2: W - M.right, y1: y(value), y2: y(value) }),
      svg('text', { class: 'tick', x: M.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, formatValue(value)),
    ];
  });
  const minutes = Math.round(windowMs / 60_000);
  const xTicks = Array.from({ length: minutes + 1 }, (_, i) => {
    const t = start + i * 60_000;
    const label = i === minutes ? 'now' : `−${minutes - i} min`;
    return svg('text', { class: 'tick', x: x(t), y: H - 6, 'text-anchor': i === 0 ? 'start' : i === minutes ? 'end' : 'middle' }, label);
  });
  const lines = visible.map((s) => {
    let d = '';
    let previous: Point | undefined;
    for (const p of s.points) {
      const join = previous !== undefined && p.t - previous.t <= options.maxGapMs;
      d += `${join ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`;
      previous = p;
    }
    return svg('path', { class: `line ${s.className}`, d, fill: 'none' });
  });

  const summary = visible
    .map((s) => {
      const last = s.points[s.points.length - 1];
      const peak = Math.max(0, ...s.points.map((p) => p.v));
      return last === undefined ? `${s.label}: no data yet` : `${s.label}: ${formatValue(last.v)} ${options.unit} now, peak ${formatValue(peak)}`;
    })
    .join('; ');
  const label = `${options.title} over the last ${minutes === 1 ? 'minute' : `${minutes} minutes`}. ${summary}.`;

  return h(
    'figure',
    { class: 'chart' },
    h('figcaption', {}, options.title, h('span', { class: 'muted' }, ` (${options.unit})`)),
    svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'chart-svg' }, svg('title', {}, label), grid.flat(), xTicks, lines),
    h(
      'ul',
      { class: 'legend' },
      visible.map((s) => {
        const last = s.points[s.points.length - 1];
        return h('li', {}, h('span', { class: `swatch ${s.className}`, 'aria-hidden': 'true' }), `${s.label}: `, h('strong', {}, last === undefined ? '—' : formatValue(last.v)));
      }),
    ),
  );
}
