/**
 * The alert stream `mts:alerts` (Redis Streams, SPEC §13). The pipeline appends every alert it records (XADD);
 * paper traders read it in one consumer group (XREADGROUP), so each entry goes to one of them, and acknowledge it
 * (XACK) only after the paper engine's transaction committed. An entry a dead trader held longer than the claim
 * idle time is claimed by a live one (XAUTOCLAIM); the engine's record of consumed alert ids stays the guard, so
 * an entry applied before its trader died is recognised, not applied again.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../core/log.js';

/** Entries kept in the stream (approximate trim); acknowledged history beyond this is not needed. */
const MAX_LEN = 100_000;

export const ALERT_STREAM = 'alerts';
export const PAPER_GROUP = 'paper';

export interface StreamEntry {
  /** The stream entry id (what is acknowledged). */
  entry: string;
  /** The alert id. */
  alertId: string;
  /** The alert document as JSON text. */
  body: string;
}

/** Appends one alert; returns the entry id. */
export async function publishAlert(redis: Redis, key: string, alert: { id: string } & Record<string, unknown>): Promise<string> {
  return (await redis.xadd(key, 'MAXLEN', '~', MAX_LEN, '*', 'id', alert.id, 'alert', JSON.stringify(alert))) as string;
}

type RawEntry = [id: string, fields: string[]] | null;

function toEntries(raw: RawEntry[] | undefined): StreamEntry[] {
  const out: StreamEntry[] = [];
  for (const e of raw ?? []) {
    // A claimed entry trimmed from the stream meanwhile comes back as null: nothing left to apply.
    if (!e?.[1]) continue;
    const f = new Map<string, string>();
    for (let i = 0; i + 1 < e[1].length; i += 2) f.set(e[1][i], e[1][i + 1]);
    out.push({ entry: e[0], alertId: f.get('id') ?? '', body: f.get('alert') ?? '' });
  }
  return out;
}

export interface ReaderOptions {
  /** A connection of its own: reads block on it. */
  redis: Redis;
  key: string;
  group: string;
  /** This trader's name in the group (stable across restarts, so a restart re-reads its own pending entries). */
  consumer: string;
  claimIdleMs: number;
  log: Logger;
}

export class AlertStreamReader {
  private ownPendingChecked = false;

  constructor(private readonly o: ReaderOptions) {}

  /** Creates the group (from the stream's start) unless it exists. */
  async ensureGroup(): Promise<void> {
    try {
      await this.o.redis.xgroup('CREATE', this.o.key, this.o.group, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }

  /**
   * The next entries for this trader: first its own pending ones (after a restart), then entries other traders
   * held too long, then new ones (waiting up to blockMs).
   */
  async next(blockMs: number, count = 100): Promise<StreamEntry[]> {
    const { redis, key, group, consumer } = this.o;
    if (!this.ownPendingChecked) {
      const own = (await redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', key, '0')) as [string, RawEntry[]][] | null;
      const entries = toEntries(own?.[0]?.[1]);
      if (entries.length > 0) return entries;
      this.ownPendingChecked = true;
    }
    const claimed = (await redis.xautoclaim(key, group, consumer, this.o.claimIdleMs, '0-0', 'COUNT', count)) as [string, RawEntry[], string[]?];
    const taken = toEntries(claimed[1]);
    if (taken.length > 0) {
      this.o.log.warn({ consumer, entries: taken.length }, 'paper: claimed alerts another trader held too long');
      return taken;
    }
    const fresh = (await redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', key, '>')) as [string, RawEntry[]][] | null;
    return toEntries(fresh?.[0]?.[1]);
  }

  async ack(entries: readonly string[]): Promise<void> {
    if (entries.length) await this.o.redis.xack(this.o.key, this.o.group, ...entries);
  }

  /** Entries delivered in the group and not yet acknowledged (for status and tests). */
  async pending(): Promise<number> {
    const p = (await this.o.redis.xpending(this.o.key, this.o.group)) as [number, ...unknown[]];
    return Number(p[0]);
  }
}
