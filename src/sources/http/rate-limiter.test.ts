import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/clock.js';
import { TokenBucket } from './rate-limiter.js';

/** Largest weight spent inside any window [t, t + windowMs) over the recorded spends. */
function worstWindow(spends: { t: number; w: number }[], windowMs: number): number {
  let worst = 0;
  for (const a of spends) {
    let sum = 0;
    for (const b of spends) if (b.t >= a.t && b.t < a.t + windowMs) sum += b.w;
    worst = Math.max(worst, sum);
  }
  return worst;
}

describe('TokenBucket', () => {
  it('keeps the limit when one call outweighs the headroom (exchangeInfo, 20, against 30 per window)', async () => {
    const clock = new VirtualClock(0);
    const bucket = new TokenBucket({ limit: 30, windowMs: 1000, safetyFraction: 0.8, maxWeight: 20 }, clock);
    const spends: { t: number; w: number }[] = [];
    // klines of weight 2 back to back, and a weight-20 market list every tenth call
    const done = (async () => {
      for (let i = 0; i < 60; i++) {
        const w = i % 10 === 5 ? 20 : 2;
        await bucket.take(w);
        spends.push({ t: clock.now(), w });
      }
    })();
    await clock.runUntil(60_000);
    await done;
    expect(spends).toHaveLength(60);
    // any window, rolling or fixed (a fixed one is one of the rolling ones)
    expect(worstWindow(spends, 1000)).toBeLessThanOrEqual(30);
  });

  it('never lets more than the published limit through in any window, under sustained demand', async () => {
    const clock = new VirtualClock(0);
    // Binance-like: 6000 weight per minute at 80%; klines cost 2.
    const bucket = new TokenBucket({ limit: 6000, windowMs: 60_000, safetyFraction: 0.8 }, clock);
    const spends: { t: number; w: number }[] = [];
    const done = (async () => {
      for (let i = 0; i < 6000; i++) {
        await bucket.take(2);
        spends.push({ t: clock.now(), w: 2 });
      }
    })();
    await clock.runUntil(10 * 60_000);
    await done;
    expect(spends).toHaveLength(6000);
    expect(worstWindow(spends, 60_000)).toBeLessThanOrEqual(6000);
    // Over ten minutes the sustained rate is the safe fraction: 4800 weight/min, so 12000 weight takes 2.25 min
    // after the initial burst of 1200 (the headroom 6000 − 4800).
    const twelveThousand = spends[5999].t;
    expect(twelveThousand).toBeGreaterThanOrEqual(((12_000 - 1200) / 4800) * 60_000 - 1);
    expect(twelveThousand).toBeLessThanOrEqual(((12_000 - 1200) / 4800) * 60_000 + 100);
  });

  it('keeps a fixed-window limit of 30 calls per minute (CoinGecko Demo) at 80%', async () => {
    const clock = new VirtualClock(0);
    const bucket = new TokenBucket({ limit: 30, windowMs: 60_000, safetyFraction: 0.8 }, clock);
    const times: number[] = [];
    const done = (async () => {
      for (let i = 0; i < 100; i++) {
        await bucket.take(1);
        times.push(clock.now());
      }
    })();
    await clock.runUntil(10 * 60_000);
    await done;
    for (let m = 0; m < 5; m++) {
      const inMinute = times.filter((t) => t >= m * 60_000 && t < (m + 1) * 60_000).length;
      expect(inMinute).toBeLessThanOrEqual(30);
    }
    expect(worstWindow(times.map((t) => ({ t, w: 1 })), 60_000)).toBeLessThanOrEqual(30);
  });

  it('holds every taker while paused by a Retry-After', async () => {
    const clock = new VirtualClock(1000);
    const bucket = new TokenBucket({ limit: 100, windowMs: 1000, safetyFraction: 0.5 }, clock);
    bucket.pause(5000);
    let at = -1;
    const p = bucket.take(1).then(() => {
      at = clock.now();
    });
    await clock.runUntil(10_000);
    await p;
    expect(at).toBe(6000);
  });
});
