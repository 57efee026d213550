/**
 * `mts paper` on the alert stream: entries of `mts:alerts` are read in the consumer group, parsed and checked as
 * alert files are (signals' reader, the paper intent), applied by the paper engine, and acknowledged after its
 * transaction committed. Traders of one group share one paper account in PostgreSQL, so a batch is applied under
 * a short Redis lock, on the book as last committed (reloaded when another trader changed it).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/log.js';
import { PaperEngine, type PaperEngineOptions } from '../paper/engine.js';
import { intentFromAlert, type PaperIntent } from '../paper/intent.js';
import { parseAlertText } from '../signals/alerts/index.js';
import type { LatestCache } from '../storage/cache.js';
import type { AlertStreamReader, StreamEntry } from './alert-stream.js';

/** Releases the lock only if this trader still holds it. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface StreamTraderOptions {
  engine: PaperEngineOptions;
  reader: AlertStreamReader;
  /** A connection for the account lock (not the reader's blocking one). */
  redis: Redis;
  lockKey: string;
  /** Longest a batch may hold the account; a dead holder's lock expires after it. */
  lockMs?: number;
  cache?: LatestCache;
  log: Logger;
  signal: AbortSignal;
  /** Wait per read when nothing is new. */
  blockMs?: number;
  /** Called after each batch (tests observe progress with it). */
  onBatch?: (r: { applied: string[]; consumed: string[]; malformed: string[] }) => void;
}

export interface StreamSummary {
  applied: number;
  consumed: number;
  malformed: number;
}

export async function runStreamTrader(o: StreamTraderOptions): Promise<StreamSummary> {
  const summary: StreamSummary = { applied: 0, consumed: 0, malformed: 0 };
  const lockMs = o.lockMs ?? 30_000;
  let engine = await PaperEngine.open(o.engine);
  await o.reader.ensureGroup();
  while (!o.signal.aborted) {
    let entries: StreamEntry[];
    try {
      entries = await o.reader.next(o.blockMs ?? 1000);
    } catch (err) {
      o.log.warn({ err: String(err) }, 'paper: reading the alert stream failed; retrying');
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    if (entries.length === 0) continue;
    const ready: { intent: PaperIntent; entry: string }[] = [];
    const malformed: { entry: string; reason: string }[] = [];
    for (const e of entries) {
      const parsed = parseAlertText(e.body, `stream-${e.entry}`);
      const intent = parsed.ok ? intentFromAlert(parsed.alert, o.engine.config.assets) : parsed;
      if (intent.ok) ready.push({ intent: intent.intent, entry: e.entry });
      else malformed.push({ entry: e.entry, reason: intent.reason });
    }
    ready.sort((a, b) => a.intent.ts - b.intent.ts || (a.intent.id < b.intent.id ? -1 : 1));
    const token = randomUUID();
    try {
      await acquire(o.redis, o.lockKey, token, lockMs, o.signal);
      try {
        engine = await current(engine, o.engine);
        if (o.cache) await feedCachedPrices(engine, o.cache, ready, o.engine.clock.now());
        for (const m of malformed) await engine.recordMalformed(`stream:${m.entry}`, m.reason);
        const outcomes = ready.length ? await engine.applyAlerts(ready.map((r) => ({ intent: r.intent, file: `stream:${r.entry}` }))) : [];
        const result = { applied: [] as string[], consumed: [] as string[], malformed: malformed.map((m) => m.entry) };
        outcomes.forEach((out, i) => {
          (out.status === 'applied' ? result.applied : result.consumed).push(ready[i].intent.id);
        });
        // Only now, after the commit: a trader dying before this line leaves the entries pending for another.
        await o.reader.ack(entries.map((e) => e.entry));
        summary.applied += result.applied.length;
        summary.consumed += result.consumed.length;
        summary.malformed += malformed.length;
        o.onBatch?.(result);
      } finally {
        await o.redis.eval(RELEASE, 1, o.lockKey, token).catch(() => undefined);
      }
    } catch (err) {
      if (o.signal.aborted) break;
      o.log.error({ entries: entries.length, err: String(err) }, 'paper: alerts from the stream not applied; they stay pending and are read again');
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return summary;
}

async function acquire(redis: Redis, key: string, token: string, ms: number, signal: AbortSignal): Promise<void> {
  while ((await redis.set(key, token, 'PX', ms, 'NX')) !== 'OK') {
    signal.throwIfAborted();
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The engine on the book as last committed: reopened when another trader committed since this one did. */
async function current(engine: PaperEngine, opts: PaperEngineOptions): Promise<PaperEngine> {
  const stored = await opts.store.paper.account();
  if (stored?.state && stored.state !== JSON.stringify(engine.current.state())) return PaperEngine.open(opts);
  return engine;
}

/** Cached latest prices newer than what the engine knows become ticks, so fills use them. */
async function feedCachedPrices(engine: PaperEngine, cache: LatestCache, ready: { intent: PaperIntent }[], now: number): Promise<void> {
  for (const symbol of new Set(ready.map((r) => r.intent.symbol))) {
    const p = await cache.price(symbol);
    if (p && p.ts <= now) await engine.onPrice(symbol, p.price, p.ts).catch(() => undefined);
  }
}

/** `mts paper --stream`: the connections, the reader in the `paper` group, and the loop until the signal fires. */
export async function runStreamPaper(o: { engine: PaperEngineOptions; consumer: string; signal: AbortSignal; onBatch?: StreamTraderOptions['onBatch']; blockMs?: number }): Promise<StreamSummary> {
  const { redisSettings, connectRedis, keyOf } = await import('./redis.js');
  const { AlertStreamReader, ALERT_STREAM, PAPER_GROUP } = await import('./alert-stream.js');
  const { LatestCache } = await import('../storage/cache.js');
  const s = redisSettings(o.engine.config, 'mts paper --stream');
  const log = o.engine.log;
  const redis = connectRedis(s.url, 'paper', log);
  const reading = connectRedis(s.url, 'paper-stream', log, { blocking: true });
  try {
    const reader = new AlertStreamReader({ redis: reading, key: keyOf(s, ALERT_STREAM), group: PAPER_GROUP, consumer: o.consumer, claimIdleMs: s.claimIdleMs, log });
    log.info({ consumer: o.consumer, stream: keyOf(s, ALERT_STREAM) }, 'paper: consuming the alert stream');
    return await runStreamTrader({ engine: o.engine, reader, redis, lockKey: keyOf(s, 'paper:lock'), cache: new LatestCache(redis, s.prefix, s.cacheTtlMs), log, signal: o.signal, onBatch: o.onBatch, blockMs: o.blockMs });
  } finally {
    await Promise.all([redis.quit().catch(() => redis.disconnect()), Promise.resolve(reading.disconnect())]);
  }
}
