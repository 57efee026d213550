/**
 * Hot reload (issue 13): the signal step of `mts run`, driven in-process on real hourly BTC/ETH candles, reads its
 * config from a ConfigHolder watching a real file. A weight changed in the file is used by the next signals; an
 * invalid edit (a schema error, or parameters the strategy refuses) is rejected and logged and the old config keeps
 * running; SIGHUP re-reads the file too; a pause from the API side stops a strategy until resumed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import type { CommandContext } from '../src/cli/context.js';
import { checkStrategies, liveConfig } from '../src/cli/live-config.js';
import { pipelineTriggers } from '../src/cli/run-server.js';
import { createApiKey } from '../src/security/keys.js';
import { createServer } from '../src/server/server.js';
import { ConfigHolder, type ConfigChange } from '../src/config/holder.js';
import { buildConfig, loadConfig } from '../src/config/load.js';
import { VirtualClock } from '../src/core/clock.js';
import { memoryLogger } from '../src/core/log.js';
import { HOUR_MS } from '../src/core/time.js';
import { createSignalStep } from '../src/scheduler/signal-step.js';
import { openStore, type Store } from '../src/storage/store.js';
import { tempDir } from './helpers/env.js';
import { readBinanceCsv } from './helpers/monitoring-seed.js';
import { dataFile } from './helpers/env.js';

const dir = tempDir();
const file = path.join(dir, 'mts.config.json');
let store: Store;
let lastTs = 0;

/** Only sma_cross runs (fast SMAs, so it crosses often), every aggregate becomes an alert. */
function writeConfig(sma: Record<string, unknown>) {
  const doc = {
    dataDir: dir,
    assets: ['BTC/USDT', 'ETH/USDT'],
    strategies: {
      sma_cross: { enabled: true, weight: 0.4, params: { fast: 2, slow: 5 }, ...sma },
      vix_correlation: { enabled: false },
      mean_reversion: { enabled: false },
      volatility: { enabled: false },
      multi_bucket: { enabled: false },
    },
    aggregation: { minConfidence: 0, alertMinConfidence: 0 },
  };
  writeFileSync(file, JSON.stringify(doc, null, 2));
}

const load = () => loadConfig({ flags: { config: file }, env: {}, cwd: dir });

beforeAll(async () => {
  store = await openStore(`sqlite:${path.join(dir, 'reload.db')}`);
  // Real hourly candles only (no seeded alerts), so the newest alert is always the one the step just made.
  for (const [symbol, f] of [['BTC/USDT', 'BTCUSDT_1h.csv'], ['ETH/USDT', 'ETHUSDT_1h.csv']] as const) {
    const candles = readBinanceCsv(dataFile('candles', 'binance', f), 400);
    await store.candles.upsert({ source: 'binance', symbol, timeframe: '1h' }, candles);
    lastTs = candles[candles.length - 1].ts + HOUR_MS;
  }
});
afterAll(async () => store.close());

function nextChange(holder: ConfigHolder): Promise<ConfigChange> {
  return new Promise((resolve) => {
    const off = holder.subscribe((c) => {
      off();
      resolve(c);
    });
  });
}

