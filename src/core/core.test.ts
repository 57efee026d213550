import { describe, expect, it } from 'vitest';
import { coingeckoIdOf, DEFAULT_ASSETS, exchangeId, normalizeSymbol } from './assets.js';
import { VirtualClock } from './clock.js';
import { exitCodeFor, InputError, RetryableError } from './errors.js';
import { memoryLogger } from './log.js';
import { floorToGrid, isOnGrid, parseDuration, parseTime, parseTimeframe, parseTimeLoose } from './time.js';

describe('time', () => {
  it('reads the time formats of the data files as UTC', () => {
    const t = Date.UTC(2022, 0, 1, 1);
    expect(parseTimeLoose('2022-01-01 01:00:00')).toBe(t);
    expect(parseTimeLoose('2022-01-01 01:00:00+00:00')).toBe(t);
    expect(parseTimeLoose('2022-01-01T01:00:00Z')).toBe(t);
    expect(parseTimeLoose('2022-01-01 03:00:00+02:00')).toBe(t);
    expect(parseTimeLoose(String(t))).toBe(t);
    expect(parseTimeLoose(String(t / 1000))).toBe(t);
    expect(parseTimeLoose('2022-01-01')).toBe(Date.UTC(2022, 0, 1));
    expect(parseTimeLoose('yesterday')).toBeNaN();
    expect(() => parseTime('soon', '--from')).toThrow('--from: cannot read time "soon"');
  });

  it('knows the grid and durations', () => {
    expect(parseTimeframe('4h')).toBe('4h');
    expect(() => parseTimeframe('3h')).toThrow('allowed: 1m, 5m, 15m, 1h, 4h, 1d');
    expect(floorToGrid(Date.UTC(2024, 0, 1, 13, 47), '15m')).toBe(Date.UTC(2024, 0, 1, 13, 45));
    expect(isOnGrid(Date.UTC(2024, 0, 1, 13), '1h')).toBe(true);
    expect(isOnGrid(Date.UTC(2024, 0, 1, 13, 30), '1h')).toBe(false);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(() => parseDuration('fortnight')).toThrow(InputError);
  });
});

describe('symbols and assets', () => {
  it('unifies the ways people write a market', () => {
    for (const s of ['BTC/USDT', 'btc/usdt', 'BTCUSDT', 'BTC-USDT', 'BTC_USDT', 'BTC', 'bitcoin']) expect(normalizeSymbol(s)).toBe('BTC/USDT');
    expect(exchangeId('ETH/USDT')).toBe('ETHUSDT');
    expect(coingeckoIdOf('AVAX/USDT')).toBe('avalanche-2');
    expect(DEFAULT_ASSETS).toHaveLength(10);
    expect(() => normalizeSymbol('BTC/US DT')).toThrow(InputError);
  });
});

describe('VirtualClock', () => {
  it('wakes sleepers in time order only when advanced', async () => {
    const clock = new VirtualClock(1000);
    const woke: string[] = [];
    void clock.sleep(500).then(() => woke.push(`b@${clock.now()}`));
    void clock.sleep(100).then(() => woke.push(`a@${clock.now()}`));
    await clock.advance(50);
    expect(woke).toEqual([]);
    await clock.advance(1000);
    expect(woke).toEqual(['a@1100', 'b@1500']);
    expect(clock.now()).toBe(2050);
  });

  it('runs chains of sleeps (a loop) within one advance', async () => {
    const clock = new VirtualClock(0);
    const ticks: number[] = [];
    void (async () => {
      for (let i = 0; i < 5; i++) {
        await clock.sleep(60_000);
        ticks.push(clock.now());
      }
    })();
    await clock.advance(300_000);
    expect(ticks).toEqual([60_000, 120_000, 180_000, 240_000, 300_000]);
  });
});

describe('errors and logs', () => {
  it('maps error kinds to exit codes', () => {
    expect(exitCodeFor(new InputError('E_X', 'bad'))).toBe(2);
    expect(exitCodeFor(new RetryableError('E_NET', 'later', { retryAfterMs: 5 }))).toBe(1);
  });

  it('scrubs secrets from every log line', () => {
    const { logger, lines } = memoryLogger({ secrets: ['s3cr3t-key-value'] });
    logger.info({ url: 'https://x/?api_key=s3cr3t-key-value' }, 'calling with s3cr3t-key-value');
    logger.info({ apiKey: 'another' }, 'redacted by path');
    expect(lines.join('\n')).not.toContain('s3cr3t-key-value');
    expect(lines.join('\n')).not.toContain('another');
    expect(lines[0]).toContain('***');
  });
});
