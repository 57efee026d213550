import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/env.js';
import { ConfigError } from '../core/errors.js';
import { loadConfig } from './load.js';
import { maskConfig, secretValues } from './mask.js';

describe('configuration', () => {
  const dir = tempDir();

  it('layers defaults < file < environment < flags', () => {
    const file = path.join(dir, 'a.yaml');
    writeFileSync(file, 'logLevel: debug\nhttp:\n  port: 9000\n  host: 127.0.0.2\nbacktest:\n  feeBps: 7\n');
    const c = loadConfig({ cwd: dir, env: { MTS_HTTP_PORT: '9100', MTS_LOG_LEVEL: 'warn' }, flags: { config: file, logLevel: 'error' } });
    expect(c.logLevel).toBe('error'); // flag beats env beats file
    expect(c.http.port).toBe(9100); // env beats file
    expect(c.http.host).toBe('127.0.0.2'); // file beats default
    expect(c.backtest.feeBps).toBe(7);
    expect(c.backtest.slippageBps).toBe(5); // default
    expect(c.risk.maxDrawdown).toBe(0.2);
    expect(c.dbUrl).toBe(`sqlite:${path.join(dir, 'mts-data', 'mts.db')}`);
    expect(c.alertsDir).toBe(path.join(dir, 'mts-data', 'alerts'));
    expect(Object.isFrozen(c.http)).toBe(true);
  });

  it('reads JSON files and ./mts.config.yaml when present', () => {
    const json = path.join(dir, 'b.json');
    writeFileSync(json, JSON.stringify({ assets: ['BTC/USDT'] }));
    expect(loadConfig({ cwd: dir, env: {}, flags: { config: json } }).assets).toEqual(['BTC/USDT']);
    const sub = path.join(dir, 'proj');
    mkdirSync(sub);
    writeFileSync(path.join(sub, 'mts.config.yaml'), 'dataDir: ./elsewhere\n');
    expect(loadConfig({ cwd: sub, env: {} }).dataDir).toBe(path.join(sub, 'elsewhere'));
  });

  it('names the field, the value, where it came from and what is allowed', () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'logLevel: loud\nrisk:\n  maxDrawdown: -0.1\nbacktset:\n  cash: 5\n');
    let err: unknown;
    try {
      loadConfig({ cwd: dir, env: {}, flags: { config: file } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain(`logLevel = "loud" [from config file ${file}]`);
    expect(msg).toContain('allowed: trace, debug, info, warn, error, fatal, silent');
    expect(msg).toContain('risk.maxDrawdown = -0.1');
    expect(msg).toContain('unknown setting "backtset"');
  });

  it('rejects max below min and level weights that do not sum to 1', () => {
    expect(() => loadConfig({ env: {}, flags: { overrides: { risk: { minPosition: 0.2, maxPosition: 0.1 } } } })).toThrow(/risk.minPosition.*must not exceed maxPosition/);
    expect(() => loadConfig({ env: {}, flags: { overrides: { risk: { levelWeights: { position: 0.5 } } } } })).toThrow(/risk.levelWeights.*sum to 1/);
  });

  it('masks every secret when printed and lists them for log scrubbing', () => {
    const c = loadConfig({
      env: {
        MTS_FRED_API_KEY: 'fredkey0123456789',
        MTS_COINGECKO_API_KEY: 'CG-abcdefghijkl',
        MTS_DISCORD_WEBHOOK_URL: 'https://discord.com/api/webhooks/1/tok,https://discord.com/api/webhooks/2/tok2',
        MTS_SMTP_URL: 'smtp://user:hunter2pass@mail.example:587',
        MTS_API_TOKEN: 'tok-0123456789abcdef',
        MTS_DB_URL: 'postgres://mts:dbpass99@db:5432/mts',
      },
    });
    const printed = JSON.stringify(maskConfig(c));
    for (const secret of ['fredkey0123456789', 'CG-abcdefghijkl', 'webhooks/1/tok', 'hunter2pass', 'tok-0123456789abcdef', 'dbpass99']) {
      expect(printed).not.toContain(secret);
    }
    expect(printed).toContain('smtp://user:***@mail.example:587');
    expect(secretValues(c)).toEqual(expect.arrayContaining(['fredkey0123456789', 'hunter2pass', 'dbpass99', 'https://discord.com/api/webhooks/2/tok2']));
  });
});
