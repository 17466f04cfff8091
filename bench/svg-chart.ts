/**
 * A small SVG line chart writer (no browser, no dependency): series of (x, y) points drawn as lines and/or markers,
 * linear or log axes with round ticks, axis titles and a legend. Enough for recall-QPS curves, latency CDFs and
 * time series in a Markdown report.
 */

export interface Series {
  name: string;
  points: readonly { x: number; y: number }[];
  /** Draw markers at the points. @default false */
  markers?: boolean;
  /** Draw the connecting line. @default true */
  line?: boolean;
  /** Dashed line (baselines). @default false */
  dashed?: boolean;
}

export interface Axis {
  title: string;
  log?: boolean;
  min?: number;
  max?: number;
}

export interface ChartSpec {
  title: string;
  x: Axis;
  y: Axis;
  series: readonly Series[];
  width?: number;
  height?: number;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

export function renderChart(spec: ChartSpec): string {
  const width = spec.width ?? 820;
  const height = spec.height ?? 420;
  const margin = { left: 72, right: 270, top: 40, bottom: 56 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const all = spec.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xr = range(all.map((p) => p.x), spec.x);
  const yr = range(all.map((p) => p.y), spec.y);
  const sx = scale(xr, spec.x.log === true, 0, plotW);
  const sy = scale(yr, spec.y.log === true, plotH, 0);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${margin.left}" y="22" font-size="15" font-weight="bold">${esc(spec.title)}</text>`);
  out.push(`<g transform="translate(${margin.left},${margin.top})">`);
  out.push(`<rect width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`);
  for (const t of ticks(xr, spec.x.log === true)) {
    const x = sx(t);
    out.push(`<line x1="${f(x)}" y1="0" x2="${f(x)}" y2="${plotH}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${f(x)}" y="${plotH + 16}" text-anchor="middle">${esc(label(t))}</text>`);
  }
  for (const t of ticks(yr, spec.y.log === true)) {
    const y = sy(t);
    out.push(`<line x1="0" y1="${f(y)}" x2="${plotW}" y2="${f(y)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="-6" y="${f(y + 4)}" text-anchor="end">${esc(label(t))}</text>`);
  }
  out.push(`<text x="${plotW / 2}" y="${plotH + 40}" text-anchor="middle">${esc(spec.x.title + (spec.x.log === true ? ' (log)' : ''))}</text>`);
  out.push(`<text transform="translate(-54,${plotH / 2}) rotate(-90)" text-anchor="middle">${esc(spec.y.title + (spec.y.log === true ? ' (log)' : ''))}</text>`);
  out.push(`<clipPath id="plot"><rect width="${plotW}" height="${plotH}"/></clipPath><g clip-path="url(#plot)">`);
  spec.series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (spec.x.log !== true || p.x > 0) && (spec.y.log !== true || p.y > 0));
    if (s.line !== false && pts.length > 1) {
      const d = pts.map((p, j) => `${j === 0 ? 'M' : 'L'}${f(sx(p.x))},${f(sy(p.y))}`).join('');
      out.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"${s.dashed === true ? ' stroke-dasharray="6,4"' : ''}/>`);
    }
    if (s.markers === true || pts.length === 1) for (const p of pts) out.push(`<circle cx="${f(sx(p.x))}" cy="${f(sy(p.y))}" r="3.5" fill="${colour}"/>`);
  });
  out.push('</g>');
  spec.series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    const y = 8 + i * 18;
    out.push(`<line x1="${plotW + 14}" y1="${y}" x2="${plotW + 38}" y2="${y}" stroke="${colour}" stroke-width="2"${s.dashed === true ? ' stroke-dasharray="6,4"' : ''}/>`);
    out.push(`<text x="${plotW + 44}" y="${y + 4}">${esc(s.name.length > 38 ? `${s.name.slice(0, 37)}…` : s.name)}</text>`);
  });
  out.push('</g></svg>');
  return out.join('\n') + '\n';
}

function range(values: number[], axis: Axis): [number, number] {
  const usable = axis.log === true ? values.filter((v) => v > 0) : values;
  let lo = axis.min ?? (usable.length === 0 ? 0 : Math.min(...usable));
  let hi = axis.max ?? (usable.length === 0 ? 1 : Math.max(...usable));
  if (axis.log === true) {
    lo = Math.max(lo, 1e-9);
    if (hi <= lo) hi = lo * 10;
    if (axis.min === undefined) lo = 10 ** Math.floor(Math.log10(lo));
    if (axis.max === undefined) hi = 10 ** Math.ceil(Math.log10(hi));
    return [lo, hi];
  }
  if (hi === lo) {
    hi = lo + (lo === 0 ? 1 : Math.abs(lo) * 0.1);
    lo = lo - (lo === 0 ? 0 : Math.abs(lo) * 0.1);
  }
  if (axis.min === undefined && axis.max === undefined) {
    const step = niceStep((hi - lo) / 5);
    lo = Math.floor(lo / step) * step;
    hi = Math.ceil(hi / step) * step;
  }
  return [lo, hi];
}

function scale([lo, hi]: [number, number], log: boolean, from: number, to: number): (v: number) => number {
  if (log) {
    const a = Math.log10(lo);
    const b = Math.log10(hi);
    return (v) => from + ((Math.log10(Math.max(v, 1e-12)) - a) / (b - a)) * (to - from);
  }
  return (v) => from + ((v - lo) / (hi - lo)) * (to - from);
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

function ticks([lo, hi]: [number, number], log: boolean): number[] {
  const out: number[] = [];
  if (log) {
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e;
        if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
      }
    }
    return out;
  }
  const step = niceStep((hi - lo) / 6);
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

function label(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  if (a === 0) return '0';
  if (a < 0.01) return v.toExponential(0);
  return String(+v.toPrecision(3));
}

const f = (v: number): string => v.toFixed(1);

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
