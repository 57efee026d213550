/**
 * The HTML backtest report opened from disk in real headless Chromium (Debian's /usr/bin/chromium via
 * playwright-core): no console errors, no network request, every chart draws, the metrics shown equal the JSON's,
 * and a screenshot. Without /usr/bin/chromium only the static self-containment check runs (and says so).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestReportHtml } from '../src/analytics/backtest-report.js';
import { pricesForReport } from '../src/backtest/prices.js';
import { runBacktest } from '../src/backtest/run.js';
import { smaCross } from '../src/strategies/builtin/index.js';
import { tempDir } from './helpers/env.js';
import { loadCsvCandles } from './helpers/real-candles.js';

const CHROMIUM = '/usr/bin/chromium';
const dir = tempDir('mts-report-');
const candles = loadCsvCandles('candles/binance/BTCUSDT_1h.csv');
const base = new Map([['BTC/USDT', candles]]);
const { document: doc } = runBacktest({
  strategy: smaCross,
  base,
  baseTimeframe: '1h',
  from: Date.UTC(2023, 0, 1),
  to: Date.UTC(2023, 11, 31, 23),
  cash: 10_000,
  feeBps: 10,
  slippageBps: 5,
  sizeOverride: 1,
  risk: null,
});
const html = backtestReportHtml(doc, pricesForReport(doc, base));
const file = path.join(dir, 'report.html');
writeFileSync(file, html);

describe('the HTML report file', () => {
  it('references nothing outside itself (no URLs in src/href, no external script)', () => {
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).toContain('LightweightCharts');
    expect(html).toContain("default-src 'none'");
  });
});

if (existsSync(CHROMIUM)) {
  describe('the HTML report in headless Chromium', () => {
    let browser: import('playwright-core').Browser;
    let page: import('playwright-core').Page;
    const consoleErrors: string[] = [];
    const requests: string[] = [];

    beforeAll(async () => {
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
      page = await browser.newPage({ viewport: { width: 1280, height: 2000 } });
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
      page.on('pageerror', (e) => consoleErrors.push(String(e)));
      page.on('request', (r) => !r.url().startsWith('file:') && requests.push(r.url()));
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(() => (globalThis as unknown as { mtsCharts?: unknown[] }).mtsCharts?.length === 3);
      await page.waitForTimeout(300); // charts paint on the next animation frames
    });
    afterAll(async () => browser?.close());

    it('loads with no console error and no network request', () => {
      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([]);
    });

    it('draws every chart (each has a canvas with many non-background pixels)', async () => {
      const inked = await page.$$eval('.chart', (els) =>
        els.map((el) => {
          let best = 0;
          // runs in the page (no DOM types in this project's TypeScript config)
          for (const c of Array.from(el.querySelectorAll('canvas')) as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null }[]) {
            const ctx = c.getContext('2d');
            if (!ctx || c.width === 0 || c.height === 0) continue;
            const px = ctx.getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && (px[i] < 235 || px[i + 1] < 235 || px[i + 2] < 235)) n++;
            best = Math.max(best, n / (c.width * c.height));
          }
          return { id: el.id, inked: best };
        }),
      );
      expect(inked.map((x) => x.id)).toEqual(['bt-equity', 'bt-drawdown', 'bt-price-0']);
      for (const c of inked) expect(c.inked, c.id).toBeGreaterThan(0.01);
    });

    it('shows every metric of the JSON document, with the same value', async () => {
      const shown = await page.$$eval('[data-metric]', (els) => els.map((e) => ({ key: e.getAttribute('data-metric') as string, value: e.getAttribute('data-value') as string, text: (e.textContent ?? '').trim() })));
      expect(shown.map((s) => s.key)).toEqual(Object.keys(doc.metrics));
      for (const s of shown) {
        const v = doc.metrics[s.key as keyof typeof doc.metrics];
        expect(s.value, s.key).toBe(v === null ? 'null' : String(v));
        if (v === null) {
          expect(s.text).toBe('—');
          continue;
        }
        if (s.key.endsWith('_ts')) {
          expect(s.text).toBe(new Date(v).toISOString().slice(0, 16).replace('T', ' '));
          continue;
        }
        // the text rounds the value: within half a unit of its last shown digit
        const m = /-?\d+(\.(\d+))?/.exec(s.text) as RegExpExecArray;
        const scale = s.text.endsWith('%') ? 100 : s.text.endsWith('days') ? 1 / 86_400_000 : 1;
        const half = 0.5 * 10 ** -(m[2]?.length ?? 0);
        expect(Math.abs(Number(m[0]) - v * scale), s.key).toBeLessThanOrEqual(half + 1e-9);
      }
    });

    it('lists every trade and the monthly returns of the period', async () => {
      expect(await page.$$eval('table.trades tbody tr', (r) => r.length)).toBe(doc.trades.length);
      expect(await page.$$eval('table.monthly tbody tr', (r) => r.map((x) => x.children[0].textContent))).toEqual(['2023']);
    });

    it('screenshot: a non-trivial PNG', async () => {
      const png = path.join(dir, 'report.png');
      await page.screenshot({ path: png, fullPage: false });
      const bytes = readFileSync(png);
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      expect(statSync(png).size).toBeGreaterThan(30_000);
    });
  });
} else {
  process.stderr.write(`backtest-report.browser.test: ${CHROMIUM} not found; the browser checks of the HTML report were left out (install chromium to run them)\n`);
}
