/**
 * `mts backtest` and `mts report` as a user runs them (the real CLI in a child process, a real SQLite file):
 * the run is stored and reported byte for byte; a user strategy file that throws mid-run stops the run with the
 * bar, the time and the error, exits 1, and leaves a failed run — never a finished one.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/store.js';
import { REPO_ROOT, tempDir } from './helpers/env.js';
import { realCandles } from './helpers/real-market.js';

const run = promisify(execFile);
const dir = tempDir('mts-bt-cli-');
const db = `sqlite:${path.join(dir, 'mts.db')}`;

async function mts(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [path.join(REPO_ROOT, 'bin/mts.js'), '--db', db, '--log-level', 'warn', ...args], { cwd: dir, env: { ...process.env, MTS_DATA_DIR: dir } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const THROWING = `import { defineStrategy } from ${JSON.stringify(path.join(REPO_ROOT, 'src/strategies/define.ts'))};
export default defineStrategy({
  name: 'fragile',
  description: 'goes long once, then breaks on 2022-03-01',
  timeframe: '1h',
  params: {},
  warmupBars: () => 1,
  onBar: ({ bar, now, position }) => {
    if (now >= Date.UTC(2022, 2, 1)) throw new Error('cannot read my own indicator');
    return position() === null ? { side: 'LONG', size: 0.5 } : null;
  },
});
`;

describe('mts backtest / mts report', () => {
  beforeAll(async () => {
    const store = await openStore(db);
    await store.candles.upsert({ source: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, realCandles('BTC/USDT', '1h', Date.UTC(2022, 0, 1), Date.UTC(2022, 3, 30, 23)));
    await store.close();
    // a user's project is ESM, like this one (tsx then loads .ts files as modules)
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(path.join(dir, 'fragile.ts'), THROWING);
  });

  it('runs, stores the run, and reports the same document byte for byte', async () => {
    const a = await mts('backtest', '--strategy', 'sma_cross', '--symbols', 'BTC/USDT', '--from', '2022-02-01', '--no-risk', '--size', '1', '--out', 'run.json', '--html', 'run.html');
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    const id = /stored as run (bt_[0-9a-f]{16})/.exec(a.stdout)?.[1] as string;
    expect(a.stdout).toMatch(/sharpe\s+-?\d/);
    const written = readFileSync(path.join(dir, 'run.json'), 'utf8');
    expect(JSON.parse(written)).toMatchObject({ id, strategy: 'sma_cross', from: Date.UTC(2022, 1, 1), assumptions: { fee_bps: 10, slippage_bps: 5, fill: 'next_open', cash: 10_000, risk: false } });
    const r = await mts('--json', 'report', '--backtest', id);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(written);
    expect(readFileSync(path.join(dir, 'run.html'), 'utf8')).toContain('<title>Backtest: sma_cross on BTC/USDT</title>');
  });

  it('a user strategy that throws mid-run stops with the bar, the time and the error; the run is stored as failed', async () => {
    const r = await mts('backtest', '--strategy', 'fragile.ts', '--symbols', 'BTC/USDT', '--no-risk');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/backtest stopped at bar 1415 of BTC\/USDT \(2022-03-01T00:00:00\.000Z\).*cannot read my own indicator/);
    const store = await openStore(db);
    try {
      const runs = await store.backtests.list();
      const failed = runs.filter((x) => x.strategy === 'fragile');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ status: 'failed', metrics: null });
      expect(failed[0].error).toMatch(/bar 1415 .*cannot read my own indicator/);
      expect(await store.backtests.document(failed[0].id)).toBeUndefined();
      expect(await store.backtests.trades(failed[0].id)).toEqual([]);
    } finally {
      await store.close();
    }
    const rep = await mts('report', '--backtest', (await (async () => {
      const s = await openStore(db);
      const id = (await s.backtests.list({ status: 'failed' }))[0].id;
      await s.close();
      return id;
    })()));
    expect(rep.code).toBe(2);
    expect(rep.stderr).toMatch(/is failed: backtest stopped at bar 1415/);
  });
});
