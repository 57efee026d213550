/**
 * In-page functions run in Chromium; they reach the DOM through `globalThis` so the project keeps Node-only types.
 *
 * The dashboard in a real headless Chromium against a server holding demo-like data: it draws, its numbers are the
 * API's, nothing leaves 127.0.0.1, no console errors. Runs when /usr/bin/chromium is installed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/core/clock.js';
import { createServer } from '../src/server/server.js';
import { openStore, type Store } from '../src/storage/store.js';
import { REPO_ROOT, tempDir } from './helpers/env.js';
import { monitoringConfig, type Seeded, seedMonitoringData } from './helpers/monitoring-seed.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

describe('dashboard assets', () => {
  it('reference nothing outside the server (no CDN, no remote fonts)', () => {
    const dir = path.join(REPO_ROOT, 'src/server/dashboard');
    for (const f of ['index.html', 'app.js', 'app.css']) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      expect(text.match(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//gi), f).toBeNull();
    }
    const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
    expect(html).toContain('src="/dashboard/lightweight-charts.js"');
  });
});

if (!haveChromium) {
  process.stderr.write(`server-dashboard: ${CHROMIUM} not found; the headless browser checks of the dashboard were left out\n`);
} else {
  describe('the dashboard in headless Chromium', () => {
    let store: Store;
    let app: FastifyInstance;
    let seed: Seeded;
    let base: string;
    let browser: import('playwright-core').Browser;

    beforeAll(async () => {
      store = await openStore(`sqlite:${path.join(tempDir(), 'dash.db')}`);
      seed = await seedMonitoringData(store);
      app = await createServer({ config: monitoringConfig({ http: { port: 0 } }), store, clock: new VirtualClock(seed.now) });
      base = await app.listen({ host: '127.0.0.1', port: 0 });
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    });
    afterAll(async () => {
      await browser?.close();
      await app?.close();
      await store?.close();
    });

    const api = async (p: string) => (await fetch(`${base}${p}`)).json() as Promise<any>;

    it('draws, matches the API, stays on 127.0.0.1, logs no errors, and looks like a dashboard at 1280x800', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(base, { waitUntil: 'load' });
      await page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 });

      // Charts: the candle canvas holds both candle colours, the equity canvas is not blank.
      const pixels = await page.waitForFunction(
        () => {
          const scan = (sel: string) => {
            let painted = 0;
            let up = 0;
            let down = 0;
            for (const c of (globalThis as any).document.querySelectorAll(`${sel} canvas`)) {
              if (c.width === 0 || c.height === 0) continue;
              const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              for (let i = 0; i < d.length; i += 4) {
                if (d[i + 3] === 0) continue;
                painted++;
                if (Math.abs(d[i] - 0x22) < 12 && Math.abs(d[i + 1] - 0xc5) < 12 && Math.abs(d[i + 2] - 0x5e) < 12) up++;
                if (Math.abs(d[i] - 0xef) < 12 && Math.abs(d[i + 1] - 0x44) < 12 && Math.abs(d[i + 2] - 0x44) < 12) down++;
              }
            }
            return { painted, up, down };
          };
          const price = scan('#price-chart');
          const equity = scan('#equity-chart');
          return price.up > 200 && price.down > 200 && equity.painted > 2000 ? { price, equity } : false;
        },
        undefined,
        { timeout: 15_000 },
      );
      const drawn = (await pixels.jsonValue()) as { price: { up: number; down: number }; equity: { painted: number } };
      expect(drawn.price.up).toBeGreaterThan(200);
      expect(drawn.equity.painted).toBeGreaterThan(2000);

      // The numbers on the page are the API's.
      const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
      const portfolio = await api('/api/v1/portfolio');
      expect(await page.textContent('#pf-equity')).toBe(money.format(portfolio.equity));
      expect(await page.textContent('#pf-cash')).toBe(money.format(portfolio.cash));
      expect(await page.textContent('#pf-return')).toBe(`${portfolio.total_return >= 0 ? '+' : ''}${(portfolio.total_return * 100).toFixed(2)}%`);
      const signals = await api('/api/v1/signals?limit=25');
      const rows = await page.$$eval('#signals tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td: any) => String(td.textContent).trim())));
      expect(rows).toHaveLength(signals.items.length);
      expect(rows[0].slice(1, 4)).toEqual([signals.items[0].symbol.replace('/USDT', ''), signals.items[0].strategy, signals.items[0].side]);
      expect(await page.textContent('#signals-meta')).toBe(`${signals.total} stored`);
      const backtests = await api('/api/v1/backtests?limit=10');
      const btRows = await page.$$eval('#backtests tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td: any) => String(td.textContent).trim())));
      expect(btRows.map((r) => r[0])).toEqual(backtests.items.map((b: { strategy: string }) => b.strategy));
      expect(btRows[0][3]).toBe(backtests.items[0].metrics.sharpe.toFixed(2));
      expect(btRows[0][5]).toBe(String(backtests.items[0].metrics.trades));
      const health = await api('/health');
      const cards = await page.$$eval('.hcard', (els) => Object.fromEntries(els.map((e: any) => [e.dataset.component, String(e.className).replace(/.*s-/, '')])));
      expect(cards).toEqual({
        database: health.components.database.status,
        scheduler: health.components.scheduler.status,
        binance: health.components.sources.binance.status,
        coingecko: health.components.sources.coingecko.status,
        fred: health.components.sources.fred.status,
        paper: health.components.paper.status,
        notifiers: health.components.notifiers.status,
      });
      expect(await page.textContent('#overall')).toBe(health.status);
      const btc = seed.candles['BTC/USDT'];
      const btcSignals = await api(`/api/v1/signals?symbol=BTC/USDT&from=${btc[100].ts}&limit=200`);
      expect(await page.textContent('#market-meta')).toContain(`${btcSignals.total} signals`);

      // Switching symbol redraws the chart for ETH.
      await page.click('#symbols [data-symbol="ETH/USDT"]');
      await page.waitForFunction(() => (globalThis as any).document.querySelector('#market-meta')?.textContent?.startsWith('ETH/USDT'));

      const shot = path.join(process.env.MTS_SCREENSHOT_DIR ?? tempDir(), 'dashboard-1280x800.png');
      await page.click('#symbols [data-symbol="BTC/USDT"]');
      await page.waitForFunction(() => (globalThis as any).document.querySelector('#market-meta')?.textContent?.startsWith('BTC/USDT'));
      const png = await page.screenshot({ path: shot });
      writeFileSync(shot, png);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(1280);
      expect(png.readUInt32BE(20)).toBe(800);
      expect(png.length).toBeGreaterThan(60_000);

      expect(errors).toEqual([]);
      expect(requests.length).toBeGreaterThan(8);
      const outside = requests.filter((u) => new URL(u).hostname !== '127.0.0.1');
      expect(outside).toEqual([]);
      await page.close();
    });

    it('renders the OpenAPI docs from local assets only', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      try {
        await page.goto(`${base}/docs`);
        await page.waitForSelector('.swagger-ui .opblock', { timeout: 15_000 });
        expect(await page.textContent('.swagger-ui')).toContain('/api/v1/candles');
        expect(requests.filter((u) => !u.startsWith('data:') && new URL(u).hostname !== '127.0.0.1')).toEqual([]);
      } finally {
        await page.close();
      }
    });

    it('asks for the token when the API needs one, then loads with it', async () => {
      const token = 'dashboard-token-0123456789';
      const guarded = await createServer({ config: monitoringConfig({ http: { host: '0.0.0.0', apiToken: token } }), store, clock: new VirtualClock(seed.now) });
      // Configured as reachable (so the API needs the token), but bound to loopback for the test.
      const url = await guarded.listen({ host: '127.0.0.1', port: 0 });
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const authHeaders: (string | undefined)[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/api/v1/')) authHeaders.push(r.headers().authorization);
      });
      try {
        await page.goto(url);
        await page.waitForSelector('#auth:not([hidden])', { timeout: 15_000 });
        await page.fill('#auth-token', token);
        await page.click('#auth-form button');
        await page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 });
        expect(await page.isHidden('#auth')).toBe(true);
        expect(authHeaders).toContain(`Bearer ${token}`);
      } finally {
        await page.close();
        await guarded.close();
      }
    });

    it('shows friendly empty states on an empty store', async () => {
      const empty = await openStore(`sqlite:${path.join(tempDir(), 'empty.db')}`);
      const bare = await createServer({ config: monitoringConfig(), store: empty, clock: new VirtualClock(seed.now) });
      const url = await bare.listen({ host: '127.0.0.1', port: 0 });
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      try {
        await page.goto(url);
        await page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 });
        expect(await page.isVisible('#price-empty')).toBe(true);
        expect(await page.isVisible('#equity-empty')).toBe(true);
        expect(await page.textContent('#signals tbody')).toMatch(/No signals yet/);
        expect(await page.textContent('#backtests tbody')).toMatch(/No backtests yet/);
        expect(await page.textContent('#pf-equity')).toBe('—');
        if (process.env.MTS_SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.MTS_SCREENSHOT_DIR, 'dashboard-empty.png') });
        expect(errors).toEqual([]);
      } finally {
        await page.close();
        await bare.close();
        await empty.close();
      }
    });
  });
}
