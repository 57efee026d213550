/** `mts paper --once`, `mts paper status --json`, `mts report --paper` and `mts paper reset` as a user runs them. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../src/core/time.js';
import { openStore } from '../src/storage/store.js';
import { runMts } from './helpers/cli.js';
import { tempDir } from './helpers/env.js';
import { alertOf, flatCandles } from './helpers/paper.js';

describe('mts paper commands', () => {
  it('drains alerts once, reports the account as SPEC §11 says, and resets only with --yes', async () => {
    const dir = tempDir();
    const env = { MTS_DATA_DIR: dir };
    const now = Date.now();
    const store = await openStore(`sqlite:${path.join(dir, 'mts.db')}`);
    await store.candles.upsert({ source: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, flatCandles(100, 24, Math.floor(now / HOUR_MS) * HOUR_MS - 25 * HOUR_MS));
    await store.close();
    const alerts = path.join(dir, 'alerts');
    mkdirSync(alerts);
    writeFileSync(path.join(alerts, 'btc.json'), JSON.stringify(alertOf('LONG', now)));
    writeFileSync(path.join(alerts, 'broken.json'), '{"schema": "mts.alert/v1", "id": ');

    const once = await runMts(['paper', '--once'], { env });
    expect(once.code, once.stderr).toBe(0);
    expect(once.stdout).toContain('1 applied');
    expect(existsSync(path.join(alerts, 'processed', 'btc.json'))).toBe(true);
    expect(readFileSync(path.join(alerts, 'rejected', 'broken.json.reason.txt'), 'utf8')).toContain('truncated');

    const status = await runMts(['paper', 'status', '--json'], { env });
    expect(status.code, status.stderr).toBe(0);
    const s = JSON.parse(status.stdout);
    expect(s).toMatchObject({ trades: 0, alerts_applied: 1, alerts_rejected: 1 });
    // Bought at 100 × 1.0005 with 5% of 10,000 (the alert's size) and the 10 bps fee on top.
    const price = 100 * 1.0005;
    const qty = 500 / (price * 1.001);
    expect(s.cash).toBeCloseTo(10_000 - 500, 6);
    expect(s.positions).toHaveLength(1);
    const p = s.positions[0];
    expect(Object.keys(p)).toEqual(expect.arrayContaining(['symbol', 'side', 'quantity', 'avg_price', 'market_price', 'unrealized_pnl', 'stop_loss', 'take_profit']));
    expect(p).toMatchObject({ symbol: 'BTC/USDT', side: 'LONG', market_price: 100, stop_loss: 95, take_profit: 110 });
    expect(p.quantity).toBeCloseTo(qty, 9);
    expect(p.unrealized_pnl).toBeCloseTo((100 - price) * qty - price * qty * 0.001, 9);
    expect(s.equity).toBeCloseTo(s.cash + qty * 100, 6);
    for (const k of ['total_return', 'cagr', 'volatility', 'sharpe', 'sortino', 'max_drawdown', 'max_drawdown_duration_ms', 'calmar', 'trades', 'win_rate', 'profit_factor', 'avg_win', 'avg_loss', 'expectancy', 'exposure', 'turnover', 'fees', 'final_equity']) {
      expect(s.metrics, k).toHaveProperty(k);
    }

    const html = path.join(dir, 'paper.html');
    const json = path.join(dir, 'paper.json');
    const report = await runMts(['report', '--paper', '--html', html, '--json', json], { env });
    expect(report.code, report.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(doc.trades).toEqual([expect.objectContaining({ symbol: 'BTC/USDT', side: 'LONG', exit_reason: 'end_of_data' })]);
    expect(doc.metrics.final_equity).toBeCloseTo(s.equity, 6);
    expect(readFileSync(html, 'utf8')).toContain('Paper trading');

    const refused = await runMts(['paper', 'reset'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect((await runMts(['paper', 'reset', '--yes'], { env })).code).toBe(0);
    const after = JSON.parse((await runMts(['paper', 'status', '--json'], { env })).stdout);
    expect(after).toMatchObject({ cash: 10_000, equity: 10_000, positions: [], alerts_applied: 0 });
  }, 120_000);
});
