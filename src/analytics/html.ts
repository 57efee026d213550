/**
 * Self-contained HTML report pages: one file with the lightweight-charts standalone build inlined, the chart data
 * embedded as JSON, and no reference to anything outside the file (it opens from disk with no network). Reports
 * are a list of sections, so the backtest, the paper trader and the demo each add their own.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface ChartLine {
  name: string;
  /** [epoch ms, value] points, ascending in time. */
  points: readonly (readonly [number, number])[];
  color?: string;
  kind?: 'line' | 'area';
}

export interface ChartMarker {
  ts: number;
  position: 'aboveBar' | 'belowBar';
  shape: 'arrowUp' | 'arrowDown' | 'circle';
  color: string;
  text?: string;
}

export interface ChartSpec {
  id: string;
  height?: number;
  lines: ChartLine[];
  /** Markers drawn on the first line. */
  markers?: ChartMarker[];
  /** Values are fractions shown as percentages. */
  percent?: boolean;
}

export interface ReportSection {
  title: string;
  /** HTML body of the section (escape user text with `escapeHtml`). */
  html: string;
  charts?: ChartSpec[];
}

export interface ReportPage {
  title: string;
  subtitle?: string;
  sections: ReportSection[];
}

let chartsSource: string | undefined;

/** The lightweight-charts standalone build, read once from node_modules. */
export function chartsLibrary(): string {
  if (chartsSource === undefined) {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('lightweight-charts/package.json');
    chartsSource = readFileSync(pkg.replace(/package\.json$/, 'dist/lightweight-charts.standalone.production.js'), 'utf8');
  }
  return chartsSource;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** JSON safe inside a <script> element. */
function scriptJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A chart's placeholder; the page script draws into it. */
export function chartDiv(spec: ChartSpec): string {
  return `<div class="chart" id="${escapeHtml(spec.id)}" style="height:${spec.height ?? 300}px"></div>`;
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[], cls = ''): string {
  const head = headers.map((h) => `<th>${h}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${cls}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;padding:24px;color:#1d2330;background:#f7f8fa}
h1{margin:0 0 4px;font-size:22px}h2{font-size:17px;margin:28px 0 10px}.sub{color:#5b6475;margin-bottom:16px}
section{background:#fff;border:1px solid #e3e6ec;border-radius:8px;padding:12px 16px;margin-bottom:16px;overflow-x:auto}
table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}
th,td{padding:4px 10px;border-bottom:1px solid #eef0f4;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}.pos{color:#0a7d3b}.neg{color:#b3261e}
.chart{width:100%;margin:8px 0}.kv td:first-child{color:#5b6475}
`;

/** Draws every chart from the embedded specs; times are epoch ms in the data, seconds for the library. */
const DRAW = `
(function(){
  var LC = window.LightweightCharts;
  var specs = JSON.parse(document.getElementById('mts-charts').textContent);
  var colors = ['#2962ff','#e65100','#2e7d32','#6a1b9a','#00838f','#ad1457'];
  window.mtsCharts = [];
  specs.forEach(function(spec){
    var el = document.getElementById(spec.id);
    if (!el) return;
    var chart = LC.createChart(el, {width: el.clientWidth || 900, height: spec.height || 300,
      layout: {background: {color: '#ffffff'}, textColor: '#1d2330'},
      timeScale: {timeVisible: true, secondsVisible: false, minBarSpacing: 0.001}, rightPriceScale: {borderVisible: false},
      localization: spec.percent ? {priceFormatter: function(v){ return (v * 100).toFixed(1) + '%'; }} : {}});
    var first = null;
    spec.lines.forEach(function(line, i){
      var color = line.color || colors[i % colors.length];
      var opts = line.kind === 'area' ? {lineColor: color, topColor: color + '55', bottomColor: color + '08', lineWidth: 1}
                                      : {color: color, lineWidth: 1};
      var series = chart.addSeries(line.kind === 'area' ? LC.AreaSeries : LC.LineSeries, opts);
      series.setData(line.points.map(function(p){ return {time: p[0] / 1000, value: p[1]}; }));
      if (!first) first = series;
    });
    if (first && spec.markers && spec.markers.length) {
      LC.createSeriesMarkers(first, spec.markers.map(function(m){
        return {time: m.ts / 1000, position: m.position, shape: m.shape, color: m.color, text: m.text || ''};
      }));
    }
    chart.timeScale().fitContent();
    window.mtsCharts.push(chart);
  });
  window.addEventListener('resize', function(){
    window.mtsCharts.forEach(function(c, i){ var el = document.getElementById(specs[i].id); if (el) c.applyOptions({width: el.clientWidth}); });
  });
})();
`;

/** The whole page: sections, the charts library inlined and the drawing script. No external reference. */
export function renderPage(page: ReportPage): string {
  const charts = page.sections.flatMap((s) => s.charts ?? []);
  const body = page.sections
    .map((s) => `<section><h2>${escapeHtml(s.title)}</h2>\n${(s.charts ?? []).map(chartDiv).join('\n')}\n${s.html}</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(page.title)}</h1>
${page.subtitle ? `<div class="sub">${escapeHtml(page.subtitle)}</div>` : ''}
${body}
<script type="application/json" id="mts-charts">${scriptJson(charts)}</script>
<script>${chartsLibrary().replace(/<\/script/gi, '<\\/script')}</script>
<script>${DRAW}</script>
</body></html>
`;
}
