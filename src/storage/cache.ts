/**
 * The Redis cache of latest prices and latest signals (SPEC §13), with a TTL so nothing stale outlives its use.
 * Workers put the close of each newly stored candle, the pipeline the signals of each step; the server and the
 * paper traders read them before falling back to storage. A cache miss or an unreachable Redis is never an
 * error for the reader: the embedded path (the store) answers instead.
 */
import type { Redis } from 'ioredis';
import type { Signal } from '../core/types.js';

export interface CachedPrice {
  symbol: string;
  price: number;
  /** When the price was current (a candle's close time, a tick's time). */
  ts: number;
  source: string;
}

/** Only a newer price replaces a cached one (workers finish in any order). KEYS[1]; ARGV: json, ts, ttl ms. */
const PUT_IF_NEWER = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local ok, old = pcall(cjson.decode, cur)
  if ok and tonumber(old.ts) and tonumber(old.ts) > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1
`;

export class LatestCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {
    if (typeof (redis as Redis & { mtsPutIfNewer?: unknown }).mtsPutIfNewer !== 'function') redis.defineCommand('mtsPutIfNewer', { numberOfKeys: 1, lua: PUT_IF_NEWER });
  }

  private priceKey(symbol: string): string {
    return `${this.prefix}:cache:price:${symbol}`;
  }

  async putPrice(p: CachedPrice): Promise<boolean> {
    const r = await (this.redis as Redis & { mtsPutIfNewer(k: string, v: string, ts: number, ttl: number): Promise<number> }).mtsPutIfNewer(this.priceKey(p.symbol), JSON.stringify(p), p.ts, this.ttlMs);
    return r === 1;
  }

  /** The cached price of a symbol, or undefined (missing, expired, or Redis away). */
  async price(symbol: string): Promise<CachedPrice | undefined> {
    // While the connection is down the store answers at once, instead of after the reconnect attempts.
    if (this.redis.status !== 'ready') return undefined;
    try {
      const text = await this.redis.get(this.priceKey(symbol));
      return text ? (JSON.parse(text) as CachedPrice) : undefined;
    } catch {
      return undefined;
    }
  }

  /** The latest signals of one step, replacing the previous step's. */
  async putSignals(at: number, signals: readonly Signal[]): Promise<void> {
    await this.redis.set(`${this.prefix}:cache:signals`, JSON.stringify({ at, signals }), 'PX', this.ttlMs);
  }

  async signals(): Promise<{ at: number; signals: Signal[] } | undefined> {
    if (this.redis.status !== 'ready') return undefined;
    try {
      const text = await this.redis.get(`${this.prefix}:cache:signals`);
      return text ? (JSON.parse(text) as { at: number; signals: Signal[] }) : undefined;
    } catch {
      return undefined;
    }
  }
}