describe('hot reload of the running config', () => {
  it('a weight changed in the file is used by the next signals; invalid edits are rejected and the old config runs on', async () => {
    writeConfig({});
    const mem = memoryLogger();
    const holder = new ConfigHolder(load(), { load, validate: (c) => checkStrategies(c), log: mem.logger });
    const stop = holder.watch(file, { debounceMs: 50, sighup: true });
    const clock = new VirtualClock(lastTs - 200 * HOUR_MS);
    const step = createSignalStep({ config: holder, store, clock, log: mem.logger, alertsDir: path.join(dir, 'alerts') });

    // Walks the hours (oldest first) until the step makes an alert; returns the weight the alert was made with.
    let at = lastTs - 150 * HOUR_MS;
    const alertHours: number[] = [];
    const nextAlertWeight = async (): Promise<number> => {
      while (at < lastTs) {
        at += HOUR_MS;
        clock.set(at);
        const r = await step(at, new AbortController().signal);
        if (r.alerts > 0) {
          alertHours.push(at);
          const alert = (await store.signals.listAlerts({ limit: 1 })).items[0];
          const body = alert.body as { analysis_data?: { strategy_weights?: Record<string, number> } };
          return body.analysis_data?.strategy_weights?.sma_cross as number;
        }
      }
      throw new Error('no alert in the seeded hours');
    };

    expect(await nextAlertWeight()).toBe(0.4);

    // Edit the file: the watcher reloads it; the very next signals use the new weight.
    let changed = nextChange(holder);
    writeConfig({ weight: 0.9 });
    expect((await changed).changed).toEqual(['strategies']);
    expect(holder.current.strategies.sma_cross.weight).toBe(0.9);
    expect(await nextAlertWeight()).toBe(0.9);

    // A schema error: rejected, logged, nothing changes.
    expect(holder.reload('test').ok).toBe(true);
    writeConfig({ weight: -1 });
    const bad = holder.reload('edit');
    expect(bad.ok).toBe(false);
    expect(mem.lines.some((l) => l.includes('config reload rejected') && l.includes('strategies.sma_cross.weight'))).toBe(true);
    // Parameters the strategy refuses: rejected too, naming the strategy.
    writeConfig({ weight: 0.2, params: { fast: 0, slow: 5 } });
    const refused = holder.reload('edit');
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/strategies\.sma_cross\.params/) });
    expect(holder.current.strategies.sma_cross.weight).toBe(0.9);
    expect(await nextAlertWeight()).toBe(0.9);

    // SIGHUP re-reads the file the same way.
    writeConfig({ weight: 0.7 });
    changed = nextChange(holder);
    process.emit('SIGHUP', 'SIGHUP');
    // process.emit runs the handler at once, before the file watcher's event can be delivered.
    expect((await changed).reason).toBe('SIGHUP');
    expect(holder.current.strategies.sma_cross.weight).toBe(0.7);
    expect(await nextAlertWeight()).toBe(0.7);

    // Pausing the strategy (the operator route's seam) silences it until it is resumed; reloads keep the pause.
    holder.pause('sma_cross');
    expect(holder.reload('test').ok).toBe(true);
    expect(holder.current.strategies.sma_cross.enabled).toBe(false);
    // An hour where it signalled before: paused, nothing; resumed, it signals again.
    const quiet = await step(alertHours[0], new AbortController().signal);
    expect(quiet.signals).toBe(0);
    expect(holder.resume('sma_cross')).toBe(true);
    expect(holder.current.strategies.sma_cross.enabled).toBe(true);
    expect((await step(alertHours[0], new AbortController().signal)).signals).toBeGreaterThan(0);
    stop();
  });

  it('a change to a setting that needs a restart is reported and not applied', () => {
    writeConfig({});
    const mem = memoryLogger();
    const holder = new ConfigHolder(load(), { load, log: mem.logger });
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...doc, http: { port: 9999 }, strategies: { ...doc.strategies, sma_cross: { ...doc.strategies.sma_cross, weight: 0.5 } } }));
    const r = holder.reload('edit');
    expect(r).toEqual({ ok: true, changed: ['strategies'], needsRestart: ['http'] });
    expect(holder.current.http.port).toBe(8080);
    expect(holder.current.strategies.sma_cross.weight).toBe(0.5);
    expect(mem.lines.some((l) => l.includes('need a restart') && l.includes('http'))).toBe(true);
  });

  it('mts run --serve wiring: an operator pauses and resumes over the API, an admin reload of an invalid file is refused', async () => {
    writeConfig({});
    const mem = memoryLogger();
    const holder = new ConfigHolder(load(), { load, validate: (c) => checkStrategies(c), log: mem.logger });
    const clock = new VirtualClock(lastTs);
    const step = createSignalStep({ config: holder, store, clock, log: mem.logger, alertsDir: path.join(dir, 'alerts') });
    const token = 'reload-admin-token-0123456789';
    const app = await createServer({ config: buildConfig({ http: { apiToken: token } }), store, clock, triggers: pipelineTriggers(holder, step, clock) });
    try {
      const op = await createApiKey(store, { name: 'ops', role: 'operator' }, clock.now());
      const asOp = { authorization: `Bearer ${op.key}` };
      const paused = await app.inject({ method: 'POST', url: '/api/v1/strategies/sma_cross/pause', headers: asOp });
      expect(paused.json()).toEqual({ name: 'sma_cross', paused: ['sma_cross'], changed: true });
      expect(holder.current.strategies.sma_cross.enabled).toBe(false);
      // An operator may not reload the config; an admin may, and an invalid file is refused with the reason.
      expect((await app.inject({ method: 'POST', url: '/api/v1/config/reload', headers: asOp })).statusCode).toBe(403);
      writeConfig({ weight: 'heavy' });
      const refused = await app.inject({ method: 'POST', url: '/api/v1/config/reload', headers: { authorization: `Bearer ${token}` } });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().message).toMatch(/rejected; the running config stays.*strategies\.sma_cross\.weight/s);
      expect(holder.current.strategies.sma_cross.weight).toBe(0.4);
      writeConfig({ weight: 0.6 });
      const ok = await app.inject({ method: 'POST', url: '/api/v1/config/reload', headers: { authorization: `Bearer ${token}` } });
      expect(ok.json()).toEqual({ ok: true, changed: ['strategies'], needs_restart: [] });
      // The pause outlives the reload.
      expect(holder.current.strategies.sma_cross).toMatchObject({ weight: 0.6, enabled: false });
      const resumed = await app.inject({ method: 'POST', url: '/api/v1/strategies/sma_cross/resume', headers: asOp });
      expect(resumed.json()).toEqual({ name: 'sma_cross', paused: [], changed: true });
      const audit = await store.security.listAudit({ limit: 5 });
      expect(audit.items.map((e) => `${e.result} ${e.action}`)).toEqual([
        'ok POST /api/v1/strategies/:name/resume',
        'ok POST /api/v1/config/reload',
        'error POST /api/v1/config/reload',
        'denied POST /api/v1/config/reload',
        'ok POST /api/v1/strategies/:name/pause',
      ]);
    } finally {
      await app.close();
    }
  });

  it('mts run audits reloads from the file or SIGHUP: who, what changed, rejected ones with the reason', async () => {
    writeConfig({});
    const mem = memoryLogger();
    const ctx = { config: load(), log: mem.logger, clock: new VirtualClock(lastTs) } as unknown as CommandContext;
    const cmd = { optsWithGlobals: () => ({ config: file }) } as unknown as Command;
    const live = liveConfig(ctx, cmd, store);
    try {
      expect(live.file).toBe(file);
      writeConfig({ weight: 0.3 });
      live.holder.reload('SIGHUP');
      writeConfig({ weight: -2 });
      live.holder.reload('file');
      // The audit write is not awaited by the reload (and the file watcher may add entries of its own): wait for both.
      const find = async () => {
        const items = (await store.security.listAudit({ limit: 10 })).items.filter((e) => e.action === 'config reload');
        return { hup: items.find((e) => e.actor === 'signal:SIGHUP'), bad: items.find((e) => e.actor === `file:${file}`) };
      };
      let got = await find();
      for (let i = 0; i < 100 && !(got.hup && got.bad); i++) {
        await new Promise((r) => setTimeout(r, 20));
        got = await find();
      }
      expect(got.hup).toMatchObject({ origin: 'local', result: 'ok', detail: 'changed: strategies' });
      expect(got.bad).toMatchObject({ origin: 'local', result: 'error', detail: expect.stringMatching(/strategies\.sma_cross\.weight/) });
      expect(live.holder.current.strategies.sma_cross.weight).toBe(0.3);
    } finally {
      live.stop();
    }
  });
});
