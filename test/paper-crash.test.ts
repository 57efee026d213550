/**
 * Crash safety of paper trading (SPEC §11): 1,000 alerts arrive while `mts paper` (a child process) is killed with
 * SIGKILL at random moments at least 20 times and restarted each time. The book at the end must equal that of a run
 * never interrupted (the same alerts applied in-process, in order), with every alert consumed exactly once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../src/config/index.js';
import { SystemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/log.js';
import { PaperEngine } from '../src/paper/engine.js';
import { intentFromAlert } from '../src/paper/intent.js';
import { paperStatus } from '../src/paper/status.js';
import { type Alert, writeAlert } from '../src/signals/alerts/index.js';
import { openStore, type Store } from '../src/storage/store.js';
import { dropPgSchema, REPO_ROOT, storeTargets, tempDir } from './helpers/env.js';
import { flatCandles } from './helpers/paper.js';
import { alertStream, prng, TEST_PRICES } from './helpers/paper-alerts.js';

const N = 1000;
const KILLS = 20;
const ASSETS = Object.keys(TEST_PRICES);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function seeded(url: string): Promise<Store> {
  const store = await openStore(url);
  for (const [symbol, p] of Object.entries(TEST_PRICES)) await store.candles.upsert({ source: 'binance', symbol, timeframe: '1h' }, flatCandles(p, 48, Date.UTC(2025, 0, 1)));
  return store;
}

function startEngine(env: Record<string, string>, configFile: string): { child: ChildProcess; ready: Promise<void>; exited: Promise<number | null> } {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('MTS_')) clean[k] = v;
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/mts.js'), '--config', configFile, 'paper'], { env: { ...clean, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (d) => {
      err += String(d);
      if (err.includes('consuming alerts')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`engine exited (${code}) before it was ready: ${err.slice(-2000)}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exited };
}

/** What must be equal between the runs: everything but the wall-clock times of fills. */
async function book(store: Store) {
  const status = await paperStatus(store, buildConfig({ assets: ASSETS }), Date.now());
  return {
    cash: status.cash,
    equity: status.equity,
    positions: status.positions.map(({ entry_ts: _t, ...p }) => p),
    trades: (await store.paper.trades()).map(({ entryTs: _a, exitTs: _b, ...t }) => t),
    fills: (await store.paper.fills()).map(({ ts: _t, ...f }) => f),
    alerts: Object.fromEntries((await store.paper.alerts()).map((a) => [a.alertId, `${a.status}: ${a.reason}`])),
  };
}

describe.each(storeTargets())('paper trading killed with SIGKILL on $name', ({ url }) => {
  const urls: string[] = [];
  afterAll(async () => {
    for (const u of urls) await dropPgSchema(u);
  });

  it(`applies ${N} alerts exactly once across ${KILLS} kills and equals an uninterrupted run`, async () => {
    const dir = tempDir();
    const alertsDir = path.join(dir, 'alerts');
    const configFile = path.join(dir, 'mts.config.json');
    writeFileSync(configFile, JSON.stringify({ assets: ASSETS, paper: { rescanInterval: 100 } }));
    const [crashUrl, refUrl] = [url(), url()];
    urls.push(crashUrl, refUrl);
    const alerts = alertStream(N, Date.now());
    const rnd = prng(2024);

    // The reference, meanwhile: the same alerts applied in order by one engine that is never interrupted.
    const ref = await seeded(refUrl);
    const reference = (async () => {
      const engine = await PaperEngine.open({ store: ref, config: buildConfig({ assets: ASSETS }), clock: new SystemClock(), log: silentLogger });
      for (const a of alerts) {
        const r = intentFromAlert(a, ASSETS);
        if (!r.ok) throw new Error(r.reason);
        await engine.applyAlert(r.intent, null);
      }
    })();

    (await seeded(crashUrl)).close();
    const env = { MTS_DB_URL: crashUrl, MTS_ALERTS_DIR: alertsDir, MTS_DATA_DIR: dir, MTS_LOG_LEVEL: 'info' };
    let next = 0;
    const writeSome = async (batch: Alert[]) => {
      for (const a of batch) {
        await writeAlert(a, alertsDir);
        if (rnd() < 0.2) await sleep(1);
      }
    };
    const perCycle = Math.ceil(N / KILLS);
    let kills = 0;
    while (kills < KILLS) {
      const e = startEngine(env, configFile);
      await e.ready;
      const writing = writeSome(alerts.slice(next, next + perCycle));
      next += perCycle;
      await sleep(rnd() * 400);
      e.child.kill('SIGKILL');
      expect(await e.exited).toBeNull();
      kills++;
      await writing;
    }
    await writeSome(alerts.slice(next));

    // The last run drains what is left and stops cleanly on SIGTERM.
    const last = startEngine(env, configFile);
    await last.ready;
    for (let i = 0; i < 600 && readdirSync(alertsDir).some((n) => n.endsWith('.json')); i++) await sleep(50);
    await sleep(300);
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);

    await reference;
    expect(readdirSync(alertsDir).filter((n) => n.endsWith('.json'))).toEqual([]);
    expect(readdirSync(path.join(alertsDir, 'processed'))).toHaveLength(N);
    expect(readdirSync(path.join(alertsDir, 'rejected'))).toEqual([]);
    const crashed = await openStore(crashUrl);
    try {
      const [got, want] = [await book(crashed), await book(ref)];
      expect(Object.keys(got.alerts)).toHaveLength(N);
      expect(got.alerts).toEqual(want.alerts);
      expect(got.fills).toEqual(want.fills);
      expect(got.trades).toEqual(want.trades);
      expect(got.positions).toEqual(want.positions);
      expect(got.cash).toBe(want.cash);
      expect(got.equity).toBe(want.equity);
      // The run traded: a test whose alerts were all refused would prove nothing.
      expect(want.trades.length).toBeGreaterThan(50);
    } finally {
      await crashed.close();
      await ref.close();
    }
  }, 400_000);
});
