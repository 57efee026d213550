/**
 * `mts demo` as a user runs it (issue 11): in a fresh data dir every stage is in the result document, a second
 * run gives the same numbers, and the HTML report opens in headless Chromium with no console error and no
 * network request (when /usr/bin/chromium is present; otherwise the self-containment check runs and says so).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMts } from './helpers/cli.js';
import { tempDir } from './helpers/env.js';

const CHROMIUM = '/usr/bin/chromium';
const dir = tempDir('mts-demo-');
const env = { MTS_DATA_DIR: path.join(dir, 'data') };
let first: { code: number | null; stdout: string; stderr: string };
let doc: any;

beforeAll(async () => {
  first = await runMts(['demo'], { env, timeoutMs: 300_000 });
  doc = JSON.parse(readFileSync(path.join(dir, 'data/reports/demo.json'), 'utf8'));
}, 300_000);

describe('mts demo', () => {
  it('runs offline with no keys and prints a summary table and the report path', () => {
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/SYNTHETIC/);
    expect(first.stdout).toMatch(/strategy\s+trades\s+return\s+sharpe\s+max dd/);
    for (const s of ['vix_correlation', 'mean_reversion', 'volatility', 'multi_bucket', 'ripple', 'sma_cross', 'aggregate']) expect(first.stdout).toContain(s);
    expect(first.stdout).toContain(path.join(dir, 'data/reports/demo.html'));
    // progress is shown while it runs
    for (const stage of ['market', 'signals', 'backtests', 'paper', 'report']) expect(first.stderr).toContain(`[demo] ${stage}`);
  });

  it('has every stage in the result document, labelled synthetic', () => {
    expect(doc.synthetic).toBe(true);
    expect(Object.keys(doc.stages)).toEqual(['market', 'signals', 'backtests', 'paper']);
    expect(doc.stages.market.candles).toHaveLength(10);
    expect(doc.stages.market.macro.map((m: { series: string }) => m.series)).toContain('VIXCLS');
    // every strategy produced signals, and alerts were written from the aggregate
    for (const s of doc.stages.signals.per_strategy) expect(s.signals, s.strategy).toBeGreaterThan(0);
    expect(doc.stages.signals.alerts).toBeGreaterThan(0);
    expect(doc.stages.backtests.runs.map((r: { strategy: string }) => r.strategy)).toEqual([
      'vix_correlation',
      'mean_reversion',
      'volatility',
      'multi_bucket',
      'ripple',
      'sma_cross',
      'aggregate',
    ]);
    const p = doc.stages.paper;
    expect(p.alerts_read).toBe(doc.stages.signals.alerts);
    expect(p.applied + p.refused).toBe(p.alerts_read);
    expect(p.applied).toBeGreaterThan(0);
    expect(p.equity).toBeGreaterThan(0);
  });

  it('gives the same numbers on a second run', async () => {
    const second = await runMts(['demo'], { env, timeoutMs: 300_000 });
    expect(second.code).toBe(0);
    const again = JSON.parse(readFileSync(path.join(dir, 'data/reports/demo.json'), 'utf8'));
    expect(again.stages).toEqual(doc.stages);
    expect(second.stdout).toBe(first.stdout);
  }, 300_000);

  it('writes a self-contained HTML report', () => {
    const html = readFileSync(path.join(dir, 'data/reports/demo.html'), 'utf8');
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).toContain('SYNTHETIC');
    expect(html).toContain('Strategies side by side');
    expect(html).toContain('Paper portfolio');
    expect(html).toContain('Assumptions');
  });
});

if (existsSync(CHROMIUM)) {
  describe('the demo report in headless Chromium', () => {
    it('opens from disk with no console error and no network request, and its charts draw', async () => {
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const errors: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        page.on('pageerror', (e) => errors.push(String(e)));
        page.on('request', (r) => !r.url().startsWith('file:') && requests.push(r.url()));
        await page.goto(pathToFileURL(path.join(dir, 'data/reports/demo.html')).href);
        await page.waitForFunction(() => (globalThis as any).mtsCharts?.length > 0);
        const charts = await page.evaluate(() => {
          const canvases = Array.from((globalThis as any).document.querySelectorAll('canvas')) as any[];
          return { count: (globalThis as any).mtsCharts.length, drawn: canvases.filter((c) => c.width > 0 && c.height > 0).length };
        });
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
        expect(charts.count).toBeGreaterThanOrEqual(6);
        expect(charts.drawn).toBeGreaterThan(0);
      } finally {
        await browser.close();
      }
    }, 120_000);
  });
} else {
  console.warn(`demo.test: ${CHROMIUM} not found — the in-browser check of the demo report was left out (apt-get install chromium)`);
}
